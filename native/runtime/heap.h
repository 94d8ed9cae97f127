/*
 * The domain heap: one region handed over by cordon_domain_init, carved into
 * blocks with boundary tags. Internal to the runtime; not exported.
 */
#ifndef CORDON_RT_HEAP_H
#define CORDON_RT_HEAP_H

#include <stddef.h>

#define HEAP_ALIGN 16

/* 0, or -1 if the region is too small to hold a block. */
int heap_init(void *base, size_t size);

/* A block of at least n bytes aligned to `align` (a power of two >= 16),
 * or NULL. n must already be checked against overflow by the caller. */
void *heap_alloc(size_t n, size_t align);

void heap_free(void *p);

/* Grow or shrink p's block in place to hold n bytes; 0 on success. */
int heap_resize(void *p, size_t n);

size_t heap_usable(const void *p);

/* Largest request heap_alloc can ever satisfy; bigger ones overflow. */
#define HEAP_MAX_REQUEST ((size_t)1 << 62)

#endif
