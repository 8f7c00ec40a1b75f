#!/usr/bin/env bash
# shellcheck disable=SC2016 # inline PHP (php -r '...') uses PHP's own $variables
# Reliability runs of TokenAuthenticator (issue #7): concurrency and faults
# against a production-like stack on 127.0.0.1. `make reliability` and
# `make reliability-ci` run this; RELIABILITY.md says what it checks.
#
#  1. Concurrency, per database (SQLite, MariaDB, PostgreSQL): C clients, each with
#     its own logged-in session, run N generate-then-verify operations; then
#     every token is verified again (replay); then M tokens are each verified
#     twice at the same moment (race). Every fresh token must be accepted
#     exactly once with the right user name, every replay refused with 400,
#     no 5xx, nothing about locks or deadlocks in the server logs.
#  2. Faults (MariaDB): the database server is stopped (SIGTERM, then in a
#     second round killed with SIGKILL) in the middle of a load and started
#     again. Requests during the outage must fail with 5xx and a JSON body,
#     no verify may succeed, ApiKey requests must not fall back to anything;
#     after the restart everything works, and no token minted before or
#     during the run is lost or accepted twice.
#  3. Token stores on a cache server (issue #16): the same concurrency run on
#     a SQLite wiki whose tokens live on Redis, then on memcached
#     ($mwsgTokenAuthenticatorTokenStore), and a crash: the cache server is
#     killed (SIGKILL) in the middle of a load and started again, empty.
#     The token routes must answer 503 with a JSON body while it is gone
#     (api.php with an ApiKey and sessions need no token store and keep
#     working), no token may be accepted that was not minted or twice, and
#     after the restart everything works again; tokens minted before the
#     crash are gone (400), as docs/token-stores.md says of a cache restart.
#
# Stack: Debian's nginx and php8.2-fpm (one pool per wiki), MariaDB's
# mariadbd with its own datadir, a root password and a wiki user, and
# PostgreSQL's postgres (as the postgres user) with its own data directory
# and a superuser password; all on 127.0.0.1 free ports, configuration and
# data in a temporary directory, every server in its own process group,
# killed on exit (and by a watchdog should this script die without its
# trap). Installs nginx, php8.2-fpm, php8.2-curl, php8.2-mysql,
# php8.2-pgsql, mariadb-server, postgresql and curl when missing (services
# are kept from starting; Debian's own PostgreSQL cluster is never used).
#
# Environment (all optional):
#   RELY_MODE=full|ci        full: N=20000, 32 clients; ci: N=1000, 16 clients
#   RELY_OPS, RELY_CLIENTS   override N and C
#   RELY_RACE_OPS            tokens of the race phase (full 1000, ci 200)
#   RELY_PRE_OPS             tokens minted before each outage (full 1000, ci 300)
#   RELY_DBS="sqlite mariadb postgres"  which databases get the concurrency run
#   RELY_FAULTS="stop kill"  outages to run (empty: none)
#   RELY_STORES="redis memcached"  cache token stores that get the concurrency
#                            run and the crash (full: both; ci: redis)
#   RELY_PHASE_SECONDS       deadline of each load phase (full 420, ci 120)
#   RELY_FPM_CHILDREN=12     php-fpm workers per pool (pm = static)
#   RELY_REPORT=FILE         the report to update (full: RELIABILITY.md;
#                            ci: reliability/out/RELIABILITY.ci.md)
#   RELY_COMMAND             the command line the report names
#   RELY_KEEP=1              keep the temporary directory (logs, raw results)
#   MWS_TA_SO=PATH           the native extension (default: the release build)
#
# Prints one PASS/FAIL line per check and ends with "N passed, M failed";
# exits non-zero when a check failed or the run could not be made.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=scripts/stack.sh
. "$TA_ROOT/scripts/stack.sh"

rel="$TA_ROOT/reliability"
so="$(ta_so_path)"
started_at="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
started_s=$SECONDS

mode="${RELY_MODE:-full}"
case "$mode" in
full)
	ops="${RELY_OPS:-20000}"
	clients="${RELY_CLIENTS:-32}"
	race_ops="${RELY_RACE_OPS:-1000}"
	pre_ops="${RELY_PRE_OPS:-1000}"
	phase_seconds="${RELY_PHASE_SECONDS:-420}"
	report="${RELY_REPORT:-$TA_ROOT/RELIABILITY.md}"
	stores="${RELY_STORES-redis memcached}"
	;;
