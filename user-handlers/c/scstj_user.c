/*
 * scstj_user.c - the handler side of the scstj user-handler protocol, version 1.
 * Section names in comments are those of docs/user-handlers.md.
 */
#include "scstj_user.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the protocol is little-endian; this library copies integers as they are");

/* "Messages on the control socket" */
#define MSG_MAGIC 0x48554353u
#define PROTO_VERSION 1
#define HDR_LEN 16
#define MSG_MAX 4096
enum { M_HELLO = 1, M_WELCOME, M_READY, M_ABORT, M_TMF, M_EVENT, M_REFUSE, M_GOODBYE };
#define HELLO_LEN 104
#define WELCOME_LEN 72
#define ABORT_LEN 24
#define TMF_LEN 32
#define EVENT_LEN 32

/* "The shared memory" */
#define RING_MAGIC 0x52554353u
#define OFF_MAGIC 0
#define OFF_VERSION 4
#define OFF_SQ_TAIL 64
#define OFF_SQ_HEAD 128
#define OFF_CQ_TAIL 192
#define OFF_CQ_HEAD 256
#define OFF_HANDLER_WAITING 320
#define OFF_CORE_WAITING 384
#define OFF_CONTROL_SENT 448
#define RING_HEADER_SIZE 4096
#define SQE_SIZE 128
#define CQE_SIZE 64
#define SENSE_MAX 48
enum { OP_READ = 1, OP_WRITE, OP_FLUSH, OP_UNMAP, OP_WRITE_SAME, OP_CDB };
#define FL_FUA 1u
#define NO_BUFFER 0xFFFFFFFFu

/* SAM-5 5.3 status codes */
#define ST_GOOD 0x00
#define ST_CHECK_CONDITION 0x02
#define ST_TASK_ABORTED 0x40

/* A consumer never sleeps longer than this without looking at its ring: a core that has no
 * store-load fence (the Python test core) may miss our "waiting" word. */
#define SAFETY_WAIT_MS 20

static volatile sig_atomic_t stop_requested;
static int stop_fd = -1;	/* an eventfd scstj_stop() writes, so a sleeping poll wakes */
static int ctl_fd = -1;

struct attachment {
	const struct scstj_config *cfg;
	const struct scstj_ops *ops;
	void *dev;
	uint64_t epoch;
	uint32_t features, sq_entries, cq_entries, nbuf, buf_size, sq_off, cq_off, deadline_ms;
	uint64_t pool_off, size;
	unsigned char *mem;
	int sq_efd, cq_efd;
	_Atomic uint32_t *sq_tail, *sq_head, *cq_tail, *cq_head, *handler_waiting, *core_waiting, *control_sent;
	uint32_t control_seen;	/* control_sent when the socket was last read */
	uint32_t head;		/* our copy of the SQ head */
	uint32_t ctail;		/* our copy of the CQ tail */
	uint64_t *aborted;	/* ids ABORTed while still in the SQ */
	uint32_t naborted;
	uint64_t spin_ns, spin_max_ns;
	bool unrung;	/* completions added since the core's doorbell was last considered */
};

