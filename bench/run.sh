#!/usr/bin/env bash
# Benchmarks of TokenAuthenticator; `make bench` runs this and rewrites
# BENCHMARKS.md (bench/report.php keeps its hand-written parts).
#
#  1. Micro: bench/micro.php, one PHP CLI process, native functions against
#     their PHP baselines, interleaved.
#  1b. Instruction counts under callgrind (bench/instructions.sh): requests
#     without credentials, and (issue #26) verify, mint and ApiKey requests
#     against the no-op floor and the reference-equivalent routes.
#  2. Macro: a fresh SQLite wiki served by Debian's nginx and php8.2-fpm on
#     127.0.0.1, loaded with wrk (bench/*.lua); the verify cases also against
#     the reference-equivalent verify (bench/RefVerifyHandler.php).
#
# Installs nginx, php8.2-fpm, wrk and curl when missing (services are kept from
# starting); starts its own nginx and php-fpm masters with config files in a
# temporary directory and kills them, by process group, on exit.
#
# Environment (all optional):
#   BENCH_DURATION=12      seconds of each measured wrk run
#   BENCH_WARMUP=3         seconds of the warm-up before each run
#   BENCH_CONNECTIONS=64   connections of the main runs
#   BENCH_LOW_CONNECTIONS=8  connections of the low-concurrency runs (0: none)
#   BENCH_THREADS=2        wrk threads
#   BENCH_FPM_CHILDREN=12  php-fpm workers per pool (pm = static)
#   BENCH_OVERHEAD_PAIRS=3 alternating ext/noext runs for the overhead case
#   BENCH_QUICK=1          short everything (trying the script out); writes
#                          bench/out/BENCHMARKS.quick.md instead
#   BENCH_OUT=FILE         where to write the report (default BENCHMARKS.md)
#   BENCH_MICRO=0          skip the micro benchmark (report says so)
#   BENCH_KEEP=1           keep the temporary directory (logs, configs)
#   MWS_TA_SO=PATH         the native extension (default: the release build)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=scripts/stack.sh
. "$TA_ROOT/scripts/stack.sh"

bench_dir="$TA_ROOT/bench"
so="$(ta_so_path)"
started_at="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
started_s=$SECONDS

quick="${BENCH_QUICK:-0}"
if [ "$quick" = 1 ]; then
	duration="${BENCH_DURATION:-3}"
	warmup="${BENCH_WARMUP:-1}"
	pairs="${BENCH_OVERHEAD_PAIRS:-1}"
	out="${BENCH_OUT:-$bench_dir/out/BENCHMARKS.quick.md}"
else
	duration="${BENCH_DURATION:-12}"
	warmup="${BENCH_WARMUP:-3}"
	pairs="${BENCH_OVERHEAD_PAIRS:-3}"
	out="${BENCH_OUT:-$TA_ROOT/BENCHMARKS.md}"
fi
conns="${BENCH_CONNECTIONS:-64}"
low_conns="${BENCH_LOW_CONNECTIONS:-8}"
threads="${BENCH_THREADS:-2}"
children="${BENCH_FPM_CHILDREN:-12}"
command_line="${BENCH_COMMAND:-bench/run.sh}"

[ -f "$so" ] || ta_die "$so does not exist: run \`make build\` first"
[ -f "$TA_MW_DIR/maintenance/install.php" ] || ta_die "MediaWiki not found in $TA_MW_DIR: run \`make deps\`"

# --- Packages ----------------------------------------------------------------

mapfile -t missing < <(ta_missing_packages nginx php8.2-fpm wrk curl)
ta_apt_install "${missing[@]}" || ta_die "installing ${missing[*]} failed"
stack_binaries
command -v wrk >/dev/null 2>&1 || ta_die "wrk not found"
[ "$(id -u)" -eq 0 ] || ta_die "the macro benchmark runs php-fpm workers as www-data: run as root"

# --- Temporary directory and clean-up -----------------------------------------