ci)
	ops="${RELY_OPS:-1000}"
	clients="${RELY_CLIENTS:-16}"
	race_ops="${RELY_RACE_OPS:-200}"
	pre_ops="${RELY_PRE_OPS:-300}"
	phase_seconds="${RELY_PHASE_SECONDS:-120}"
	report="${RELY_REPORT:-$rel/out/RELIABILITY.ci.md}"
	stores="${RELY_STORES-redis}"
	;;
*) ta_die "RELY_MODE must be full or ci" ;;
esac
dbs="${RELY_DBS-sqlite mariadb postgres}"
faults="${RELY_FAULTS-stop kill}"
children="${RELY_FPM_CHILDREN:-12}"
command_line="${RELY_COMMAND:-reliability/load.sh}"
outage_seconds=5
users_per_wiki=8

# --- Checks and the closing line ----------------------------------------------

tmp="$(mktemp -d /tmp/mws-ta-reliability.XXXXXX)"
chmod 755 "$tmp"
logs="$tmp/logs"
runs="$tmp/runs"
mkdir -p "$logs" "$runs"
checks="$runs/checks.jsonl"
: >"$checks"
summary_printed=0

# Records a check made by this script (check.php records its own).
record() {
	local group="$1" name="$2" ok="$3" detail="${4:-}"
	php -r '$a = $argv; fwrite(STDOUT, json_encode(["group" => $a[1], "name" => $a[2], "ok" => $a[3] === "1", "detail" => $a[4]], JSON_UNESCAPED_SLASHES) . "\n");' \
		-- "$group" "$name" "$ok" "$detail" >>"$checks"
	if [ "$ok" = 1 ]; then
		printf 'PASS  [%s] %s\n' "$group" "$name"
	else
		printf 'FAIL  [%s] %s\n      %s\n' "$group" "$name" "$detail"
	fi
}

print_summary() {
	local passed failed
	[ "$summary_printed" = 0 ] || return 0
	summary_printed=1
	passed="$(grep -c '"ok":true' "$checks" || true)"
	failed="$(grep -c '"ok":false' "$checks" || true)"
	printf '%s passed, %s failed\n' "$passed" "$failed"
}

# The run cannot go on: a failed check, then out (the trap prints the count).
abort() {
	record run "run completed" 0 "$*"
	exit 1
}

# --- Process groups and clean-up ----------------------------------------------

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	pg_stop
	stack_stop
	if [ "$status" -ne 0 ] && ! grep -q '"ok":false' "$checks" 2>/dev/null; then
		record run "run completed" 0 "stopped with status $status"
	fi
	print_summary
	if [ "${RELY_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
		ta_log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
stack_fail=abort
stack_init "$tmp"

now() {
	date +%s.%N
}

random_secret() {
	php -r 'echo bin2hex(random_bytes(16));'
}

# --- Preconditions ------------------------------------------------------------

[ -f "$so" ] || abort "$so does not exist: run \`make build\` first"
[ -f "$TA_MW_DIR/maintenance/install.php" ] || abort "MediaWiki not found in $TA_MW_DIR: run \`make deps\`"
[ "$(id -u)" -eq 0 ] || abort "php-fpm workers run as www-data, mariadbd as mysql and postgres as postgres: run as root"
mapfile -t missing < <(ta_missing_packages nginx php8.2-fpm php8.2-curl php8.2-mysql php8.2-pgsql mariadb-server mariadb-client \
	postgresql curl redis-server memcached php-redis php-memcached)
ta_apt_install "${missing[@]}" >"$logs/apt.log" 2>&1 || abort "installing ${missing[*]} failed: $(tail -n 5 "$logs/apt.log")"
stack_binaries
mariadbd_bin="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
[ -x "$mariadbd_bin" ] || abort "$mariadbd_bin not found"
php -r 'exit(function_exists("curl_multi_init") ? 0 : 1);' || abort "PHP CLI has no curl (php8.2-curl)"

# What is tested: a snapshot of the MediaWiki extension and of the native
# extension, so that edits made to the repository during the run do not mix
# versions (the report names the commit and the files changed on top of it).
ext_dir="$tmp/TokenAuthenticator"
cp -a "$TA_ROOT/mediawiki-extension" "$ext_dir"
cp "$so" "$tmp/libmws_token_authenticator.so"
so="$tmp/libmws_token_authenticator.so"
product="$(git -C "$TA_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
changed="$(git -C "$TA_ROOT" status --porcelain -- mediawiki-extension src Cargo.toml Cargo.lock build.rs 2>/dev/null | awk '{print $2}' | paste -sd ' ' || true)"
product_hash="$(cd "$ext_dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum | cat - "$so" | sha256sum | cut -c1-12)"
product="commit $product${changed:+ + uncommitted changes to $changed}; snapshot sha256 $product_hash"

