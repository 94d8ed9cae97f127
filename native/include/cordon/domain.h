/*
 * For code that runs inside a domain (compiled by cordon-cc).
 *
 * The image's C library is musl, linked in statically; its allocator and errno
 * are replaced by the Cordon domain runtime (native/runtime), so that the
 * image never calls brk() and never touches the host's thread block.
 *
 * ABI of an exported function called through a gate: up to six integer
 * arguments, an int64_t result. A Java byte[], ByteBuffer or MemorySegment
 * parameter arrives as two arguments (uint8_t *data, size_t length) and is
 * copied back after the call; a String as one (const char *, NUL-terminated
 * UTF-8); every primitive as one.
 */
#ifndef CORDON_DOMAIN_H
#define CORDON_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#define CORDON_EXPORT __attribute__((visibility("default"), used))

/*
 * Called once by the host before any other function of the image: hands the
 * runtime its heap and the host's per-thread errno location. Returns 0, or -1
 * if the heap is unusable.
 *
 * errno_location may be CORDON_ERRNO_TCB: errno then lives in the thread
 * block the FS base points at, at musl's own place (%fs:0 + 0x34), as musl's
 * ___errno_location has it. The mpk backend gives every lane a thread block
 * of its own in domain memory and passes this.
 */
#define CORDON_ERRNO_TCB ((int *(*)(void))1)

int cordon_domain_init(void *heap, size_t heap_size, int *(*errno_location)(void));

#endif
