#!/usr/bin/env bash
# Provision the Xen lab: host packages, Debian's Xen 4.17 and dom0 kernel, a busybox initramfs.
#
#   test/lab/provision.sh            install what is missing (root needed only to install packages)
#   test/lab/provision.sh --offline  no apt, no network: check the cache, rebuild a stale initramfs
#   test/lab/provision.sh --refresh  also re-resolve and re-download the newest Xen/kernel packages
#   test/lab/provision.sh --guests   with --offline: also check/build the guest lab (toolstack dom0);
#                                    without --offline the guest lab is always provisioned
#   test/lab/provision.sh --debug-xen  also build Xen with debug info from Debian's source (a few
#                                    minutes, once) for source lines; reported whenever it is cached
#
# Idempotent: with everything cached it only hashes two files. Boot files live outside git in
# ${XENKEYS_LAB_CACHE:-$HOME/.cache/xenkeys-lab}. stdout carries only KEY=value lines (the paths),
# which test/lab/xen-lab.ts parses; progress and errors go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${XENKEYS_LAB_CACHE:-$HOME/.cache/xenkeys-lab}
offline=0
refresh=0
guests=0
debug_xen_wanted=0
for arg in "$@"; do
  case $arg in
    --offline) offline=1 ;;
    --refresh) refresh=1 ;;
    --guests) guests=1 ;;
    --debug-xen) debug_xen_wanted=1 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "provision.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "xenkeys-lab: $*" >&2; }
# Exit 3 means "not provisioned"; xen-lab.ts turns it into advice.
fail() { echo "xenkeys-lab: $*" >&2; exit 3; }

# What a boot needs, then what later lab pieces drive (OpenIPMI's simulator, ipmitool, sshd, ssh,
# ser2net and conserver as console servers, strace to watch ser2net's ioctls on the line, and
# headless Chromium for test/browser).
boot_packages=(qemu-system-x86 busybox-static cpio gzip)
# binutils: addr2line and readelf, which `report --xen-syms` runs.
packages=("${boot_packages[@]}" socat openipmi ipmitool openssh-server openssh-client
  ser2net conserver-server conserver-client strace chromium binutils)
xen_pkg=xen-hypervisor-4.17-amd64
# The same build's xen-syms (symbols and line tables), for `report --xen-syms` in the lab's tests.
dbg_pkg=xen-hypervisor-4.17-amd64-dbg

installed() { [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == "ii "* ]]; }
as_root() { [[ $(id -u) -eq 0 ]]; }
apt_quiet=(-q -o Dpkg::Use-Pty=0)

missing=()
if ((offline)); then wanted=("${boot_packages[@]}"); else wanted=("${packages[@]}"); fi
for p in "${wanted[@]}"; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
  ((offline)) && fail "missing packages: ${missing[*]}. Run test/lab/provision.sh as root."
  as_root || fail "missing packages: ${missing[*]}. Run: sudo test/lab/provision.sh (or apt-get install them)."
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get "${apt_quiet[@]}" update >&2
  apt-get "${apt_quiet[@]}" install -y --no-install-recommends "${missing[@]}" >&2
fi

mkdir -p "$cache/debs" "$cache/boot"
# Two test runs provisioning at once must not interleave their downloads and renames.
exec 9>"$cache/.lock"
flock 9

newest() { # glob [more find tests]: the highest version among the cached .debs
  find "$cache/debs" -maxdepth 1 -name "$@" -printf '%f\n' | sort -V | tail -n 1
}

# The package lists exist once `apt-get update` has run; a fresh container has none.
ensure_lists() {
  apt-cache show "$xen_pkg" >/dev/null 2>&1 && return
  as_root || fail "apt has no package lists; run: sudo apt-get update"
  apt-get "${apt_quiet[@]}" update >&2
}

download() { # folder package...
  local dir=$1
  shift
  ensure_lists
  local sandbox=()
  # As root, apt drops to user _apt, who cannot write into $HOME: skip the sandbox, not the download.
  as_root && sandbox=(-o APT::Sandbox::User=root)
  say "downloading $*"
  (cd "$dir" && apt-get "${apt_quiet[@]}" "${sandbox[@]}" download "$@" >&2)
}

# The -amd64 flavour, not -cloud-amd64: the cloud kernel lacks the Xen PV console dom0 needs.
kernel_pkg() {
  apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9.-]*-amd64\)$/\1/p' | head -n 1
}

xen_deb=$(newest "${xen_pkg}_*.deb")
kernel_deb=$(newest 'linux-image-[0-9]*-amd64_*.deb' ! -name '*-cloud-*')
if ((refresh)) || [[ -z $xen_deb || -z $kernel_deb ]]; then
  ((offline)) && fail "Xen or kernel package not downloaded into $cache/debs. Run test/lab/provision.sh."
  ensure_lists
  kpkg=$(kernel_pkg)
  [[ -n $kpkg ]] || fail "could not resolve the kernel behind linux-image-amd64 (apt-cache depends)"
  [[ -n $xen_deb && $refresh -eq 0 ]] || download "$cache/debs" "$xen_pkg"
  [[ -n $kernel_deb && $refresh -eq 0 ]] || download "$cache/debs" "$kpkg"
  xen_deb=$(newest "${xen_pkg}_*.deb")
  kernel_deb=$(newest "${kpkg}_*.deb")
  [[ -n $xen_deb && -n $kernel_deb ]] || fail "download left no .deb in $cache/debs"
  # Superseded packages only take space (the kernel is ~70 MB).
  find "$cache/debs" -maxdepth 1 -name '*.deb' ! -name "$xen_deb" ! -name "$kernel_deb" ! -name "${dbg_pkg}_*.deb" -delete
