#!/usr/bin/env bash
# What requests cost, in instructions (callgrind), not seconds: wall-clock and
# CPU-time pairs on shared cores spread by 5 % and more, instruction counts by
# well under 1 %.
#
# Requests without credentials ("api", "rest", "index"): one SQLite wiki,
# three LocalSettings: MediaWiki alone ("noext"), with an empty extension
# that declares one setting ("empty"), and with TokenAuthenticator and its
# native module ("ext").
#
# Requests with credentials (issue #26), on the same wiki with
# bench/settings.php (the settings of bench/run.sh's wiki, reference-
# equivalent routes of bench/Ref*.php included): variants "db" (tokens in
# the database), "redis" and "memcached" ($mwsgTokenAuthenticatorTokenStore
# names a server of $wgObjectCaches, started here on loopback), each also
# with $mwsgTokenAuthenticatorSingleUse = false ("db-reuse", ...), and
# "static" (MediaWiki without TokenAuthenticator, with the bare static-token
# provider of bench/StaticKeySessionProvider.php on the same ApiKey secret):
#
#   noop          GET rest.php/bench/v1/noop, no credential (the floor)    db
#   ref-verify    GET rest.php/bench/v1/ref-verify/{token}: the reference's
#                 verify (one cache read; APCu, the session cache, on db)  db redis memcached
#   verify        POST rest.php/mws/v1/user-token/verify {"token": ...},
#                 single use (each request uses up a token)                db redis memcached
#   verify-reuse  the same, SingleUse = false          db-reuse redis-reuse memcached-reuse
#   mint          GET rest.php/mws/v1/user-token/generate, ApiKey          db redis memcached
#   ref-mint      GET rest.php/bench/v1/ref-mint: the reference's generate,
#                 with the same ApiKey                                     db redis memcached
#   apikey        GET api.php?action=query&meta=userinfo with
#                 "Authorization: ApiKey": TokenAuthenticator ("db") and
#                 the static-token provider ("static")                     db static
#
# Every answer is checked (HTTP 200, and the user, token or marker it must
# name): a wrong one ends the script, as a count of an error path is no
# count of the request. Verify tokens are minted beforehand with
# bench/mint-tokens.php (one per request, warm-ups included, for single
# use); reference tokens are written by the bench route ref-seed.
#
# For each variant, one php-cgi process (PHP_FCGI_CHILDREN=0, so OPcache
# and APCu stay warm across its requests) runs under `valgrind
# --tool=callgrind`; a request is sent a few times to warm it, then the
# counters are zeroed (callgrind_control -z), one FastCGI request is sent
# with cgi-fcgi, and the counters are dumped (callgrind_control -d). RUNS
# times per request and variant.
#
#   bench/instructions.sh OUT.json [RUNS]
#
# INSTR_REQUESTS="api rest noop verify ..." limits the requests (default:
# all of them). Time of the whole default set on the 2-core machine: about
# 4.5 minutes with RUNS=3, 5.5 with RUNS=7 (as `make bench` runs it), of
# which the requests with credentials take about two thirds; most of the
# rest is the install and starting each variant's php-cgi under valgrind.
#
# For ablations, INSTR_EXTRA="NAME=/path/to/extension.json ..." adds
# variants that load a patched copy of the extension (with the native
# module) for the requests without credentials, measured in the same run.
# php-cgi runs with GLIBC_TUNABLES=glibc.malloc.mxfast=0 (see "tunables"
# below; INSTR_TUNABLES overrides it).
#
# Writes OUT.json (read by bench/report.php: requests.NAME.VARIANT is the
# list of RUNS counts) and, with INSTR_KEEP=1, keeps the dumps
# (callgrind_annotate them for the breakdown).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=scripts/stack.sh
. "$TA_ROOT/scripts/stack.sh"

out="${1:?usage: bench/instructions.sh OUT.json [RUNS]}"
runs="${2:-3}"
so="$(ta_so_path)"
[ -f "$so" ] || ta_die "$so does not exist: run \`make build\` first"

php_version="$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')"
mapfile -t missing < <(ta_missing_packages "php$php_version-cgi" libfcgi-bin valgrind)
ta_apt_install "${missing[@]}" || ta_die "installing ${missing[*]} failed"

