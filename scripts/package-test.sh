#!/usr/bin/env bash
# The package test of one lane, for the two install paths of release files
# (README, "Install on an existing wiki"):
#   1. the .deb, installed with apt-get install ./pkg.deb;
#   2. the tarball of the extension folder, extracted into MediaWiki's
#      extensions/, with the prebuilt .so in PHP's extension dir and enabled
#      with phpenmod.
# Each time: a SQLite wiki whose LocalSettings.php loads the extension by name
# only (PHP loads the module through phpenmod, no ini of ours), update.php, a
# user token round trip and ApiKey requests over HTTP; then the uninstall, and
# a check that nothing is left.
#
#   scripts/package-test.sh DEB TARBALL SO    (scripts/make-deb.sh --paths DIST)
#
# Needs root. Whatever was installed is removed on every exit; the server runs
# in its own process group on a free port of 127.0.0.1 and is killed with it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/stack.sh
. "$TA_ROOT/scripts/stack.sh"

PACKAGE=mediawiki-extension-tokenauthenticator
MODULE=mws_token_authenticator
usage="usage: $0 DEB TARBALL SO"
deb="$(realpath "${1:?$usage}")"
tarball="$(realpath "${2:?$usage}")"
prebuilt="$(realpath "${3:?$usage}")"
for f in "$deb" "$tarball" "$prebuilt"; do
	[ -f "$f" ] || ta_die "$f does not exist: run \`make deb-local\`"
done
[ "$(id -u)" -eq 0 ] || ta_die "the package test installs a package: run it as root"

php_version="$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')"
ext_dir="$(php -r 'echo PHP_EXTENSION_DIR;')"
mw_ext=/usr/share/mediawiki/extensions/TokenAuthenticator
mods_ini="/etc/php/$php_version/mods-available/$MODULE.ini"
work="$(mktemp -d /tmp/mws-ta-package-XXXXXX)"
tarball_installed=
fail=0

is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$PACKAGE" 2>/dev/null)" = installed ]
}

purge() {
	env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$PACKAGE" >"$work/purge.log" 2>&1 ||
		{ cat "$work/purge.log" >&2; return 1; }
}

