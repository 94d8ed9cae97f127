/*
 * Kernel contexts for uswitch domains (kctx.c, kctx_filter.c): the
 * patched kernel's per-process sets of file table, root, credentials and
 * seccomp filter (kernel/patches, <linux/kctx.h>). A domain created with
 * CORDON_MPK_KERNEL_CONTEXT gets one; the gate writes its id into the
 * thread's switch page on the way in and 0 on the way out, and the
 * kernel switches at the thread's next system call.
 */
#ifndef CORDON_GATE_KCTX_H
#define CORDON_GATE_KCTX_H

#include <stddef.h>
#include <linux/filter.h>

#include "cordon/mpkdomain.h"

struct gate_switch;
struct cordon_mpk_domain;

/* 1 if this kernel has kernel contexts. Call before any attach. */
int gate_kctx_probe(void);
/* 1 if the process may chroot (a context's "/" is its data directory). */
int gate_kctx_can_chroot(void);
/* The calling thread's switch page, for the kernel; 0 or -errno. */
int gate_kctx_register(struct gate_switch *sw);
void gate_kctx_unregister(void);

/* The domain's context: created, rooted at its data directory (if any),
 * emptied of fds, without capabilities, filtered; d->kctx set. */
int gate_kctx_create(struct cordon_mpk_domain *d, const struct cordon_mpk_config *cfg,
		     char *err, size_t errlen);
/* Destroyed now, or as soon as no thread runs in it any more. */
void gate_kctx_release(struct cordon_mpk_domain *d);

/* The context's seccomp program into out[0..max), from the policy table:
 * its length, or -E2BIG / -ERANGE (policy/bpf.h).
 * GATE_KCTX_FILTER_MAX is room for the largest policy's. */
#define GATE_KCTX_FILTER_MAX 256
int gate_kctx_filter(unsigned groups, int has_dir, struct sock_filter *out, size_t max);

#endif
