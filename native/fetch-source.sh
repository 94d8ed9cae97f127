#!/bin/sh
# fetch-source.sh PACKAGE DEST FILE...: Debian's source package PACKAGE,
# unpacked into DEST; FILE... (paths in the tree) must be there.
#
# Third-party sources are never committed: we build the ones Debian ships,
# from their source packages, so their provenance is the distribution's
# signed archive (zlib: bundles/zlib/native/fetch-zlib.sh; musl:
# native/musl/fetch-musl.sh). Steps:
#   1. done already?            -> every FILE exists in DEST: say so, exit 0
#   2. source package cached?   -> $CORDON_CACHE/PACKAGE/*.dsc (default
#                                  ~/.cache/cordon), so a second clone of the
#                                  repo does not download it again
#   3. else `apt-get source --download-only PACKAGE=V` for each version V
#      that `apt-cache showsrc` lists, newest first, until one downloads
#      (needs a deb-src entry and dpkg-dev; as root we add them, otherwise
#      we say what to run)
#   4. dpkg-source -x (checks the .dsc checksums, applies Debian's patches)
#      into a temp dir beside DEST, then mv into place (no half trees).
set -eu

[ $# -ge 3 ] || { echo "usage: fetch-source.sh PACKAGE DEST FILE..." >&2; exit 2; }
PKG=$1
DEST=$2
case $PKG in
'' | *[!a-z0-9.+-]*) echo "fetch-source.sh: not a Debian package name: $PKG" >&2; exit 2 ;;
esac
shift 2
CACHE=${CORDON_CACHE:-${HOME:-/tmp}/.cache/cordon}/$PKG
ME=fetch-$PKG

die() { echo "$ME: $*" >&2; exit 1; }

show_version() {
    deb=$(cat "$DEST/.debian-version" 2>/dev/null || echo '?')
    echo "$ME: $PKG (Debian $deb) in $(cd "$DEST" && pwd)"
}

# every FILE present in $TREE
complete() {
    for f in "$@"; do
        [ -f "$TREE/$f" ] || return 1
    done
}

TREE=$DEST
if complete "$@"; then
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
    echo "$ME: added a deb-src entry under /etc/apt/sources.list.d/"
}

cached_dsc() {
    ls "$CACHE"/${PKG}_*.dsc 2>/dev/null | sort -V | tail -n 1
}

# Tries each source version apt lists, newest first: a security suite may
# list a version its mirror does not serve (bookworm-security answered 404
# for 1:1.2.13.dfsg-1+deb12u1 while the main suite served 1:1.2.13.dfsg-1).
# dpkg-source -x below verifies whichever one we get against its .dsc.
TRIED=
source_versions() {
    apt-cache showsrc "$PKG" 2>/dev/null | sed -n 's/^Version: //p' | sort -u -V -r
}

download_source() {  # $1: empty directory to download into
    versions=$(source_versions)
    if [ -z "$versions" ]; then
        # the deb-src entry may exist while its index was never downloaded
        [ "$(id -u)" = 0 ] || die "apt knows no $PKG source; run: sudo apt-get update   then run this again"
        apt-get update >&2
        versions=$(source_versions)
    fi
    newest=$(echo "$versions" | head -n 1)
    for v in $versions; do
        TRIED="$TRIED $v"
        if (cd "$1" && apt-get $APT_OPT source --download-only "$PKG=$v" >&2); then
            if [ "$v" = "$newest" ]; then
                echo "$ME: downloaded $PKG $v, the newest source apt lists"
            else
                echo "$ME: downloaded $PKG $v: the newer$(echo "$TRIED" | sed "s/ $v\$//") could not be downloaded"
            fi
            return 0
        fi
        echo "$ME: $PKG $v is listed but could not be downloaded; trying an older one" >&2
        rm -f "$1"/*
    done
    return 1
}

DSC=$(cached_dsc)
TARGET=$(dirname "$DEST")
mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd); DEST=$TARGET/$(basename "$DEST")   # tidy messages
TMP=$(mktemp -d "$TARGET/.$ME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

if [ -n "$DSC" ]; then
    echo "$ME: using cached $DSC"
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
            "$PKG sources not fetched and no deb-src entry or dpkg-dev; run:
  $FIX
then run this again."
    fi
    mkdir "$TMP/dl"
    download_source "$TMP/dl" || die "no $PKG source version apt lists could be downloaded (tried: $TRIED); check the mirror, or put a ${PKG}_*.dsc with its files in $CACHE"
    # keep the package files for the next clone (best effort)
    if mkdir -p "$CACHE" 2>/dev/null && cp "$TMP"/dl/${PKG}_* "$CACHE"/ 2>/dev/null; then
        echo "$ME: cached the source package in $CACHE"
    fi
    DSC=$(ls "$TMP"/dl/${PKG}_*.dsc | sort -V | tail -n 1)
fi

# dpkg-source verifies every file against the checksums in the .dsc
dpkg-source -x "$DSC" "$TMP/src" >&2
sed -n 's/^Version: //p' "$DSC" > "$TMP/src/.debian-version"
TREE=$TMP/src
complete "$@" || die "the unpacked tree lacks one of: $*"
rm -rf "$DEST"
mv "$TMP/src" "$DEST"
show_version
