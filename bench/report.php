<?php
/**
 * Writes BENCHMARKS.md from the results of bench/run.sh:
 *
 *   php bench/report.php MICRO.json MACRO.jsonl QUERIES.jsonl OUT.md [INSTRUCTIONS.json]
 *
 * The hand-written parts of an existing OUT.md are kept: the intro between
 * "<!-- bench:intro -->" and "<!-- /bench:intro -->", and the analysis
 * between "<!-- bench:analysis -->" and "<!-- /bench:analysis -->".
 * Everything else is generated. The run's parameters come from the
 * environment (BENCH_* variables set by bench/run.sh).
 */

if ( $argc !== 5 && $argc !== 6 ) {
	fwrite( STDERR, "usage: php bench/report.php MICRO.json MACRO.jsonl QUERIES.jsonl OUT.md [INSTRUCTIONS.json]\n" );
	exit( 2 );
}
[ , $microFile, $macroFile, $queriesFile, $outFile ] = $argv;
$instructions = json_decode( (string)@file_get_contents( $argv[5] ?? '/dev/null' ), true ) ?: [];

$micro = json_decode( (string)file_get_contents( $microFile ), true ) ?: [];
$macro = [];
foreach ( file( $macroFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) ?: [] as $line ) {
	$row = json_decode( $line, true );
	if ( is_array( $row ) ) {
		$macro[$row['case']] = $row;
	}
}
$probes = [];
foreach ( file( $queriesFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) ?: [] as $line ) {
	$row = json_decode( $line, true );
	if ( is_array( $row ) ) {
		$probes[$row['name'] . '/' . $row['variant']] = $row;
	}
}

function env( string $name, string $default = '' ): string {
	$v = getenv( $name );
	return $v === false ? $default : $v;
}

$ticks = (int)trim( (string)shell_exec( 'getconf CLK_TCK 2>/dev/null' ) ) ?: 100;
$conns = (int)env( 'BENCH_CONNECTIONS', '64' );
$lowConns = (int)env( 'BENCH_LOW_CONNECTIONS', '8' );

// --- Formatting --------------------------------------------------------------

function num( float $x, int $decimals = 0 ): string {
	return number_format( $x, $decimals, '.', ',' );
}

/** Three significant digits, at least. */
function sig( ?float $x ): string {
	if ( $x === null ) {
		return '–';
	}
	if ( $x >= 100 ) {
		return num( $x );
	}
	return $x >= 10 ? num( $x, 1 ) : num( $x, 2 );
}

function ratio( float $x ): string {
	if ( $x >= 100 ) {
		return num( $x ) . '×';
	}
	return ( $x >= 10 ? num( $x, 1 ) : num( $x, 2 ) ) . '×';
}

function pct( float $x, int $decimals = 1 ): string {
	return ( $x > 0 ? '+' : '' ) . num( $x * 100, $decimals ) . ' %';
}

/**
 * @param string[] $header
 * @param array<int, string[]> $rows
 * @param string[] $align "l" or "r" per column
 */
function table( array $header, array $rows, array $align = [] ): string {
	$out = '| ' . implode( ' | ', $header ) . " |\n|";
	foreach ( $header as $i => $_ ) {
		$out .= ( ( $align[$i] ?? 'l' ) === 'r' ? '---:' : '---' ) . '|';
	}
	$out .= "\n";
	foreach ( $rows as $row ) {
		$out .= '| ' . implode( ' | ', $row ) . " |\n";
	}
	return $out;
}

function md( string $s ): string {
	return str_replace( '|', '\\|', $s );
}

// --- Machine -----------------------------------------------------------------

function cpu_model(): string {
	foreach ( file( '/proc/cpuinfo', FILE_IGNORE_NEW_LINES ) ?: [] as $line ) {
		if ( preg_match( '/^model name\s*:\s*(.+)$/', $line, $m ) ) {
			return trim( $m[1] );
		}
	}
	return 'unknown';
}

function cpu_count(): int {
	return preg_match_all( '/^processor\s*:/m', (string)file_get_contents( '/proc/cpuinfo' ) );
}

function mem_total(): string {
	if ( preg_match( '/^MemTotal:\s+(\d+) kB/m', (string)file_get_contents( '/proc/meminfo' ), $m ) ) {
		return num( $m[1] / 1048576, 1 ) . ' GiB';
	}
	return 'unknown';
}

function pkg_version( string $pkg ): string {
	$v = trim( (string)shell_exec( 'dpkg-query -W -f=\'${Version}\' ' . escapeshellarg( $pkg ) . ' 2>/dev/null' ) );
	return $v === '' ? 'not installed' : $v;
}

function mw_version(): string {
	$defines = (string)@file_get_contents( '/usr/share/mediawiki/includes/Defines.php' );
	return preg_match( "/define\\( 'MW_VERSION', '([^']+)'/", $defines, $m ) ? $m[1] : 'unknown';
}

// --- Macro metrics -----------------------------------------------------------

/**
 * @return array{rps: float, p50: float, p99: float, errors: int, error_detail: string,
 *   statuses: string, cpu_ms: ?float, other_load: ?float, requests: int, reused: int}
 */