tmp="$(mktemp -d /tmp/mws-ta-instr-XXXXXX)"
cleanup() {
	stack_stop
	if [ "${INSTR_KEEP:-0}" = 1 ]; then
		ta_log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
stack_init "$tmp"

# --- What to measure -----------------------------------------------------------

plain_names=(api rest index)
cred_names=(noop ref-verify verify verify-reuse mint ref-mint apikey)
declare -A variants_of=(
	[noop]='db'
	[ref-verify]='db redis memcached'
	[verify]='db redis memcached'
	[verify-reuse]='db-reuse redis-reuse memcached-reuse'
	[mint]='db redis memcached'
	[ref-mint]='db redis memcached'
	[apikey]='db static'
)
read -r -a requests <<<"${INSTR_REQUESTS:-${plain_names[*]} ${cred_names[*]}}"
plain=()
cred=()
for name in "${requests[@]}"; do
	case " ${plain_names[*]} " in *" $name "*) plain+=("$name") && continue ;; esac
	[ -n "${variants_of[$name]:-}" ] || ta_die "INSTR_REQUESTS: unknown request $name (known: ${plain_names[*]} ${cred_names[*]})"
	cred+=("$name")
done

variants=(noext empty ext)
declare -A extra_json=()
for spec in ${INSTR_EXTRA:-}; do
	name="${spec%%=*}"
	[ -f "${spec#*=}" ] || ta_die "INSTR_EXTRA: ${spec#*=} does not exist"
	extra_json[$name]="${spec#*=}"
	variants+=("$name")
done
[ ${#plain[@]} -gt 0 ] || variants=()

# The variants of the requests with credentials, in a fixed order.
cred_variants=()
for variant in db redis memcached db-reuse redis-reuse memcached-reuse static; do
	for name in "${cred[@]}"; do
		case " ${variants_of[$name]} " in *" $variant "*) cred_variants+=("$variant") && break ;; esac
	done
done

# --- The wiki and its LocalSettings ----------------------------------------------

wiki="$tmp/wiki"
ta_log "instructions: installing a SQLite wiki in $wiki"
"$TA_ROOT/scripts/wiki.sh" install "$wiki" --server http://127.0.0.1 --name InstrWiki

# The empty extension: one setting, nothing else.
mkdir -p "$tmp/EmptyExtension"
cat >"$tmp/EmptyExtension/extension.json" <<'JSON'
{
	"name": "EmptyExtension",
	"manifest_version": 2,
	"config": {
		"EmptyExtensionSetting": { "value": true }
	}
}
JSON

for variant in "${variants[@]}"; do
	load=()
	case "$variant" in
	noext) load=(--no-extension) ;;
	empty) load=(--no-extension --php "wfLoadExtension( 'EmptyExtension', $(php_quote "$tmp/EmptyExtension/extension.json") );") ;;
	ext) ;;
	*) load=(--extension "${extra_json[$variant]}") ;;
	esac
	"$TA_ROOT/scripts/wiki.sh" settings "$wiki/LocalSettings-$variant.php" \
		--installer "$wiki/LocalSettings.installer.php" --server http://127.0.0.1 \
		--log "$tmp/mw-errors-$variant.log" "${load[@]}" \
		--php "\$wgCacheDirectory = $(php_quote "$tmp/l10n-$variant");" \
		--php '$wgJobRunRate = 0;'
	mkdir -p "$tmp/l10n-$variant"
done

# The variants with credentials: bench/settings.php, as bench/run.sh's wiki
# has it, with its l10n caches in $bench/cache-ext and $bench/cache-noext.
bench="$tmp/bench"
mkdir -p "$bench/cache-ext" "$bench/cache-noext" "$bench/logs" "$bench/tokens"
service_secret="$(php -r 'echo bin2hex(random_bytes(24));')"
service_user='ChatBot service user'
redis_port=0
memcached_port=0
case " ${cred_variants[*]} " in *" redis"*) redis_port="$(free_port)" ;; esac
case " ${cred_variants[*]} " in *" memcached"*) memcached_port="$(free_port)" ;; esac
for variant in "${cred_variants[@]}"; do
	load=()
	[ "$variant" != static ] || load=(--no-extension)
	"$TA_ROOT/scripts/wiki.sh" settings "$wiki/LocalSettings-$variant.php" \
		--installer "$wiki/LocalSettings.installer.php" --server http://127.0.0.1 \
		--log "$tmp/mw-errors-$variant.log" "${load[@]}" \
		--php "\$benchVariant = '$variant';" \
		--php "\$benchDir = $(php_quote "$bench");" \
		--php "\$benchRepo = $(php_quote "$TA_ROOT");" \
		--php "\$benchServiceSecret = $(php_quote "$service_secret");" \
		--php "\$benchRedisPort = $redis_port;" \
		--php "\$benchMemcachedPort = $memcached_port;" \
		--require "$TA_ROOT/bench/settings.php"
