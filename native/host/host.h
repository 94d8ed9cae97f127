/*
 * cordon-host: the helper process of the `process` backend. One instance
 * serves one domain: it loads the image, sandboxes itself, and serves calls
 * from the JVM over the shared-memory channel on fd 3 (cordon/channel.h).
 */
#ifndef CORDON_HOST_H
#define CORDON_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cordon/channel.h"

struct cordon_image;
struct bpf_insn;

struct host_opts {
	uint64_t memory;       /* RLIMIT_AS bytes, 0 = no limit */
	uint64_t cpu_seconds;  /* RLIMIT_CPU, 0 = no limit */
	const char *data_dir;  /* NULL: no filesystem access at all */
	uint32_t threads;      /* must equal header.nslots */
	/* CORDON_SYS_* the policy grants (--syscalls io,time,...; all by
	 * default): cordon/syscall_groups.def */
	uint32_t syscall_groups;
};

struct host {
	struct host_opts opts;
	unsigned char *chan;   /* the whole memfd, MAP_SHARED */
	uint64_t chan_size;
	struct cordon_channel_header *hdr;
	/* the JVM's fields, read once and validated */
	uint32_t nslots;
	uint64_t slot_stride, slots_offset, image_offset, image_size, heap_size;

	struct cordon_image *img;
	void *heap;
	void *domain_init;     /* cordon_domain_init, called through host_call_export */
	int landlocked;        /* Landlock enforced: path syscalls may pass */
	/* cordon-jni-host's additions, run before the policy's program
	 * (jnihost/threads.c); none in cordon-host */
	const struct bpf_insn *filter_prefix;
	unsigned filter_prefix_len;
	pid_t pid, ppid;
	pid_t tids[CORDON_MAX_SLOTS];
};

/* report.c: the one-line startup error, then exit(1). */
_Noreturn void host_fail(struct host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* args.c: 0, or host_fail */
void host_parse_args(struct host *h, int argc, char **argv);

/* channel.c */
int host_map_channel(struct host *h);   /* -1: nowhere to report to */
void host_check_header(struct host *h); /* host_fail on bad input */
int host_begin(struct host *h, int argc, char **argv); /* sandbox.c: the above, in order */
struct cordon_slot *host_slot(const struct host *h, uint32_t i);
unsigned char *host_arena(const struct host *h, uint32_t i);
uint64_t host_arena_size(const struct host *h);

/* fault.c */
void host_install_fault_handlers(struct host *h);
int host_alt_stack(void);               /* per thread; 0 or -1 */

/* sandbox.c, landlock.c, seccomp.c */
_Noreturn void host_watch_parent(struct host *h); /* exits once the JVM is gone */
void host_limit_resources(struct host *h);
void host_landlock(struct host *h);
void host_seccomp(struct host *h);

/* call_export.S: fn(args[0..5]), returning to host_export_return */
int64_t host_call_export(const void *fn, const int64_t args[6]);
extern const char host_export_return[];

/* confine.c: a confined image's table written and read-only; host_fail */
void host_confine_image(struct host *h);

/* functab.c */
int functab_add(void *fn, uint32_t *index); /* 0, or a CORDON_STATUS_ */
void *functab_get(uint32_t index);

/* futex.c: shared (not PRIVATE) futexes: the JVM maps the same memfd */
void futex_wait_shared(uint32_t *word, uint32_t expect, long timeout_ns);
void futex_wake_shared(uint32_t *word);
void futex_wait_private(int *word, int expect);
void futex_wake_private(int *word);

/* worker.c */
void host_start_workers(struct host *h);
/* lanes.c: a thread per lane runs serve(args + i * stride) once released */
void host_start_lanes(struct host *h, void (*serve)(void *arg), void *args, size_t stride);
void host_release_lanes(void);

#endif