ta_log "reliability run ($mode): N=$ops, $clients clients, race $race_ops, databases: ${dbs:-none}, faults: ${faults:-none}, cache stores: ${stores:-none}; in $tmp"
ta_log "testing $product"

# --- MariaDB --------------------------------------------------------------------

mdb="$tmp/mariadb"
mdb_port=
mdb_pid=
mdb_root_pass="$(random_secret)"
mdb_wiki_pass="$(random_secret)"

mdb_start() {
	start_group "$logs/mariadb-$(date +%s%N).out" "$mariadbd_bin" --no-defaults \
		--datadir="$mdb/data" --socket="$mdb/run/mysqld.sock" --pid-file="$mdb/run/mysqld.pid" \
		--log-error="$mdb/run/error.log" --port="$mdb_port" --bind-address=127.0.0.1 \
		--skip-name-resolve --user=mysql --max-connections=300 --innodb-print-all-deadlocks=ON
	mdb_pid="${pgids[-1]}"
	# Not a job of this shell: bash would report its SIGKILL ("Killed") on stderr.
	disown "$mdb_pid"
}

# Waits until the server answers on TCP as the wiki's user (at most 60 s).
mdb_wait() {
	local i
	for i in $(seq 1 300); do
		if mariadb-admin --no-defaults --protocol=tcp -h 127.0.0.1 -P "$mdb_port" -u "${1:-root}" -p"${2:-$mdb_root_pass}" \
			--connect-timeout=2 ping >/dev/null 2>&1; then
			return 0
		fi
		alive "$mdb_pid" || return 1
		sleep 0.2
	done
	return 1
}

# mdb_stop SIGNAL: signals the server and waits (at most 60 s) until it is gone.
mdb_stop() {
	local sig="$1" i
	kill "-$sig" "$mdb_pid" 2>/dev/null || true
	for i in $(seq 1 1200); do
		alive "$mdb_pid" || break
		sleep 0.05
	done
	! alive "$mdb_pid" || return 1
	forget_group "$mdb_pid"
}

mdb_setup() {
	mkdir -p "$mdb/data" "$mdb/run"
	chown mysql:mysql "$mdb/data" "$mdb/run"
	mdb_port="$(free_port)"
	ta_log "MariaDB: mariadb-install-db, mariadbd on 127.0.0.1:$mdb_port"
	mariadb-install-db --no-defaults --datadir="$mdb/data" --user=mysql \
		--auth-root-authentication-method=normal --skip-test-db >"$logs/mariadb-install-db.log" 2>&1 ||
		abort "mariadb-install-db failed: $(tail -n 5 "$logs/mariadb-install-db.log")"
	mdb_start
	local i
	for i in $(seq 1 300); do
		mariadb-admin --no-defaults -S "$mdb/run/mysqld.sock" -u root ping >/dev/null 2>&1 && break
		alive "$mdb_pid" || abort "mariadbd exited: $(tail -n 5 "$mdb/run/error.log" 2>/dev/null)"
		sleep 0.2
	done
	# Root gets a password and loopback TCP; every other root account goes.
	mariadb --no-defaults -S "$mdb/run/mysqld.sock" -u root <<SQL || abort "setting the MariaDB root password failed"
DELETE FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost', '127.0.0.1');
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$mdb_root_pass';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$mdb_root_pass';
SQL
	mdb_wait root "$mdb_root_pass" || abort "MariaDB does not answer on 127.0.0.1:$mdb_port"
}

# --- PostgreSQL -----------------------------------------------------------------

pg="$tmp/postgres"
pg_bin=
pg_package=postgresql
pg_port=
pg_pid=
pg_super_pass="$(random_secret)"
pg_wiki_pass="$(random_secret)"

# as_postgres CMD...: CMD as the postgres user (the server refuses root).
as_postgres() {
	setpriv --reuid=postgres --regid=postgres --init-groups --reset-env -- "$@"
}