function metrics( array $row, int $ticks, bool $expect400 = false ): array {
	$r = $row['result'];
	$secs = $r['duration_us'] / 1e6;
	$socket = array_sum( $r['socket_errors'] );
	$bad = 0;
	$statuses = [];
	ksort( $r['statuses'] );
	foreach ( $r['statuses'] as $code => $n ) {
		$code = (int)$code;
		$statuses[] = "$code: " . num( $n );
		$ok = $expect400 ? $code === 400 : ( $code >= 200 && $code < 400 );
		if ( !$ok ) {
			$bad += $n;
		}
	}
	$detail = [];
	if ( $socket ) {
		$detail[] = 'socket ' . implode( '/', array_map( 'strval', $r['socket_errors'] ) ) . ' (connect/read/write/timeout)';
	}
	if ( $bad ) {
		$detail[] = num( $bad ) . ' bad status';
	}
	$cpuMs = null;
	$other = null;
	if ( isset( $row['cpu_before'], $row['cpu_after'] ) ) {
		$a = $row['cpu_before'];
		$b = $row['cpu_after'];
		$variant = $row['variant'];
		$d = static fn ( string $g ): int => ( $b['groups'][$g] ?? 0 ) - ( $a['groups'][$g] ?? 0 );
		if ( $r['requests'] > 0 ) {
			$cpuMs = $d( $variant ) * 1000 / $ticks / $r['requests'];
		}
		// Every pool, nginx, the token stores' servers and what the script ran.
		$ours = array_sum( array_map( $d, array_keys( $b['groups'] ) ) );
		$total = $b['total'] - $a['total'];
		if ( $total > 0 ) {
			$other = max( 0, ( $b['busy'] - $a['busy'] ) - $ours ) / $total;
		}
	}
	return [
		'rps' => $r['requests'] / $secs,
		'p50' => $r['latency_us']['p50'] / 1000,
		'p99' => $r['latency_us']['p99'] / 1000,
		'errors' => $socket + $bad,
		'error_detail' => implode( ', ', $detail ),
		'statuses' => implode( ', ', $statuses ),
		'cpu_ms' => $cpuMs,
		'other_load' => $other,
		'requests' => $r['requests'],
		'reused' => $r['tokens_reused'] ?? 0,
	];
}

// --- Hand-written parts ------------------------------------------------------

$old = is_file( $outFile ) ? (string)file_get_contents( $outFile ) : '';
function kept( string $old, string $name, string $default ): string {
	if ( preg_match( "/<!-- bench:$name -->\\n(.*?)<!-- \\/bench:$name -->/s", $old, $m ) ) {
		return $m[1];
	}
	return $default;
}

$intro = kept( $old, 'intro', <<<MD
How fast the native extension and the MediaWiki extension are, measured by
`make bench` (bench/run.sh) on the machine described below. The micro
benchmark times each native function against what a PHP implementation
would use, in one PHP process; the macro benchmark loads a fresh SQLite wiki
served by Debian's nginx and php-fpm on loopback with `wrk`. Numbers from a
2-core machine that also runs the load generator: compare ratios within one
run, not absolute numbers across machines.

Everything below is regenerated by each run except this introduction and the
analysis at the end, which are hand-written and kept by bench/report.php.

MD );
$analysis = kept( $old, 'analysis', "(Not written yet: see the targets table above.)\n" );

// --- Report ------------------------------------------------------------------

$o = "# Benchmarks\n\n<!-- bench:intro -->\n$intro<!-- /bench:intro -->\n\n";
$o .= "<!-- Everything outside the bench:intro and bench:analysis blocks is written by bench/report.php. -->\n\n";

$o .= "## Machine and run\n\n";
$o .= table( [ 'What', 'Value' ], [
	[ 'CPU', md( cpu_model() ) . ', ' . cpu_count() . ' cores (' . '/proc/cpuinfo)' ],
	[ 'RAM', mem_total() ],
	[ 'Kernel', md( php_uname( 's' ) . ' ' . php_uname( 'r' ) . ' ' . php_uname( 'm' ) ) ],
	[ 'PHP', PHP_VERSION . ' (php8.2-fpm ' . pkg_version( 'php8.2-fpm' ) . '), OPcache on, JIT '
		. ( ( $micro['jit'] ?? false ) ? 'on' : 'off' ) ],
	[ 'MediaWiki', mw_version() . ' (Debian package ' . pkg_version( 'mediawiki' ) . ')' ],
	[ 'nginx, wrk', pkg_version( 'nginx' ) . ', ' . pkg_version( 'wrk' ) ],
	[ 'Command', '`' . md( env( 'BENCH_COMMAND', 'bench/run.sh' ) ) . '`'
		. ( env( 'BENCH_QUICK' ) === '1' ? ' (quick mode: short runs, noisy)' : '' ) ],
	[ 'Date', env( 'BENCH_STARTED_AT', gmdate( 'Y-m-d H:i:s' ) . ' UTC' ) ],
	[ 'Total time', env( 'BENCH_ELAPSED', '?' ) . ' s' ],
] );
$o .= "\n";

// --- Targets (filled below, printed first) ---
$targets = [];
// Issue #26's, from the instruction counts (and the macro run's latencies).
$targets26 = [];
// The macro cases' metrics, by case name (filled when the macro benchmark ran).
$all = [];

