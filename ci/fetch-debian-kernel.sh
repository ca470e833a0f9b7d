#!/bin/sh
# Downloads Debian's linux-image-amd64 kernel package into a cache outside
# the git tree, extracts its /boot and prints the path of the vmlinuz
# (bzImage). The toolstack tests load this kernel.
# Cache: $TESSERA_KERNEL_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/tessera/debian.
set -eu
cache=${TESSERA_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tessera/debian}
mkdir -p "$cache"
cd "$cache"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# linux-image-amd64 is a metapackage; its dependency names the real image.
image_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1
}

pkg=$(image_pkg)
updated=no
if [ -z "$pkg" ]; then              # a fresh machine has no package lists
  $SUDO apt-get update >&2
  updated=yes
  pkg=$(image_pkg)
fi
[ -n "$pkg" ] || { echo "fetch-debian-kernel: cannot resolve linux-image-amd64" >&2; exit 1; }

root="$cache/$pkg"
if ! ls "$root"/boot/vmlinuz-* >/dev/null 2>&1; then
  if ! ls "$pkg"_*.deb >/dev/null 2>&1; then
    if ! apt-get download "$pkg" >&2; then
      # stale lists name a version the mirror no longer has
      [ "$updated" = no ] || exit 1
      $SUDO apt-get update >&2
      pkg=$(image_pkg)
      root="$cache/$pkg"
      apt-get download "$pkg" >&2
    fi
  fi
  deb=$(ls "$pkg"_*.deb | head -n 1)
  rm -rf "$root.tmp"
  mkdir -p "$root.tmp"
  # Only /boot is needed, not the 400 MB of modules.
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root.tmp" ./boot
  rm -rf "$root"
  mv "$root.tmp" "$root"
fi
ls "$root"/boot/vmlinuz-* | head -n 1