tmp="$(mktemp -d /tmp/mws-ta-bench.XXXXXX)"
chmod 755 "$tmp"
logs="$tmp/logs"
mkdir -p "$logs"
declare -A pgid_of=()

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	stack_stop
	if [ "${BENCH_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
		ta_log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
stack_init "$tmp"

# --- 1. Micro -----------------------------------------------------------------

if [ "${BENCH_MICRO:-1}" = 1 ]; then
	ta_log "micro benchmark (one PHP process; about a minute)"
	micro_args=()
	if [ "$quick" = 1 ]; then
		micro_args+=(--quick)
	fi
	timeout --kill-after=10 300 \
		php -d "extension=$so" -d opcache.enable_cli=1 "$bench_dir/micro.php" --out "$tmp/micro.json" "${micro_args[@]}" ||
		ta_die "micro benchmark failed"
else
	echo '{}' >"$tmp/micro.json"
fi

# --- 1b. Instruction counts ---------------------------------------------------

if [ "${BENCH_INSTRUCTIONS:-1}" = 1 ]; then
	ta_log "instruction counts under callgrind (bench/instructions.sh; about 6 minutes, 4 when quick)"
	# Seven: the runs of one variant spread by up to 0.5 % (BENCHMARKS.md section 5).
	instr_runs=7
	[ "$quick" != 1 ] || instr_runs=1
	MWS_TA_SO="$so" "$bench_dir/instructions.sh" "$tmp/instructions.json" "$instr_runs" ||
		ta_die "bench/instructions.sh failed"
else
	echo '{}' >"$tmp/instructions.json"
fi

# --- 2. Macro: the wiki -------------------------------------------------------

wiki="$tmp/wiki"
data="$wiki/data"
tokens="$wiki/tokens"
mkdir -p "$data" "$wiki/cache-ext" "$wiki/cache-noext" "$wiki/logs" "$tokens"
# Pools: ext, reuse and noext on the database store; the same two with the
# tokens on Redis and on memcached.
variants=(ext reuse noext redis redis-reuse memcached memcached-reuse)
declare -A port_of=()
for variant in "${variants[@]}"; do
	port_of[$variant]="$(free_port)"
done
port_ext="${port_of[ext]}"
service_secret="$(php -r 'echo bin2hex(random_bytes(24));')"

# The token stores' servers, as production would run them for tokens: no
# persistence (docs/token-stores.md).
redis_port="$(free_port)"
memcached_port="$(free_port)"
start_group "$logs/redis.log" /usr/bin/redis-server --bind 127.0.0.1 --port "$redis_port" --save '' \
	--appendonly no --daemonize no --dir "$tmp"
pgid_of[redis]="${pgids[-1]}"
start_group "$logs/memcached.log" /usr/bin/memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 256 -u nobody
pgid_of[memcached]="${pgids[-1]}"

ta_log "installing a SQLite wiki in $wiki"
"$TA_ROOT/scripts/wiki.sh" install "$wiki" --server "http://127.0.0.1:$port_ext" --name BenchWiki

# LocalSettings-<variant>.php: the installer's settings, then bench/settings.php.
for variant in "${variants[@]}"; do
	load=()
	[ "$variant" != noext ] || load=(--no-extension)
	"$TA_ROOT/scripts/wiki.sh" settings "$wiki/LocalSettings-$variant.php" \
		--installer "$wiki/LocalSettings.installer.php" --server "http://127.0.0.1:${port_of[$variant]}" \
		--log "$wiki/logs/mw-errors-$variant.log" "${load[@]}" \
		--php "\$benchVariant = '$variant';" \
		--php "\$benchDir = $(php_quote "$wiki");" \
		--php "\$benchRepo = $(php_quote "$TA_ROOT");" \
		--php "\$benchServiceSecret = $(php_quote "$service_secret");" \
		--php "\$benchRedisPort = $redis_port;" \
		--php "\$benchMemcachedPort = $memcached_port;" \
		--require "$TA_ROOT/bench/settings.php"
done

# Maintenance scripts as the workers' user, so every file they leave in the
# wiki is the workers' to write.
chown -R www-data:www-data "$wiki"
maint() {
	local variant="$1"
	shift
	runuser -u www-data -- env -u MW_INSTALL_PATH MW_CONFIG_FILE="$wiki/LocalSettings-$variant.php" \
		php -d "extension=$so" "$@"
}
ta_log "update.php, localisation caches"
"$TA_ROOT/scripts/wiki.sh" update "$wiki/LocalSettings-ext.php" --so "$so" --as www-data --log "$logs/update.log"
for variant in ext noext; do
	maint "$variant" "$TA_MW_DIR/maintenance/rebuildLocalisationCache.php" --lang=en --force \
		>"$logs/l10n-$variant.log" 2>&1 ||
		{
			cat "$logs/l10n-$variant.log" >&2
			ta_die "rebuildLocalisationCache.php ($variant) failed"
		}
done

# --- 2. Macro: php-fpm and nginx ----------------------------------------------

# One php-fpm master per variant (own OPcache and APCu); the native extension
# is loaded from an ini file in an extra scan directory, for ext and reuse only.
servers=()
for variant in "${variants[@]}"; do
	variant_so="$so"
	[ "$variant" != noext ] || variant_so=
	stack_fpm_start "$tmp/fpm-$variant" "$variant" "$wiki/LocalSettings-$variant.php" "$wiki/logs" \
		"$children" "$variant_so"
	pgid_of[$variant]="${pgids[-1]}"
	servers+=("${port_of[$variant]}:$tmp/fpm-$variant:$wiki/LocalSettings-$variant.php")
done
stack_nginx_start "$tmp/nginx" "$logs" "${servers[@]}"
pgid_of[nginx]="${pgids[-1]}"

url() {
	printf 'http://127.0.0.1:%s%s' "${port_of[$1]}" "$2"
}
noop_path=/rest.php/bench/v1/noop
verify_path=/rest.php/mws/v1/user-token/verify
ref_verify_path=/rest.php/bench/v1/ref-verify
api_path='/api.php?action=query&meta=userinfo&format=json'

# Wait (at most 30 s) until every variant answers the no-op route.
for variant in "${variants[@]}"; do
	ok=0
	for _ in $(seq 1 60); do
		if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$(url "$variant" "$noop_path")")" = 200 ]; then
			ok=1
			break
		fi
		sleep 0.5
	done
	if [ "$ok" != 1 ]; then
		curl -s --max-time 5 "$(url "$variant" "$noop_path")" >&2 || true
		tail -n 20 "$wiki"/logs/*.log "$logs/nginx-error.log" >&2 2>/dev/null || true
		ta_die "the $variant wiki does not answer $noop_path"
	fi
done
ta_log "serving: $(for v in "${variants[@]}"; do printf '%s :%s  ' "$v" "${port_of[$v]}"; done)($children php-fpm workers each)"

# Sanity checks: the cases must do what they claim.
check_status() {
	local want="$1" what="$2" got
	shift 2
	got="$(curl -s -o "$logs/check.body" -w '%{http_code}' --max-time 20 "$@")"
	[ "$got" = "$want" ] || {
		cat "$logs/check.body" >&2
		ta_die "$what: HTTP $got, expected $want"
	}
}
maint ext "$bench_dir/mint-tokens.php" --count 2 --out "$tokens/tokens-check.txt" >/dev/null
check_status 200 "verify of a valid token" -H 'Content-Type: application/json' \
	--data "{\"token\":\"$(head -n 1 "$tokens/tokens-check.txt")\"}" "$(url ext "$verify_path")"
check_status 400 "verify of the same token again" -H 'Content-Type: application/json' \
	--data "{\"token\":\"$(head -n 1 "$tokens/tokens-check.txt")\"}" "$(url ext "$verify_path")"
for _ in 1 2 3; do
	check_status 200 "verify of a reusable token" -H 'Content-Type: application/json' \
		--data "{\"token\":\"$(tail -n 1 "$tokens/tokens-check.txt")\"}" "$(url reuse "$verify_path")"
done
for store in redis memcached; do
	maint "$store" "$bench_dir/mint-tokens.php" --count 2 --out "$tokens/tokens-check-$store.txt" >/dev/null
	check_status 200 "verify of a valid token ($store)" -H 'Content-Type: application/json' \
		--data "{\"token\":\"$(head -n 1 "$tokens/tokens-check-$store.txt")\"}" "$(url "$store" "$verify_path")"
	check_status 400 "verify of the same token again ($store)" -H 'Content-Type: application/json' \
		--data "{\"token\":\"$(head -n 1 "$tokens/tokens-check-$store.txt")\"}" "$(url "$store" "$verify_path")"
	# The database pool does not know the store's tokens: they are not in its table.
	check_status 400 "a $store token on the database pool" -H 'Content-Type: application/json' \
		--data "{\"token\":\"$(tail -n 1 "$tokens/tokens-check-$store.txt")\"}" "$(url ext "$verify_path")"
done
# The reference-equivalent verify: tokens written by the pool itself (on ext
# into its APCu, the session cache), reusable; an unknown one is refused.
# seed_ref VARIANT FILE COUNT
seed_ref() {
	curl -sf --max-time 120 -o "$2" "$(url "$1" "/rest.php/bench/v1/ref-seed?count=$3&ttl=3600")" ||
		ta_die "seeding reference tokens ($1) failed"
	[ "$(grep -cE '^[0-9a-f]{32}$' "$2")" = "$3" ] || ta_die "ref-seed ($1) did not answer $3 tokens"
}
check_answer() {
	local what="$1" want="$2"
	shift 2
	check_status 200 "$what" "$@"
	grep -q -- "$want" "$logs/check.body" || {
		cat "$logs/check.body" >&2
		ta_die "$what: the answer does not contain $want"
	}
}
for variant in ext redis memcached; do
	seed_ref "$variant" "$tokens/tokens-ref-$variant.txt" 2000
	for _ in 1 2; do
		check_answer "reference-equivalent verify ($variant)" '"username":"Admin"' \
			"$(url "$variant" "$ref_verify_path/$(head -n 1 "$tokens/tokens-ref-$variant.txt")")"
	done
	check_status 400 "reference-equivalent verify of an unknown token ($variant)" \
		"$(url "$variant" "$ref_verify_path/0123456789abcdef0123456789abcdef")"
done
check_answer "verify answer" '"username":"Admin"' -H 'Content-Type: application/json' \
	--data "{\"token\":\"$(sed -n 2p "$tokens/tokens-check.txt")\"}" "$(url reuse "$verify_path")"
check_status 200 "ApiKey request" -H "Authorization: ApiKey $service_secret" "$(url ext "$noop_path")"
check_status 401 "wrong ApiKey" -H "Authorization: ApiKey x$service_secret" "$(url ext "$noop_path")"
check_status 404 "the verify route without the extension" -H 'Content-Type: application/json' \
	--data '{"token":"x"}' "$(url noext "$verify_path")"

# --- 2. Macro: load -----------------------------------------------------------

results="$tmp/macro.jsonl"
: >"$results"

# run_case NAME VARIANT CONNECTIONS SCRIPT PATH [SCRIPT ARGS...] [--warm WARM-UP ARGS...]
# A warm-up (with the warm-up args when given, else the same args), then the
# measured run; appends one JSON line to $results.
run_case() {
	local name="$1" variant="$2" c="$3" script="$4" path="$5" target json
	shift 5
	local args=() warm_args=() in_warm=0 arg
	for arg in "$@"; do
		if [ "$arg" = --warm ]; then
			in_warm=1
		elif [ "$in_warm" = 1 ]; then
			warm_args+=("$arg")
		else
			args+=("$arg")
		fi
	done
	[ "$in_warm" = 1 ] || warm_args=("${args[@]}")
	target="$(url "$variant" "$path")"
	ta_log "$name: $variant, $c connections, ${warmup}s warm-up + ${duration}s"
	local cpu_before cpu_after
	timeout --kill-after=5 $((warmup + 30)) \
		wrk -t"$threads" -c"$c" -d"${warmup}s" --timeout 10s -s "$bench_dir/$script" "$target" -- "${warm_args[@]}" \
		>"$logs/$name.warmup.txt" 2>&1 || ta_die "wrk failed (warm-up of $name): $(cat "$logs/$name.warmup.txt")"
	cpu_before="$(cpu_snapshot)"
	timeout --kill-after=5 $((duration + 30)) \
		wrk -t"$threads" -c"$c" -d"${duration}s" --timeout 10s --latency -s "$bench_dir/$script" "$target" -- "${args[@]}" \
		>"$logs/$name.txt" 2>&1 || ta_die "wrk failed ($name): $(cat "$logs/$name.txt")"
	cpu_after="$(cpu_snapshot)"
	json="$(sed -n 's/^BENCH_JSON //p' "$logs/$name.txt")"
	[ -n "$json" ] || ta_die "no result from wrk ($name): $(cat "$logs/$name.txt")"
	printf '{"case":"%s","variant":"%s","connections":%d,"path":"%s","result":%s,"cpu_before":%s,"cpu_after":%s}\n' \
		"$name" "$variant" "$c" "$path" "$json" "$cpu_before" "$cpu_after" >>"$results"
	sed -n 's/^\(Requests\/sec\|Non-2xx\|Socket errors\).*/  &/p' "$logs/$name.txt" >&2
}

