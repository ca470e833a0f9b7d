#!/bin/sh
# Fetches the third-party sources the stub-domain runtime builds from
# Debian's archive into a cache outside git (never committed):
#   Newlib 3.3.0 from the newlib-source package (/usr/src/newlib/*.tar.xz)
#   lwIP 2.1.3 with `apt-get source --download-only lwip` through a private
#   deb-src list (the system's apt configuration is left alone).
# Idempotent and quiet when both trees are present.
# Cache: $TESSERA_SOURCES, default ~/.cache/tessera/sources.
set -eu
cache=${TESSERA_SOURCES:-$HOME/.cache/tessera/sources}
newlib_tar=/usr/src/newlib/newlib-3.3.0.tar.xz
lwip_orig=lwip_2.1.3+dfsg1.orig.tar.xz

[ -f "$cache/newlib-salsa/newlib/libc/include/stdio.h" ] &&
	[ -f "$cache/lwip-2.1.3/src/core/init.c" ] && exit 0
mkdir -p "$cache"

if [ ! -f "$cache/newlib-salsa/newlib/libc/include/stdio.h" ]; then
	[ -f "$newlib_tar" ] || { echo "fetch-sources: $newlib_tar missing (apt-get install newlib-source)" >&2; exit 1; }
	rm -rf "$cache/newlib-salsa"
	tar -C "$cache" -xJf "$newlib_tar"
fi

if [ ! -f "$cache/lwip-2.1.3/src/core/init.c" ]; then
	apt_dir="$cache/lwip-apt"
	rm -rf "$apt_dir"
	mkdir -p "$apt_dir/lists/partial"
	sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
		> "$apt_dir/debian-src.sources"
	set -- -o APT::Sandbox::User=root -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir" \
		-o "Dir::State::Lists=$apt_dir/lists"
	apt-get "$@" -qq update
	(cd "$cache" && apt-get "$@" -qq source --download-only lwip)
	rm -rf "$cache/lwip-2.1.3"
	tar -C "$cache" -xJf "$cache/$lwip_orig" ||
		{ echo "fetch-sources: Debian's lwip is not $lwip_orig" >&2; exit 1; }
	rm -rf "$apt_dir"
fi
echo "fetch-sources: Newlib and lwIP sources in $cache"
