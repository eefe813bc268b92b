# Sourced by provision.sh: the guest lab's dom0 initramfs. It holds Debian's Xen toolstack (xl,
# xenstored, xenconsoled from xen-utils-4.17 and its libraries, with the glibc pieces they link
# against copied from this machine), the dom0 kernel's Xen modules, and what guests boot from: the
# same kernel and a tiny busybox initramfs (initramfs/guest-init).
# Uses provision.sh's cache, say, fail, fresh, commit, download, newest, offline, refresh, kernel_deb.

# xen-utils-4.17 and the libraries xl, xenstored and xenconsoled load (checked with ldd below).
toolstack_pkgs=(xen-utils-4.17 libxenmisc4.17 libxenstore4 libxentoollog1 libxencall1 libxenevtchn1
  libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxentoolcore1 libxendevicemodel1 libyajl2)
toolstack_bins=(xl xenstored xenconsoled xen-init-dom0 xenconsole)
xen_modules=(xenfs/xenfs xen-privcmd xen-evtchn xen-gntdev xen-gntalloc)

toolstack_debs() { # the cached .deb of each package, one a line (empty if any is missing)
  local p d out=()
  for p in "${toolstack_pkgs[@]}"; do
    d=$(find "$cache/debs/toolstack" -maxdepth 1 -name "${p}_*.deb" -printf '%f\n' | sort -V | tail -n 1)
    [[ -n $d ]] || return 0
    out+=("$d")
  done
  printf '%s\n' "${out[@]}"
}

