#!/bin/sh
# Puts musl's sources under native/target/musl-src (or $1).
#
# musl is never committed: the libc.a inside confined images is built
# (build-musl.sh) from the source package Debian ships, so its provenance
# is the distribution's signed archive. The same steps as
# bundles/zlib/native/fetch-zlib.sh:
#   1. done already?            -> DEST/VERSION exists: print version, exit 0
#   2. source package cached?   -> $CORDON_CACHE/musl/*.dsc (default
#                                  ~/.cache/cordon), so a second clone of the
#                                  repo does not download it again
#   3. else `apt-get source --download-only musl=V` for each version V that
#      `apt-cache showsrc` lists, newest first, until one downloads (needs a
#      deb-src entry and dpkg-dev; as root we add them, otherwise we say
#      what to run)
#   4. dpkg-source -x (checks the .dsc checksums, applies Debian's patches)
#      into a temp dir under target/, then mv into place (no half trees).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DEST=${1:-$HERE/../target/musl-src}
CACHE=${CORDON_CACHE:-${HOME:-/tmp}/.cache/cordon}/musl

die() { echo "fetch-musl: $*" >&2; exit 1; }

show_version() {
    v=$(cat "$DEST/VERSION")
    deb=$(cat "$DEST/.debian-version" 2>/dev/null || echo '?')
    echo "fetch-musl: musl $v (Debian $deb) in $(cd "$DEST" && pwd)"
}

if [ -f "$DEST/VERSION" ] && [ -f "$DEST/configure" ]; then
    show_version
    exit 0
fi

# --- what to run when we are not root and something is missing -------------
FIX="sudo sh -c 'sed \"s/^Types: deb\$/Types: deb-src/\" /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/cordon-deb-src.sources && apt-get update && apt-get install -y dpkg-dev'"

have_deb_src() {
    # indextargets lists the configured Sources indexes, even if not fetched
    apt-get indextargets 'Identifier: Sources' 2>/dev/null | grep -q .
}

add_deb_src() {
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
            > /etc/apt/sources.list.d/cordon-deb-src.sources
    elif [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list \
            > /etc/apt/sources.list.d/cordon-deb-src.list
    else
        die "no apt sources to derive a deb-src entry from"
    fi
    echo "fetch-musl: added a deb-src entry under /etc/apt/sources.list.d/"
}

cached_dsc() {
    ls "$CACHE"/musl_*.dsc 2>/dev/null | sort -V | tail -n 1
}

# Tries each source version apt lists, newest first: a security suite may
# list a version its mirror does not serve (bookworm-security answered 404
# for 1:1.2.13.dfsg-1+deb12u1 while the main suite served 1:1.2.13.dfsg-1).
# dpkg-source -x below verifies whichever one we get against its .dsc.
TRIED=
source_versions() {
    apt-cache showsrc musl 2>/dev/null | sed -n 's/^Version: //p' | sort -u -V -r
}

download_zlib() {  # $1: empty directory to download into
    versions=$(source_versions)
    if [ -z "$versions" ]; then
        # the deb-src entry may exist while its index was never downloaded
        [ "$(id -u)" = 0 ] || die "apt knows no musl source; run: sudo apt-get update   then run this again"
        apt-get update >&2
        versions=$(source_versions)
    fi
    newest=$(echo "$versions" | head -n 1)
    for v in $versions; do
        TRIED="$TRIED $v"
        if (cd "$1" && apt-get $APT_OPT source --download-only "musl=$v" >&2); then
            if [ "$v" = "$newest" ]; then
                echo "fetch-musl: downloaded musl $v, the newest source apt lists"
            else
                echo "fetch-musl: downloaded musl $v: the newer$(echo "$TRIED" | sed "s/ $v\$//") could not be downloaded"
            fi
            return 0
        fi
        echo "fetch-musl: musl $v is listed but could not be downloaded; trying an older one" >&2
        rm -f "$1"/*
    done
    return 1
}

DSC=$(cached_dsc)
TARGET=$(dirname "$DEST")
mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd); DEST=$TARGET/$(basename "$DEST")   # tidy messages
TMP=$(mktemp -d "$TARGET/.fetch-musl.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

if [ -n "$DSC" ]; then
    echo "fetch-musl: using cached $DSC"
    command -v dpkg-source >/dev/null 2>&1 || {
        [ "$(id -u)" = 0 ] || die "dpkg-source is missing; run: sudo apt-get install -y dpkg-dev"
        apt-get install -y dpkg-dev
    }
else
    if [ "$(id -u)" = 0 ]; then
        APT_OPT="-o APT::Sandbox::User=root"   # we download into a root-only temp dir
        if ! have_deb_src; then add_deb_src; apt-get update; fi
        command -v dpkg-source >/dev/null 2>&1 || apt-get install -y dpkg-dev
    else
        APT_OPT=
        { have_deb_src && command -v dpkg-source >/dev/null 2>&1; } || die \
            "musl sources not fetched and no deb-src entry or dpkg-dev; run:
  $FIX
then run this again."
    fi
    mkdir "$TMP/dl"
    download_zlib "$TMP/dl" || die "no musl source version apt lists could be downloaded (tried: $TRIED); check the mirror, or put a musl_*.dsc with its files in $CACHE"
    # keep the package files for the next clone (best effort)
    if mkdir -p "$CACHE" 2>/dev/null && cp "$TMP"/dl/musl_* "$CACHE"/ 2>/dev/null; then
        echo "fetch-musl: cached the source package in $CACHE"
    fi
    DSC=$(ls "$TMP"/dl/musl_*.dsc | sort -V | tail -n 1)
fi

# dpkg-source verifies every file against the checksums in the .dsc
dpkg-source -x "$DSC" "$TMP/src" >&2
sed -n 's/^Version: //p' "$DSC" > "$TMP/src/.debian-version"
[ -f "$TMP/src/configure" ] || die "unpacked tree has no configure"
rm -rf "$DEST"
mv "$TMP/src" "$DEST"
show_version