# CPU time so far of the machine, of each php-fpm master's process group,
# of nginx, and of what this script ran and reaped (wrk, curl).
cpu_snapshot() {
	local groups=() g
	for g in "${variants[@]}" nginx redis memcached; do
		groups+=("$g=${pgid_of[$g]}")
	done
	php "$bench_dir/tool.php" cpu "${groups[@]}" "shell=$$"
}

# requests per second of a recorded case
rps_of() {
	php "$bench_dir/tool.php" rps "$results" "$1"
}

# Mints enough single-use tokens for a run at up to 1.5x the floor's rate,
# into the store of VARIANT (default ext, the database).
mint_for() {
	local file="$1" seconds="$2" c="$3" variant="${4:-ext}" rate n
	rate="$(rps_of "floor-c$c")"
	n=$(((rate * seconds * 3 / 2) + 200))
	maint "$variant" "$bench_dir/mint-tokens.php" --count "$n" --out "$file" >>"$logs/mint.log" 2>&1 ||
		{
			cat "$logs/mint.log" >&2
			ta_die "minting tokens failed"
		}
	tail -n 1 "$logs/mint.log" >&2
}

concurrencies=("$conns")
if [ "$low_conns" -gt 0 ] && [ "$low_conns" != "$conns" ]; then
	concurrencies+=("$low_conns")
