/* handler_cli.h - the command line and signals shared by the reference handlers. */
#ifndef HANDLER_CLI_H
#define HANDLER_CLI_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scstj_user.h"

struct cli {
	uint64_t size;
	uint32_t block_size;
	const char *file;	/* filedisk only */
	const char *socket;
	unsigned spin_us;	/* 0: the library's default */
	bool verbose;
};

static void on_stop_signal(int sig)
{
	(void)sig;
	scstj_stop();
}

/* SIGTERM and SIGINT end scstj_serve() with a GOODBYE; no SA_RESTART, so poll wakes. */
static inline void cli_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static inline int cli_usage(const char *prog, bool file)
{
	fprintf(stderr, "usage: %s [--size N[K|M|G|T]] [--block-size 512|1024|2048|4096]%s [--spin-us 1..1000] [-v] SOCKET\n",
		prog, file ? " --file PATH" : "");
	return 2;
}

/* Parse the arguments; 0, or the exit status for a bad command line. */
static inline int cli_parse(int argc, char **argv, struct cli *c, bool file)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(arg, "--size") && val) {
			c->size = scstj_parse_size(val);
			i++;
		} else if (!strcmp(arg, "--block-size") && val) {
			c->block_size = (uint32_t)strtoul(val, NULL, 10);
			i++;
		} else if (!strcmp(arg, "--spin-us") && val) {
			char *end;
			unsigned long us = strtoul(val, &end, 10);
			if (*end || us < 1 || us > 1000) {
				fprintf(stderr, "%s: --spin-us takes 1 to 1000 microseconds\n", argv[0]);
				return 2;
			}
			c->spin_us = (unsigned)us;
			i++;
		} else if (file && !strcmp(arg, "--file") && val) {
			c->file = val;
			i++;
		} else if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
			c->verbose = true;
		} else if (arg[0] != '-' && !c->socket) {
			c->socket = arg;
		} else {
			return cli_usage(argv[0], file);
		}
	}
	if (!c->socket || (file && !c->file))
		return cli_usage(argv[0], file);
	if (c->block_size != 512 && c->block_size != 1024 && c->block_size != 2048 &&
	    c->block_size != 4096) {
		fprintf(stderr, "%s: block size must be 512, 1024, 2048 or 4096\n", argv[0]);
		return 2;
	}
	if (c->size % c->block_size) {
		fprintf(stderr, "%s: the size must be a non-zero multiple of the block size\n", argv[0]);
		return 2;
	}
	return 0;
}

static inline int exit_status(enum scstj_end end)
{
	return end == SCSTJ_END_GOODBYE || end == SCSTJ_END_STOPPED ? 0 : 1;
}

/* Serves one attachment of a disk of c's size and block size with ops over d (the HELLO's terms). */
static inline enum scstj_end cli_serve(const struct cli *c, const char *name, const struct scstj_ops *ops, void *d)
{
	struct scstj_config cfg = {
		.name = name,
		.device_type = 0,
		.block_size = c->block_size,
		.blocks = c->size / c->block_size,
		.extra_features = SCSTJ_F_TMF,
		.spin_max_us = c->spin_us,
		.verbose = c->verbose,
	};
	return scstj_serve(c->socket, &cfg, ops, d);
}

#endif