done

# The token stores' servers, as bench/run.sh starts them (no persistence).
if [ "$redis_port" != 0 ]; then
	start_group "$tmp/redis.log" /usr/bin/redis-server --bind 127.0.0.1 --port "$redis_port" --save '' \
		--appendonly no --daemonize no --dir "$tmp"
fi
if [ "$memcached_port" != 0 ]; then
	memcached_user=()
	[ "$(id -u)" -ne 0 ] || memcached_user=(-u nobody)
	start_group "$tmp/memcached.log" /usr/bin/memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 "${memcached_user[@]}"
fi

# update.php with the settings of the bench principal when it is used: it
# creates the principal's service account (the requests without
# credentials never read it).
update_config="$wiki/LocalSettings-ext.php"
[ ${#cred_variants[@]} -eq 0 ] || update_config="$wiki/LocalSettings-${cred_variants[0]}.php"
[ -f "$update_config" ] || "$TA_ROOT/scripts/wiki.sh" settings "$update_config" \
	--installer "$wiki/LocalSettings.installer.php" --server http://127.0.0.1
"$TA_ROOT/scripts/wiki.sh" update "$update_config" --so "$so" --log "$tmp/update.log"

# loads_so VARIANT: whether the variant's php-cgi loads the native module.
loads_so() {
	[ "$1" != noext ] && [ "$1" != empty ] && [ "$1" != static ]
}
l10n_done=()
for variant in "${variants[@]}" "${cred_variants[@]}"; do
	# One l10n cache per directory: bench/settings.php shares them.
	case "$variant" in
	noext | empty | ext) key="$variant" ;;
	static) key='bench-noext' ;;
	db* | redis* | memcached*) key='bench-ext' ;;
	*) key="$variant" ;;
	esac
	case " ${l10n_done[*]} " in *" $key "*) continue ;; esac
	l10n_done+=("$key")
	ini=()
	! loads_so "$variant" || ini=(-d "extension=$so")
	MW_CONFIG_FILE="$wiki/LocalSettings-$variant.php" php "${ini[@]}" \
		"$TA_MW_DIR/maintenance/rebuildLocalisationCache.php" --lang=en --force >"$tmp/l10n-$variant.log" 2>&1 ||
		ta_die "rebuildLocalisationCache.php ($variant) failed: $(tail -n 5 "$tmp/l10n-$variant.log")"
done

# --- Requests --------------------------------------------------------------------

# send VARIANT LABEL MARKER METHOD SCRIPT PATH QUERY [AUTHORIZATION [BODY]]:
# one FastCGI request to the variant's php-cgi; its answer in
# $tmp/last-VARIANT-LABEL.out. Ends the script unless the answer is an HTTP
# 200 (php-cgi writes no Status line for it) and contains MARKER.
send() {
	local variant="$1" label="$2" marker="$3" method="$4" script="$5" path="$6" query="$7"
	local auth="${8:-}" body="${9:-}" uri answer="$tmp/last-$1-$2.out"
	local extra=()
	uri="/$script$path${query:+?$query}"
	[ -z "$auth" ] || extra+=(HTTP_AUTHORIZATION="$auth")
	[ "$method" != POST ] || extra+=(CONTENT_TYPE=application/json CONTENT_LENGTH="${#body}")
	printf '%s' "$body" | env -i SCRIPT_FILENAME="$TA_MW_DIR/$script" SCRIPT_NAME="/$script" PATH_INFO="$path" \
		REQUEST_URI="$uri" QUERY_STRING="$query" REQUEST_METHOD="$method" DOCUMENT_ROOT="$TA_MW_DIR" \
		SERVER_NAME=127.0.0.1 SERVER_PORT=80 HTTP_HOST=127.0.0.1 REMOTE_ADDR=127.0.0.1 \
		SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 "${extra[@]}" \
		cgi-fcgi -bind -connect "$tmp/cgi-$variant.sock" >"$answer" 2>&1
	if head -n 1 "$answer" | grep -q '^Status: ' && ! head -n 1 "$answer" | grep -q '^Status: 200'; then
		ta_die "$variant $label answered $(head -n 1 "$answer"): $(head -c 600 "$answer")"
	fi
	# A PHP fatal error answers 200 without a Status line: look for the answer.
	grep -q -- "$marker" "$answer" ||
		ta_die "$variant $label: no $marker in the answer: $(head -c 600 "$answer")"
	return 0
}

