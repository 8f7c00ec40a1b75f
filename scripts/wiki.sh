#!/usr/bin/env bash
# The one way a wiki is set up here: `make wiki` (scripts/make-wiki.sh), the
# end-to-end harness (tests/common/mod.rs), bench/run.sh, reliability/load.sh
# and scripts/package-test.sh all call it.
#
#   scripts/wiki.sh install DIR --server URL [--name NAME] [--password PW]
#                   [--mysql HOST:PORT DBNAME DBUSER DBPASS ROOTPASS]
#                   [--postgres HOST:PORT DBNAME DBUSER DBPASS SUPERPASS]
#       install.php into DIR: the database (SQLite in DIR/data, MariaDB, or
#       PostgreSQL, installing as its superuser "postgres"),
#       DIR/LocalSettings.installer.php (what install.php wrote, with the
#       SQLite directory as __DIR__/data, so that a copy of DIR is a wiki of
#       its own) and DIR/admin-password (mode 0600; the user is Admin).
#
#   scripts/wiki.sh settings OUT --installer FILE --server URL [OPTION...]
#       writes OUT, the LocalSettings.php to run the wiki with (MW_CONFIG_FILE):
#       the installer's settings, then ours.
#         --script-path /w   served under /w, articles at /wiki/$1
#         --log FILE         where the exception, error and fatal channels go
#         --extension JSON   wfLoadExtension( 'TokenAuthenticator', JSON );
#                            the default is this checkout's extension.json
#         --by-name          wfLoadExtension( 'TokenAuthenticator' ) (a package)
#         --no-extension     MediaWiki only
#         --php CODE         a line of PHP after the extension (repeatable)
#         --require FILE     require FILE at the end (repeatable), e.g. settings
#                            a test or a run rewrites on its own
#
#   scripts/wiki.sh update CONFIG [--so SO] [--as USER] [--log FILE]
#       update.php --quick for the wiki of CONFIG (MW_CONFIG_FILE), with the
#       native extension SO loaded (-d extension=) when given, as USER when
#       given; output to FILE (default: update.log beside CONFIG).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# need_value OPTION ARGC: the option needs a value.
need_value() {
	[ "$2" -ge 2 ] || ta_die "wiki.sh: $1 needs a value"
}

# fail_with_log WHAT LOG
fail_with_log() {
	tail -n 20 "$2" >&2 || true
	ta_die "$1 failed (log: $2)"
}

cmd_install() {
	local dir="${1:-}" server='' name=TokenWiki password='' db=(--dbtype sqlite)
	[ -n "$dir" ] || usage
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--server) need_value "$1" $# && server="$2" && shift 2 ;;
		--name) need_value "$1" $# && name="$2" && shift 2 ;;
		--password) need_value "$1" $# && password="$2" && shift 2 ;;
		--mysql)
			[ $# -ge 6 ] || ta_die "wiki.sh: --mysql needs HOST:PORT DBNAME DBUSER DBPASS ROOTPASS"
			db=(--dbtype mysql --dbserver "$2" --dbname "$3" --dbuser "$4" --dbpass "$5"
				--installdbuser root --installdbpass "$6")
			shift 6
			;;
		--postgres)
			[ $# -ge 6 ] || ta_die "wiki.sh: --postgres needs HOST:PORT DBNAME DBUSER DBPASS SUPERPASS"
			db=(--dbtype postgres --dbserver "${2%:*}" --dbport "${2##*:}" --dbname "$3" --dbuser "$4"
				--dbpass "$5" --installdbuser postgres --installdbpass "$6")
			shift 6
			;;
		*) ta_die "wiki.sh install: unknown option $1" ;;
		esac
	done
	[ -n "$server" ] || ta_die "wiki.sh install: --server is required"
	[ -f "$TA_MW_DIR/maintenance/install.php" ] || ta_die "MediaWiki not found in $TA_MW_DIR: run \`make deps\`"
	[ -n "$password" ] || password="$(php -r 'echo bin2hex(random_bytes(12));')"

	mkdir -p "$dir/data"
	dir="$(cd "$dir" && pwd)"
	if [ "${db[1]}" = sqlite ]; then
		db+=(--dbpath "$dir/data" --dbname "$(printf '%s' "$name" | tr -c 'A-Za-z0-9_' _)")
	fi
	# install.php writes LocalSettings.php into --confpath and must not read one.
	(cd "$dir" && env -u MW_CONFIG_FILE -u MW_INSTALL_PATH -u PHP_INI_SCAN_DIR timeout 300 \
		php "$TA_MW_DIR/maintenance/install.php" "${db[@]}" --confpath "$dir" \
		--server "$server" --scriptpath '' --lang en --pass "$password" "$name" Admin) \
		>"$dir/install.log" 2>&1 || fail_with_log install.php "$dir/install.log"
	if [ "${db[1]}" = sqlite ]; then
		# The installer's object cache, l10n cache and job queue settings
		# read this variable right there: it must name the copy's directory.
		local line='$wgSQLiteDataDir = __DIR__ . '"'/data';"
		[ "$(grep -c '^\$wgSQLiteDataDir = ' "$dir/LocalSettings.php")" = 1 ] ||
			ta_die "unexpected LocalSettings.php from install.php: not one \$wgSQLiteDataDir line"
		sed -i "s|^\\\$wgSQLiteDataDir = .*|$line|" "$dir/LocalSettings.php"
	fi
	mv "$dir/LocalSettings.php" "$dir/LocalSettings.installer.php"
	(umask 077 && printf '%s\n' "$password" >"$dir/admin-password")
}