static void logf_(const struct attachment *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void logf_(const struct attachment *a, const char *fmt, ...)
{
	if (a && a->cfg && !a->cfg->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", a && a->cfg && a->cfg->name ? a->cfg->name : "scstj_user");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void header(unsigned char *m, uint16_t type, uint32_t len)
{
	memset(m, 0, len);
	put32(m, MSG_MAGIC);
	put16(m + 4, type);
	put16(m + 6, PROTO_VERSION);
	put32(m + 8, len);
}

/* The header rules: magic, version, the length equal to the datagram's size, a known type. */
static int check_header(const unsigned char *m, ssize_t n)
{
	if (n < HDR_LEN || get32(m) != MSG_MAGIC || (get32(m + 4) >> 16) != PROTO_VERSION ||
	    get32(m + 8) != (uint32_t)n)
		return -1;
	uint16_t type = (uint16_t)get32(m + 4);
	return type >= M_HELLO && type <= M_GOODBYE ? type : -1;
}

static int send_msg(const unsigned char *m, size_t len)
{
	return send(ctl_fd, m, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
}

void scstj_stop(void)
{
	stop_requested = 1;
	if (stop_fd >= 0) {
		uint64_t one = 1;
		ssize_t r = write(stop_fd, &one, sizeof one);
		(void)r;
	}
}

int scstj_send_event(uint32_t event, uint64_t value)
{
	unsigned char m[EVENT_LEN];
	header(m, M_EVENT, EVENT_LEN);
	put32(m + 16, event);
	put64(m + 24, value);
	return send_msg(m, sizeof m);
}

uint64_t scstj_parse_size(const char *text)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text)
		return 0;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case 't': case 'T': v <<= 40; end++; break;
	default: break;
	}
	if (*end == 'i')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	return *end ? 0 : v;
}

/* ---- attach: HELLO, WELCOME, READY ---- */

static int send_hello(const struct scstj_config *cfg, const struct scstj_ops *ops)
{
	unsigned char m[HELLO_LEN];
	uint32_t f = cfg->extra_features & (SCSTJ_F_TMF | SCSTJ_F_EVENTS);
	if (ops->flush)
		f |= SCSTJ_F_FLUSH;
	if (ops->unmap)
		f |= SCSTJ_F_UNMAP;
	if (ops->write_same)
		f |= SCSTJ_F_WRITE_SAME;
	header(m, M_HELLO, HELLO_LEN);
	put32(m + 16, f);
	m[20] = cfg->device_type;
	put32(m + 24, cfg->block_size);
	put32(m + 28, cfg->max_transfer);
	put64(m + 32, cfg->blocks);
	/* 40..71: no opcodes as CDBs (no CDB feature) */
	if (cfg->name)
		strncpy((char *)m + 72, cfg->name, 31);
	return send_msg(m, sizeof m);
}

static void refuse_text(const unsigned char *m, ssize_t n, char *out, size_t outlen)
{
	if (n < HDR_LEN + 5) {
		snprintf(out, outlen, "(malformed REFUSE)");
		return;
	}
	size_t tlen = strnlen((const char *)m + 20, (size_t)n - 20);
	snprintf(out, outlen, "reason %u: %.*s", get32(m + 16), (int)tlen, (const char *)m + 20);
}

/* Receive WELCOME with its three descriptors (SCM_RIGHTS) and map the memfd. */
static enum scstj_end recv_welcome(struct attachment *a)
{
	unsigned char m[MSG_MAX];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} c;
	struct iovec iov = { .iov_base = m, .iov_len = sizeof m };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf, .msg_controllen = sizeof c.buf };
	ssize_t n = recvmsg(ctl_fd, &mh, MSG_CMSG_CLOEXEC);
	int fds[3] = { -1, -1, -1 }, nfds = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (int i = 0; i < k; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
				if (nfds < 3)
					fds[nfds++] = fd;
				else
					close(fd);
			}
		}
	}
	enum scstj_end end = SCSTJ_END_ERROR;
	int type = n < 0 ? -1 : check_header(m, n);
	if (n == 0) {
		logf_(a, "the core closed the socket before WELCOME");
		end = SCSTJ_END_EOF;
	} else if (type == M_REFUSE) {
		char why[256];
		refuse_text(m, n, why, sizeof why);
		fprintf(stderr, "%s: refused: %s\n", a->cfg->name ? a->cfg->name : "scstj_user", why);
		end = SCSTJ_END_REFUSED;
	} else if (type != M_WELCOME || n != WELCOME_LEN || nfds != 3 || (mh.msg_flags & MSG_CTRUNC)) {
		logf_(a, "expected WELCOME with 3 descriptors");
	} else {
		a->epoch = get64(m + 16);
		a->features = get32(m + 24);
		a->sq_entries = get32(m + 28);
		a->cq_entries = get32(m + 32);
		a->nbuf = get32(m + 36);
		a->buf_size = get32(m + 40);
		a->sq_off = get32(m + 44);
		a->cq_off = get32(m + 48);
		a->pool_off = get64(m + 52);
		a->size = get64(m + 60);
		a->deadline_ms = get32(m + 68);
		/* We do not trust the core's numbers blindly either: the layout must fit. */
		bool pow2 = a->sq_entries && !(a->sq_entries & (a->sq_entries - 1)) &&
			    a->cq_entries >= a->sq_entries && !(a->cq_entries & (a->cq_entries - 1));
		bool fits = a->sq_off >= RING_HEADER_SIZE &&
			    (uint64_t)a->sq_off + (uint64_t)a->sq_entries * SQE_SIZE <= a->size &&
			    a->cq_off >= RING_HEADER_SIZE &&
			    (uint64_t)a->cq_off + (uint64_t)a->cq_entries * CQE_SIZE <= a->size &&
			    a->pool_off + (uint64_t)a->nbuf * a->buf_size <= a->size;
		if (!pow2 || !fits) {
			logf_(a, "WELCOME describes rings that do not fit the memfd");
		} else {
			void *p = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
			if (p == MAP_FAILED) {
				logf_(a, "mmap: %s", strerror(errno));
			} else {
				a->mem = p;
				a->sq_efd = fds[1];
				a->cq_efd = fds[2];
				fds[1] = fds[2] = -1;
				end = SCSTJ_END_GOODBYE;	/* "no end yet" */
			}
		}
	}
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (end != SCSTJ_END_GOODBYE)
		return end;
	if (get32(a->mem + OFF_MAGIC) != RING_MAGIC || get32(a->mem + OFF_VERSION) != PROTO_VERSION) {
		logf_(a, "ring header magic or version is wrong");
		return SCSTJ_END_ERROR;
	}
	a->sq_tail = (_Atomic uint32_t *)(a->mem + OFF_SQ_TAIL);
	a->sq_head = (_Atomic uint32_t *)(a->mem + OFF_SQ_HEAD);
	a->cq_tail = (_Atomic uint32_t *)(a->mem + OFF_CQ_TAIL);
	a->cq_head = (_Atomic uint32_t *)(a->mem + OFF_CQ_HEAD);
	a->handler_waiting = (_Atomic uint32_t *)(a->mem + OFF_HANDLER_WAITING);
	a->core_waiting = (_Atomic uint32_t *)(a->mem + OFF_CORE_WAITING);
	a->control_sent = (_Atomic uint32_t *)(a->mem + OFF_CONTROL_SENT);
	a->control_seen = atomic_load_explicit(a->control_sent, memory_order_acquire);
	a->head = atomic_load_explicit(a->sq_head, memory_order_relaxed);
	a->ctail = atomic_load_explicit(a->cq_tail, memory_order_relaxed);
	a->aborted = calloc(a->sq_entries, sizeof *a->aborted);
	return a->aborted ? SCSTJ_END_GOODBYE : SCSTJ_END_ERROR;
}