pg_setup() {
	# Debian's binaries live under /usr/lib/postgresql/<major>/bin; the
	# major differs per release: the newest installed.
	pg_bin="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n 1)"
	[ -n "$pg_bin" ] || abort "PostgreSQL not found under /usr/lib/postgresql (package postgresql)"
	pg_bin="$(dirname "$pg_bin")"
	pg_package="postgresql-$(basename "$(dirname "$pg_bin")")"
	mkdir -p "$pg"
	printf '%s\n' "$pg_super_pass" >"$pg/superuser-password"
	chown -R postgres:postgres "$pg"
	pg_port="$(free_port)"
	ta_log "PostgreSQL: initdb, postgres on 127.0.0.1:$pg_port"
	# Passwords on TCP, as for the wiki; trust only on the socket in $pg.
	(cd "$pg" && as_postgres "$pg_bin/initdb" -D "$pg/data" -U postgres -E UTF8 --no-locale \
		--auth-local=trust --auth-host=scram-sha-256 --pwfile="$pg/superuser-password") \
		>"$logs/initdb.log" 2>&1 || abort "initdb failed: $(tail -n 5 "$logs/initdb.log")"
	# From a directory the postgres user may enter; setpriv execs, so the
	# group's leader is the server itself.
	cd "$pg"
	start_group "$logs/postgres.log" setpriv --reuid=postgres --regid=postgres --init-groups --reset-env -- \
		"$pg_bin/postgres" -D "$pg/data" -h 127.0.0.1 -p "$pg_port" -k "$pg"
	cd "$OLDPWD"
	pg_pid="${pgids[-1]}"
	disown "$pg_pid"
	local i
	for i in $(seq 1 300); do
		"$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && return 0
		alive "$pg_pid" || break
		sleep 0.1
	done
	abort "PostgreSQL does not answer on 127.0.0.1:$pg_port: $(tail -n 5 "$logs/postgres.log")"
}

# Immediate shutdown (SIGQUIT: the server ends its backends, which are not
# in its process group), then whatever is left of its group is killed.
pg_stop() {
	[ -n "$pg_pid" ] || return 0
	kill -QUIT "$pg_pid" 2>/dev/null || true
	local i
	for i in $(seq 1 50); do
		alive "$pg_pid" || break
		sleep 0.1
	done
	kill -KILL -- "-$pg_pid" 2>/dev/null || true
	pg_pid=
}

# --- Cache servers (token stores) ---------------------------------------------

declare -A cache_port=() cache_pid=()

# cache_start STORE: Redis or memcached on its port of 127.0.0.1, empty (no
# persistence: a restart forgets everything, as memcached's always does).
cache_start() {
	local store="$1" port="${cache_port[$1]}" i
	case "$store" in
	redis)
		mkdir -p "$tmp/redis"
		start_group "$logs/redis.log" /usr/bin/redis-server --bind 127.0.0.1 --port "$port" --save '' \
			--appendonly no --daemonize no --protected-mode yes --dir "$tmp/redis"
		;;
	memcached)
		start_group "$logs/memcached.log" /usr/bin/memcached -l 127.0.0.1 -p "$port" -U 0 -m 256 -u nobody
		;;
	esac
	cache_pid[$store]="${pgids[-1]}"
	disown "${cache_pid[$store]}"
	for i in $(seq 1 300); do
		(: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		alive "${cache_pid[$store]}" || return 1
		sleep 0.05
	done
	return 1
}

# cache_kill STORE: SIGKILL, as a crash, and waits until it is gone.
cache_kill() {
	local store="$1" i
	kill -KILL -- "-${cache_pid[$store]}" 2>/dev/null || kill -KILL "${cache_pid[$store]}" 2>/dev/null || true
	for i in $(seq 1 600); do
		alive "${cache_pid[$store]}" || break
		sleep 0.05
	done
	! alive "${cache_pid[$store]}" || return 1
	forget_group "${cache_pid[$store]}"
}

# --- Wikis ----------------------------------------------------------------------

declare -A port_of=()
service_secret="$(random_secret)$(random_secret)"
mkdir -p "$tmp/l10n"

maint() {
	local db="$1"
	shift
	runuser -u www-data -- env -u MW_INSTALL_PATH MW_CONFIG_FILE="$tmp/wiki-$db/LocalSettings-$db.php" \
		php -d "extension=$so" "$@"
}