fi

for c in "${concurrencies[@]}"; do
	run_case "floor-c$c" ext "$c" get.lua "$noop_path"
done
for c in "${concurrencies[@]}"; do
	mint_for "$tokens/tokens-warm-c$c.txt" "$warmup" "$c"
	mint_for "$tokens/tokens-run-c$c.txt" "$duration" "$c"
	run_case "verify-valid-c$c" ext "$c" verify.lua "$verify_path" \
		once "$tokens/tokens-run-c$c.txt" "$threads" --warm once "$tokens/tokens-warm-c$c.txt" "$threads"
done
maint ext "$bench_dir/mint-tokens.php" --count 2000 --out "$tokens/tokens-reuse.txt" >>"$logs/mint.log" 2>&1
run_case "verify-reusable-c$conns" reuse "$conns" verify.lua "$verify_path" cycle "$tokens/tokens-reuse.txt" "$threads"
for store in redis memcached; do
	mint_for "$tokens/tokens-warm-$store.txt" "$warmup" "$conns" "$store"
	mint_for "$tokens/tokens-run-$store.txt" "$duration" "$conns" "$store"
	run_case "verify-valid-$store-c$conns" "$store" "$conns" verify.lua "$verify_path" \
		once "$tokens/tokens-run-$store.txt" "$threads" --warm once "$tokens/tokens-warm-$store.txt" "$threads"
	maint "$store-reuse" "$bench_dir/mint-tokens.php" --count 2000 --out "$tokens/tokens-reuse-$store.txt" >>"$logs/mint.log" 2>&1
	run_case "verify-reusable-$store-c$conns" "$store-reuse" "$conns" verify.lua "$verify_path" \
		cycle "$tokens/tokens-reuse-$store.txt" "$threads"