/* ---- the rings ---- */

static unsigned char *sqe_at(const struct attachment *a, uint32_t i)
{
	return a->mem + a->sq_off + (size_t)(i & (a->sq_entries - 1)) * SQE_SIZE;
}

/* Fixed-format sense data, current error (SPC-5 4.4.3). */
static size_t fixed_sense(unsigned char *s, uint8_t key, uint8_t asc, uint8_t ascq)
{
	memset(s, 0, 18);
	s[0] = 0x70;
	s[2] = key;
	s[7] = 10;
	s[12] = asc;
	s[13] = ascq;
	return 18;
}

static size_t sense_for(int err, int op, unsigned char *s)
{
	if (err == -ENOSPC)
		return fixed_sense(s, 0x7, 0x27, 0x07);
	if (err == -EIO)
		return op == OP_READ ? fixed_sense(s, 0x3, 0x11, 0x00) : fixed_sense(s, 0x3, 0x0C, 0x00);
	if (err == -EOPNOTSUPP)
		return fixed_sense(s, 0x5, 0x20, 0x00);	/* INVALID COMMAND OPERATION CODE */
	return fixed_sense(s, 0x4, 0x44, 0x00);
}

/* The core's doorbell after a batch of completions: when the core said it sleeps, take its
 * waiting word back (1 to 0, a full fence after the tail stores) and ring; a core that did not
 * sleep, or that another batch woke already, costs no system call ("Doorbells and spinning"). */
