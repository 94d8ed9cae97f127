/*
 * libcordon.so: what the JVM calls through the FFM API. Built against glibc.
 */
#ifndef CORDON_LIBCORDON_H
#define CORDON_LIBCORDON_H

#include "image.h"

/*
 * Start cordon-host: posix_spawn `path` with `argv` (NULL-terminated), the
 * channel fd as fd 3 (CORDON_HOST_FD) and no other fd open, an empty
 * environment. Returns the child's pid, or a negative errno with a reason in
 * err.
 */
int cordon_spawn_host(const char *path, char *const argv[], int channel_fd,
		      char *err, size_t errlen);

#endif