done
# The reference-equivalent verify, on each store's pool (its tokens are never
# used up: the 2,000 seeded ones, over and over).
for c in "${concurrencies[@]}"; do
	run_case "ref-verify-c$c" ext "$c" verify.lua "$ref_verify_path" cycle "$tokens/tokens-ref-ext.txt" "$threads" get
done
for store in redis memcached; do
	run_case "ref-verify-$store-c$conns" "$store" "$conns" verify.lua "$ref_verify_path" \
		cycle "$tokens/tokens-ref-$store.txt" "$threads" get
done
run_case "verify-invalid-c$conns" ext "$conns" verify.lua "$verify_path" random
run_case "apikey-c$conns" ext "$conns" get.lua "$noop_path" "Authorization: ApiKey $service_secret"
for i in $(seq 1 "$pairs"); do
	run_case "anon-rest-ext-$i" ext "$conns" get.lua "$noop_path"
	run_case "anon-rest-noext-$i" noext "$conns" get.lua "$noop_path"
done
for i in $(seq 1 "$pairs"); do
	run_case "anon-api-ext-$i" ext "$conns" get.lua "$api_path"
	run_case "anon-api-noext-$i" noext "$conns" get.lua "$api_path"
done

# --- 2. Macro: database queries per request -----------------------------------