static void ring_core(struct attachment *a)
{
	if (!a->unrung)
		return;
	a->unrung = false;
	uint32_t waiting = 1;
	if (atomic_compare_exchange_strong_explicit(a->core_waiting, &waiting, 0, memory_order_seq_cst,
						    memory_order_seq_cst)) {
		uint64_t one = 1;
		ssize_t r = write(a->cq_efd, &one, sizeof one);
		(void)r;
	}
}

/* Add one completion: the entry, then the tail (release). The doorbell waits for the end of the
 * batch (ring_core). */
static void complete(struct attachment *a, uint64_t id, uint8_t status, const unsigned char *sense,
		     uint8_t sense_len, uint32_t data_len)
{
	/* At most min(SQ, buffers) <= CQ entries are at the handler, so this never waits with
	 * a core that keeps the rules ("Buffers and credits"). */
	while (a->ctail - atomic_load_explicit(a->cq_head, memory_order_acquire) >= a->cq_entries) {
		ring_core(a);	/* a full CQ the core sleeps on would never drain */
		struct timespec ts = { 0, 10000 };
		nanosleep(&ts, NULL);
		if (stop_requested)
			return;
	}
	unsigned char *e = a->mem + a->cq_off + (size_t)(a->ctail & (a->cq_entries - 1)) * CQE_SIZE;
	unsigned char c[CQE_SIZE] = { 0 };
	put64(c, id);
	c[8] = status;
	c[9] = sense_len;
	put32(c + 12, data_len);
	if (sense_len)
		memcpy(c + 16, sense, sense_len);
	memcpy(e, c, CQE_SIZE);
	a->ctail++;
	atomic_store_explicit(a->cq_tail, a->ctail, memory_order_release);
	a->unrung = true;
}

static unsigned char *buffer(const struct attachment *a, uint32_t index, uint64_t len)
{
	if (index >= a->nbuf || len > a->buf_size)
		return NULL;
	return a->mem + a->pool_off + (uint64_t)index * a->buf_size;
}

static bool take_aborted(struct attachment *a, uint64_t id)
{
	for (uint32_t i = 0; i < a->naborted; i++) {
		if (a->aborted[i] == id) {
			a->aborted[i] = a->aborted[--a->naborted];
			return true;
		}
	}
	return false;
}

/* Execute one submission ("Submission entry") and complete it. */
static int execute(struct attachment *a, const unsigned char *e)
{
	uint64_t id = get64(e);
	uint8_t op = e[8], flags = e[9];
	uint32_t bufi = get32(e + 12), data_len = get32(e + 32);
	uint64_t off = get64(e + 16), len = get64(e + 24);
	bool fua = flags & FL_FUA;
	const struct scstj_ops *o = a->ops;
	unsigned char sense[SENSE_MAX];
	int r;

	if (take_aborted(a, id)) {
		complete(a, id, ST_TASK_ABORTED, NULL, 0, 0);
		return 0;
	}
	switch (op) {
	case OP_READ: {
		unsigned char *b = buffer(a, bufi, len);
		if (!b)
			return -EPROTO;
		r = o->read(a->dev, off, len, b);
		if (r == 0) {
			complete(a, id, ST_GOOD, NULL, 0, (uint32_t)len);
			return 0;
		}
		break;
	}
	case OP_WRITE: {
		unsigned char *b = buffer(a, bufi, len);
		if (!b)
			return -EPROTO;
		r = o->write(a->dev, off, len, b, fua);
		break;
	}
	case OP_FLUSH:
		r = o->flush ? o->flush(a->dev) : 0;
		break;
	case OP_UNMAP:
		r = o->unmap ? o->unmap(a->dev, off, len) : -EOPNOTSUPP;
		break;
	case OP_WRITE_SAME: {
		unsigned char *b = buffer(a, bufi, data_len);
		if (!b || data_len == 0)
			return -EPROTO;
		r = o->write_same ? o->write_same(a->dev, off, len, b, data_len, fua) : -EOPNOTSUPP;
		break;
	}
	default:	/* CDB (not asked) or an unknown operation */
		r = -EOPNOTSUPP;
		break;
	}
	if (r == 0)
		complete(a, id, ST_GOOD, NULL, 0, 0);
	else
		complete(a, id, ST_CHECK_CONDITION, sense, (uint8_t)sense_for(r, op, sense), 0);
	return 0;
}