wiki_setup() {
	local db="$1" wiki="$tmp/wiki-$1" port
	port="$(free_port)"
	port_of[$db]="$port"
	local db_args=() store_args=()
	case "$db" in
	mariadb) db_args=(--mysql "127.0.0.1:$mdb_port" relywiki relywiki "$mdb_wiki_pass" "$mdb_root_pass") ;;
	postgres) db_args=(--postgres "127.0.0.1:$pg_port" relywiki relywiki "$pg_wiki_pass" "$pg_super_pass") ;;
	redis | memcached) store_args=(--php "\$relyCachePort = ${cache_port[$db]};") ;;
	esac
	ta_log "$db: install.php, update.php"
	"$TA_ROOT/scripts/wiki.sh" install "$wiki" --server "http://127.0.0.1:$port" --name "RelyWiki$db" \
		"${db_args[@]}" || abort "install.php ($db) failed: $(tail -n 5 "$wiki/install.log")"
	"$TA_ROOT/scripts/wiki.sh" settings "$wiki/LocalSettings-$db.php" \
		--installer "$wiki/LocalSettings.installer.php" --server "http://127.0.0.1:$port" \
		--extension "$ext_dir/extension.json" \
		--php "\$relyDb = '$db';" \
		--php "\$relyDir = $(php_quote "$tmp");" \
		--php "\$relyServiceSecret = $(php_quote "$service_secret");" \
		"${store_args[@]}" \
		--require "$TA_ROOT/reliability/settings.php"
	chown -R www-data:www-data "$wiki" "$tmp/l10n" "$logs"
	"$TA_ROOT/scripts/wiki.sh" update "$wiki/LocalSettings-$db.php" --so "$so" --as www-data \
		--log "$logs/update-$db.log" || abort "update.php ($db) failed: $(tail -n 5 "$logs/update-$db.log")"
}

# Users of a wiki (after the localisation cache exists: manualRecache).
wiki_users() {
	local db="$1" i pass
	: >"$runs/$db-users.tsv"
	for i in $(seq 1 "$users_per_wiki"); do
		pass="$(random_secret)"
		maint "$db" "$TA_MW_DIR/maintenance/createAndPromote.php" "Loaduser$i" "$pass" >>"$logs/users-$db.log" 2>&1 ||
			abort "createAndPromote.php ($db) failed: $(tail -n 5 "$logs/users-$db.log")"
		printf 'Loaduser%s\t%s\n' "$i" "$pass" >>"$runs/$db-users.tsv"
	done
}

base_of() {
	printf 'http://127.0.0.1:%s' "${port_of[$1]}"
}

# Byte offsets of the server logs now, so that a phase's checks read only
# what was logged since.
log_offsets() {
	local out="$1" f
	: >"$out"
	for f in "$logs/php-$2.log" "$logs/fpm-$2.log" "$logs/mw-$2.log" "$logs/nginx-error.log"; do
		touch "$f"
		chown www-data:www-data "$f" 2>/dev/null || true
		printf '%s %s\n' "$f" "$(stat -c %s "$f")" >>"$out"
	done
}

loadgen() {
	timeout --kill-after=10 $((phase_seconds + 60)) php "$rel/loadgen.php" "$@"
}

# --- Set-up ---------------------------------------------------------------------

wikis=()
for db in $dbs; do
	case "$db" in
	sqlite | mariadb | postgres) wikis+=("$db") ;;
	*) abort "unknown database $db (sqlite, mariadb or postgres)" ;;
	esac
done
if [ -n "$faults" ] && [[ " ${wikis[*]} " != *" mariadb "* ]]; then
	wikis+=(mariadb)
fi
for store in $stores; do
	case "$store" in
	redis | memcached) wikis+=("$store") ;;
	*) abort "unknown cache store $store (redis or memcached)" ;;
	esac
