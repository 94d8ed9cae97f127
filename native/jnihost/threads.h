/* cordon-jni-host's one widening of the filter: threads (threads.c). */
#ifndef CORDON_JNIHOST_THREADS_H
#define CORDON_JNIHOST_THREADS_H

struct host;

/* Sets h->filter_prefix: clone with CLONE_THREAD allowed, clone3 ENOSYS. */
void jh_allow_threads(struct host *h);

#endif
