# Sourced by provision.sh: a Xen 4.17 with DWARF line tables, for source lines (file.c:NNN) in
# `report --xen-syms`. Debian's xen-hypervisor-4.17-amd64-dbg has only a symbol table (a release build:
# 4.17 offers CONFIG_DEBUG_INFO only with DEBUG or EXPERT, so there is no DWARF to find anywhere), so
# this builds the hypervisor (xen/ only, no tools) from Debian's own source package: bookworm main's, pinned below by its .dsc's SHA-256, whose checksums then vouch for
# the tarballs; Debian's patch series, Kconfig (debian/xen-kconfig) and flags, plus -g. Its build id
# is its own, not that of Debian's 4.17.7 binary: the lab boots this Xen to test against its xen-syms.
# ~150 CPU-seconds (1½–6 minutes on 2 cores, with other load), once; the result is cached like the rest.
# Uses provision.sh's cache, say, fail, fresh, commit, offline, as_root, installed, apt_quiet.

debug_xen_version=4.17.5+72-g01140da4e8-1
debug_xen_dsc_sha256=f13956b67fb7a65707c2b0620d89b41ee5d203434dd7bb913017356791ee66c1
debug_xen_pool=${XENKEYS_LAB_DEBIAN_POOL:-http://deb.debian.org/debian/pool/main/x/xen}
# Build-Depends of Debian's package that the hypervisor alone needs, and curl to fetch the sources.
debug_xen_pkgs=(gcc make flex bison python3 patch xz-utils lsb-release curl ca-certificates)

debug_xen=$cache/boot/xen-debuginfo.elf
debug_syms=$cache/boot/xen-syms-debuginfo
# The pristine upstream tree the build starts from (Debian's patches change files, add none).
debug_orig=$cache/src/xen_${debug_xen_version%-*}.orig.tar.xz
debug_debian=$cache/src/xen_${debug_xen_version}.debian.tar.xz

# Downloads the .dsc and its tarballs into $cache/src (kept: a rebuild needs no network).
debug_xen_fetch() {
  local dsc=xen_${debug_xen_version}.dsc name sha got
  mkdir -p "$cache/src"
  if [[ $(sha256sum <"$cache/src/$dsc" 2>/dev/null) != "$debug_xen_dsc_sha256  -" ]]; then
    ((offline)) && fail "Debian's xen $debug_xen_version source is not downloaded. Run test/lab/provision.sh --debug-xen."
    say "downloading $dsc"
    curl -fsSL --proto '=http,https' -o "$cache/src/$dsc.tmp" "$debug_xen_pool/${dsc//+/%2B}" ||
      fail "cannot download $debug_xen_pool/$dsc (Debian may have moved on from $debug_xen_version: update the pin in ${BASH_SOURCE[0]})"
    [[ $(sha256sum <"$cache/src/$dsc.tmp") == "$debug_xen_dsc_sha256  -" ]] ||
      fail "$dsc does not have the pinned SHA-256 $debug_xen_dsc_sha256"
    mv -f "$cache/src/$dsc.tmp" "$cache/src/$dsc"
  fi
  # The .dsc's Checksums-Sha256 lines: `sha size name`, between that field and the next.
  while read -r sha _ name; do
    [[ $name == *.tar.* ]] || continue
    got=$(sha256sum <"$cache/src/$name" 2>/dev/null) || got=
    if [[ $got != "$sha  -" ]]; then
      ((offline)) && fail "$name is not downloaded. Run test/lab/provision.sh --debug-xen."
      say "downloading $name"
      curl -fsSL --proto '=http,https' -o "$cache/src/$name.tmp" "$debug_xen_pool/${name//+/%2B}" ||
        fail "cannot download $debug_xen_pool/$name"
      [[ $(sha256sum <"$cache/src/$name.tmp") == "$sha  -" ]] || fail "$name does not match $dsc's SHA-256"
      mv -f "$cache/src/$name.tmp" "$cache/src/$name"
    fi
  done < <(sed -n '/^Checksums-Sha256:/,/^[^ ]/{/^ /p}' "$cache/src/$dsc")
  [[ -s $debug_orig && -s $debug_debian ]] || fail "$dsc does not name $debug_orig and $debug_debian"
}

# Debian's build of xen/ (debian/rules: override_dh_auto_configure and _build), with -g added.
debug_xen_build() { # work-dir
  local work=$1 top maintainer
  tar -xf "$debug_orig" -C "$work"
  top=$(echo "$work"/xen-*/)
  top=${top%/}
  tar -xf "$debug_debian" -C "$top"
  while read -r p; do
    [[ -z $p || $p == \#* ]] && continue
    patch -d "$top" -p1 -s --no-backup-if-mismatch -i "debian/patches/$p" >&2 || fail "Debian's patch $p did not apply"
  done <"$top/debian/patches/series"
  cp "$top/debian/xen-kconfig" "$top/xen/.config"
  maintainer=$(sed -n 's/^Maintainer: //p' "$top/debian/control")
  # What debian/rules exports: the version banner, a reproducible build date, no downloads.
  local epoch
  epoch=$(date -d "$(sed -n 's/^ -- .*>  //p' "$top/debian/changelog" | head -n 1)" +%s)
  local env=(DEB_VERSION="$debug_xen_version" DEB_MAINTAINER="$maintainer" WGET=/bin/false GIT=/bin/false
    XEN_BUILD_DATE="$(LC_ALL=C date -u -d "@$epoch")" XEN_BUILD_TIME="$(LC_ALL=C date -u -d "@$epoch" +%T)")
  # Debian's prefix maps, then one for the debug info only (the last wins): `xen/common/softirq.c`.
  local flags="-ffile-prefix-map=$top=. -fdebug-prefix-map=$top=. -g -fdebug-prefix-map=$top/="
  local args=(-C "$top/xen" XEN_TARGET_ARCH=x86_64 XEN_COMPILE_ARCH=x86_64 "EXTRA_CFLAGS_XEN_CORE=$flags")
  env "${env[@]}" make "${args[@]}" olddefconfig >&2
  env "${env[@]}" nice -n 10 make "${args[@]}" -j"$(nproc)" >&2 || fail "the Xen build failed (its output is above)"
  cp "$top/xen/xen" "$debug_xen.tmp"
  cp "$top/xen/xen-syms" "$debug_syms.tmp"
}

# Sets debug_xen_src when the files are there (built now or before).
provision_debug_xen() { # build: 1 to build when missing, 0 to report it only if cached
  # What the files are made from: the pinned source and this recipe's own text.
  local src
  src="$debug_xen_version $debug_xen_dsc_sha256 $(declare -f debug_xen_build | sha256sum | cut -c1-16)"
  debug_xen_src=
  if ! { fresh "$debug_xen" "$src" && fresh "$debug_syms" "$src"; }; then
    (($1)) || return 0
    # Minutes of building: under a lock of its own, so lab runs (provision.sh --offline) go on meanwhile.
    exec 9>&- 8>"$cache/.lock-debug-xen"
    flock 8
    fresh "$debug_xen" "$src" && fresh "$debug_syms" "$src" || debug_xen_make "$src"
  fi
  debug_xen_src=$src
}

debug_xen_make() { # src
  local missing=() p
  for p in "${debug_xen_pkgs[@]}"; do installed "$p" || missing+=("$p"); done
  if ((${#missing[@]})); then
    ((offline)) && fail "missing packages to build Xen: ${missing[*]}. Run test/lab/provision.sh --debug-xen as root."
    as_root || fail "missing packages to build Xen: ${missing[*]}. Run: sudo apt-get install ${missing[*]}"
    say "installing ${missing[*]}"
    apt-get "${apt_quiet[@]}" install -y --no-install-recommends "${missing[@]}" >&2
  fi
  debug_xen_fetch
  local work
  work=$(mktemp -d "$cache/xen-build.XXXXXX")
  trap "rm -rf '$work'" EXIT
  say "building Xen $debug_xen_version with debug info (a few minutes)"
  debug_xen_build "$work"
  readelf -S "$debug_syms.tmp" | grep -q '\.debug_line' || fail "the built xen-syms has no .debug_line"
  commit "$debug_xen" "$1"
  commit "$debug_syms" "$1"
  rm -rf "$work"
  trap - EXIT
}