done
[ ${#wikis[@]} -gt 0 ] || abort "nothing to run"

setup_started=$SECONDS
if [[ " ${wikis[*]} " == *" mariadb "* ]]; then
	mdb_setup
fi
if [[ " ${wikis[*]} " == *" postgres "* ]]; then
	pg_setup
fi
for store in $stores; do
	cache_port[$store]="$(free_port)"
	ta_log "$store: on 127.0.0.1:${cache_port[$store]}"
	cache_start "$store" || abort "$store did not start: $(tail -n 5 "$logs/$store.log")"
done
for db in "${wikis[@]}"; do
	wiki_setup "$db"
done
ta_log "localisation cache"
maint "${wikis[0]}" "$TA_MW_DIR/maintenance/rebuildLocalisationCache.php" --lang=en --force \
	>"$logs/l10n.log" 2>&1 || abort "rebuildLocalisationCache.php failed: $(tail -n 5 "$logs/l10n.log")"
chown -R www-data:www-data "$tmp/l10n"
for db in "${wikis[@]}"; do
	wiki_users "$db"
done
servers=()
for db in "${wikis[@]}"; do
	stack_fpm_start "$tmp/fpm-$db" "$db" "$tmp/wiki-$db/LocalSettings-$db.php" "$logs" "$children" "$so" \
		'php_admin_value[opcache.validate_timestamps] = 0'
	servers+=("${port_of[$db]}:$tmp/fpm-$db:$tmp/wiki-$db/LocalSettings-$db.php")
done
stack_nginx_start "$tmp/nginx" "$logs" "${servers[@]}"
for db in "${wikis[@]}"; do
	ok=0
	for _ in $(seq 1 60); do
		# An anonymous generate is refused with 401 once the wiki is up.
		if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$(base_of "$db")/rest.php/mws/v1/user-token/generate")" = 401 ]; then
			ok=1
			break
		fi
		sleep 0.5
	done
	[ "$ok" = 1 ] || abort "the $db wiki does not answer: $(curl -s --max-time 5 "$(base_of "$db")/rest.php/mws/v1/user-token/generate" | head -c 300)"
	loadgen login --base "$(base_of "$db")" --users "$runs/$db-users.tsv" --clients "$clients" \
		--out "$runs/$db-sessions.json" 2>>"$logs/login-$db.log" || abort "logging in the clients ($db) failed: $(tail -n 3 "$logs/login-$db.log")"
done
setup_seconds=$((SECONDS - setup_started))
ta_log "stack up in ${setup_seconds}s: $(for db in "${wikis[@]}"; do printf '%s :%s  ' "$db" "${port_of[$db]}"; done)($children php-fpm workers each)"

# --- 1. Concurrency -------------------------------------------------------------

for db in $dbs $stores; do
	base="$(base_of "$db")"
	log_offsets "$runs/$db-logs.offsets" "$db"
	ta_log "$db: $ops generate-then-verify operations, $clients clients"
	loadgen mixed --base "$base" --sessions "$runs/$db-sessions.json" --clients "$clients" --ops "$ops" \
		--deadline "$phase_seconds" --out "$runs/$db-mixed.jsonl" >"$runs/$db-mixed.log" 2>&1 || true
	tail -n 1 "$runs/$db-mixed.log" >&2
	ta_log "$db: replaying every token"
	loadgen verify --base "$base" --tokens "$runs/$db-mixed.jsonl" --clients "$clients" \
		--deadline "$phase_seconds" --out "$runs/$db-replay.jsonl" >"$runs/$db-replay.log" 2>&1 || true
	tail -n 1 "$runs/$db-replay.log" >&2
	ta_log "$db: race, $race_ops tokens each verified twice at once"
	loadgen mixed --base "$base" --sessions "$runs/$db-sessions.json" --clients "$clients" --ops "$race_ops" --verify 2 \
		--deadline "$phase_seconds" --out "$runs/$db-race.jsonl" >"$runs/$db-race.log" 2>&1 || true
	tail -n 1 "$runs/$db-race.log" >&2
	sleep 1 # let workers finish writing their logs
	if [ "$db" = mariadb ]; then
		mariadb --no-defaults -S "$mdb/run/mysqld.sock" -u root -p"$mdb_root_pass" -e 'SHOW ENGINE INNODB STATUS\G' \
			>"$runs/mariadb-innodb-status.txt" 2>&1 || true
	fi
	RELY_PHASE_SECONDS="$phase_seconds" php "$rel/check.php" concurrency "$runs" "$db" || abort "check.php concurrency $db failed"
done

# --- 2. Faults ------------------------------------------------------------------

# A token of the session of the first client of a wiki (default: the
# MariaDB one), or nothing.
fresh_token() {
	local wiki="${1:-mariadb}" cookie
	cookie="$(php -r 'echo json_decode(file_get_contents($argv[1]), true)[0]["cookie"];' "$runs/$wiki-sessions.json")"
	curl -s --max-time 10 -H "Cookie: $cookie" "$(base_of "$wiki")/rest.php/mws/v1/user-token/generate" |
		php -r '$j = json_decode(stream_get_contents(STDIN), true); echo is_array($j) ? ($j["value"] ?? "") : "";'
}

# end_outage_load WIKI: after a server's restart, waits until WIKI mints
# tokens again (t_recovered, or null after 30 s), lets the load of $load_pid
# run on 3 s, stops it (stop file $p-stop) and writes the outage's timeline.
end_outage_load() {
	t_recovered=null
	for _ in $(seq 1 300); do
		if [ -n "$(fresh_token "$1")" ]; then
			t_recovered="$(now)"
			break
		fi
		sleep 0.1
	done
	sleep 3
	touch "$p-stop"
	for _ in $(seq 1 600); do
		alive "$load_pid" || break
		sleep 0.1
	done
	wait "$load_pid" 2>/dev/null || true
	forget_group "$load_pid"
	printf '{"signal": %s, "down": %s, "restart": %s, "up": %s, "recovered": %s}\n' \
		"$t_signal" "$t_down" "$t_restart" "$t_up" "$t_recovered" >"$p-timeline.json"
	tail -n 1 "$p-load.log" >&2
}

for kind in $faults; do
	case "$kind" in
	stop) sig=TERM ;;
	kill) sig=KILL ;;
	*) abort "unknown fault $kind (stop or kill)" ;;
	esac
	p="$runs/fault-$kind"
	base="$(base_of mariadb)"
	log_offsets "$p-logs.offsets" mariadb
	ta_log "fault/$kind: $pre_ops tokens minted before the outage"
	loadgen mixed --base "$base" --sessions "$runs/mariadb-sessions.json" --clients "$clients" --ops "$pre_ops" --verify 0 \
		--deadline "$phase_seconds" --out "$p-pre.jsonl" >"$p-pre.log" 2>&1 || true
	probe_token="$(php -r '$l = fgets(fopen($argv[1], "r")); echo $l ? (json_decode($l, true)["token"] ?? "") : "";' "$p-pre.jsonl")"
	[ -n "$probe_token" ] || abort "fault/$kind: no token minted before the outage: $(tail -n 2 "$p-pre.log")"

	ta_log "fault/$kind: load, then SIG$sig to mariadbd, ${outage_seconds}s outage, restart"
	rm -f "$p-stop"
	start_group "$p-load.log" php "$rel/loadgen.php" mixed --base "$base" --sessions "$runs/mariadb-sessions.json" \
		--clients "$clients" --ops 1000000 --stop-file "$p-stop" --reserve "$p-pre.jsonl" \
		--deadline "$phase_seconds" --out "$p-load.jsonl"
	load_pid="${pgids[-1]}"
	sleep 3
	t_signal="$(now)"
	mdb_stop "$sig" || abort "fault/$kind: mariadbd did not stop within 60 s"
	t_down="$(now)"
	sleep 1
	loadgen probe --base "$base" --sessions "$runs/mariadb-sessions.json" --token "$probe_token" --token2 "$probe_token" \
		--apikey "$service_secret" --out "$p-probe-outage.json" 2>"$p-probe-outage.log" || true
	cat "$p-probe-outage.log" >&2
	while [ "$(php -r 'echo microtime(true) >= $argv[1] + $argv[2] ? 1 : 0;' "$t_down" "$outage_seconds")" = 0 ]; do
		sleep 0.1
	done
	t_restart="$(now)"
	mdb_start
	mdb_wait relywiki "$mdb_wiki_pass" || abort "fault/$kind: mariadbd did not come back: $(tail -n 5 "$mdb/run/error.log")"
	t_up="$(now)"
	end_outage_load mariadb

	ta_log "fault/$kind: verifying what was minted, then replaying all of it"
	loadgen verify --base "$base" --tokens "$p-pre.jsonl" --skip-accepted "$p-load.jsonl" --clients "$clients" \
		--deadline "$phase_seconds" --out "$p-post-pre.jsonl" >"$p-post-pre.log" 2>&1 || true
	loadgen verify --base "$base" --tokens "$p-load.jsonl" --only unaccepted --clients "$clients" \
		--deadline "$phase_seconds" --out "$p-post-load.jsonl" >"$p-post-load.log" 2>&1 || true
	loadgen verify --base "$base" --tokens "$p-pre.jsonl,$p-load.jsonl" --clients "$clients" \
		--deadline "$phase_seconds" --out "$p-replay.jsonl" >"$p-replay.log" 2>&1 || true
	token_a="$(fresh_token)"
	token_b="$(fresh_token)"
	loadgen probe --base "$base" --sessions "$runs/mariadb-sessions.json" --token "${token_a:-none}" --token2 "${token_b:-none}" \
		--apikey "$service_secret" --out "$p-probe-after.json" 2>"$p-probe-after.log" || true
	cat "$p-probe-after.log" >&2
	sleep 1
	php "$rel/check.php" fault "$runs" "$kind" || abort "check.php fault $kind failed"
