/*
 * ramdisk - a RAM disk behind the scstj user-handler protocol (docs/user-handlers.md).
 *   ramdisk [--size 64M] [--block-size 512] SOCKET
 * Anonymous private memory; UNMAP zeroes the range (MADV_DONTNEED on whole pages gives the
 * pages back), so reads of unmapped blocks return zeros (SBC-4 4.7, LBPRZ = 1).
 */
#include <errno.h>
#include <sys/mman.h>

#include "handler_cli.h"

struct ramdisk {
	unsigned char *mem;
	uint64_t size;
	long page;
};

static int rd_read(void *dev, uint64_t off, uint64_t len, void *buf)
{
	struct ramdisk *d = dev;
	memcpy(buf, d->mem + off, len);
	return 0;
}

static int rd_write(void *dev, uint64_t off, uint64_t len, const void *buf, bool fua)
{
	struct ramdisk *d = dev;
	(void)fua;		/* memory has no volatile cache to write through */
	memcpy(d->mem + off, buf, len);
	return 0;
}

static int rd_unmap(void *dev, uint64_t off, uint64_t len)
{
	struct ramdisk *d = dev;
	uint64_t page = (uint64_t)d->page;
	uint64_t first = (off + page - 1) / page * page, last = (off + len) / page * page;
	if (first < last) {
		memset(d->mem + off, 0, first - off);
		if (madvise(d->mem + first, last - first, MADV_DONTNEED) < 0)
			memset(d->mem + first, 0, last - first);
		memset(d->mem + last, 0, off + len - last);
	} else {
		memset(d->mem + off, 0, len);
	}
	return 0;
}

static int rd_write_same(void *dev, uint64_t off, uint64_t len, const void *block,
			 uint32_t block_len, bool fua)
{
	struct ramdisk *d = dev;
	(void)fua;
	for (uint64_t o = off; o < off + len; o += block_len)
		memcpy(d->mem + o, block, block_len);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .size = 64ull << 20, .block_size = 512 };
	int bad = cli_parse(argc, argv, &c, false);
	if (bad)
		return bad;
	struct ramdisk d = { .size = c.size, .page = sysconf(_SC_PAGESIZE) };
	d.mem = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		     -1, 0);
	if (d.mem == MAP_FAILED) {
		perror("ramdisk: mmap");
		return 1;
	}
	cli_signals();
	static const struct scstj_ops ops = {
		.read = rd_read,
		.write = rd_write,
		.unmap = rd_unmap,
		.write_same = rd_write_same,
	};
	enum scstj_end end = cli_serve(&c, "ramdisk", &ops, &d);
	munmap(d.mem, c.size);
	return exit_status(end);
}
