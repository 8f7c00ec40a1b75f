#!/usr/bin/env bash
# Installs what building and testing need on Debian 12; with --lint, also
# what `make lint` runs (php-codesniffer, Node.js's eslint-config-wikimedia
# and banana-checker, cargo-deny). Idempotent and fast when everything is
# present: apt, npm and cargo install are only run for what is missing.
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
	phpunit
	python3-mwclient
	redis-server memcached php-redis php-memcached
	postgresql php-pgsql
)
# MediaWiki 1.39's generateSchemaSql.php runs on Debian 12's Doctrine DBAL
# (tests/schema_sql.rs); Debian 13's is too new for 1.43's and has no
# sql-formatter, so there the test compares tables.json by itself.
if grep -qx 'VERSION_CODENAME=bookworm' /etc/os-release; then
	packages+=(php-doctrine-dbal php-sql-formatter)
fi

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

# `make lint`'s own tools (scripts/deps.sh --lint): not for `make wiki` or
# `make build`, which need none of them, nor for the MediaWiki 1.43 lane.
TA_CARGO_DENY_VERSION=0.20.2
if [ "${1:-}" = --lint ]; then
	lint_packages=(php-codesniffer)
	# Node.js and npm from Debian unless the machine has its own.
	command -v npm >/dev/null 2>&1 || lint_packages+=(nodejs npm)
	mapfile -t missing < <(ta_missing_packages "${lint_packages[@]}")
	ta_apt_install "${missing[@]}" || ta_die "installing ${missing[*]} failed"

	# eslint-config-wikimedia and banana-checker, as package-lock.json pins them.
	stamp="$TA_ROOT/node_modules/.package-lock.json"
	if [ ! -f "$stamp" ] || [ "$TA_ROOT/package-lock.json" -nt "$stamp" ]; then
		ta_log "npm ci (eslint-config-wikimedia, grunt-banana-checker)"
		(cd "$TA_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || ta_die "npm ci failed"
	fi

	# cargo-deny (licences, bans, sources); crates.io has no binary, so it is built once.
	if ! cargo deny --version >/dev/null 2>&1; then
		ta_log "cargo install cargo-deny (once, a few minutes)"
		cargo install --locked --quiet cargo-deny@"$TA_CARGO_DENY_VERSION" || ta_die "cargo install cargo-deny failed"
	fi
fi