# The body of the last answer (after the header lines).
last_body() {
	sed '1,/^\r\{0,1\}$/d' "$tmp/last-$1-$2.out"
}

declare -A script_of=([api]=api.php [rest]=rest.php [index]=index.php)
declare -A path_of=([api]='' [rest]=/v1/page/Main_Page/bare [index]='')
declare -A marker_of=([api]='"userinfo"' [rest]='"latest"' [index]='</html>')
declare -A query_of=([api]='action=query&meta=userinfo&format=json' [rest]='' [index]='title=Main_Page')
api_key="ApiKey $service_secret"
# Tokens of the requests with credentials: a file of them per variant and
# request, and how many of each were sent.
declare -A tokens_of=() sent_of=()

# prepare VARIANT NAME: what the request needs before its first warm-up.
prepare() {
	local variant="$1" name="$2" file="$bench/tokens/$1-$2.txt" n
	case "$name" in
	verify | verify-reuse)
		# Single use: one token per request, warm-ups included; reusable: one.
		n=1
		[ "$name" = verify-reuse ] || n=$((warm + runs))
		MW_CONFIG_FILE="$wiki/LocalSettings-$variant.php" php -d "extension=$so" \
			"$TA_ROOT/bench/mint-tokens.php" --count "$n" --out "$file" >>"$tmp/mint.log" 2>&1 ||
			ta_die "bench/mint-tokens.php ($variant) failed: $(tail -n 5 "$tmp/mint.log")"
		;;
	ref-verify)
		# The reference's tokens are never used up: one, written by the
		# serving process (on db, its APCu).
		send "$variant" ref-seed '' GET rest.php /bench/v1/ref-seed 'count=1&ttl=3600'
		last_body "$variant" ref-seed >"$file"
		grep -qE '^[0-9a-f]{32}$' "$file" || ta_die "$variant: ref-seed answered no token: $(head -c 300 "$file")"
		;;
	*) return 0 ;;
	esac
	tokens_of[$variant/$name]="$file"
	sent_of[$variant/$name]=0
}

# next_token VARIANT NAME: the token of the next request (single use: the next line).
next_token() {
	local key="$1/$2" line=1
	[ "$2" != verify ] || line=$((sent_of[$key] + 1))
	sent_of[$key]=$((sent_of[$key] + 1))
	token="$(sed -n "${line}p" "${tokens_of[$key]}")"
	[ -n "$token" ] || ta_die "$key: no token left (line $line of ${tokens_of[$key]})"
}

# request VARIANT NAME: one request NAME to the variant's php-cgi, checked.
token=
request() {
	local variant="$1" name="$2"
	case "$name" in
	noop) send "$variant" "$name" '"ok":true' GET rest.php /bench/v1/noop '' ;;
	ref-verify)
		next_token "$variant" "$name"
		send "$variant" "$name" '"username":"Admin"' GET rest.php "/bench/v1/ref-verify/$token" ''
		;;
	verify | verify-reuse)
		next_token "$variant" "$name"
		send "$variant" "$name" '"username":"Admin"' POST rest.php /mws/v1/user-token/verify '' '' \
			"{\"token\":\"$token\"}"
		;;
	mint) send "$variant" "$name" '"value":"[^"]\{16,\}"' GET rest.php /mws/v1/user-token/generate '' "$api_key" ;;
	ref-mint) send "$variant" "$name" '"value":"[0-9a-f]\{32\}"' GET rest.php /bench/v1/ref-mint '' "$api_key" ;;
	apikey)
		send "$variant" "$name" "\"name\":\"$service_user\"" GET api.php '' 'action=query&meta=userinfo&format=json' \
			"$api_key"
		;;
	*)
		send "$variant" "$name" "${marker_of[$name]}" GET "${script_of[$name]}" "${path_of[$name]}" \
			"${query_of[$name]}"
		;;
	esac
}

# --- Measuring ---------------------------------------------------------------------

