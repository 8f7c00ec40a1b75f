# TokenAuthenticator: native PHP extension (Rust) + MediaWiki extension.
#
#   make deps        install Debian packages (PHP, MediaWiki, clang, Chromium)
#   make deps-lint   the same, and the tools of `make lint` (npm, cargo-deny)
#   make build       build target/release/libmws_token_authenticator.so
#   make test        lint, Rust unit tests, .phpt tests, end-to-end tests on real
#                    wikis, the reliability checks (CI size) and the .deb's test:
#                    the MediaWiki 1.39 + PHP 8.2 lane (this Debian 12 machine)
#   make test-mw143  the MediaWiki 1.43 + PHP 8.4 lane: the same suite in a
#                    Debian 13 root (debootstrap + unshare + chroot)
#   make deb         .deb packages for PHP 8.2 and PHP 8.4, into dist/
#   make lint        cargo fmt --check, clippy -D warnings, cargo-deny, php -l,
#                    phpcs, eslint (eslint-config-wikimedia), banana-checker
#   make php-unit    only the PHP tests (mediawiki-extension/tests/phpunit/)
#   make php-tests   only the .phpt tests in php-tests/
#   make e2e         only the end-to-end tests (tests/*.rs)
#   make screenshots refresh docs/screenshots/ (Special:ServiceKeys, in Chromium)
#   make wiki        serve a development wiki on http://127.0.0.1:8080 (WIKI_PORT=...)
#   make clean-wiki  delete that wiki (.wiki/)
#   make bench       micro and macro benchmarks (bench/); rewrites BENCHMARKS.md
#   make bench-quick the same with short runs, into bench/out/ (trying it out)
#   make reliability concurrency (20,000 ops on SQLite, MariaDB and PostgreSQL) and
#                    database outage runs; rewrites the full-run figures of RELIABILITY.md
#   make reliability-ci  the same checks with small counts (about 4 minutes)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# rustup's cargo may not be on PATH in a non-login shell. Only touch PATH when
# needed: ext-php-rs's build script reruns (bindgen, ~20 s) whenever PATH changes.
ifeq ($(shell command -v cargo 2>/dev/null),)
export PATH := $(HOME)/.cargo/bin:$(PATH)
endif

# The lane of MediaWiki 1.43 builds in its own target dir (TARGET_DIR=...).
TARGET_DIR ?= $(CURDIR)/target
SO := $(TARGET_DIR)/release/libmws_token_authenticator.so

.PHONY: screenshots deps deps-lint build test unit-tests php-unit php-tests e2e lint php-lint phpcs js-lint i18n-lint cargo-deny wiki clean-wiki

deps:
	scripts/deps.sh

deps-lint:
	scripts/deps.sh --lint

build: deps
	cargo build --release --target-dir "$(TARGET_DIR)"
	@test -f "$(SO)" || { echo "error: cargo did not produce $(SO)" >&2; exit 1; }

test: build
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit-tests
	$(MAKE) --no-print-directory php-tests
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory reliability-ci
	$(MAKE) --no-print-directory package-test

# Tests build in the dev profile (target/debug): a test binary's speed does not
# matter, and that build takes half the time of a release one. Apart from
# target/release, it never relinks the .so of `make build` (with the
# dev-dependencies, features of shared crates unify differently).
unit-tests: build
	cargo test --lib --target-dir "$(TARGET_DIR)"
	$(MAKE) --no-print-directory php-unit

# The PHP tests (mediawiki-extension/tests/phpunit/) with Debian's phpunit and
# the native extension loaded: unit/ needs no wiki (MediaWiki's autoloader
# gives core's plain classes); integration/ sets MediaWiki up in process,
# without a database.
php-unit: build
	php -d extension="$(SO)" "$$(command -v phpunit)" --configuration mediawiki-extension/tests/phpunit/phpunit.xml

