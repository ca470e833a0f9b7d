#!/bin/sh
# Downloads Debian's linux-image-amd64 kernel package into a cache outside the
# git tree, extracts /boot/vmlinuz-* and prints the path of that bzImage.
# Usage: ci/fetch-debian-kernel.sh   (TESSERA_KERNEL_CACHE overrides the cache)
set -eu
cache=${TESSERA_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tessera/debian}
mkdir -p "$cache"
cd "$cache"

# linux-image-amd64 is a metapackage: its dependency names the real image.
image_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1
}
pkg=$(image_pkg)
if [ -z "$pkg" ]; then
  # A fresh machine may have no package lists yet.
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update >&2
  pkg=$(image_pkg)
fi
[ -n "$pkg" ] || { echo "fetch-debian-kernel: cannot resolve linux-image-amd64" >&2; exit 1; }

root="$cache/$pkg"
if ! ls "$root"/boot/vmlinuz-* >/dev/null 2>&1; then
  ls "$pkg"_*.deb >/dev/null 2>&1 || apt-get download "$pkg" >&2
  rm -rf "$root.tmp"
  dpkg-deb -x "$(ls "$pkg"_*.deb | head -n 1)" "$root.tmp"
  rm -rf "$root"
  mv "$root.tmp" "$root"
fi
ls "$root"/boot/vmlinuz-* | head -n 1
