#!/usr/bin/env bash
# Creates (once) and serves a development wiki with TokenAuthenticator:
# SQLite wiki in .wiki/, served by PHP's built-in server on 127.0.0.1:8080
# (WIKI_PORT overrides the port). Re-running reuses the wiki, runs update.php
# again and serves it. Stop the server with Ctrl-C; `make clean-wiki` deletes it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

port="${WIKI_PORT:-8080}"
wiki_dir="$TA_ROOT/.wiki"
data_dir="$wiki_dir/data"
ini_dir="$wiki_dir/php-ini"
settings="$wiki_dir/LocalSettings.php"
password_file="$wiki_dir/admin-password"
admin=Admin
marker='# --- TokenAuthenticator development settings (scripts/make-wiki.sh) ---'
so="$(ta_so_path)"

[ -f "$so" ] || ta_die "$so does not exist: run \`make build\` first"
[ -f "$TA_MW_DIR/maintenance/install.php" ] || ta_die "MediaWiki not found in $TA_MW_DIR: run \`make deps\`"

mkdir -p "$wiki_dir"
chmod 700 "$wiki_dir"
ta_write_ini "$ini_dir" "$so"

export MW_CONFIG_FILE="$settings"
export PHP_INI_SCAN_DIR=":$ini_dir"
unset MW_INSTALL_PATH

new_password() {
	php -r 'echo bin2hex(random_bytes(12));'
}

if [ ! -f "$settings" ]; then
	# Not installed, or an earlier install stopped half-way: start over.
	rm -rf "$data_dir"
	mkdir -p "$data_dir"
	password="$(new_password)"
	(umask 077 && printf '%s\n' "$password" >"$password_file")
	ta_log "installing the wiki in $wiki_dir"
	# install.php must not see our LocalSettings.php (it does not exist yet).
	env -u MW_CONFIG_FILE php "$TA_MW_DIR/maintenance/install.php" \
		--dbtype sqlite --dbpath "$data_dir" --confpath "$wiki_dir" \
		--server "http://127.0.0.1:$port" --scriptpath '' \
		--lang en --pass "$password" TokenWiki "$admin" >"$wiki_dir/install.log" 2>&1 ||
		{
			cat "$wiki_dir/install.log" >&2
			rm -f "$settings"
			ta_die "install.php failed"
		}
fi

if ! grep -qF -- "$marker" "$settings"; then
	cat >>"$settings" <<PHP

$marker
wfLoadExtension( 'TokenAuthenticator', '$TA_ROOT/mediawiki-extension/extension.json' );
// php -S may run on another port than the one given to install.php.
\$wgServer = 'http://127.0.0.1:' . ( getenv( 'WIKI_PORT' ) ?: '8080' );
// Keep logins across restarts of the development server.
\$wgSessionCacheType = CACHE_DB;
\$wgShowExceptionDetails = true;
\$wgDebugLogGroups['exception'] = '$wiki_dir/mw-errors.log';
\$wgDebugLogGroups['error'] = '$wiki_dir/mw-errors.log';
\$wgDebugLogGroups['fatal'] = '$wiki_dir/mw-errors.log';
PHP
fi

if [ ! -s "$password_file" ]; then
	# Installed, but the password file is gone: set a new password.
	password="$(new_password)"
	php "$TA_MW_DIR/maintenance/changePassword.php" --user="$admin" --password="$password" >/dev/null
	(umask 077 && printf '%s\n' "$password" >"$password_file")
fi
password="$(cat "$password_file")"

ta_log "running update.php"
php "$TA_MW_DIR/maintenance/update.php" --quick >"$wiki_dir/update.log" 2>&1 ||
	{
		cat "$wiki_dir/update.log" >&2
		ta_die "update.php failed (log: $wiki_dir/update.log)"
	}

php -r 'exit(extension_loaded("mws_token_authenticator") ? 0 : 1);' ||
	ta_die "PHP does not load $so"

cat <<INFO

  Wiki:      http://127.0.0.1:$port/
  User:      $admin
  Password:  $password
  Logs:      server output below; MediaWiki errors in $wiki_dir/mw-errors.log

INFO

export WIKI_PORT="$port"
export PHP_CLI_SERVER_WORKERS="${PHP_CLI_SERVER_WORKERS:-4}"
exec php -S "127.0.0.1:$port" -t "$TA_MW_DIR" "$TA_ROOT/scripts/router.php"
