# Shared helpers for the scripts in this directory. Source it, do not run it.
# shellcheck shell=bash

# Absolute path of the repository root.
TA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TA_ROOT

# Where MediaWiki lives (Debian's `mediawiki` package).
TA_MW_DIR="${TA_MW_DIR:-/usr/share/mediawiki}"

# The native PHP extension built by `cargo build --release`; MWS_TA_SO overrides it.
ta_so_path() {
	if [ -n "${MWS_TA_SO:-}" ]; then
		printf '%s\n' "$MWS_TA_SO"
	else
		printf '%s\n' "$TA_ROOT/target/release/libmws_token_authenticator.so"
	fi
}

# ta_write_ini DIR SO_PATH: write DIR/mws_token_authenticator.ini loading SO_PATH.
# Use it with PHP_INI_SCAN_DIR=:DIR (the leading colon keeps Debian's own scan dir).
# The file is only rewritten when its content changes.
ta_write_ini() {
	local dir="$1" so="$2" ini content
	mkdir -p "$dir"
	ini="$dir/mws_token_authenticator.ini"
	content="extension=$so"
	if [ ! -f "$ini" ] || [ "$(cat "$ini")" != "$content" ]; then
		printf '%s\n' "$content" >"$ini"
	fi
}

# Make `cargo` available (rustup installs it under ~/.cargo/bin).
ta_ensure_cargo() {
	if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
		# shellcheck disable=SC1091
		. "$HOME/.cargo/env"
	fi
	command -v cargo >/dev/null 2>&1
}

# ta_missing_packages PKG...: prints, one a line, those not installed.
ta_missing_packages() {
	local pkg
	for pkg in "$@"; do
		if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
			printf '%s\n' "$pkg"
		fi
	done
}

# ta_apt_install PKG...: installs the packages with apt (nothing to do when
# none is given), refreshing the package lists only when the install fails
# without it (they are often fresh enough, and an update costs seconds).
# Package scripts are kept from starting services: Debian's mediawiki pulls
# in apache2, and nginx, php-fpm and MariaDB would start too.
ta_apt_install() {
	[ $# -gt 0 ] || return 0
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			printf 'error: need root (or sudo) to install: %s\n' "$*" >&2
			return 1
		fi
		sudo=(sudo)
	fi
	ta_log "installing: $*"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
		"${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
	fi
	local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
	"${apt[@]}" install -y -q --no-install-recommends "$@" ||
		{ "${apt[@]}" update -q && "${apt[@]}" install -y -q --no-install-recommends "$@"; }
}

# A PHP single-quoted string literal of $1.
php_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g")"
}

ta_log() {
	printf '==> %s\n' "$*" >&2
}

ta_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}
