/*
 * A uswitch domain's kernel context (kctx.h). The context is set up from
 * inside, by a short-lived thread that switches into it: the context
 * starts as a copy of the process's file table (so that the data
 * directory's fd is there to chroot to), then it is rooted at the data
 * directory, every fd is closed, the domain's uid and gid are taken (if
 * it has its own), the capabilities are dropped, and the seccomp filter of
 * kctx_filter.c is attached. The thread needs
 * no_new_privs for the filter, which is why it is not a JVM thread.
 *
 * A context stays in use by a thread until that thread's next system
 * call after its last call into the domain (the switch back is lazy), so
 * a destroy can find it busy: such ids wait in `pending` and are destroyed
 * by a later create or release.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kctx.h>
#include <linux/seccomp.h>

#include "gate.h"
#include "kctx.h"

_Static_assert(offsetof(struct kctx_switch_page, want) == SW_WANT, "want");
_Static_assert(KCTX_ROOT == KCTX_ROOT_ID, "root");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int pending[KCTX_MAX];
static unsigned npending;

static long kctx_op(long op, long arg)
{
	return syscall(SYS_prctl, PR_KCTX, op, arg, 0, 0);
}

int gate_kctx_probe(void)
{
	/* ENOENT: the operation exists and this thread has no page yet */
	return kctx_op(PR_KCTX_UNREGISTER, 0) < 0 && errno == ENOENT;
}

int gate_kctx_register(struct gate_switch *sw)
{
	sw->want = KCTX_ROOT;
	return kctx_op(PR_KCTX_REGISTER, (long)(uintptr_t)sw) ? -errno : 0;
}

void gate_kctx_unregister(void)
{
	kctx_op(PR_KCTX_UNREGISTER, 0);
}

int gate_kctx_can_chroot(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct caps[2];

	if (syscall(SYS_capget, &h, caps))
		return 0;
	return !!(caps[CAP_TO_INDEX(CAP_SYS_CHROOT)].effective & CAP_TO_MASK(CAP_SYS_CHROOT));
}

/* Destroy what waits (lock held); the ids still busy stay. */
static void destroy_pending(void)
{
	unsigned i, kept = 0;

	for (i = 0; i < npending; i++)
		if (kctx_op(PR_KCTX_DESTROY, pending[i]) && errno == EBUSY)
			pending[kept++] = pending[i];
	npending = kept;
}

struct setup {
	int id, dirfd;
	int own_ids;
	uid_t uid;
	gid_t gid;
	struct sock_fprog prog;
	int rc;
	const char *step;
};

static int fail(struct setup *s, const char *step)
{
	s->rc = -errno;
	s->step = step;
	return -1;
}

/* The domain's uid and gid, no supplementary groups; while capabilities
 * last. Raw system calls: glibc's wrappers would change every thread of the
 * process (setxid), and only this thread's context may change. */
static int take_ids(struct setup *s)
{
	if (syscall(SYS_setgroups, 0, NULL))
		return fail(s, "setgroups");
	if (syscall(SYS_setresgid, s->gid, s->gid, s->gid))
		return fail(s, "setresgid to the domain's gid");
	if (syscall(SYS_setresuid, s->uid, s->uid, s->uid))
		return fail(s, "setresuid to the domain's uid");
	return 0;
}

/* In the context: everything that makes it the domain's. */
static int shape(struct setup *s)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[2];

	if (s->dirfd >= 0 && (fchdir(s->dirfd) || chroot(".") || chdir("/")))
		return fail(s, "chroot to the data directory");
	if (syscall(SYS_close_range, 0, ~0u, 0))
		return fail(s, "close_range");
	if (s->own_ids && take_ids(s))
		return -1;
	memset(none, 0, sizeof(none));
	if (syscall(SYS_capset, &h, none))
		return fail(s, "capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(s, "no_new_privs");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &s->prog))
		return fail(s, "seccomp");
	return 0;
}

static void *setup_thread(void *arg)
{
	struct setup *s = arg;
	struct kctx_switch_page *page;

	page = mmap(NULL, KCTX_SWITCH_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		fail(s, "switch page");
		return NULL;
	}
	if (kctx_op(PR_KCTX_REGISTER, (long)(uintptr_t)page)) {
		fail(s, "register the switch page");
	} else {
		page->want = (unsigned)s->id;
		shape(s);
		page->want = KCTX_ROOT; /* the next call runs in the root context */
		kctx_op(PR_KCTX_UNREGISTER, 0);
	}
	munmap(page, KCTX_SWITCH_PAGE_SIZE);
	return NULL;
}

static int new_context(void)
{
	struct timespec ms = { 0, 1000000 };
	unsigned tries;
	long id = -1;

	for (tries = 0; tries < 1000; tries++) {
		pthread_mutex_lock(&lock);
		destroy_pending();
		id = kctx_op(PR_KCTX_CREATE, KCTX_FILES_COPY);
		if (id < 0)
			id = -errno;
		pthread_mutex_unlock(&lock);
		/* all taken, some by contexts a thread has not left yet */
		if (id != -ENOSPC || !npending)
			break;
		nanosleep(&ms, NULL);
	}
	return (int)id;
}

int gate_kctx_create(struct cordon_mpk_domain *d, const struct cordon_mpk_config *cfg,
		     char *err, size_t errlen)
{
	struct sock_filter prog[GATE_KCTX_FILTER_MAX];
	struct setup s = {
		.dirfd = cfg->data_dir_fd, .step = "",
		.own_ids = !!(cfg->flags & CORDON_MPK_OWN_IDS),
		.uid = (uid_t)cfg->uid, .gid = (gid_t)cfg->gid,
	};
	pthread_t t;
	int n;

	n = gate_kctx_filter(cfg->syscalls, cfg->data_dir_fd >= 0, prog, GATE_KCTX_FILTER_MAX);
	if (n < 0)
		return n;
	s.prog.len = (unsigned short)n;
	s.prog.filter = prog;
	s.id = new_context();
	if (s.id < 0) {
		snprintf(err, errlen, "uswitch: no kernel context: %s%s", strerror(-s.id),
			 s.id == -ENOSPC ? " (at most 63 per process)" : "");
		return s.id;
	}
	if (pthread_create(&t, NULL, setup_thread, &s)) {
		s.rc = -EAGAIN;
		s.step = "setup thread";
	} else {
		pthread_join(t, NULL);
	}
	d->kctx = s.id;
	if (s.rc) {
		snprintf(err, errlen, "uswitch: kernel context: %s: %s", s.step, strerror(-s.rc));
		return s.rc;
	}
	return 0;
}

void gate_kctx_release(struct cordon_mpk_domain *d)
{
	if (!d->kctx)
		return;
	pthread_mutex_lock(&lock);
	if (kctx_op(PR_KCTX_DESTROY, d->kctx) && errno == EBUSY && npending < KCTX_MAX)
		pending[npending++] = d->kctx;
	destroy_pending();
	pthread_mutex_unlock(&lock);
	d->kctx = 0;
}