# Without fastbins: with them, glibc's malloc_consolidate ran in some
# requests and not in others of the same variant, depending on the process's
# heap, and one variant's runs fell into two groups about 100,000
# instructions apart; without them its runs agree to about 0.1 %
# (BENCHMARKS.md section 5). INSTR_TUNABLES= (empty) measures glibc's default.
tunables="${INSTR_TUNABLES-glibc.malloc.mxfast=0}"
# Warm-up requests before the counted ones: OPcache, APCu, the localisation
# cache, the parser cache.
warm=3

results="$tmp/results.tsv"
: >"$results"
started_s=$SECONDS
# measure VARIANT NAME...: the variant's php-cgi under callgrind, each
# request warmed, then counted RUNS times.
measure() {
	local variant="$1" ini=() group pid name run before dump ir
	shift
	ini=()
	! loads_so "$variant" || ini=(-d "extension=$so")
	ta_log "instructions: $variant under callgrind ($*)"
	start_group "$tmp/valgrind-$variant.log" env PHP_FCGI_CHILDREN=0 PHP_FCGI_MAX_REQUESTS=0 \
		MW_CONFIG_FILE="$wiki/LocalSettings-$variant.php" ${tunables:+GLIBC_TUNABLES="$tunables"} \
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg-$variant.%p" \
		php-cgi "${ini[@]}" -d opcache.enable=1 -d opcache.validate_timestamps=0 -d apc.enabled=1 \
		-b "$tmp/cgi-$variant.sock"
	group="${pgids[-1]}"
	for _ in $(seq 1 300); do
		[ -S "$tmp/cgi-$variant.sock" ] && break
		sleep 0.1
	done
	[ -S "$tmp/cgi-$variant.sock" ] || ta_die "php-cgi ($variant) did not start: $(tail -n 5 "$tmp/valgrind-$variant.log")"
	pid="$(pgrep -g "$group" -f php-cgi | head -n 1)"
	for name in "$@"; do
		prepare "$variant" "$name"
		for _ in $(seq 1 "$warm"); do request "$variant" "$name"; done
		for run in $(seq 1 "$runs"); do
			callgrind_control -z "$pid" >/dev/null 2>&1
			request "$variant" "$name"
			before="$(ls "$tmp"/cg-"$variant".* 2>/dev/null | wc -l)"
			callgrind_control -d "$pid" >/dev/null 2>&1
			for _ in $(seq 1 100); do
				[ "$(ls "$tmp"/cg-"$variant".* | wc -l)" -gt "$before" ] && break
				sleep 0.05
			done
			dump="$(ls -t "$tmp"/cg-"$variant".* | head -n 1)"
			ir="$(awk '/^summary:/ { print $2 }' "$dump")"
			[ -n "$ir" ] || ta_die "no summary in $dump"
			printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$name" "$run" "$ir" "$(basename "$dump")" >>"$results"
		done
	done
	stop_group "$group"
}

for variant in "${variants[@]}"; do
	measure "$variant" "${plain[@]}"
done
for variant in "${cred_variants[@]}"; do
	names=()
	for name in "${cred[@]}"; do
		case " ${variants_of[$name]} " in *" $variant "*) names+=("$name") ;; esac
	done
	measure "$variant" "${names[@]}"
done
# PHP warnings and MediaWiki errors of the requests.
if cat "$tmp"/mw-errors-*.log 2>/dev/null | grep -q .; then
	ta_log "instructions: MediaWiki logged errors:"
	cat "$tmp"/mw-errors-*.log | head -c 3000 >&2
fi

php -r '
	$rows = [];
	foreach ( file( $argv[1], FILE_IGNORE_NEW_LINES ) as $line ) {
		[ $variant, $name, $run, $ir ] = explode( "\t", $line );
		$rows[$name][$variant][] = (int)$ir;
	}
	file_put_contents( $argv[2], json_encode( [
		"runs" => (int)$argv[3],
		"mediawiki" => trim( (string)shell_exec( "dpkg-query -W -f=\x27\${Version}\x27 mediawiki" ) ),
		"php" => PHP_VERSION,
		"seconds" => (int)$argv[4],
		"requests" => $rows,
	], JSON_PRETTY_PRINT ) . "\n" );
' "$results" "$out" "$runs" "$SECONDS"
ta_log "instructions: wrote $out (${SECONDS} s, of which $((SECONDS - started_s)) s under callgrind)"
cat "$results" >&2
