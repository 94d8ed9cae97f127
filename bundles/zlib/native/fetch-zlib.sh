#!/bin/sh
# Puts zlib's C sources under bundles/zlib/target/zlib-src (or $1): Debian's
# source package, fetched and cached by native/fetch-source.sh (which says
# how, and why zlib is never committed).
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../../../native/fetch-source.sh" zlib "${1:-$HERE/../target/zlib-src}" \
	zlib.h deflate.c
