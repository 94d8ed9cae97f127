/* The JVM's side of the channel, as the tests play it. */
#ifndef CORDON_TEST_CHAN_H
#define CORDON_TEST_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cordon/channel.h"

#define CHAN_STRIDE (64 * 1024)

struct chan {
	int fd;
	unsigned char *base;
	size_t size;
	struct cordon_channel_header *hdr;
	uint32_t nslots;
	uint64_t slots;  /* slots_offset as laid out, whatever the header says later */
	pid_t pid;
	int status;   /* wait status once reaped */
	int reaped;
};

/* memfd with header, image and nslots slots; 0 or -1 */
int chan_open(struct chan *c, const void *image, size_t len, uint32_t nslots);
/* spawn target/bin/cordon-host with `extra` options after --threads N */
int chan_spawn(struct chan *c, const char *const *extra, char *err, size_t errlen);
/* host_state once it leaves STARTING, or -1 on timeout */
int chan_wait_ready(struct chan *c);
struct cordon_slot *chan_slot(struct chan *c, uint32_t i);
unsigned char *chan_arena(struct chan *c, uint32_t i);
/* One request; the slot's status, or -1 if the host died / timed out. */
int chan_request(struct chan *c, uint32_t slot, uint32_t op, uint32_t fn,
		 const int64_t args[CORDON_MAX_ARGS], uint32_t ptr_mask, int64_t *result);
/* OP_RESOLVE of name on slot 0: the function index, or -status. */
int64_t chan_resolve(struct chan *c, const char *name);
/* Wait for the host to exit (ms); 1 if it did. */
int chan_reap(struct chan *c, int timeout_ms);
/* Mark slots DEAD, reap, unmap. */
void chan_close(struct chan *c);

#endif