# An SSH server in dom0 for in-band capture over SSH (test/lab/inband.lab.test.ts): Debian's dropbear,
# optional — downloaded when online, included when its packages are cached. The client key is made here.
sshd_pkgs=(dropbear-bin libtomcrypt1 libtommath1)
sshd_debs() {
  local p d out=()
  for p in "${sshd_pkgs[@]}"; do
    d=$(find "$cache/debs/sshd" -maxdepth 1 -name "${p}_*.deb" -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
    [[ -n $d ]] || return 0
    out+=("$d")
  done
  printf '%s\n' "${out[@]}"
}
ssh_key=

gcc_s() { ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ { print $NF; exit }'; }

provision_guests() {
  mkdir -p "$cache/debs/toolstack"
  local debs
  debs=$(toolstack_debs)
  if ((refresh)) || [[ -z $debs ]]; then
    ((offline)) && fail "the toolstack packages are not downloaded into $cache/debs/toolstack. Run test/lab/provision.sh."
    rm -f "$cache/debs/toolstack"/*.deb
    download "$cache/debs/toolstack" "${toolstack_pkgs[@]}"
    debs=$(toolstack_debs)
    [[ -n $debs ]] || fail "download left a toolstack package missing in $cache/debs/toolstack"
  fi

  mkdir -p "$cache/debs/sshd"
  local sdebs
  sdebs=$(sshd_debs)
  if [[ -z $sdebs ]] && ! ((offline)); then
    download "$cache/debs/sshd" "${sshd_pkgs[@]}" || say "dropbear not downloaded: the guest lab's dom0 has no sshd"
    sdebs=$(sshd_debs)
  fi
  if [[ -n $sdebs ]]; then
    ssh_key=$cache/boot/lab-ssh-key
    [[ -s $ssh_key ]] || ssh-keygen -q -t ed25519 -N '' -C xenkeys-lab -f "$ssh_key" >&2 ||
      fail "ssh-keygen failed (openssh-client is installed by provision.sh)"
  fi
  local dom0_init=$here/initramfs/toolstack-init guest_init=$here/initramfs/guest-init
  local scenarios=$here/initramfs/lab-guests
  local src
  src=$(printf '%s\n' "$debs" "$sdebs" "${ssh_key:+$(cat "$ssh_key.pub")}" "$kernel_deb" "$(sha256sum "$dom0_init" "$guest_init" "$scenarios" /bin/busybox "$here/provision-guests.sh" /lib64/ld-linux-x86-64.so.2 "$(gcc_s)")" |
    sha256sum | cut -d' ' -f1)
  guest_initrd=$cache/boot/initrd-guests.gz
  fresh "$guest_initrd" "$src" && return 0

  say "building the guest lab's initramfs (toolstack dom0)"
  local stage
  stage=$(mktemp -d "$cache/initrd-guests.XXXXXX")
  trap 'rm -rf "$stage" "$stage".[xkg]' EXIT
  chmod 755 "$stage"
  local x=$stage.x
  mkdir -p "$x" "$stage"/{bin,dev,proc,sys,tmp,etc/xen,guest,lib/modules/xen,lib64,lib/x86_64-linux-gnu}
  while read -r d; do dpkg-deb -x "$cache/debs/toolstack/$d" "$x"; done <<<"$debs"

  # The binaries, and every library they load: Xen's from the packages, the rest from this machine.
  local bin=$stage/usr/lib/xen-4.17/bin b lib missing
  mkdir -p "$bin"
  for b in "${toolstack_bins[@]}"; do cp "$x/usr/lib/xen-4.17/bin/$b" "$bin/"; done
  missing=$(LD_LIBRARY_PATH=$x/usr/lib/x86_64-linux-gnu ldd "$bin"/* | grep 'not found' | sort -u || true)
  [[ -z $missing ]] || fail "the toolstack needs libraries no package in toolstack_pkgs has: $missing"
  for lib in $(LD_LIBRARY_PATH=$x/usr/lib/x86_64-linux-gnu ldd "$bin"/* | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
    cp -L "$lib" "$stage/lib/x86_64-linux-gnu/"
  done
  cp -L /lib64/ld-linux-x86-64.so.2 "$stage/lib64/"
  # glibc loads libgcc_s when a thread is cancelled (xl does, when a wait times out).
  cp -L "$(gcc_s)" "$stage/lib/x86_64-linux-gnu/"

  # The dom0 kernel's Xen devices (modules in Debian's build).
  local m kx=$stage.k wanted=()
  mkdir -p "$kx"
  for m in "${xen_modules[@]}"; do wanted+=("*/kernel/drivers/xen/$m.ko"); done
  dpkg-deb --fsys-tarfile "$cache/debs/$kernel_deb" | tar -x -C "$kx" --wildcards --transform 's,.*/,,' "${wanted[@]}"
  for m in "${xen_modules[@]}"; do
    m=${m#*/}
    [[ -s $kx/$m.ko ]] || fail "module $m.ko not found in $kernel_deb"
    cp "$kx/$m.ko" "$stage/lib/modules/xen/"
  done

  # dropbear, its libraries, root's authorized key, and the NIC's driver (QEMU's e1000, user networking).
  if [[ -n $sdebs ]]; then
    local s=$stage.s
    mkdir -p "$s" "$stage/usr/sbin" "$stage/root/.ssh" "$stage/etc/dropbear"
    while read -r d; do dpkg-deb -x "$cache/debs/sshd/$d" "$s"; done <<<"$sdebs"
    cp "$s/usr/sbin/dropbear" "$stage/usr/sbin/"
    for lib in $(LD_LIBRARY_PATH=$s/usr/lib/x86_64-linux-gnu ldd "$stage/usr/sbin/dropbear" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
      cp -L "$lib" "$stage/lib/x86_64-linux-gnu/"
    done
    install -m 600 "$ssh_key.pub" "$stage/root/.ssh/authorized_keys"
    chmod 700 "$stage/root" "$stage/root/.ssh"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
    dpkg-deb --fsys-tarfile "$cache/debs/$kernel_deb" | tar -x -C "$kx" --wildcards --transform 's,.*/,,' '*/kernel/drivers/net/ethernet/intel/e1000/e1000.ko'
    [[ -s $kx/e1000.ko ]] || fail "module e1000.ko not found in $kernel_deb"
    cp "$kx/e1000.ko" "$stage/lib/modules/xen/"
    rm -rf "$s"
  fi

  # What the guests boot: the same kernel, and busybox with the guest's /init.
  local g=$stage.g
  mkdir -p "$g"/{bin,dev,proc,sys,tmp}
  chmod 755 "$g"
  cp /bin/busybox "$g/bin/busybox"
  install -m 755 "$guest_init" "$g/init"
  (cd "$g" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -9) >"$stage/guest/initrd.gz"
  # Unpacked once here, not by xl at every `xl create`: un-xz-ing 66 MB in dom0 under TCG took ~55 s.
  local at
  at=$(grep -abo -m 1 $'\xfd7zXZ\x00' "$kernel" | head -n 1 | cut -d: -f1)
  [[ -n $at ]] || fail "$kernel is not xz-compressed: cannot unpack the guests' kernel"
  tail -c "+$((at + 1))" "$kernel" | xz -dc 2>/dev/null >"$stage/guest/vmlinux" || true # stops at trailing bytes
  [[ $(head -c 4 "$stage/guest/vmlinux") == $'\x7fELF' ]] || fail "unpacking $kernel gave no ELF kernel"

  # dom0's memory is fixed (dom0_mem): xl must not balloon it down to make room for guests.
  echo 'autoballoon="off"' >"$stage/etc/xen/xl.conf"
  cp /bin/busybox "$stage/bin/busybox"
  install -m 755 "$dom0_init" "$stage/init"
  install -m 755 "$scenarios" "$stage/bin/lab-guests"
  # gzip -1: rebuilt whenever a script changes, and dom0's kernel unpacks it at every boot.
  (cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$guest_initrd.tmp"
  commit "$guest_initrd" "$src"
  rm -rf "$stage" "$x" "$kx" "$g"
  trap - EXIT
}
