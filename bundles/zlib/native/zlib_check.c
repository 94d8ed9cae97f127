/*
 * Host check for zlib_domain.c (make check; not part of CI): round-trips
 * zc_deflate/zc_inflate at every level and checks the error results. Linked
 * statically with musl like the domain image, but called directly, no gate.
 * Byte-identity with java.util.zip.Deflater is checked in Java.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zlib.h"

int64_t zc_deflate(uint8_t *, size_t, uint8_t *, size_t, int64_t);
int64_t zc_inflate(uint8_t *, size_t, uint8_t *, size_t);
int64_t zc_crc32(uint8_t *, size_t);
int64_t zc_adler32(uint8_t *, size_t);
int64_t zc_version(uint8_t *, size_t);
int64_t zc_noop(void);

static int failures;
#define CHECK(c) do { if (!(c)) { failures++; \
    fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #c); } } while (0)

static void round_trip(uint8_t *in, size_t n, int level)
{
    size_t cap = compressBound(n);
    uint8_t *z = malloc(cap), *back = malloc(n + 1);
    int64_t zn = zc_deflate(in, n, z, cap, level);
    CHECK(zn > 0);
    if (zn <= 0)
        return;
    CHECK(zc_deflate(in, n, z, (size_t)zn - 1, level) == Z_BUF_ERROR);
    CHECK(zc_deflate(in, n, z, (size_t)zn, level) == zn);       /* exact fit */
    CHECK(zc_inflate(z, zn, back, n) == (int64_t)n);             /* exact fit */
    CHECK(memcmp(in, back, n) == 0);
    if (n > 0)
        CHECK(zc_inflate(z, zn, back, n - 1) == Z_BUF_ERROR);   /* out too small */
    CHECK(zc_inflate(z, zn - 1, back, n + 1) == Z_BUF_ERROR);   /* truncated */
    z[zn / 2] ^= 0x55;                                          /* corrupt */
    int64_t r = zc_inflate(z, zn, back, n + 1);
    CHECK(r == Z_DATA_ERROR || r == Z_BUF_ERROR);
    free(z);
    free(back);
}

int main(void)
{
    size_t n = 1 << 20;
    uint8_t *text = malloc(n), *noise = malloc(n);
    for (size_t i = 0; i < n; i++) {
        text[i] = "the quick brown fox jumps over the lazy dog "[i % 44] ^ (i % 1000 == 0);
        noise[i] = (uint8_t)(rand() >> 7);
    }
    for (int level = -1; level <= 9; level++) {
        round_trip(text, n, level);
        round_trip(noise, n, level);
        round_trip(text, 1, level);
        round_trip(text, 0, level);
    }
    uint8_t out[64];
    CHECK(zc_deflate(text, 10, out, sizeof out, 10) == Z_STREAM_ERROR);
    CHECK(zc_deflate(text, 10, out, sizeof out, -2) == Z_STREAM_ERROR);
    CHECK(zc_deflate(text, 10, NULL, 0, 6) == Z_BUF_ERROR);
    CHECK(zc_inflate(NULL, 0, out, sizeof out) == Z_BUF_ERROR);
    CHECK(zc_inflate((uint8_t *)"garbage!", 8, out, sizeof out) == Z_DATA_ERROR);
    CHECK(zc_crc32((uint8_t *)"123456789", 9) == 0xCBF43926);
    CHECK(zc_adler32((uint8_t *)"Wikipedia", 9) == 0x11E60398);
    CHECK(zc_crc32(NULL, 0) == 0 && zc_adler32(NULL, 0) == 1);
    int64_t vn = zc_version(out, sizeof out);
    CHECK(vn == (int64_t)strlen(ZLIB_VERSION) && memcmp(out, ZLIB_VERSION, vn) == 0);
    CHECK(zc_version(out, 3) == 3);
    CHECK(zc_noop() == 0);
    printf("zlib-check: zlib %.*s, %s\n", (int)vn, out, failures ? "FAILED" : "ok");
    return failures != 0;
}
