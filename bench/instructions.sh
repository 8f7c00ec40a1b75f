#!/usr/bin/env bash
# What a request without credentials costs, in instructions (callgrind), not
# seconds: wall-clock and CPU-time pairs on shared cores spread by 5 % and
# more, instruction counts by well under 1 %.
#
# One SQLite wiki, three LocalSettings: MediaWiki alone ("noext"), with an
# empty extension that declares one setting ("empty"), and with
# TokenAuthenticator and its native module ("ext"). For each, one php-cgi
# process (PHP_FCGI_CHILDREN=0, so OPcache and APCu stay warm across its
# requests) runs under `valgrind --tool=callgrind`; a request is sent a few
# times to warm it, then the counters are zeroed (callgrind_control -z), one
# FastCGI request is sent with cgi-fcgi, and the counters are dumped
# (callgrind_control -d). RUNS times per request and variant.
#
#   bench/instructions.sh OUT.json [RUNS]
#
# For ablations, INSTR_EXTRA="NAME=/path/to/extension.json ..." adds
# variants that load a patched copy of the extension (with the native
# module), measured in the same run; INSTR_REQUESTS="api rest" limits the
# requests. php-cgi runs with GLIBC_TUNABLES=glibc.malloc.mxfast=0 (see
# "tunables" below; INSTR_TUNABLES overrides it).
#
# Writes OUT.json (read by bench/report.php) and, with INSTR_KEEP=1, keeps
# the dumps (callgrind_annotate them for the breakdown).
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

variants=(noext empty ext)
declare -A extra_json=()
for spec in ${INSTR_EXTRA:-}; do
	name="${spec%%=*}"
	[ -f "${spec#*=}" ] || ta_die "INSTR_EXTRA: ${spec#*=} does not exist"
	extra_json[$name]="${spec#*=}"
	variants+=("$name")
done
read -r -a requests <<<"${INSTR_REQUESTS:-api rest index}"
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
"$TA_ROOT/scripts/wiki.sh" update "$wiki/LocalSettings-ext.php" --so "$so" --log "$tmp/update.log"
for variant in "${variants[@]}"; do
	ini=()
	[ "$variant" = noext ] || [ "$variant" = empty ] || ini=(-d "extension=$so")
	MW_CONFIG_FILE="$wiki/LocalSettings-$variant.php" php "${ini[@]}" \
		"$TA_MW_DIR/maintenance/rebuildLocalisationCache.php" --lang=en --force >"$tmp/l10n-$variant.log" 2>&1 ||
		ta_die "rebuildLocalisationCache.php ($variant) failed: $(tail -n 5 "$tmp/l10n-$variant.log")"
done

# request VARIANT NAME: one FastCGI request to the variant's php-cgi.
declare -A script_of=([api]=api.php [rest]=rest.php [index]=index.php)
declare -A path_of=([api]='' [rest]=/v1/page/Main_Page/bare [index]='')
declare -A marker_of=([api]='"userinfo"' [rest]='"latest"' [index]='</html>')
declare -A query_of=([api]='action=query&meta=userinfo&format=json' [rest]='' [index]='title=Main_Page')
request() {
	local variant="$1" name="$2" script path query uri
	script="${script_of[$name]}"
	path="${path_of[$name]}"
	query="${query_of[$name]}"
	uri="/$script$path${query:+?$query}"
	env -i SCRIPT_FILENAME="$TA_MW_DIR/$script" SCRIPT_NAME="/$script" PATH_INFO="$path" \
		REQUEST_URI="$uri" QUERY_STRING="$query" REQUEST_METHOD=GET DOCUMENT_ROOT="$TA_MW_DIR" \
		SERVER_NAME=127.0.0.1 SERVER_PORT=80 HTTP_HOST=127.0.0.1 REMOTE_ADDR=127.0.0.1 \
		SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
		cgi-fcgi -bind -connect "$tmp/cgi-$variant.sock" >"$tmp/last-$variant-$name.out" 2>&1
	head -n 1 "$tmp/last-$variant-$name.out" | grep -q '^Status: [45]' &&
		ta_die "$variant $name answered $(head -n 1 "$tmp/last-$variant-$name.out")"
	# A PHP fatal error answers 200 without a Status line: look for the answer.
	grep -q -- "${marker_of[$name]}" "$tmp/last-$variant-$name.out" ||
		ta_die "$variant $name: no ${marker_of[$name]} in the answer: $(head -c 600 "$tmp/last-$variant-$name.out")"
	return 0
}

# Without fastbins: with them, glibc's malloc_consolidate ran in some
# requests and not in others of the same variant, depending on the process's
# heap, and one variant's runs fell into two groups about 100,000
# instructions apart; without them its runs agree to about 0.1 %
# (BENCHMARKS.md section 5). INSTR_TUNABLES= (empty) measures glibc's default.
tunables="${INSTR_TUNABLES-glibc.malloc.mxfast=0}"

results="$tmp/results.tsv"
: >"$results"
for variant in "${variants[@]}"; do
	ini=()
	[ "$variant" = noext ] || [ "$variant" = empty ] || ini=(-d "extension=$so")
	ta_log "instructions: $variant under callgrind"
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
	for name in "${requests[@]}"; do
		# Warm: OPcache, APCu, the localisation cache, the parser cache.
		for _ in 1 2 3; do request "$variant" "$name"; done
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
done

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
		"requests" => $rows,
	], JSON_PRETTY_PRINT ) . "\n" );
' "$results" "$out" "$runs"
ta_log "instructions: wrote $out"
cat "$results" >&2
