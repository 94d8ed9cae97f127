/*
 * zlib as a Cordon domain: one-shot wrappers over Debian's zlib, in the gate
 * ABI (integer arguments, int64_t result; a byte[] is (uint8_t *, size_t)).
 * A result < 0 is a zlib error code (Z_STREAM_ERROR -2, Z_DATA_ERROR -3,
 * Z_MEM_ERROR -4, Z_BUF_ERROR -5).
 *
 * zlib counts bytes in 32-bit uInt while our lengths are size_t, so the
 * loops below hand buffers to zlib in pieces of at most UINT_MAX bytes.
 * A byte[] never needs more than one piece; a MemorySegment might.
 */
#include <limits.h>
#include <cordon/domain.h>
#include "zlib.h"

/* Hands zlib the next piece of a buffer once it has used the last one. */
static void refill(uInt *avail, size_t *rest)
{
    if (*avail == 0 && *rest > 0) {
        uInt n = *rest > UINT_MAX ? UINT_MAX : (uInt)*rest;
        *avail = n;
        *rest -= n;
    }
}

/* zlib rejects next_out == NULL even when nothing is to be written there,
 * and an empty Java array may arrive as NULL. */
static Bytef empty_out[1];

/*
 * deflateInit(level) = windowBits 15 (zlib header + adler32), memLevel 8,
 * Z_DEFAULT_STRATEGY: what java.util.zip.Deflater(level) uses, and the whole
 * input is given before Z_FINISH as Deflater.finish() does, so the output is
 * byte-identical to Java's (for level 0 only if Java's output buffer is at
 * least as large: stored blocks are cut to fit avail_out).
 */
CORDON_EXPORT int64_t zc_deflate(uint8_t *in, size_t inlen, uint8_t *out,
                                 size_t outcap, int64_t level)
{
    if (level < -1 || level > 9)
        return Z_STREAM_ERROR;
    z_stream s = {0};               /* zalloc/zfree NULL: the runtime's malloc */
    int rc = deflateInit(&s, (int)level);
    if (rc != Z_OK)
        return rc;
    size_t in_rest = inlen, out_rest = outcap;
    s.next_in = in;
    s.next_out = out ? out : empty_out;
    for (;;) {
        refill(&s.avail_in, &in_rest);
        refill(&s.avail_out, &out_rest);
        /* Z_FINISH only once every piece of input has been handed over */
        rc = deflate(&s, in_rest == 0 ? Z_FINISH : Z_NO_FLUSH);
        if (rc != Z_OK)             /* Z_OK means progress: go on */
            break;
    }
    /* all input was given, so Z_BUF_ERROR here means: out is too small */
    int64_t result = rc == Z_STREAM_END ? (int64_t)s.total_out : rc;
    deflateEnd(&s);
    return result;
}

/*
 * inflateInit = zlib format, as java.util.zip.Inflater(). Stops at the end
 * of the first stream (bytes after it are ignored, like Inflater does).
 */
CORDON_EXPORT int64_t zc_inflate(uint8_t *in, size_t inlen, uint8_t *out,
                                 size_t outcap)
{
    z_stream s = {0};
    s.next_in = in;
    int rc = inflateInit(&s);
    if (rc != Z_OK)
        return rc;
    size_t in_rest = inlen, out_rest = outcap;
    s.next_out = out ? out : empty_out;
    for (;;) {
        refill(&s.avail_in, &in_rest);
        refill(&s.avail_out, &out_rest);
        /* Z_OK means progress; we call again even when out is full, as the
         * stream's last bits (end-of-block code, adler32) need no room.
         * Z_BUF_ERROR means no progress is possible: input truncated or
         * out too small. */
        rc = inflate(&s, Z_NO_FLUSH);
        if (rc != Z_OK)
            break;
    }
    int64_t result = rc == Z_STREAM_END ? (int64_t)s.total_out
                   : rc == Z_NEED_DICT  ? Z_DATA_ERROR    /* preset dictionaries unsupported */
                   : rc;
    inflateEnd(&s);
    return result;
}

CORDON_EXPORT int64_t zc_crc32(uint8_t *in, size_t inlen)
{
    return (int64_t)crc32_z(0L, in, inlen);     /* _z: size_t length */
}

CORDON_EXPORT int64_t zc_adler32(uint8_t *in, size_t inlen)
{
    return (int64_t)adler32_z(1L, in, inlen);   /* adler32 starts at 1 */
}

/* Copies zlibVersion() without its NUL, cut to cap; returns bytes copied. */
CORDON_EXPORT int64_t zc_version(uint8_t *out, size_t cap)
{
    const char *v = zlibVersion();
    size_t n = 0;
    while (v[n] != '\0' && n < cap) {
        out[n] = (uint8_t)v[n];
        n++;
    }
    return (int64_t)n;
}

/* An empty call, for measuring the cost of a gate crossing. */
CORDON_EXPORT int64_t zc_noop(void)
{
    return 0;
}