# run-tests.php comes with php-dev, under /usr/lib/php/<extension API>/build/.
php-tests: build
	@shopt -s nullglob; phpt=(php-tests/*.phpt); \
	if [ $${#phpt[@]} -eq 0 ]; then echo "php-tests: no .phpt files in php-tests/, skipping"; exit 0; fi; \
	runner="/usr/lib/php/$$(basename "$$(php -r 'echo PHP_EXTENSION_DIR;')")/build/run-tests.php"; \
	test -f "$$runner" || { echo "error: $$runner not found (php-dev)" >&2; exit 1; }; \
	echo "php $$runner -d extension=$(SO) -q --show-diff php-tests/"; \
	NO_INTERACTION=1 TEST_PHP_EXECUTABLE="$$(command -v php)" \
		php "$$runner" -d extension="$(SO)" -q --show-diff php-tests/

# End-to-end tests: each starts its own wiki on a free port of 127.0.0.1 and
# loads the release .so of `make build` (MWS_TA_SO).
e2e: build
	MWS_TA_SO="$(SO)" cargo test --no-fail-fast --test '*' --target-dir "$(TARGET_DIR)"

# Pictures of Special:ServiceKeys for the README (docs/screenshots/), from the
# browser test that drives the page in Chromium.
screenshots: build
	MWS_TA_SO="$(SO)" MWS_TA_SCREENSHOTS="$(CURDIR)/docs/screenshots" cargo test --release --test e2e_browser service_keys_page_in_a_real_browser --target-dir "$(TARGET_DIR)"

lint: deps-lint
	cargo fmt --check
	cargo clippy --all-targets --target-dir "$(TARGET_DIR)" -- -D warnings
	$(MAKE) --no-print-directory cargo-deny
	$(MAKE) --no-print-directory php-lint
	$(MAKE) --no-print-directory phpcs
	$(MAKE) --no-print-directory js-lint
	$(MAKE) --no-print-directory i18n-lint

# Licences, bans and sources of every crate (deny.toml); a warning fails too.
# Advisories need the network: see deny.toml.
cargo-deny:
	cargo deny check --deny warnings bans licenses sources

# Debian's php-codesniffer with .phpcs.xml: MediaWiki's conventions as far as
# the generic sniffs reach (MediaWiki's own ruleset is not installable here).
phpcs:
	phpcs -q --standard=.phpcs.xml

# MediaWiki's own JavaScript and i18n checks, from npm (package-lock.json).
js-lint:
	npm run --silent lint:js

i18n-lint:
	npm run --silent lint:i18n

php-lint:
	@echo "php -l ($$(php -r 'echo PHP_VERSION;')) on the repository's PHP files"; \
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard -- '*.php'; \
	else \
		find . \( -path ./target -o -path ./.wiki -o -path ./.lanes -o -path ./dist -o -path ./.git -o -path ./node_modules \) -prune -o -name '*.php' -type f -print0; \
	fi | \
	{ fail=0; while IFS= read -r -d '' f; do \
		[ -f "$$f" ] || continue; \
		out="$$(php -d error_reporting=-1 -d display_errors=1 -l "$$f" 2>&1 || true)"; \
		case "$$out" in "No syntax errors"*) ;; *) printf '%s\n' "$$out" >&2; fail=1 ;; esac; \
	done; exit $$fail; }

wiki: build
	scripts/make-wiki.sh

clean-wiki:
	rm -rf .wiki

# --- Fuzzing and sanitizers (not part of `make test`: they run for minutes) ---
# cargo-fuzz needs nightly-only flags; RUSTC_BOOTSTRAP=1 enables them on the
# stable toolchain, the only one these machines have. Each target runs for
# FUZZ_SECONDS from the seed corpus in fuzz/corpus/<target>; new inputs go to
# target/fuzz-corpus/, crashes to fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := envelope_decode cidr jwt_verify session_verification jwks prefixed_key

.PHONY: fuzz sanitize

fuzz: deps
	@command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build -O
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p target/fuzz-corpus/$$t; \
		echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
		(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O $$t ../target/fuzz-corpus/$$t corpus/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 2>&1 | grep -E 'Done|stat::number_of_executed_units|ERROR|panicked|SUMMARY'); \
	done

# The pure modules' unit tests under AddressSanitizer (no PHP involved).
sanitize: deps
	RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=address" cargo test --lib --no-default-features \
		--target x86_64-unknown-linux-gnu --target-dir target/asan

# Benchmarks (bench/run.sh): the native functions against PHP in one process,
# then a SQLite wiki behind nginx + php-fpm on 127.0.0.1 loaded with wrk.
# Installs nginx, php8.2-fpm and wrk when missing; takes about 6 minutes.
.PHONY: bench bench-quick
bench: build
	BENCH_COMMAND="make bench" MWS_TA_SO="$(SO)" bench/run.sh

bench-quick: build
	BENCH_COMMAND="make bench-quick" BENCH_QUICK=1 MWS_TA_SO="$(SO)" bench/run.sh

# Reliability (reliability/load.sh): a load of generate-then-verify operations,
# replays and races on a SQLite, a MariaDB and a PostgreSQL wiki behind nginx +
# php-fpm on 127.0.0.1, then MariaDB stopped and killed in the middle of a
# load; the same load with tokens on Redis and on memcached, whose server is
# killed mid-load (ci: Redis only). Installs nginx, php8.2-fpm, php8.2-curl,
# php8.2-mysql, php8.2-pgsql, mariadb-server, postgresql, redis-server,
# memcached, php-redis, php-memcached and curl when missing. Ends with
# "N passed, M failed"; fails when a check fails.
# `make test` runs `make reliability-ci`. `make reliability` (N = 20,000, 32 clients; about half an hour) rewrites the
# full-run block of RELIABILITY.md; `make reliability-ci` (N = 1,000, 16
# clients; about 4 minutes) writes reliability/out/RELIABILITY.ci.md, or the
# file given as RELIABILITY_REPORT=... (RELIABILITY.md records its figures).
.PHONY: reliability reliability-ci
RELIABILITY_REPORT ?=

reliability: build
	RELY_MODE=full RELY_COMMAND="make reliability" RELY_REPORT="$(RELIABILITY_REPORT)" MWS_TA_SO="$(SO)" \
		reliability/load.sh

reliability-ci: build
	RELY_MODE=ci RELY_COMMAND="make reliability-ci" RELY_REPORT="$(RELIABILITY_REPORT)" MWS_TA_SO="$(SO)" \
		reliability/load.sh

# --- Packages and the MediaWiki 1.43 lane ---
# `make deb` builds the release files of this machine's PHP (8.2 on Debian 12)
# with the release build, and those of PHP 8.4 inside the trixie root, into
# dist/: per PHP ABI a .deb and a prebuilt .so, and the tarball of the
# MediaWiki extension folder (scripts/make-deb.sh). `make package-test`
# installs this lane's .deb with apt, makes a wiki that loads the extension by
# name, runs smoke checks and purges it; then the same with the tarball and
# the .so (scripts/package-test.sh).
DIST_DIR := $(CURDIR)/dist
LANE_CACHE := $(or $(MWS_TA_CACHE),/var/cache/mws-ta)
MW143_TARGET_DIR := $(LANE_CACHE)/target-mw143

.PHONY: deb deb-local package-test test-mw143 lane-test

deb: deb-local
	scripts/lane-trixie.sh root
	scripts/lane-trixie.sh run make --no-print-directory deb-local TARGET_DIR=$(MW143_TARGET_DIR)

deb-local: build
	scripts/make-deb.sh "$(SO)" "$(DIST_DIR)"

package-test: deb-local
	scripts/package-test.sh $$(scripts/make-deb.sh --paths "$(DIST_DIR)")

# The MediaWiki 1.43 + PHP 8.4 lane: a fresh Debian 13 root (cached after apt
# in $(LANE_CACHE)), this checkout bind-mounted at /src, and inside it php -l,
# the .phpt tests, the whole end-to-end suite and the package test.
# LANE_ROOT_READY=1: the root was just made (.ci/run prepares it while `make
# test` runs) and is used as it is.
test-mw143:
	@if [ -z "$(LANE_ROOT_READY)" ]; then scripts/lane-trixie.sh root; fi
	scripts/lane-trixie.sh run make --no-print-directory lane-test TARGET_DIR=$(MW143_TARGET_DIR)

lane-test: build
	$(MAKE) --no-print-directory php-lint
	$(MAKE) --no-print-directory php-unit
	$(MAKE) --no-print-directory php-tests
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory package-test
