/*
 * scstj_user.h - the handler side of scstj's out-of-process device handler protocol,
 * version 1 (docs/user-handlers.md).  A handler fills a struct scstj_ops and calls
 * scstj_serve(); the library attaches (HELLO, WELCOME, READY), consumes the submission ring,
 * calls the ops, completes into the completion ring, and handles ABORT, TMF, GOODBYE, REFUSE.
 *
 * One thread: every op is called from the thread that called scstj_serve(), one at a time,
 * in submission order (so completions are in order and OUT_OF_ORDER is not asked).
 */
#ifndef SCSTJ_USER_H
#define SCSTJ_USER_H

#include <stdbool.h>
#include <stdint.h>

/* "Messages on the control socket": feature bits of HELLO / WELCOME. */
enum {
	SCSTJ_F_OUT_OF_ORDER = 1u << 0,
	SCSTJ_F_TMF = 1u << 1,
	SCSTJ_F_WRITE_SAME = 1u << 2,
	SCSTJ_F_UNMAP = 1u << 3,
	SCSTJ_F_FLUSH = 1u << 4,
	SCSTJ_F_CDB = 1u << 5,
	SCSTJ_F_EVENTS = 1u << 6,
};

/* EVENT codes ("EVENT (length 32)"). */
enum {
	SCSTJ_EV_CAPACITY_CHANGED = 1,
	SCSTJ_EV_MEDIUM_CHANGED = 2,
	SCSTJ_EV_NOT_READY = 3,
	SCSTJ_EV_READY = 4,
};

/*
 * The device.  Offsets and lengths are in bytes, already checked by the core (inside the
 * medium, multiples of the block size).  Each op returns 0 for GOOD or a negative errno; the
 * library turns that into CHECK CONDITION with fixed-format sense (SPC-5 4.4.3):
 *   -EIO on a read: MEDIUM ERROR, UNRECOVERED READ ERROR (03/11/00)
 *   -EIO on a write, write_same, flush: MEDIUM ERROR, WRITE ERROR (03/0C/00)
 *   -ENOSPC: DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (07/27/07, SBC-4 4.7)
 *   anything else: HARDWARE ERROR, INTERNAL TARGET FAILURE (04/44/00)
 * An op left NULL is not asked for in HELLO (flush, unmap, write_same; read and write are
 * required).  Without write_same the core writes the blocks itself.
 */
struct scstj_ops {
	int (*read)(void *dev, uint64_t offset, uint64_t length, void *buf);
	int (*write)(void *dev, uint64_t offset, uint64_t length, const void *buf, bool fua);
	int (*flush)(void *dev);
	int (*unmap)(void *dev, uint64_t offset, uint64_t length);
	int (*write_same)(void *dev, uint64_t offset, uint64_t length, const void *block,
			  uint32_t block_len, bool fua);
};

struct scstj_config {
	const char *name;         /* shown by `scstj admin`; at most 31 ASCII characters */
	uint8_t device_type;      /* 0 disk (SBC) */
	uint32_t block_size;      /* 512, 1024, 2048 or 4096 */
	uint64_t blocks;          /* number of logical blocks */
	uint32_t max_transfer;    /* bytes; 0: the core's 1 MiB */
	uint32_t extra_features;  /* TMF, EVENTS: asked in addition to those the ops imply */
	unsigned spin_max_us;     /* the most the loop spins on an empty SQ before it sleeps; 0: 1000 us */
	bool verbose;             /* log attach, TMF and the end to stderr */
};

/* How scstj_serve() ended. */
enum scstj_end {
	SCSTJ_END_GOODBYE = 0,   /* the core said GOODBYE */
	SCSTJ_END_STOPPED = 1,   /* scstj_stop() was called; we said GOODBYE */
	SCSTJ_END_REFUSED = 2,   /* the core sent REFUSE */
	SCSTJ_END_EOF = 3,       /* the core closed the socket */
	SCSTJ_END_ERROR = 4,     /* a system call failed or the core broke the protocol */
};

/*
 * Connect to the core at socket_path and serve the device until the epoch ends.  The exit
 * status a handler should use: 0 for SCSTJ_END_GOODBYE and SCSTJ_END_STOPPED, 1 otherwise.
 */
enum scstj_end scstj_serve(const char *socket_path, const struct scstj_config *cfg,
			   const struct scstj_ops *ops, void *dev);

/* Ask scstj_serve() to say GOODBYE and return.  Async-signal-safe (for SIGTERM/SIGINT). */
void scstj_stop(void);

/* Send EVENT (feature EVENTS) from an op or between commands; 0 or a negative errno. */
int scstj_send_event(uint32_t event, uint64_t value);

/* "64M", "1G", "4096": bytes; 0 on a malformed size. */
uint64_t scstj_parse_size(const char *text);

#endif