/* ---- the control socket ---- */

/* Handle one message; returns -1 to go on, or how the epoch ends. */
static int on_message(struct attachment *a, const unsigned char *m, ssize_t n)
{
	if (n == 0) {
		logf_(a, "the core closed the socket");
		return SCSTJ_END_EOF;
	}
	switch (check_header(m, n)) {
	case M_ABORT:
		if (n != ABORT_LEN)
			break;
		{
			/* Still in the SQ: it ends TASK ABORTED when taken.  Completed already: the
			 * ABORT is ignored ("Deadlines, aborts, and when the handler goes"). */
			uint64_t id = get64(m + 16);
			uint32_t tail = atomic_load_explicit(a->sq_tail, memory_order_acquire);
			for (uint32_t i = a->head; i != tail; i++) {
				if (get64(sqe_at(a, i)) == id) {
					if (a->naborted < a->sq_entries)
						a->aborted[a->naborted++] = id;
					break;
				}
			}
		}
		return -1;
	case M_TMF:
		if (n != TMF_LEN)
			break;
		logf_(a, "TMF %u", get32(m + 16));	/* a notification only */
		return -1;
	case M_GOODBYE:
		logf_(a, "GOODBYE from the core");
		return SCSTJ_END_GOODBYE;
	case M_REFUSE: {
		char why[256];
		refuse_text(m, n, why, sizeof why);
		fprintf(stderr, "%s: refused: %s\n", a->cfg->name ? a->cfg->name : "scstj_user", why);
		return SCSTJ_END_REFUSED;
	}
	default:
		break;
	}
	logf_(a, "unexpected message of %zd bytes from the core", n);
	return SCSTJ_END_ERROR;
}

static int poll_control(struct attachment *a)
{
	unsigned char m[MSG_MAX];
	for (;;) {
		ssize_t n = recv(ctl_fd, m, sizeof m, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return -1;
			if (errno == EINTR)
				continue;
			return SCSTJ_END_EOF;
		}
		int r = on_message(a, m, n);
		if (r >= 0)
			return r;
	}
}

/* ---- the loop ("Doorbells and spinning") ---- */

