#!/bin/sh
# build-musl.sh OUT: musl's libc.a built confined (native/CONFINEMENT.md),
# written to OUT (make confined-libc: target/lib/musl/libc.a).
#
#   1. the sources: fetch-musl.sh (Debian's source package, cached)
#   2. a build of the same inputs done before? -> $CORDON_CACHE/musl/
#      build-<hash>/libc.a, the hash over the Debian version, the flags
#      (cc/confine-flags) and this directory's scripts
#   3. else copy the tree, rewrite its x86_64 assembly (confine-asm.awk),
#      configure with the flags, make lib/libc.a, and refuse the result if
#      check-confined finds a return or indirect branch in it
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
NATIVE=$(cd "$HERE/.." && pwd)
OUT=${1:?usage: build-musl.sh OUT}
SRC=$NATIVE/target/musl-src
CACHE=${CORDON_CACHE:-${HOME:-/tmp}/.cache/cordon}/musl
FLAGS=$(sed '/^#/d' "$NATIVE/cc/confine-flags")

die() { echo "build-musl: $*" >&2; exit 1; }

"$HERE/fetch-musl.sh" "$SRC"
key=$( { cat "$SRC/.debian-version"; echo "$FLAGS"; cat "$HERE"/*.sh "$HERE"/*.awk; } |
	sha256sum | cut -c1-16)
built=$CACHE/build-$key/libc.a
mkdir -p "$(dirname "$OUT")"
if [ -f "$built" ]; then
	echo "build-musl: using cached $built"
	cp "$built" "$OUT"
	exit 0
fi

mkdir -p "$NATIVE/target"
TMP=$(mktemp -d "$NATIVE/target/.build-musl.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
cp -a "$SRC" "$TMP/musl"
n=0
for s in "$TMP"/musl/src/*/x86_64/*.s; do
	awk -f "$HERE/confine-asm.awk" "$s" >"$s.new"
	mv "$s.new" "$s"
	n=$((n + 1))
done
echo "build-musl: rewrote $n assembly files of $(cat "$SRC/.debian-version")"
# -fPIC: libc.a goes into shared images
(cd "$TMP/musl" && ./configure --target=x86_64 --disable-shared \
	CC=gcc AR=ar RANLIB=ranlib CFLAGS="-fPIC $FLAGS" >"$TMP/configure.log" 2>&1) ||
	die "configure failed; see its log: $(tail -n 5 "$TMP/configure.log")"
make -C "$TMP/musl" -j"$(nproc)" lib/libc.a >"$TMP/make.log" 2>&1 ||
	die "make failed: $(tail -n 5 "$TMP/make.log" | cut -c1-300)"
"$NATIVE/cc/check-confined" "$TMP/musl/lib/libc.a" >"$TMP/check.log" ||
	die "the rebuilt libc.a leaves the scheme:
$(head -n 20 "$TMP/check.log")"
if mkdir -p "$(dirname "$built")" 2>/dev/null && cp "$TMP/musl/lib/libc.a" "$built.tmp" 2>/dev/null; then
	mv -f "$built.tmp" "$built"
	echo "build-musl: cached in $built"
fi
cp "$TMP/musl/lib/libc.a" "$OUT"
echo "build-musl: $OUT"