// --- 1. Micro ---
$microMd = "## 1. Micro: native against PHP, one process\n\n";
if ( !$micro || !isset( $micro['ops'] ) ) {
	$microMd .= "Not run (BENCH_MICRO=0).\n\n";
} else {
	$microMd .= sprintf(
		"`php -d extension=…/libmws_token_authenticator.so -d opcache.enable_cli=1 bench/micro.php`: "
		. "each pair is timed in the same process, interleaved over %d rounds of about %s s per side; the "
		. "median round is shown. ns/op includes the loop (an empty loop iteration costs %s ns) and, for "
		. "the native side, the call across the PHP/Rust boundary. php-gmp %s.\n\n",
		$micro['rounds'], $micro['round_seconds'], sig( $micro['empty_loop_ns'] ),
		( $micro['gmp'] ?? false ) ? 'loaded' : 'NOT loaded'
	);
	$rows = [];
	$slower = [];
	foreach ( $micro['ops'] as $key => $op ) {
		$r = $op['php_ns'] / $op['native_ns'];
		$rows[] = [ md( $op['label'] ), '`' . md( $op['native_call'] ) . '`', sig( $op['native_ns'] ),
			'`' . md( $op['php_call'] ) . '`', sig( $op['php_ns'] ), ( $r < 1 ? '**' . ratio( $r ) . '**' : ratio( $r ) ) ];
		if ( $r < 1 ) {
			$slower[] = sprintf( '`%s` (%s ns vs %s ns, %s)', $op['native_call'], sig( $op['native_ns'] ),
				sig( $op['php_ns'] ), ratio( $r ) );
		}
	}
	$microMd .= table( [ 'Operation', 'Native', 'ns/op', 'PHP baseline', 'ns/op', 'PHP/native' ], $rows,
		[ 'l', 'l', 'r', 'l', 'r', 'r' ] );
	$microMd .= "\n### CIDR membership\n\n";
	$microMd .= "`CidrSet::contains(\$ip)` on a set compiled once, as the extension keeps it (a "
		. "principal's ranges are compiled when the configuration is read). Compiling the list "
		. "(`new CidrSet(\$list)`) in a fresh `php` process is timed separately "
		. "(median of " . ( $micro['first_call_runs'] ?? 3 ) . " processes). The PHP linear scan works on ranges parsed beforehand (inet_pton to "
		. "[start, end], by family); `IPUtils::isInRanges` is MediaWiki's. Queries: 256 addresses, half "
		. "inside a range, half random (misses scan the whole list).\n\n";
	$rows = [];
	$byKind = [];
	foreach ( $micro['cidr'] as $c ) {
		$byKind[$c['kind']][$c['size']] = $c;
		$rows[] = [
			$c['kind'] === 'v4' ? 'IPv4' : 'IPv4 + IPv6',
			num( $c['size'] ),
			num( $c['intervals'] ),
			sig( $c['native_ns'] ),
			sig( $c['first_call_ns'] / 1000 ),
			sig( $c['cidrset_ns'] ),
			sig( $c['scan_ns'] ),
			sig( $c['iputils_ns'] ) . ( $c['size'] >= 10000 ? ' (' . $c['iputils_calls'] . ' calls)' : '' ),
			( $c['scan_ns'] < $c['native_ns'] ? '**' . ratio( $c['scan_ns'] / $c['native_ns'] ) . '**'
				: ratio( $c['scan_ns'] / $c['native_ns'] ) ),
			ratio( $c['iputils_ns'] / $c['native_ns'] ),
		];
		if ( $c['scan_ns'] < $c['native_ns'] ) {
			$slower[] = sprintf( '`CidrSet::contains` on %s %s ranges (%s ns vs the PHP scan\'s %s ns)',
				num( $c['size'] ), $c['kind'] === 'v4' ? 'IPv4' : 'mixed', sig( $c['native_ns'] ), sig( $c['scan_ns'] ) );
		}
	}
	$microMd .= table(
		[ 'Set', 'Ranges', 'Intervals', 'CidrSet ns/call', 'compile µs', 'CidrSet ns', 'PHP scan ns',
			'IPUtils ns', 'scan/native', 'IPUtils/native' ],
		$rows, [ 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r' ]
	);
	$microMd .= sprintf( "\nMicro benchmark time: %s s.\n\n", num( $micro['seconds'], 1 ) );

	// Targets from the micro run.
	$t1 = [];
	$met1 = true;
	foreach ( $byKind as $kind => $sizes ) {
		if ( isset( $sizes[10000] ) ) {
			$x = $sizes[10000]['iputils_ns'] / $sizes[10000]['native_ns'];
			$met1 = $met1 && $x >= 1000;
			$t1[] = ( $kind === 'v4' ? 'IPv4' : 'mixed' ) . ' ' . ratio( $x );
		}
	}
	$targets[] = [ 'CIDR membership with 10,000 ranges ≥ 1,000× faster than `IPUtils::isInRanges`',
		$met1 ? 'met' : '**missed**', implode( ', ', $t1 ) ];
	$t2 = [];
	$met2 = true;
	foreach ( $byKind as $kind => $sizes ) {
		$ns = array_column( $sizes, 'native_ns' );
		$spread = max( $ns ) / min( $ns );
		$met2 = $met2 && $spread <= 2;
		ksort( $sizes );
		$t2[] = ( $kind === 'v4' ? 'IPv4' : 'mixed' ) . ': ' . sig( reset( $sizes )['native_ns'] ) . ' ns at '
			. num( array_key_first( $sizes ) ) . ' ranges, ' . sig( end( $sizes )['native_ns'] ) . ' ns at '
			. num( array_key_last( $sizes ) );
	}
	$targets[] = [ '… and flat in the number of ranges (largest/smallest time ≤ 2)', $met2 ? 'met' : '**missed**',
		implode( '; ', $t2 ) ];
	$targets[] = [ 'No native operation slower than its PHP baseline (call across the boundary included)',
		$slower ? '**missed**' : 'met', $slower ? 'slower: ' . implode( '; ', $slower ) : 'every native operation is faster' ];
}

// --- 2. Macro ---
$macroMd = "## 2. Macro: nginx + php-fpm + SQLite wiki on loopback\n\n";
if ( !$macro ) {
	$macroMd .= "Not run.\n\n";
} else {
	$children = env( 'BENCH_FPM_CHILDREN', '12' );
	$macroMd .= "Stack: Debian's nginx (1 worker, FastCGI over a unix socket, PATH_INFO split) and php8.2-fpm "
		. "(`pm = static`, **$children workers** per pool, OPcache on, APCu as `\$wgMainCacheType`), a fresh "
		. "SQLite wiki (installer defaults, localisation cache in CDB files, `\$wgJobRunRate = 0`), one "
		. "php-fpm master per variant: **ext** (TokenAuthenticator and the native extension loaded), "
		. "**reuse** (the same with `\$mwsgTokenAuthenticatorSingleUse = false`), **noext** (neither). "
		. "Load: `wrk -t" . env( 'BENCH_THREADS', '2' ) . " -c<conns> -d" . env( 'BENCH_DURATION', '12' )
		. "s --timeout 10s --latency` after a " . env( 'BENCH_WARMUP', '3' ) . " s warm-up, on the same 2 "
		. "cores as the server. The floor is `GET /rest.php/bench/v1/noop`, a no-op REST route of the bench "
		. "wiki (bench/NoopHandler.php). The reference-equivalent verify is `GET "
		. "/rest.php/bench/v1/ref-verify/{token}` (bench/RefVerifyHandler.php): what the mwstake reference's verify "
		. "does, one cache read of the token (its session cache, APCu here; on the Redis and memcached pools the "
		. "store's server), the user, its groups and language, the same JSON, no block check, the token not used "
		. "up; **vs ref.** compares each verify case with it on the same store and concurrency.\n\n"
		. "Columns: **errors** are socket errors plus unexpected statuses (anything but 2xx/3xx; for invalid "
		. "tokens anything but the expected 400, so 5xx, 429 and 2xx count); **PHP CPU** is the CPU time of "
		. "the pool's php-fpm processes per request (from /proc, robust against other load); **other "
		. "load** is the share of the machine's CPU used by processes outside the benchmark during the run "
		. "(anything above a few percent makes req/s of that run unreliable).\n\n";

	$floorRps = [];
	foreach ( $macro as $name => $row ) {
		if ( preg_match( '/^floor-c(\d+)$/', $name, $m ) ) {
			$floorRps[(int)$m[1]] = metrics( $row, $ticks )['rps'];
		}
	}
	$labels = [
		'floor' => 'Floor: GET no-op REST route',
		'verify-valid' => 'POST verify, valid single-use tokens',
		'verify-reusable' => 'POST verify, valid tokens, `SingleUse = false`',
		'verify-invalid' => 'POST verify, invalid tokens (400 expected)',
		'apikey' => 'GET no-op route with `Authorization: ApiKey`',
		'ref-verify' => 'Reference-equivalent verify (GET, one cache read, reusable)',
	];
	$refRps = [];
	foreach ( $macro as $name => $row ) {
		if ( preg_match( '/^ref-verify(-redis|-memcached)?-c(\d+)$/', $name, $m ) ) {
			$refRps[$m[1] . '-c' . $m[2]] = metrics( $row, $ticks )['rps'];
		}
	}
	$rows = [];
	$errors64 = [];
	$all = [];
	$storeLabels = [ '' => '', 'redis' => ', tokens on Redis', 'memcached' => ', tokens on memcached' ];
	$refLabels = [ '' => ', APCu', 'redis' => ', Redis', 'memcached' => ', memcached' ];
	foreach ( $macro as $name => $row ) {
		if ( !preg_match( '/^(floor|verify-valid|verify-reusable|verify-invalid|apikey|ref-verify)(?:-(redis|memcached))?-c(\d+)$/',
			$name, $m )
		) {
			continue;
		}
		$m[2] ??= '';
		$c = (int)$m[3];
		$x = metrics( $row, $ticks, $m[1] === 'verify-invalid' );
		$all[$name] = $x;
		$vsFloor = isset( $floorRps[$c] ) ? ratio( $x['rps'] / $floorRps[$c] ) : '–';
		$ref = $refRps[( $m[2] === '' ? '' : '-' . $m[2] ) . "-c$c"] ?? null;
		$vsRef = $ref && ( $m[1] === 'verify-valid' || $m[1] === 'verify-reusable' ) ? ratio( $x['rps'] / $ref ) : '–';
		$rows[] = [
			$labels[$m[1]] . ( $m[1] === 'ref-verify' ? $refLabels[$m[2]] : $storeLabels[$m[2]] )
				. ( $x['reused'] ? ' (**' . num( $x['reused'] ) . ' requests reused a token**)' : '' ),
			(string)$c,
			sig( $x['rps'] ),
			$vsFloor,
			$vsRef,
			sig( $x['p50'] ),
			sig( $x['p99'] ),
			( $x['errors'] ? '**' . num( $x['errors'] ) . '**' : '0' ) . ( $x['error_detail'] ? ' (' . $x['error_detail'] . ')' : '' ),
			$x['cpu_ms'] === null ? '–' : sig( $x['cpu_ms'] ),
			$x['other_load'] === null ? '–' : num( $x['other_load'] * 100 ) . ' %',
		];
		if ( $c === $conns ) {
			$errors64[$name] = $x['errors'] + $x['reused'];
		}
	}
	$macroMd .= table(
		[ 'Case', 'Conns', 'req/s', 'vs floor', 'vs ref.', 'p50 ms', 'p99 ms', 'errors', 'PHP CPU ms/req', 'other load' ],
		$rows, [ 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r' ]
	);

	// Overhead on requests without credentials.
	$macroMd .= "\n### Overhead on requests without an Authorization header\n\n"
		. "The same anonymous request against the **ext** and **noext** pools, alternating, $conns "
		. "connections each run. Overhead = 1 − ext/noext for req/s, ext/noext − 1 for PHP CPU per "
		. "request.\n\n";
	$rows = [];
	$overheads = [];
	foreach ( [ 'rest' => 'GET /rest.php/bench/v1/noop', 'api' => 'GET /api.php?action=query&meta=userinfo' ] as $kind => $label ) {
		$rpsE = $rpsN = $cpuE = $cpuN = [];
		for ( $i = 1; isset( $macro["anon-$kind-ext-$i"], $macro["anon-$kind-noext-$i"] ); $i++ ) {
			$e = metrics( $macro["anon-$kind-ext-$i"], $ticks );
			$n = metrics( $macro["anon-$kind-noext-$i"], $ticks );
			$rpsE[] = $e['rps'];
			$rpsN[] = $n['rps'];
			$cpuE[] = $e['cpu_ms'];
			$cpuN[] = $n['cpu_ms'];
			$rows[] = [ "`$label`", (string)$i, sig( $e['rps'] ), sig( $n['rps'] ), pct( 1 - $e['rps'] / $n['rps'] ),
				sig( $e['cpu_ms'] ), sig( $n['cpu_ms'] ),
				$e['cpu_ms'] && $n['cpu_ms'] ? pct( $e['cpu_ms'] / $n['cpu_ms'] - 1 ) : '–',
				num( max( (float)$e['other_load'], (float)$n['other_load'] ) * 100 ) . ' %',
				( $e['errors'] + $n['errors'] ) ? '**' . ( $e['errors'] + $n['errors'] ) . '**' : '0' ];
			$errors64["anon-$kind-$i"] = $e['errors'] + $n['errors'];
		}
		if ( $rpsE ) {
			$ovRps = 1 - array_sum( $rpsE ) / array_sum( $rpsN );
			$ovCpu = array_sum( $cpuN ) > 0 ? array_sum( $cpuE ) / array_sum( $cpuN ) - 1 : NAN;
			$overheads[$kind] = [ $ovRps, $ovCpu, $label ];
			$rows[] = [ "`$label`", '**all**', sig( array_sum( $rpsE ) / count( $rpsE ) ),
				sig( array_sum( $rpsN ) / count( $rpsN ) ), '**' . pct( $ovRps ) . '**',
				sig( array_sum( $cpuE ) / count( $cpuE ) ), sig( array_sum( $cpuN ) / count( $cpuN ) ),
				'**' . pct( $ovCpu ) . '**', '', '' ];
		}
	}
	$macroMd .= table(
		[ 'Request', 'Pair', 'ext req/s', 'noext req/s', 'overhead', 'ext CPU ms', 'noext CPU ms', 'CPU overhead', 'other load', 'errors' ],
		$rows, [ 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r' ]
	);

	// Database queries.
	$macroMd .= "\n### Database queries per request\n\n"
		. "Single requests after the load runs, with `\$wgDebugDumpSql` and a query log switched on by a "
		. "request header that the load runs do not send (bench/settings.php); each request sent 3 times. "
		. "Opening the SQLite connection runs two `PRAGMA` statements, counted here.\n\n";
	$rows = [];
	$probeLabels = [
		'anon-rest' => 'GET no-op REST route, anonymous',
		'anon-api' => 'GET api.php userinfo, anonymous',
		'verify-valid' => 'POST verify, valid token',
		'verify-invalid' => 'POST verify, invalid token',
		'ref-verify' => 'Reference-equivalent verify (APCu)',
		'apikey' => 'GET no-op route, ApiKey',
	];
	foreach ( $probes as $p ) {
		$rows[] = [ $probeLabels[$p['name']] ?? $p['name'], $p['variant'], implode( ', ', $p['counts'] ) ];
	}
	$macroMd .= table( [ 'Request', 'Pool', 'Queries (3 requests)' ], $rows, [ 'l', 'l', 'r' ] );
	$macroMd .= "\n<details><summary>The queries of the last request of each kind</summary>\n\n";
	foreach ( $probes as $p ) {
		$macroMd .= '**' . ( $probeLabels[$p['name']] ?? $p['name'] ) . " ({$p['variant']})**\n\n```\n";
		foreach ( $p['queries'] as $q ) {
			$macroMd .= ( strlen( $q ) > 220 ? substr( $q, 0, 220 ) . '…' : $q ) . "\n";
		}
		$macroMd .= $p['queries'] ? "```\n\n" : "(none)\n```\n\n";
	}
	$macroMd .= "</details>\n\n";
	$serverErrors = env( 'BENCH_SERVER_ERRORS' );
	$macroMd .= $serverErrors === ''
		? "PHP and MediaWiki logged no errors during the run.\n\n"
		: "Errors logged by PHP or MediaWiki during the run (first 4 KB):\n\n```\n$serverErrors\n```\n\n";

	// Targets from the macro run.
	foreach ( $overheads as $kind => [ $ovRps, $ovCpu, $label ] ) {
		$targets[] = [ "Overhead < 1 % on requests without Authorization (`$label`)",
			( $ovCpu < 0.01 && $ovRps < 0.01 ) ? 'met' : '**missed**',
			'PHP CPU per request ' . pct( $ovCpu ) . ', req/s ' . pct( -$ovRps ) ];
	}
	$queryNote = [];
	$queryMet = true;
	foreach ( [ 'anon-rest', 'anon-api' ] as $k ) {
		if ( isset( $probes["$k/ext"], $probes["$k/noext"] ) ) {
			$e = max( $probes["$k/ext"]['counts'] );
			$n = max( $probes["$k/noext"]['counts'] );
			$queryMet = $queryMet && $e <= $n;
			$queryNote[] = $probeLabels[$k] . ": $e with the extension, $n without";
		}
	}
	if ( $queryNote ) {
		$targets[] = [ '… and no database query added to them', $queryMet ? 'met' : '**missed**', implode( '; ', $queryNote ) ];
	}
	// Issue #16: single-use verify against the floor, per store.
	$verifyTargets = [
		'verify-valid' => [ 0.5, 'database' ],
		'verify-valid-redis' => [ 0.8, 'Redis' ],
		'verify-valid-memcached' => [ 0.8, 'memcached' ],
	];
	foreach ( $verifyTargets as $k => [ $want, $store ] ) {
		if ( isset( $all["$k-c$conns"], $floorRps[$conns] ) ) {
			$v = $all["$k-c$conns"];
			$x = $v['rps'] / $floorRps[$conns];
			$targets[] = [ "Single-use verify on the $store store ≥ " . num( $want * 100 ) . " % of the floor's "
				. "throughput ($conns connections)", $x >= $want ? 'met' : '**missed**',
				num( $x * 100 ) . ' % (' . sig( $v['rps'] ) . ' vs ' . sig( $floorRps[$conns] ) . ' req/s)' ];
			if ( $store !== 'database' ) {
				$targets[] = [ "… and p99 ≤ 3 × p50 on the $store store", $v['p99'] <= 3 * $v['p50'] ? 'met' : '**missed**',
					'p50 ' . sig( $v['p50'] ) . ' ms, p99 ' . sig( $v['p99'] ) . ' ms' ];
			}
		}
	}
	$bad = array_filter( $errors64 );
	$targets[] = [ "Zero errors at $conns concurrent connections", $bad ? '**missed**' : 'met',
		$bad ? implode( ', ', array_map( static fn ( $k, $v ) => "$k: $v", array_keys( $bad ), $bad ) )
			: 'no socket error, no unexpected status in any case' ];
}

// --- Instruction counts (bench/instructions.sh) ---
$instrMd = '';
if ( isset( $instructions['requests'] ) ) {
	$median = static function ( array $xs ): float {
		sort( $xs );
		$n = count( $xs );
		return $n % 2 ? (float)$xs[intdiv( $n, 2 )] : ( $xs[$n / 2 - 1] + $xs[$n / 2] ) / 2;
	};
	$spread = static fn ( array $xs ): float => ( max( $xs ) - min( $xs ) ) / max( 1, min( $xs ) );
	$labels = [
		'api' => '`api.php?action=query&meta=userinfo`',
		'rest' => '`rest.php/v1/page/Main_Page/bare`',
		'index' => '`index.php?title=Main_Page`',
	];
	$instrMd = "## 1b. Requests without credentials: instruction counts\n\n"
		. "`bench/instructions.sh`: one SQLite wiki, three LocalSettings (MediaWiki alone, with an empty extension "
		. "that declares one setting, with TokenAuthenticator and its module); one `php-cgi -b` process per variant "
		. "(`PHP_FCGI_CHILDREN=0`, OPcache and APCu warm, `GLIBC_TUNABLES=glibc.malloc.mxfast=0`: see section 5) "
		. "under `valgrind --tool=callgrind`; three warm-up requests, "
		. "then `callgrind_control -z`, one FastCGI request (`cgi-fcgi`), `callgrind_control -d`. "
		. "MediaWiki {$instructions['mediawiki']}, PHP {$instructions['php']}, {$instructions['runs']} runs per request "
		. "and variant; the median is shown; the spread is the largest (max − min) / min of one variant's runs.\n\n";
	$rows = [];
	foreach ( $labels as $k => $label ) {
		$r = $instructions['requests'][$k] ?? null;
		if ( !$r || !isset( $r['noext'], $r['empty'], $r['ext'] ) ) {
			continue;
		}
		[ $n, $e, $x ] = [ $median( $r['noext'] ), $median( $r['empty'] ), $median( $r['ext'] ) ];
		$spreadAll = max( $spread( $r['noext'] ), $spread( $r['empty'] ), $spread( $r['ext'] ) );
		$rows[] = [ $label, num( $n / 1e6, 2 ) . ' M', num( $e / 1e6, 2 ) . ' M (' . pct( $e / $n - 1 ) . ')',
			num( $x / 1e6, 2 ) . ' M (' . pct( $x / $n - 1 ) . ')', '**' . pct( $x / $e - 1, 2 ) . '**', num( $spreadAll * 100, 2 ) . ' %' ];
		$targets[] = [ "Without credentials, TokenAuthenticator ≤ the empty extension + 0.5 % instructions ($label)",
			$x <= $e * 1.005 ? 'met' : '**missed**', '+' . num( ( $x / $e - 1 ) * 100, 2 ) . ' % ('
			. num( $x / 1e6, 2 ) . ' M against ' . num( $e / 1e6, 2 ) . ' M)' ];
	}
	$instrMd .= table( [ 'Request', 'no extension', 'empty extension', 'TokenAuthenticator', 'over empty', 'spread' ],
		$rows, [ 'l', 'r', 'r', 'r', 'r', 'r' ] );
	$instrMd .= "\nWhere the difference goes: the analysis, section 5.\n\n";
	if ( !$rows ) {
		$instrMd = '';
	}

	// Issue #26: requests with credentials.
	$req = $instructions['requests'];
	$med = static fn ( string $name, string $variant ): ?float =>
		isset( $req[$name][$variant] ) ? $median( $req[$name][$variant] ) : null;
	$stores = [ 'db' => 'database', 'redis' => 'Redis', 'memcached' => 'memcached' ];
	$refStores = [ 'db' => 'APCu (the session cache)', 'redis' => 'Redis', 'memcached' => 'memcached' ];
	// [ request, variant, label, store, the reference-equivalent [ request, variant ] or null ]
	$credRows = [ [ 'noop', 'db', 'No-op floor: `GET rest.php/bench/v1/noop`, no credential', '–', null ] ];
	foreach ( $stores as $v => $store ) {
		$credRows[] = [ 'ref-verify', $v, 'Reference-equivalent verify: `GET rest.php/bench/v1/ref-verify/{token}`',
			$refStores[$v], null ];
	}
	foreach ( $stores as $v => $store ) {
		$credRows[] = [ 'verify', $v, 'Verify, single use: `POST rest.php/mws/v1/user-token/verify`', $store,
			[ 'ref-verify', $v ] ];
	}
	foreach ( $stores as $v => $store ) {
		$credRows[] = [ 'verify-reuse', "$v-reuse", 'Verify, `SingleUse = false`', $store, [ 'ref-verify', $v ] ];
	}
	foreach ( $stores as $v => $store ) {
		$credRows[] = [ 'ref-mint', $v, 'Reference-equivalent mint: `GET rest.php/bench/v1/ref-mint`, ApiKey',
			$refStores[$v], null ];
	}
	foreach ( $stores as $v => $store ) {
		$credRows[] = [ 'mint', $v, 'Mint: `GET rest.php/mws/v1/user-token/generate`, ApiKey', $store, [ 'ref-mint', $v ] ];
	}
	$credRows[] = [ 'apikey', 'static', '`api.php?action=query&meta=userinfo`, `Authorization: ApiKey`: bare static-token '
		. 'provider, no TokenAuthenticator', '–', null ];
	$credRows[] = [ 'apikey', 'db', '… the same request: TokenAuthenticator\'s ApiKey', '–', [ 'apikey', 'static' ] ];
	$floor = $med( 'noop', 'db' );
	$rows = [];
	foreach ( $credRows as [ $name, $variant, $label, $store, $refOf ] ) {
		$x = $med( $name, $variant );
		if ( $x === null ) {
			continue;
		}
		$ref = $refOf ? $med( ...$refOf ) : null;
		$rows[] = [ $label, $store, num( $x / 1e6, 2 ) . ' M', num( $spread( $req[$name][$variant] ) * 100, 2 ) . ' %',
			$floor ? ratio( $x / $floor ) : '–', $ref ? '**' . ratio( $x / $ref ) . '**' : '–' ];
	}
	if ( $rows ) {
		$instrMd .= "## 1c. Requests with credentials: instruction counts (issue #26)\n\n"
			. "The same method, on the same kind of wiki with bench/settings.php (bench/run.sh's settings) and one "
			. "`php-cgi` per variant: tokens in the database (`db`), on Redis or on memcached "
			. "(`\$mwsgTokenAuthenticatorTokenStore`, servers on loopback), each also with `SingleUse = false`; and "
			. "`static`, MediaWiki without TokenAuthenticator with a bare static-token provider "
			. "(bench/StaticKeySessionProvider.php: the reference's ServiceTokenSessionProvider without its CIDR, "
			. "allow lists and system-user check) on the same `Authorization: ApiKey` secret and user. The "
			. "reference-equivalent routes (bench/RefVerifyHandler.php, bench/RefMintHandler.php) do what the mwstake "
			. "reference's verify and generate routes do: one cache read (its session cache, APCu, on `db`; the "
			. "store's server on `redis` and `memcached`), the user, its groups and language, the same JSON; a "
			. "random token and one cache set. Mint requests of both kinds carry the same ApiKey (the bench "
			. "principal's session). Single-use tokens are minted beforehand, one per request (warm-ups included); "
			. "every answer is checked (200, the user, a token). **vs floor**: against the no-op route on `db`; "
			. "**vs ref.**: against the reference-equivalent route on the same store (for ApiKey: the static-token "
			. "provider). {$instructions['runs']} runs each, median shown.\n\n";
		$instrMd .= table( [ 'Request', 'Store', 'Instructions', 'spread', 'vs floor', 'vs ref.' ], $rows,
			[ 'l', 'l', 'r', 'r', 'r', 'r' ] );
		$instrMd .= "\n";
	}

	// Issue #26 targets.
	foreach ( [ 'redis' => 'Redis', 'memcached' => 'memcached' ] as $v => $store ) {
		$x = $med( 'verify', $v );
		if ( $x !== null && $floor ) {
			$targets26[] = [ "Single-use verify on $store ≤ 1.25× the no-op floor's instructions",
				$x <= 1.25 * $floor ? 'met' : '**missed**',
				ratio( $x / $floor ) . ' (' . num( $x / 1e6, 2 ) . ' M against ' . num( $floor / 1e6, 2 ) . ' M)' ];
			$w = $all["verify-valid-$v-c$conns"] ?? null;
			$targets26[] = $w
				? [ "… and p99 ≤ 3× p50 on $store (wrk, $conns connections)", $w['p99'] <= 3 * $w['p50'] ? 'met' : '**missed**',
					'p50 ' . sig( $w['p50'] ) . ' ms, p99 ' . sig( $w['p99'] ) . ' ms' ]
				: [ "… and p99 ≤ 3× p50 on $store", 'not measured', 'no macro run' ];
		}
	}
	$x = $med( 'verify', 'db' );
	$ref = $med( 'ref-verify', 'db' );
	if ( $x !== null && $ref ) {
		$targets26[] = [ 'Single-use verify on the database ≤ the reference-equivalent verify\'s instructions (APCu)',
			$x <= $ref ? 'met' : '**missed**',
			ratio( $x / $ref ) . ' (' . num( $x / 1e6, 2 ) . ' M against ' . num( $ref / 1e6, 2 ) . ' M)' ];
	}
	$x = $med( 'apikey', 'db' );
	$ref = $med( 'apikey', 'static' );
	if ( $x !== null && $ref ) {
		$targets26[] = [ '`Authorization: ApiKey` (api.php meta=userinfo) ≤ 1.0× the bare static-token provider\'s instructions',
			$x <= $ref ? 'met' : '**missed**',
			ratio( $x / $ref ) . ' (' . num( $x / 1e6, 2 ) . ' M against ' . num( $ref / 1e6, 2 ) . ' M)' ];
	}
	$mintNotes = [];
	$mintMet = true;
	foreach ( $stores as $v => $store ) {
		$x = $med( 'mint', $v );
		$ref = $med( 'ref-mint', $v );
		if ( $x !== null && $ref ) {
			$mintMet = $mintMet && $x <= $ref;
			$mintNotes[] = "$store " . ratio( $x / $ref ) . ' (' . num( $x / 1e6, 2 ) . ' M against ' . num( $ref / 1e6, 2 ) . ' M)';
		}
	}
	if ( $mintNotes ) {
		$targets26[] = [ 'Mint on every store ≤ 1.0× the reference-equivalent mint\'s instructions',
			$mintMet ? 'met' : '**missed**', implode( '; ', $mintNotes ) ];
	}
}

$o .= "## Targets\n\nGoals of issues #6 and #16, evaluated from this run's numbers (the analysis at the end says why a missed one is missed).\n\n";
$o .= table( [ 'Target', 'Result', 'Numbers' ], array_map( static fn ( $t ) => [ $t[0], $t[1], md( $t[2] ) ], $targets ) );
if ( $targets26 ) {
	$o .= "\n### Issue #26: requests with credentials\n\nInstruction counts first (sections 1b and 1c), latency from the "
		. "macro run (section 2).\n\n";
	$o .= table( [ 'Target', 'Result', 'Numbers' ], array_map( static fn ( $t ) => [ $t[0], $t[1], md( $t[2] ) ], $targets26 ) );
}
$o .= "\n" . $microMd . $instrMd . $macroMd;
$o .= "## Analysis\n\n<!-- bench:analysis -->\n$analysis<!-- /bench:analysis -->\n";

if ( file_put_contents( $outFile, $o ) === false ) {
	fwrite( STDERR, "cannot write $outFile\n" );
	exit( 1 );
}
