#!/usr/bin/env bash
# The MediaWiki 1.43 + PHP 8.4 lane: a Debian 13 (trixie) root made with
# debootstrap, entered with unshare + chroot (no container engine).
#
#   scripts/lane-trixie.sh host-tools    install debootstrap and zstd on the host
#   scripts/lane-trixie.sh root          make the root (or restore it from the cache)
#   scripts/lane-trixie.sh run CMD...    run CMD in the root, in /src (this checkout)
#   scripts/lane-trixie.sh clean         delete the root (the cache is kept)
#
# The root lives in .lanes/trixie (ignored by git) and is made afresh for
# every `make test-mw143` from a tarball taken right after apt, kept outside
# the checkout in $MWS_TA_CACHE (default /var/cache/mws-ta), so a package
# test never sees the leftovers of an earlier run. The same cache holds the
# lane's cargo target dir. Delete the cache to start from scratch.
#
# Inside: this checkout at /src, the host's rustup toolchain and cargo home
# bind-mounted at their own paths (trixie's glibc is newer than bookworm's, so
# the host's Rust runs there; PHP 8.4 does not run on bookworm's glibc, so the
# extension is built inside). A new PID namespace: whatever the lane started
# dies with it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUITE=trixie
MIRROR="${MWS_TA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOT="${MWS_TA_TRIXIE_ROOT:-$TA_ROOT/.lanes/trixie}"
CACHE="${MWS_TA_CACHE:-/var/cache/mws-ta}"
# What the lane needs inside; bump ROOT_VERSION when this list changes.
PACKAGES=(
	php-cli php-dev php-sqlite3 php-mbstring php-intl php-xml php-gmp php-apcu
	mediawiki
	clang libclang-dev gcc libc6-dev make
	curl ca-certificates openssl
	chromium chromium-driver
	nginx phpunit
	redis-server memcached php-redis php-memcached
	postgresql php-pgsql
)
ROOT_VERSION=5
TARBALL="$CACHE/trixie-root-v$ROOT_VERSION.tar.zst"

need_root() {
	[ "$(id -u)" -eq 0 ] || ta_die "the trixie lane needs root (debootstrap, chroot, mounts)"
}

ensure_host_tools() {
	local missing
	mapfile -t missing < <(ta_missing_packages debootstrap util-linux zstd)
	ta_apt_install "${missing[@]}" || ta_die "installing ${missing[*]} on the host failed"
}

# enter CMD: runs CMD (a bash script) as root inside the root.
enter() {
	local script="$1"
	local rustup="${RUSTUP_HOME:-$HOME/.rustup}" cargo_home="${CARGO_HOME:-$HOME/.cargo}"
	mkdir -p "$CACHE"
	# shellcheck disable=SC2016
	unshare --mount --pid --fork --propagation private -- bash -euo pipefail -c '
		root=$1 src=$2 rustup=$3 cargo_home=$4 cache=$5 script=$6
		mount --rbind /dev "$root/dev"
		mount -t proc proc "$root/proc"
		mount -t sysfs sysfs "$root/sys"
		mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
		for d in "$src:/src" "$cache:$cache" "$rustup:$rustup" "$cargo_home:$cargo_home"; do
			from=${d%%:*} to=${d#*:}
			[ -d "$from" ] || continue
			mkdir -p "$root$to"
			mount --bind "$from" "$root$to"
		done
		cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
		# debootstrap writes no /etc/hosts; chromedriver reaches Chromium at "localhost".
		[ -s "$root/etc/hosts" ] || printf "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n" >"$root/etc/hosts"
		exec chroot "$root" /usr/bin/env -i \
			HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
			PATH="$cargo_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
			RUSTUP_HOME="$rustup" CARGO_HOME="$cargo_home" MWS_TA_CACHE="$cache" \
			MWS_TA_LANE=mw143 \
			bash -euo pipefail -c "cd /src && $script"
	' lane "$ROOT" "$TA_ROOT" "$rustup" "$cargo_home" "$CACHE" "$script"
}

bootstrap() {
	ensure_host_tools
	local tmp="$ROOT.new"
	rm -rf "$tmp"
	mkdir -p "$(dirname "$ROOT")"
	ta_log "debootstrap $SUITE from $MIRROR"
	debootstrap --variant=minbase "$SUITE" "$tmp" "$MIRROR" >"$tmp.log" 2>&1 ||
		{ tail -20 "$tmp.log" >&2; ta_die "debootstrap failed (log: $tmp.log)"; }
	rm -f "$tmp.log"
	# Package scripts must never start a service (mediawiki pulls in apache2).
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	ta_log "apt-get install in the root: ${PACKAGES[*]}"
	ROOT="$tmp" enter "export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends ${PACKAGES[*]} >/tmp/apt.log 2>&1 ||
			{ tail -30 /tmp/apt.log >&2; exit 1; }
		apt-get clean"
	mkdir -p "$CACHE"
	ta_log "caching the root in $TARBALL"
	tar -C "$tmp" -I 'zstd -T0 -3' -cf "$TARBALL.part" --numeric-owner \
		--exclude=./proc/* --exclude=./sys/* --exclude=./dev/* --exclude=./tmp/* .
	mv "$TARBALL.part" "$TARBALL"
	# Older versions of the root are of no further use.
	find "$CACHE" -maxdepth 1 -name 'trixie-root-v*' ! -name "$(basename "$TARBALL")" -delete
	mv "$tmp" "$ROOT"
}

make_root() {
	need_root
	ensure_host_tools
	if mountpoint -q "$ROOT/proc" 2>/dev/null; then
		ta_die "$ROOT/proc is mounted: is another lane run still going?"
	fi
	# Gone at once, not file by file under a run that just found it.
	if [ -e "$ROOT" ]; then
		rm -rf "$ROOT.old"
		mv "$ROOT" "$ROOT.old"
		rm -rf "$ROOT.old"
	fi
	if [ -f "$TARBALL" ]; then
		ta_log "restoring the trixie root from $TARBALL"
		# Whole or absent: a run that finds $ROOT/usr enters a complete root.
		rm -rf "$ROOT.new"
		mkdir -p "$ROOT.new"
		tar -C "$ROOT.new" -I 'zstd -T0' -xf "$TARBALL" --numeric-owner
		mv "$ROOT.new" "$ROOT"
	else
		bootstrap
	fi
}

# One root build at a time per checkout: a run that finds no root waits for
# a build under way (another session's `root`) instead of deleting it.
lock_root() {
	mkdir -p "$(dirname "$ROOT")"
	exec 9>"$ROOT.lock"
	flock 9
}

case "${1:-}" in
host-tools)
	need_root
	ensure_host_tools
	;;
root)
	need_root
	lock_root
	make_root
	;;
run)
	need_root
	shift
	if [ ! -d "$ROOT/usr" ]; then
		lock_root
		[ -d "$ROOT/usr" ] || make_root
		exec 9>&-
	fi
	enter "$*"
	;;
clean) rm -rf "$ROOT" "$ROOT.new" "$ROOT.old" ;;
*)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