cleanup() {
	local rc=$?
	stack_stop
	if is_installed || dpkg-query -W "$PACKAGE" >/dev/null 2>&1; then
		purge || true
	fi
	if [ -n "$tarball_installed" ]; then
		uninstall_tarball || true
	fi
	if [ "$rc" -ne 0 ] && [ -d "$work" ]; then
		for log in "$work"/*.log; do
			[ -f "$log" ] || continue
			printf -- '--- %s (last lines)\n' "$log" >&2
			tail -20 "$log" >&2
		done
	fi
	[ -n "${MWS_TA_KEEP_PACKAGE_TEST:-}" ] || rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
stack_init "$work"

check() {
	local what="$1"
	shift
	if "$@"; then
		printf 'PASS  %s\n' "$what"
	else
		printf 'FAIL  %s\n' "$what"
		fail=1
	fi
}

# json FILE EXPR: prints a value of the JSON document in FILE (PHP syntax on $j).
json() {
	php -r '$j = json_decode(file_get_contents($argv[1]), true); echo '"$2"';' "$1" 2>/dev/null || true
}

# The wiki part, the same for both paths. $1 names the path in the output.
smoke_wiki() {
	# A wiki that knows the extension only by its name.
	port="$(free_port)"
	secret="$(php -r 'echo bin2hex(random_bytes(24));')"
	rm -rf "$work/wiki"
	ta_log "install.php, then update.php with wfLoadExtension( 'TokenAuthenticator' )"
	"$TA_ROOT/scripts/wiki.sh" install "$work/wiki" --server "http://127.0.0.1:$port" --name PackageWiki
	password="$(cat "$work/wiki/admin-password")"
	"$TA_ROOT/scripts/wiki.sh" settings "$work/wiki/LocalSettings.php" \
		--installer "$work/wiki/LocalSettings.installer.php" --server "http://127.0.0.1:$port" \
		--log "$work/mw-errors.log" --by-name \
		--php "\$mwsgTokenAuthenticatorSalt = 'package-test-salt';" \
		--php "\$mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'smoke', 'user' => 'Smoke bot', \
'token' => '$secret', 'apiModules' => [ 'ApiQuery' ] ] ];"
	export MW_CONFIG_FILE="$work/wiki/LocalSettings.php"
	"$TA_ROOT/scripts/wiki.sh" update "$MW_CONFIG_FILE" --log "$work/update.log"
	check "$1: update.php created the extension's table" grep -q mws_auth_token "$work/update.log"

	start_group "$work/server.log" php -S "127.0.0.1:$port" -t /usr/share/mediawiki
	server_pid="${pgids[-1]}"
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/api.php" && break
		sleep 0.1
	done

	base="http://127.0.0.1:$port"
	# The README's proof that it works: an anonymous generate is refused.
	status="$(curl -s -o "$work/anonymous.json" -w '%{http_code}' "$base/rest.php/mws/v1/user-token/generate")"
	check "$1: the README's curl: 401 tokenauthenticator-error-anonymous" \
		test "$status:$(json "$work/anonymous.json" '$j["errorKey"]')" = 401:tokenauthenticator-error-anonymous
	jar="$work/cookies"
	rm -f "$jar"
	curl -sf -c "$jar" -b "$jar" "$base/api.php?action=query&meta=tokens&type=login&format=json" >"$work/t.json"
	login_token="$(json "$work/t.json" '$j["query"]["tokens"]["logintoken"]')"
	curl -sf -c "$jar" -b "$jar" --data-urlencode "logintoken=$login_token" \
		--data-urlencode "username=Admin" --data-urlencode "password=$password" \
		--data-urlencode "loginreturnurl=$base/" \
		"$base/api.php?action=clientlogin&format=json&formatversion=2" >"$work/login.json"
	check "$1: login as Admin" test "$(json "$work/login.json" '$j["clientlogin"]["status"]')" = PASS

	status="$(curl -s -o "$work/generate.json" -w '%{http_code}' -b "$jar" "$base/rest.php/mws/v1/user-token/generate")"
	token="$(json "$work/generate.json" '$j["value"]')"
	check "$1: generate: 200 and a 64-hex token" test "$status:${#token}" = 200:64

	status="$(curl -s -o "$work/verify.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data "{\"token\":\"$token\"}" "$base/rest.php/mws/v1/user-token/verify")"
	check "$1: verify: 200 for Admin" test "$status:$(json "$work/verify.json" '$j["username"]')" = 200:Admin
	status="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		--data "{\"token\":\"$token\"}" "$base/rest.php/mws/v1/user-token/verify")"
	check "$1: verify again: 400 (single use)" test "$status" = 400

	curl -s -H "Authorization: ApiKey $secret" \
		"$base/api.php?action=query&meta=userinfo&format=json&formatversion=2" >"$work/apikey.json"
	check "$1: ApiKey: api.php answers as Smoke bot" test "$(json "$work/apikey.json" '$j["query"]["userinfo"]["name"]')" = "Smoke bot"
	status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: ApiKey wrong-$secret" \
		"$base/api.php?action=query&meta=userinfo&format=json")"
	check "$1: a wrong ApiKey is refused with 401" test "$status" = 401

	stop_group "$server_pid"
	unset MW_CONFIG_FILE
}

install_tarball() {
	tarball_installed=1
	tar -C /usr/share/mediawiki/extensions -xzf "$tarball"
	install -m 644 "$prebuilt" "$ext_dir/$MODULE.so"
	printf 'extension=%s.so\n' "$MODULE" >"$mods_ini"
	phpenmod -v "$php_version" "$MODULE"
}

uninstall_tarball() {
	phpdismod -v "$php_version" "$MODULE"
	rm -f "$mods_ini" "$ext_dir/$MODULE.so"
	rm -rf "$mw_ext"
	tarball_installed=
}

# Nothing of either path may be left.
check_removed() {
	check "$1: removed: the module" test ! -e "$ext_dir/$MODULE.so"
	check "$1: removed: the MediaWiki extension" test ! -e "$mw_ext"
	check "$1: removed: the CLI's conf.d link" test ! -e "/etc/php/$php_version/cli/conf.d/20-$MODULE.ini"
	check "$1: removed: the mods-available ini" test ! -e "$mods_ini"
	check "$1: PHP runs without the module" php -r "exit(extension_loaded('$MODULE') ? 1 : 0);"
}

if is_installed; then
	ta_log "$PACKAGE is installed already (an earlier run?): purging it first"
	purge
fi

ta_log "apt-get install $deb"
env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$work/install.log" 2>&1 ||
	ta_die "apt-get install failed: $(tail -5 "$work/install.log")"

check "deb: the module is in PHP's extension dir" test -f "$ext_dir/$MODULE.so"
check "deb: the MediaWiki extension is in $mw_ext" test -f "$mw_ext/extension.json"
check "deb: phpenmod enabled the module for the CLI" test -e "/etc/php/$php_version/cli/conf.d/20-$MODULE.ini"
check "deb: PHP loads the module without an ini of ours" \
	php -r "exit(extension_loaded('$MODULE') ? 0 : 1);"

smoke_wiki deb

ta_log "apt-get purge $PACKAGE"
purge
check_removed deb

ta_log "the tarball and the prebuilt .so"
if [ -e "$mw_ext" ] || [ -e "$ext_dir/$MODULE.so" ] || [ -e "$mods_ini" ]; then
	ta_die "TokenAuthenticator files are in place already ($mw_ext, $ext_dir/$MODULE.so or $mods_ini)"
fi
install_tarball
check "tarball: PHP loads the module" php -r "exit(extension_loaded('$MODULE') ? 0 : 1);"
smoke_wiki tarball
uninstall_tarball
check_removed tarball

if [ "$fail" -ne 0 ]; then
	ta_die "package test failed"
fi
ta_log "package test passed: $(basename "$deb"), $(basename "$tarball") with $(basename "$prebuilt")"
