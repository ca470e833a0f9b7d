#!/bin/sh
# Downloads Debian's linux-image-amd64 kernel package into a cache outside
# the git tree and extracts what Tessera's tests use:
#   $cache/<package>/boot/          the package's /boot (vmlinuz, config)
#   $cache/guest/vmlinux            the ELF inside the bzImage (PVH entry)
#   $cache/guest/vmlinuz            the bzImage itself
#   $cache/guest/config             the kernel's build configuration
#   $cache/guest/xen-privcmd.ko     /dev/xen/privcmd (the in-guest fuzzer)
#   $cache/guest/xen-evtchn.ko      /dev/xen/evtchn (the event-channel ping-pong)
#   $cache/guest/package            the package name these came from
# Prints the path of the vmlinuz on stdout (the toolstack tests read it) and
# where the guest files are on stderr. Idempotent: a second run only checks.
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
# The modules the guest loads (=m in Debian's config), under drivers/xen/.
modules="xen-privcmd.ko xen-evtchn.ko"
module_paths() {
  for m in $modules; do printf ' ./lib/modules/%s/kernel/drivers/xen/%s' "${pkg#linux-image-}" "$m"; done
}

root="$cache/$pkg"
have_all() {
  ls "$root"/boot/vmlinuz-* >/dev/null 2>&1 || return 1
  for m in $(module_paths); do [ -f "$root/$m" ] || return 1; done
}
if ! have_all; then
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
  # Only /boot and the modules the guest loads, not the 400 MB of modules.
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root.tmp" ./boot $(module_paths)
  rm -rf "$root"
  mv "$root.tmp" "$root"
fi
vmlinuz=$(ls "$root"/boot/vmlinuz-* | head -n 1)

# Reads an unsigned little-endian field of SIZE bytes at OFFSET of FILE.
field() {
  od -An -tu"$3" -j "$2" -N "$3" "$1" | tr -d ' '
}

# The bzImage's payload is where its setup header says (boot protocol 2.08+:
# payload_offset at 0x248, payload_length at 0x24c, both relative to the
# protected-mode code after the setup sectors); it ends with the
# uncompressed size as a 4-byte trailer, which xz reports as trailing garbage.
extract_vmlinux() {
  [ "$(od -An -c -j 514 -N 4 "$1" | tr -d ' ')" = HdrS ] ||
    { echo "fetch-debian-kernel: $1 is not a bzImage" >&2; return 1; }
  [ "$(field "$1" 518 2)" -ge 520 ] ||
    { echo "fetch-debian-kernel: $1: boot protocol older than 2.08" >&2; return 1; }
  setup_sects=$(field "$1" 497 1)
  [ "$setup_sects" -ne 0 ] || setup_sects=4
  off=$(( (setup_sects + 1) * 512 + $(field "$1" 584 4) ))
  len=$(field "$1" 588 4)
  size=$(field "$1" $((off + len - 4)) 4)
  tail -c +$((off + 1)) "$1" | head -c "$len" | xz -dc > "$2" 2>/dev/null || true
  [ "$(wc -c < "$2")" -eq "$size" ] ||
    { echo "fetch-debian-kernel: vmlinux is $(wc -c < "$2") bytes, the trailer says $size" >&2; return 1; }
  # ELF64 (class 2), little-endian, x86-64 (machine 62), with the PVH entry
  # note (XEN_ELFNOTE_PHYS32_ENTRY, type 18).
  [ "$(od -An -c -j 1 -N 3 "$2" | tr -d ' ')" = ELF ] && [ "$(field "$2" 4 1)" -eq 2 ] &&
    [ "$(field "$2" 18 2)" -eq 62 ] ||
    { echo "fetch-debian-kernel: the payload is not an x86-64 ELF64" >&2; return 1; }
  readelf -nW "$2" | grep -q '^ *Xen .*(0x00000012)' ||
    { echo "fetch-debian-kernel: vmlinux has no PVH entry note" >&2; return 1; }
}

guest="$cache/guest"
if [ "$(cat "$guest/package" 2>/dev/null)" != "$pkg" ] ||
   ! (cd "$guest" 2>/dev/null && ls $modules >/dev/null 2>&1); then
  rm -rf "$guest.tmp"
  mkdir -p "$guest.tmp"
  extract_vmlinux "$vmlinuz" "$guest.tmp/vmlinux"
  cp "$vmlinuz" "$guest.tmp/vmlinuz"
  cp "$root"/boot/config-* "$guest.tmp/config"
  for m in $(module_paths); do cp "$root/$m" "$guest.tmp/"; done
  echo "$pkg" > "$guest.tmp/package"
  rm -rf "$guest"
  mv "$guest.tmp" "$guest"
fi
echo "fetch-debian-kernel: $pkg: vmlinux, vmlinuz, config, $modules in $guest" >&2
echo "$vmlinuz"
