/*
 * filedisk - a disk in a file behind the scstj user-handler protocol (docs/user-handlers.md).
 *   filedisk --file PATH [--size 64M] [--block-size 512] SOCKET
 * pread/pwrite; FLUSH and FUA by fdatasync (SBC-4 SYNCHRONIZE CACHE; the FUA bit of WRITE);
 * UNMAP by fallocate(PUNCH_HOLE | KEEP_SIZE), so the blocks read as zeros (SBC-4 4.7,
 * LBPRZ = 1);
 * WRITE SAME by pwrite of the block repeated.  --size creates or resizes the file; without
 * it the file's size is the medium's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handler_cli.h"

struct filedisk {
	int fd;
};

static int fd_read(void *dev, uint64_t off, uint64_t len, void *buf)
{
	struct filedisk *d = dev;
	for (uint64_t done = 0; done < len;) {
		ssize_t n = pread(d->fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {		/* beyond the end of a file that shrank: zeros */
			memset((char *)buf + done, 0, len - done);
			break;
		}
		done += (uint64_t)n;
	}
	return 0;
}

static int pwrite_all(int fd, const void *buf, uint64_t len, uint64_t off)
{
	for (uint64_t done = 0; done < len;) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (uint64_t)n;
	}
	return 0;
}

static int fd_flush(void *dev)
{
	struct filedisk *d = dev;
	return fdatasync(d->fd) < 0 ? -errno : 0;
}

static int fd_write(void *dev, uint64_t off, uint64_t len, const void *buf, bool fua)
{
	struct filedisk *d = dev;
	int r = pwrite_all(d->fd, buf, len, off);
	return r ? r : fua ? fd_flush(dev) : 0;
}

static int fd_unmap(void *dev, uint64_t off, uint64_t len)
{
	struct filedisk *d = dev;
	if (fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -errno;
	/* A file system without holes: write zeros, the same answer to later reads. */
	static const unsigned char zeros[65536];
	for (uint64_t o = off; o < off + len; o += sizeof zeros) {
		uint64_t n = off + len - o < sizeof zeros ? off + len - o : sizeof zeros;
		int r = pwrite_all(d->fd, zeros, n, o);
		if (r)
			return r;
	}
	return 0;
}

static int fd_write_same(void *dev, uint64_t off, uint64_t len, const void *block,
			 uint32_t block_len, bool fua)
{
	struct filedisk *d = dev;
	enum { CHUNK = 1 << 20 };
	uint64_t chunk = len < CHUNK ? len : CHUNK / block_len * block_len;
	unsigned char *rep = malloc(chunk);
	if (!rep)
		return -ENOMEM;
	for (uint64_t o = 0; o < chunk; o += block_len)
		memcpy(rep + o, block, block_len);
	int r = 0;
	for (uint64_t o = off; o < off + len && !r; o += chunk)
		r = pwrite_all(d->fd, rep, off + len - o < chunk ? off + len - o : chunk, o);
	free(rep);
	return r ? r : fua ? fd_flush(dev) : 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .size = 0, .block_size = 512 };
	int bad = cli_parse(argc, argv, &c, true);
	if (bad)
		return bad;
	struct filedisk d;
	d.fd = open(c.file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d.fd < 0) {
		perror(c.file);
		return 1;
	}
	struct stat st;
	if (c.size) {
		if (ftruncate(d.fd, (off_t)c.size) < 0) {
			perror("filedisk: ftruncate");
			return 1;
		}
	} else if (fstat(d.fd, &st) == 0) {
		c.size = (uint64_t)st.st_size / c.block_size * c.block_size;
	}
	if (c.size == 0) {
		fprintf(stderr, "filedisk: %s is empty; give --size\n", c.file);
		return 2;
	}
	cli_signals();
	static const struct scstj_ops ops = {
		.read = fd_read,
		.write = fd_write,
		.flush = fd_flush,
		.unmap = fd_unmap,
		.write_same = fd_write_same,
	};
	enum scstj_end end = cli_serve(&c, "filedisk", &ops, &d);
	close(d.fd);
	return exit_status(end);
}