# Single requests with the query log on (X-Bench-Query-Log), after the load
# runs warmed every cache. Each request type is sent 3 times; the log's
# growth is its query count.
probes="$tmp/queries.jsonl"
: >"$probes"
maint ext "$bench_dir/mint-tokens.php" --count 3 --out "$tokens/tokens-probe.txt" >/dev/null
# A query's log line: "{method} [{runtime}s] ..." (1.39), "[{runtime_ms}ms]" (1.43).
query_lines() {
	[ -f "$1" ] || { echo 0; return; }
	grep -cE '\[[0-9.]+m?s\] ' "$1" || true
}
probe() {
	local name="$1" variant="$2" path="$3" log counts=() before after i
	shift 3
	log="$wiki/logs/queries-$variant.log"
	for i in 1 2 3; do
		before="$(query_lines "$log")"
		local extra=()
		if [ "$name" = verify-valid ]; then
			extra=(--data "{\"token\":\"$(sed -n "${i}p" "$tokens/tokens-probe.txt")\"}")
		fi
		curl -s -o /dev/null --max-time 20 -H 'X-Bench-Query-Log: 1' "$@" "${extra[@]}" "$(url "$variant" "$path")"
		# Queries run after the response was sent (deferred updates, commit):
		# wait until the log stops growing (at most 2 s).
		after=-1
		for _ in $(seq 1 20); do
			sleep 0.1
			local now
			now="$(query_lines "$log")"
			[ "$now" != "$after" ] || break
			after="$now"
		done
		counts+=($((after - before)))
	done
	php "$bench_dir/tool.php" probe "$name" "$variant" "$log" "${counts[@]}" >>"$probes"
}
probe anon-rest ext "$noop_path"
probe anon-rest noext "$noop_path"
probe anon-api ext "$api_path"
probe anon-api noext "$api_path"
probe verify-valid ext "$verify_path" -H 'Content-Type: application/json'
probe verify-invalid ext "$verify_path" -H 'Content-Type: application/json' --data '{"token":"0123456789abcdef"}'
probe ref-verify ext "$ref_verify_path/$(head -n 1 "$tokens/tokens-ref-ext.txt")"
probe apikey ext "$noop_path" -H "Authorization: ApiKey $service_secret"

# Errors the servers logged during the run.
server_errors="$(cat "$wiki"/logs/php-*.log "$wiki"/logs/mw-errors-*.log 2>/dev/null | head -c 4000 || true)"
[ -z "$server_errors" ] || printf 'server errors:\n%s\n' "$server_errors" >&2

# --- Report -------------------------------------------------------------------

elapsed=$((SECONDS - started_s))
mkdir -p "$(dirname "$out")"
BENCH_STARTED_AT="$started_at" BENCH_ELAPSED="$elapsed" BENCH_COMMAND="$command_line" \
	BENCH_DURATION="$duration" BENCH_WARMUP="$warmup" BENCH_THREADS="$threads" \
	BENCH_CONNECTIONS="$conns" BENCH_LOW_CONNECTIONS="$low_conns" BENCH_FPM_CHILDREN="$children" \
	BENCH_QUICK="$quick" BENCH_SERVER_ERRORS="$server_errors" \
	php "$bench_dir/report.php" "$tmp/micro.json" "$results" "$probes" "$out" "$tmp/instructions.json"
ta_log "wrote $out (benchmark took ${elapsed}s)"
