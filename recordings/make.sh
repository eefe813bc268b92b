#!/usr/bin/env bash
# Remake the committed recordings: each boots the lab's real Xen 4.17 under QEMU with the serial on
# TCP (QEMU waits for us, so the boot log is in the recording) and runs `xenkeys capture` on it.
#
#   recordings/make.sh            all of them
#   recordings/make.sh NAME...    some (see the list at the bottom)
#
# Needs the lab (test/lab/provision.sh) and a build (npm run build).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
eval "$("$root/test/lab/provision.sh")"
xenkeys=("$root/bin/xenkeys")

xen_base="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# record NAME SMP "XEN ARGS" "DOM0 ARGS" -- capture flags...
# guests=1 before it: the guest lab (toolstack dom0, 2048 MiB, dom0_mem=512M) instead of busybox.
record() {
  local name=$1 smp=$2 xen_args=$3 dom0_args=$4
  shift 5
  local port out=$here/$name
  port=$(free_port)
  rm -f "$out"/session.cast "$out"/session.raw "$out"/captures.json "$out"/report.json "$out"/report.md
  echo "== $name (smp=$smp, xen: $xen_args, dom0: $dom0_args)" >&2
  local qemu_log
  qemu_log=$(mktemp)
  local initrd=$XENKEYS_LAB_INITRD mem=1536 dom0_mem=768M
  if ((${guests:-0})); then initrd=$XENKEYS_LAB_GUEST_INITRD mem=2048 dom0_mem=512M; fi
  setsid "$XENKEYS_LAB_QEMU" -smp "$smp" -m "$mem" -display none -no-reboot -nodefaults \
    -chardev "socket,id=ser0,host=127.0.0.1,port=$port,server=on,wait=on" -serial chardev:ser0 \
    -kernel "$XENKEYS_LAB_XEN" -append "$xen_base dom0_mem=$dom0_mem $xen_args" \
    -initrd "$XENKEYS_LAB_KERNEL console=hvc0 earlyprintk=xen $dom0_args,$initrd" >"$qemu_log" 2>&1 &
  local qemu=$!
  trap 'kill -- -'"$qemu"' 2>/dev/null || true; rm -f '"$qemu_log" RETURN
  # QEMU says when it listens. Never probe the port by connecting: with wait=on the first client
  # to connect gets the start of the boot.
  for _ in $(seq 100); do grep -q 'waiting for connection' "$qemu_log" && break; sleep 0.1; done
  "${xenkeys[@]}" capture --tcp "127.0.0.1:$port" -o "$out" --wait-for "Enter 'help' for a list" "$@" || echo "capture exited $?" >&2
}

all=(boot-and-keys dom0-crash dom0-panic-keys smp8-big-dump credit-sched guests)
wanted=("$@")
((${#wanted[@]})) || wanted=("${all[@]}")
for name in "${wanted[@]}"; do
  case $name in
    # Boot, then every key the host's own 'h' list does not mark dangerous.
    boot-and-keys) record xen-4.17-boot-and-keys 2 "" "" -- --keys all-safe ;;
    # dom0 crashes with Xen's noreboot: "Hardware Dom0 crashed: 'noreboot' set - not rebooting." and Xen halts.
    dom0-crash) record xen-4.17-dom0-crash 2 "" "" -- --keys none --type 'echo c > /proc/sysrq-trigger' --until 'Dom0 crashed' ;;
    # dom0 panics but waits (panic=300), so Xen still answers: the post-mortem a hung host calls for.
    dom0-panic-keys) record xen-4.17-dom0-panic-keys 2 "" "panic=300" -- --keys post-mortem --type 'echo c > /proc/sysrq-trigger' --until 'Kernel panic' ;;
    # 8 CPUs and a 16 KiB ring: 'd' and '*' print far more than the ring keeps; 'w' shows what it kept.
    smp8-big-dump) record xen-4.17-smp8-big-dump 8 "conring_size=16k" "" -- --keys 'hd*w' --allow-dangerous ;;
    # The credit scheduler's run-queue format (Debian's default build is credit2).
    credit-sched) record xen-4.17-credit-sched 4 "sched=credit console_timestamps=boot" "" -- --keys hqrdr ;;
    # The guest lab: eight small PV domUs (two pinned, one paused), one spinning on both vCPUs, one
    # crashed and one shut down (both kept by xl), dom0 itself busy in two loops; then the keys.
    guests) guests=1 record xen-4.17-guests 2 "" "" -- --keys qrdeiugd --type 'lab-guests all' \
      --until 'lab-guests: all (done|FAILED)' --wait-timeout 3600 ;;
    *) echo "unknown recording '$name' (known: ${all[*]})" >&2; exit 2 ;;
  esac
done