static enum scstj_end run(struct attachment *a)
{
	for (;;) {
		if (stop_requested)
			return SCSTJ_END_STOPPED;
		uint32_t tail = atomic_load_explicit(a->sq_tail, memory_order_acquire);
		if (tail != a->head) {
			if ((uint32_t)(tail - a->head) > a->sq_entries) {
				logf_(a, "SQ tail %u is garbage (head %u)", tail, a->head);
				return SCSTJ_END_ERROR;
			}
			/* ABORTs for these entries first; the socket is read only when the core
			 * counted a message since the last read (a system call per batch otherwise) */
			uint32_t sent = atomic_load_explicit(a->control_sent, memory_order_acquire);
			if (sent != a->control_seen) {
				a->control_seen = sent;
				int r = poll_control(a);
				if (r >= 0)
					return (enum scstj_end)r;
			}
			while (a->head != tail) {
				unsigned char e[SQE_SIZE];
				memcpy(e, sqe_at(a, a->head), SQE_SIZE);
				a->head++;
				atomic_store_explicit(a->sq_head, a->head, memory_order_release);
				if (execute(a, e) < 0) {
					logf_(a, "a submission names a buffer outside the pool");
					return SCSTJ_END_ERROR;
				}
			}
			ring_core(a);	/* once per batch */
			continue;
		}
		/* Empty: spin for a while, adapting the time to how often spinning pays. Each turn
		 * yields the CPU: where threads outnumber CPUs, the core's event loop and the
		 * initiators get it at once instead of at the next preemption ("Doorbells and
		 * spinning"); alone on its CPU, the call returns at once. */
		uint64_t until = now_ns() + a->spin_ns;
		bool found = false;
		while (now_ns() < until) {
			if (atomic_load_explicit(a->sq_tail, memory_order_acquire) != a->head) {
				found = true;
				break;
			}
			cpu_relax();
			sched_yield();
		}
		if (found) {
			a->spin_ns = a->spin_ns * 2 > a->spin_max_ns ? a->spin_max_ns : a->spin_ns * 2;
			continue;
		}
		a->spin_ns = a->spin_ns / 2 < 1000 ? 1000 : a->spin_ns / 2;
		atomic_store_explicit(a->handler_waiting, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		if (atomic_load_explicit(a->sq_tail, memory_order_acquire) == a->head && !stop_requested) {
			struct pollfd p[3] = {
				{ .fd = ctl_fd, .events = POLLIN },
				{ .fd = a->sq_efd, .events = POLLIN },
				{ .fd = stop_fd, .events = POLLIN },
			};
			int k = poll(p, 3, SAFETY_WAIT_MS);
			if (k < 0 && errno != EINTR) {
				logf_(a, "poll: %s", strerror(errno));
				return SCSTJ_END_ERROR;
			}
			if (k > 0 && (p[1].revents & POLLIN)) {
				uint64_t v;
				ssize_t r = read(a->sq_efd, &v, sizeof v);
				(void)r;
			}
			if (k > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
				int r = poll_control(a);
				if (r >= 0) {
					atomic_store_explicit(a->handler_waiting, 0, memory_order_relaxed);
					return (enum scstj_end)r;
				}
			}
		}
		atomic_store_explicit(a->handler_waiting, 0, memory_order_relaxed);
	}
}

enum scstj_end scstj_serve(const char *socket_path, const struct scstj_config *cfg,
			   const struct scstj_ops *ops, void *dev)
{
	struct attachment a = { .cfg = cfg, .ops = ops, .dev = dev, .sq_efd = -1, .cq_efd = -1 };
	enum scstj_end end = SCSTJ_END_ERROR;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!ops->read || !ops->write || strlen(socket_path) >= sizeof sa.sun_path) {
		logf_(&a, "read and write are required; the socket path must fit sun_path");
		return SCSTJ_END_ERROR;
	}
	strcpy(sa.sun_path, socket_path);
	a.spin_max_ns = (cfg->spin_max_us ? cfg->spin_max_us : 1000) * 1000ull;
	a.spin_ns = a.spin_max_ns;
	stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ctl_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (stop_fd < 0 || ctl_fd < 0) {
		logf_(&a, "eventfd/socket: %s", strerror(errno));
		goto out;
	}
	if (connect(ctl_fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		logf_(&a, "connect %s: %s", socket_path, strerror(errno));
		end = SCSTJ_END_EOF;
		goto out;
	}
	if (send_hello(cfg, ops) < 0) {
		logf_(&a, "HELLO: %s", strerror(errno));
		goto out;
	}
	end = recv_welcome(&a);
	if (end != SCSTJ_END_GOODBYE)
		goto out;
	unsigned char ready[HDR_LEN];
	header(ready, M_READY, HDR_LEN);
	if (send_msg(ready, sizeof ready) < 0) {
		end = SCSTJ_END_EOF;
		goto out;
	}
	logf_(&a, "attached: epoch %llu, SQ %u, CQ %u, %u buffers of %u bytes, features %#x",
	      (unsigned long long)a.epoch, a.sq_entries, a.cq_entries, a.nbuf, a.buf_size, a.features);
	end = run(&a);
	if (end == SCSTJ_END_STOPPED) {
		unsigned char bye[HDR_LEN];
		header(bye, M_GOODBYE, HDR_LEN);
		send_msg(bye, sizeof bye);
	}
	logf_(&a, "epoch %llu ends (%d)", (unsigned long long)a.epoch, (int)end);
out:
	if (a.mem)
		munmap(a.mem, a.size);
	free(a.aborted);
	if (a.sq_efd >= 0)
		close(a.sq_efd);
	if (a.cq_efd >= 0)
		close(a.cq_efd);
	if (ctl_fd >= 0)
		close(ctl_fd);
	ctl_fd = -1;
	int sfd = stop_fd;
	stop_fd = -1;		/* before the close: scstj_stop() may run in a signal handler */
	if (sfd >= 0)
		close(sfd);
	return end;
}
