#!/bin/sh
# Puts musl's sources under native/target/musl-src (or $1): Debian's source
# package, fetched and cached by native/fetch-source.sh. build-musl.sh
# builds the libc.a of confined images from it.
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../fetch-source.sh" musl "${1:-$HERE/../target/musl-src}" \
	VERSION configure src/setjmp/x86_64/longjmp.s