done

# --- 3. Cache server crashes ---------------------------------------------------

for store in $stores; do
	p="$runs/cachefault-$store"
	base="$(base_of "$store")"
	sessions="$runs/$store-sessions.json"
	log_offsets "$p-logs.offsets" "$store"
	ta_log "cachefault/$store: $pre_ops tokens minted before the crash"
	loadgen mixed --base "$base" --sessions "$sessions" --clients "$clients" --ops "$pre_ops" --verify 0 \
		--deadline "$phase_seconds" --out "$p-pre.jsonl" >"$p-pre.log" 2>&1 || true
	probe_token="$(php -r '$l = fgets(fopen($argv[1], "r")); echo $l ? (json_decode($l, true)["token"] ?? "") : "";' "$p-pre.jsonl")"
	[ -n "$probe_token" ] || abort "cachefault/$store: no token minted before the crash: $(tail -n 2 "$p-pre.log")"
	# A token nobody minted, of a minted one's shape.
	unminted="$(php -r 'echo rtrim(strtr(base64_encode(random_bytes(32)), "+/", "-_"), "=");')"

	ta_log "cachefault/$store: load, then SIGKILL to $store, ${outage_seconds}s outage, restart (empty)"
	rm -f "$p-stop"
	start_group "$p-load.log" php "$rel/loadgen.php" mixed --base "$base" --sessions "$sessions" \
		--clients "$clients" --ops 1000000 --stop-file "$p-stop" --reserve "$p-pre.jsonl" \
		--deadline "$phase_seconds" --out "$p-load.jsonl"
	load_pid="${pgids[-1]}"
	sleep 3
	t_signal="$(now)"
	cache_kill "$store" || abort "cachefault/$store: $store did not die"
	t_down="$(now)"
	sleep 1
	loadgen probe --base "$base" --sessions "$sessions" --token "$probe_token" --token2 "$probe_token" \
		--unminted "$unminted" --apikey "$service_secret" --out "$p-probe-outage.json" 2>"$p-probe-outage.log" || true
	cat "$p-probe-outage.log" >&2
	while [ "$(php -r 'echo microtime(true) >= $argv[1] + $argv[2] ? 1 : 0;' "$t_down" "$outage_seconds")" = 0 ]; do
		sleep 0.1
	done
	t_restart="$(now)"
	cache_start "$store" || abort "cachefault/$store: $store did not come back: $(tail -n 5 "$logs/$store.log")"
	t_up="$(now)"
	end_outage_load "$store"

	ta_log "cachefault/$store: verifying what was minted before the crash, then replaying everything"
	loadgen verify --base "$base" --tokens "$p-pre.jsonl" --skip-accepted "$p-load.jsonl" --clients "$clients" \
		--deadline "$phase_seconds" --out "$p-post-pre.jsonl" >"$p-post-pre.log" 2>&1 || true
	loadgen verify --base "$base" --tokens "$p-pre.jsonl,$p-load.jsonl" --clients "$clients" \
		--deadline "$phase_seconds" --out "$p-replay.jsonl" >"$p-replay.log" 2>&1 || true
	token_a="$(fresh_token "$store")"
	token_b="$(fresh_token "$store")"
	loadgen probe --base "$base" --sessions "$sessions" --token "${token_a:-none}" --token2 "${token_b:-none}" \
		--unminted "$unminted" --apikey "$service_secret" --out "$p-probe-after.json" 2>"$p-probe-after.log" || true
	cat "$p-probe-after.log" >&2
	sleep 1
	php "$rel/check.php" cachefault "$runs" "$store" || abort "check.php cachefault $store failed"
done

# --- Report ---------------------------------------------------------------------

elapsed=$((SECONDS - started_s))
record run "run completed" 1 "in ${elapsed}s"
mkdir -p "$(dirname "$report")"
RELY_PG_PACKAGE="$pg_package" RELY_PRODUCT="$product" RELY_STARTED_AT="$started_at" RELY_ELAPSED="$elapsed" RELY_SETUP_SECONDS="$setup_seconds" RELY_COMMAND="$command_line" \
	RELY_MODE="$mode" RELY_FPM_CHILDREN="$children" RELY_OUTAGE_SECONDS="$outage_seconds" \
	php "$rel/report.php" "$runs" "$report" || abort "report.php failed"
ta_log "wrote $report (run took ${elapsed}s)"
if grep -q '"ok":false' "$checks"; then
	exit 1
fi
