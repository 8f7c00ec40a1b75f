#!/usr/bin/env bash
# Creates (once) and serves a development wiki with TokenAuthenticator:
# SQLite wiki in .wiki/, served by PHP's built-in server on 127.0.0.1:8080
# (WIKI_PORT overrides the port, WIKI_DIR the directory). Re-running reuses
# the wiki, runs update.php again and serves it. Stop the server with Ctrl-C;
# `make clean-wiki` deletes it. Set up by scripts/wiki.sh.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

port="${WIKI_PORT:-8080}"
wiki_dir="${WIKI_DIR:-$TA_ROOT/.wiki}"
data_dir="$wiki_dir/data"
ini_dir="$wiki_dir/php-ini"
settings="$wiki_dir/LocalSettings.php"
password_file="$wiki_dir/admin-password"
admin=Admin
so="$(ta_so_path)"

[ -f "$so" ] || ta_die "$so does not exist: run \`make build\` first"
[ -f "$TA_MW_DIR/maintenance/install.php" ] || ta_die "MediaWiki not found in $TA_MW_DIR: run \`make deps\`"

mkdir -p "$wiki_dir"
chmod 700 "$wiki_dir"
ta_write_ini "$ini_dir" "$so"

export MW_CONFIG_FILE="$settings"
export PHP_INI_SCAN_DIR=":$ini_dir"
unset MW_INSTALL_PATH

installer="$wiki_dir/LocalSettings.installer.php"
old_marker='# --- TokenAuthenticator development settings (scripts/make-wiki.sh) ---'
if [ ! -f "$installer" ] && [ -f "$settings" ] && grep -qxF -- "$old_marker" "$settings"; then
	# A wiki made before scripts/wiki.sh: keep it; its installer part moves.
	awk -v m="$old_marker" '$0 == m { exit } { print }' "$settings" >"$installer"
fi
if [ ! -f "$installer" ]; then
	# Not installed, or an earlier install stopped half-way: start over.
	rm -rf "$data_dir" "$settings"
	ta_log "installing the wiki in $wiki_dir"
	"$TA_ROOT/scripts/wiki.sh" install "$wiki_dir" --server "http://127.0.0.1:$port"
fi
# Rewritten every time, for the port of this run.
"$TA_ROOT/scripts/wiki.sh" settings "$settings" --installer "$installer" \
	--server "http://127.0.0.1:$port" --log "$wiki_dir/mw-errors.log" \
	--php '// Keep logins across restarts of the development server.' \
	--php '$wgSessionCacheType = CACHE_DB;' \
	--php '$wgShowExceptionDetails = true;'

ta_log "running update.php"
"$TA_ROOT/scripts/wiki.sh" update "$settings"

if [ ! -s "$password_file" ]; then
	# Installed, but the password file is gone: set a new password.
	(umask 077 && php -r 'echo bin2hex(random_bytes(12)), "\n";' >"$password_file")
	php "$TA_MW_DIR/maintenance/changePassword.php" --user="$admin" --password="$(cat "$password_file")" >/dev/null
fi
password="$(cat "$password_file")"

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
