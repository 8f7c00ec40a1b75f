#!/usr/bin/env bash
# Installs what building and testing need on Debian 12. Idempotent and fast
# when everything is present: apt is only touched if a package is missing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

packages=(
	make
	php-cli php-dev php-sqlite3 php-mbstring php-intl php-xml php-gmp php-apcu
	mediawiki
	clang libclang-dev
	chromium chromium-driver
	nginx curl openssl
)

mapfile -t missing < <(ta_missing_packages "${packages[@]}")
ta_apt_install "${missing[@]}" || ta_die "installing ${missing[*]} failed"

if ! ta_ensure_cargo; then
	ta_die "cargo not found: install Rust with rustup (https://rustup.rs), then re-run"
fi
# fmt and clippy are needed by `make lint`.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
	if command -v rustup >/dev/null 2>&1; then
		ta_log "adding rustfmt and clippy"
		rustup component add rustfmt clippy
	else
		ta_die "cargo fmt / cargo clippy missing and no rustup to add them"
	fi
fi

# Debian's php-dev ships the .phpt runner used by `make php-tests`.
ext_dir="$(php -r 'echo PHP_EXTENSION_DIR;')"
[ -f "/usr/lib/php/$(basename "$ext_dir")/build/run-tests.php" ] ||
	ta_die "run-tests.php not found under /usr/lib/php/$(basename "$ext_dir")/build (php-dev)"