cmd_settings() {
	local out="${1:-}" installer='' server='' script_path='' log=''
	local extension="$TA_ROOT/mediawiki-extension/extension.json" load=path lines=() requires=()
	[ -n "$out" ] || usage
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--installer) need_value "$1" $# && installer="$2" && shift 2 ;;
		--server) need_value "$1" $# && server="$2" && shift 2 ;;
		--script-path) need_value "$1" $# && script_path="$2" && shift 2 ;;
		--log) need_value "$1" $# && log="$2" && shift 2 ;;
		--extension) need_value "$1" $# && extension="$2" && load=path && shift 2 ;;
		--by-name) load=name && shift ;;
		--no-extension) load=none && shift ;;
		--php) need_value "$1" $# && lines+=("$2") && shift 2 ;;
		--require) need_value "$1" $# && requires+=("$2") && shift 2 ;;
		*) ta_die "wiki.sh settings: unknown option $1" ;;
		esac
	done
	[ -n "$installer" ] && [ -n "$server" ] || ta_die "wiki.sh settings: --installer and --server are required"
	case "$script_path" in '' | /*[!/]) ;; *) ta_die "wiki.sh settings: --script-path like /w" ;; esac

	local tmp="$out.tmp.$$" line file
	{
		printf '<?php\n// Written by scripts/wiki.sh; rewritten on every set-up.\n'
		printf 'require %s;\n' "$(php_quote "$installer")"
		printf '$wgServer = %s;\n' "$(php_quote "$server")"
		if [ -n "$script_path" ]; then
			# The installer wrote $wgScriptPath = "" and derived
			# $wgResourceBasePath from it; the rest derives from these.
			printf '$wgScriptPath = %s;\n$wgResourceBasePath = $wgScriptPath;\n' "$(php_quote "$script_path")"
			# shellcheck disable=SC2016 # MediaWiki's $1
			printf '$wgArticlePath = %s;\n' "'/wiki/\$1'"
		fi
		if [ -n "$log" ]; then
			for line in exception error fatal; do
				printf "\$wgDebugLogGroups['%s'] = %s;\n" "$line" "$(php_quote "$log")"
			done
		fi
		case "$load" in
		path) printf "wfLoadExtension( 'TokenAuthenticator', %s );\n" "$(php_quote "$extension")" ;;
		name) printf "wfLoadExtension( 'TokenAuthenticator' );\n" ;;
		none) ;;
		esac
		for line in "${lines[@]}"; do
			printf '%s\n' "$line"
		done
		for file in "${requires[@]}"; do
			printf 'require %s;\n' "$(php_quote "$file")"
		done
	} >"$tmp"
	mv "$tmp" "$out"
}

cmd_update() {
	local config="${1:-}" so='' as='' log='' php=(php)
	[ -n "$config" ] || usage
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--so) need_value "$1" $# && so="$2" && shift 2 ;;
		--as) need_value "$1" $# && as="$2" && shift 2 ;;
		--log) need_value "$1" $# && log="$2" && shift 2 ;;
		*) ta_die "wiki.sh update: unknown option $1" ;;
		esac
	done
	[ -f "$config" ] || ta_die "wiki.sh update: $config does not exist"
	[ -n "$log" ] || log="$(dirname "$config")/update.log"
	[ -z "$so" ] || php+=(-d "extension=$so")
	[ -z "$as" ] || php=(runuser -u "$as" -- "${php[@]}")
	env -u MW_INSTALL_PATH MW_CONFIG_FILE="$config" "${php[@]}" "$TA_MW_DIR/maintenance/update.php" --quick \
		>"$log" 2>&1 </dev/null || fail_with_log update.php "$log"
}

case "${1:-}" in
install | settings | update)
	what="$1"
	shift
	"cmd_$what" "$@"
	;;
*) usage ;;
esac