fi

# The -dbg package of exactly the hypervisor's version (its xen-syms carries the same build id).
xen_version=${xen_deb#"${xen_pkg}"_}
xen_version=${xen_version%_*.deb}
dbg_deb=${dbg_pkg}_${xen_version}_amd64.deb
if [[ ! -s $cache/debs/$dbg_deb ]]; then
  ((offline)) && fail "$dbg_deb not downloaded into $cache/debs. Run test/lab/provision.sh."
  download "$cache/debs" "${dbg_pkg}=${xen_version}"
  [[ -s $cache/debs/$dbg_deb ]] || fail "download left no $dbg_deb in $cache/debs"
  find "$cache/debs" -maxdepth 1 -name "${dbg_pkg}_*.deb" ! -name "$dbg_deb" -delete
fi

# Each boot file remembers what it was made from (a .src sidecar), so a change rebuilds only it.
fresh() { [[ -s $1 && -f $1.src && $(<"$1.src") == "$2" ]]; }
commit() { mv -f "$1.tmp" "$1" && printf '%s' "$2" >"$1.src"; } # rename last: never a half file

xen=$cache/boot/xen.elf
kernel=$cache/boot/vmlinuz
syms=$cache/boot/xen-syms
if ! fresh "$xen" "$xen_deb" || ! fresh "$kernel" "$kernel_deb" || ! fresh "$syms" "$dbg_deb"; then
  work=$(mktemp -d "$cache/extract.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  if ! fresh "$xen" "$xen_deb"; then
    say "extracting $xen_deb"
    dpkg-deb -x "$cache/debs/$xen_deb" "$work/xen"
    # QEMU's -kernel loads a multiboot ELF32, not the gzip Debian ships for GRUB.
    gunzip -c "$work"/xen/boot/xen-4.17-amd64.gz >"$xen.tmp"
    commit "$xen" "$xen_deb"
  fi
  if ! fresh "$kernel" "$kernel_deb"; then
    say "extracting $kernel_deb"
    dpkg-deb -x "$cache/debs/$kernel_deb" "$work/kernel"
    cp "$work"/kernel/boot/vmlinuz-* "$kernel.tmp"
    commit "$kernel" "$kernel_deb"
  fi
  if ! fresh "$syms" "$dbg_deb"; then
    say "extracting $dbg_deb"
    dpkg-deb -x "$cache/debs/$dbg_deb" "$work/dbg"
    cp "$work"/dbg/usr/lib/debug/boot/xen-syms-4.17-amd64 "$syms.tmp"
    commit "$syms" "$dbg_deb"
  fi
  rm -rf "$work"
  trap - EXIT
fi

# The initramfs: static busybox plus our /init. Rebuilt when either changes.
initrd=$cache/boot/initrd.gz
init=$here/initramfs/init
busybox=/bin/busybox
[[ $(dpkg -S "$busybox" 2>/dev/null) == busybox-static:* ]] ||
  fail "$busybox is not from busybox-static (a dynamic busybox cannot run in the initramfs)"
initrd_src=$(sha256sum "$init" "$busybox" | cut -d' ' -f1 | tr '\n' ' ')
if ! fresh "$initrd" "$initrd_src"; then
  say "building initramfs"
  stage=$(mktemp -d "$cache/initrd.XXXXXX")
  trap 'rm -rf "$stage"' EXIT
  chmod 755 "$stage" # mktemp's 0700 would become the guest's /
  mkdir -p "$stage"/{bin,dev,proc,sys,tmp}
  cp "$busybox" "$stage/bin/busybox"
  install -m 755 "$init" "$stage/init"
  # /dev/console comes from the kernel's built-in initramfs, so no device node is needed (or
  # creatable without root). -R 0:0 keeps a non-root build owned by root inside the guest.
  (cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -9) >"$initrd.tmp"
  commit "$initrd" "$initrd_src"
  rm -rf "$stage"
  trap - EXIT
fi

# The guest lab's dom0 initramfs (provision-guests.sh): always when online, on request offline.
guest_initrd=
if ((guests || !offline)); then
  # shellcheck source=test/lab/provision-guests.sh
  . "$here/provision-guests.sh"
  provision_guests
fi

# The Xen with line tables (provision-debug-xen.sh): built on request, reported whenever it is cached.
# shellcheck source=test/lab/provision-debug-xen.sh
. "$here/provision-debug-xen.sh"
provision_debug_xen "$debug_xen_wanted"

echo "XENKEYS_LAB_XEN=$xen"
echo "XENKEYS_LAB_KERNEL=$kernel"
echo "XENKEYS_LAB_INITRD=$initrd"
echo "XENKEYS_LAB_XEN_SYMS=$syms"
echo "XENKEYS_LAB_XEN_DEB=$xen_deb"
echo "XENKEYS_LAB_KERNEL_DEB=$kernel_deb"
[[ -z $guest_initrd ]] || echo "XENKEYS_LAB_GUEST_INITRD=$guest_initrd"
[[ -z ${ssh_key:-} ]] || echo "XENKEYS_LAB_SSH_KEY=$ssh_key"
if [[ -n $debug_xen_src ]]; then
  echo "XENKEYS_LAB_DEBUG_XEN=$debug_xen"
  echo "XENKEYS_LAB_DEBUG_XEN_SYMS=$debug_syms"
  echo "XENKEYS_LAB_DEBUG_XEN_SOURCE=$debug_orig"
fi
echo "XENKEYS_LAB_QEMU=$(command -v qemu-system-x86_64)"
