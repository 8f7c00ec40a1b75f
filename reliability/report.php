<?php
/**
 * Writes the figures of a reliability run into a report (RELIABILITY.md):
 *
 *   php report.php RUNS_DIR REPORT.md
 *
 * Only the block between <!-- reliability:MODE --> and
 * <!-- /reliability:MODE --> is replaced (MODE is RELY_MODE: full or ci);
 * everything else in the file is hand-written and kept. A report that does
 * not exist yet starts as a copy of the repository's RELIABILITY.md.
 */

declare( strict_types=1 );

[ , $runs, $report ] = $argv + [ null, null, null ];
if ( !is_dir( (string)$runs ) || !$report ) {
	fwrite( STDERR, "usage: report.php RUNS_DIR REPORT.md\n" );
	exit( 2 );
}
$mode = getenv( 'RELY_MODE' ) ?: 'full';
$env = static fn ( string $k, string $d = '' ): string => ( getenv( $k ) !== false ? (string)getenv( $k ) : $d );

function json( string $file ): array {
	return is_file( $file ) ? ( json_decode( (string)file_get_contents( $file ), true ) ?: [] ) : [];
}

function n( $v ): string {
	return is_int( $v ) || ( is_string( $v ) && ctype_digit( $v ) ) ? number_format( (int)$v ) : (string)$v;
}

function cell( string $s ): string {
	return str_replace( [ '|', "\n" ], [ '\\|', ' ' ], $s );
}

function statuses( array $s ): string {
	$parts = [];
	foreach ( $s as $k => $v ) {
		$parts[] = "$k: " . n( $v );
	}
	return $parts ? implode( ', ', $parts ) : '—';
}

$checks = [];
foreach ( file( "$runs/checks.jsonl", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) ?: [] as $l ) {
	$c = json_decode( $l, true );
	if ( is_array( $c ) ) {
		$checks[] = $c;
	}
}
$passed = count( array_filter( $checks, static fn ( $c ) => $c['ok'] ) );
$failed = count( $checks ) - $passed;

$cpu = 'unknown CPU';
if ( preg_match( '/^model name\s*:\s*(.+)$/m', (string)@file_get_contents( '/proc/cpuinfo' ), $m ) ) {
	$cpu = trim( $m[1] );
}
$cores = (int)trim( (string)shell_exec( 'nproc' ) );
$ver = static function ( string $pkg ): string {
	return trim( (string)shell_exec( 'dpkg-query -W -f=\'${Version}\' ' . escapeshellarg( $pkg ) . ' 2>/dev/null' ) ) ?: '?';
};

$o = [];
$title = $mode === 'ci' ? 'CI-size run' : 'Full local run';
$o[] = "<!-- Written by reliability/report.php from the run of `{$env( 'RELY_COMMAND', 'reliability/load.sh' )}`; do not edit by hand. -->";
$o[] = '';
$o[] = "### $title: " . ( $failed === 0 ? "all $passed checks passed" : "**$failed of " . count( $checks ) . ' checks failed**' );
$o[] = '';
$o[] = '| What | Value |';
$o[] = '|---|---|';
$o[] = '| Command | `' . $env( 'RELY_COMMAND', 'reliability/load.sh' ) . '` |';
$o[] = '| Product tested | ' . cell( $env( 'RELY_PRODUCT', '?' ) ) . ' |';
$o[] = '| Date | ' . $env( 'RELY_STARTED_AT', gmdate( 'Y-m-d H:i:s' ) . ' UTC' ) . ' |';
$o[] = '| Total time | ' . $env( 'RELY_ELAPSED', '?' ) . ' s (of which setting up the stack: ' . $env( 'RELY_SETUP_SECONDS', '?' ) . ' s) |';
$o[] = "| Machine | $cpu, $cores cores; the load generator runs on the same cores |";
$o[] = '| Stack | nginx ' . $ver( 'nginx' ) . ', php8.2-fpm ' . $ver( 'php8.2-fpm' ) . ' (`pm = static`, ' . $env( 'RELY_FPM_CHILDREN', '?' )
	. ' workers per wiki, OPcache, APCu main cache), MediaWiki ' . $ver( 'mediawiki' ) . ', SQLite ' . $ver( 'libsqlite3-0' )
	. ' (installer defaults), MariaDB ' . $ver( 'mariadb-server' ) . ' (defaults, InnoDB), PostgreSQL '
	. $ver( $env( 'RELY_PG_PACKAGE', 'postgresql' ) ) . ' (defaults), Redis ' . $ver( 'redis-server' )
	. ' (no persistence) with php-redis ' . $ver( 'php-redis' ) . ', memcached ' . $ver( 'memcached' ) . ' with php-memcached '
	. $ver( 'php-memcached' ) . ' |';
$o[] = '| Result | ' . "$passed passed, $failed failed" . ' |';
$o[] = '';

// --- Concurrency ---
$dbs = [];
foreach ( [ 'sqlite' => 'SQLite', 'mariadb' => 'MariaDB', 'postgres' => 'PostgreSQL', 'redis' => 'SQLite, tokens on Redis',
	'memcached' => 'SQLite, tokens on memcached' ] as $db => $label ) {
	$f = json( "$runs/figures-$db.json" );
	if ( $f ) {
		$dbs[$label] = $f;
	}
}
if ( $dbs ) {
	$o[] = '#### Concurrency: generate then verify, replay, race';
	$o[] = '';
	$o[] = '| | ' . implode( ' | ', array_keys( $dbs ) ) . ' |';
	$o[] = '|---|' . str_repeat( '---:|', count( $dbs ) );
	$row = static function ( string $label, callable $f ) use ( &$o, $dbs ): void {
		$o[] = "| $label | " . implode( ' | ', array_map( static fn ( $d ) => cell( (string)$f( $d ) ), $dbs ) ) . ' |';
	};
	$row( 'Operations (GET generate, then POST verify)', static fn ( $d ) => n( $d['ops'] ) . ( $d['ops_finished'] !== $d['ops'] ? ' (' . n( $d['ops_finished'] ) . ' finished)' : '' ) );
	$row( 'Concurrent clients (each its own logged-in session)', static fn ( $d ) => n( $d['clients'] ) );
	$row( 'Duration of the operations', static fn ( $d ) => sprintf( '%.1f s (%s ops/s)', $d['mixed_seconds'], n( (int)round( $d['mixed_ops_per_s'] ) ) ) );
	$row( 'Latency p50 / p99 / max: generate; verify', static fn ( $d ) => isset( $d['generate_latency_ms'] )
		? vsprintf( '%d / %d / %d ms; %d / %d / %d ms', array_merge( array_values( $d['generate_latency_ms'] ), array_values( $d['verify_latency_ms'] ) ) ) : '?' );
	$row( 'Generate answered 200 with a token', static fn ( $d ) => n( $d['generate_ok'] ) );
	$row( 'Fresh verify answered 200 with the right user', static fn ( $d ) => n( $d['verify_ok'] ) );
	$row( 'Replay of every token: answered 400', static fn ( $d ) => n( $d['replay_400'] ) . sprintf( ' (%.1f s)', $d['replay_seconds'] ) );
	$row( 'Race: tokens each verified twice at once (minted of attempted)', static fn ( $d ) => n( $d['race_minted'] ) . ' of ' . n( $d['race_ops'] ) . sprintf( ' (%.1f s)', $d['race_seconds'] ) );
	$row( 'Race: answered 200 once and 400 once', static fn ( $d ) => n( $d['race_exactly_once'] ) );
	$row( '**Errors** (answers other than the expected one)', static fn ( $d ) => n( $d['unexpected'] ) );
	$row( '**Duplicates accepted** (a token accepted twice)', static fn ( $d ) => n( $d['duplicates_accepted'] ) );
	$row( '**5xx**', static fn ( $d ) => n( $d['5xx'] ) );
	$row( 'Transport errors and timeouts', static fn ( $d ) => n( $d['transport_errors'] ) );
	$row( 'Server log lines matching "database is locked" / deadlock / exception', static fn ( $d ) => sprintf( '%s / %s / %s', n( $d['log']['locked'] ), n( $d['log']['deadlock'] ), n( $d['log']['exception'] ) ) );
	$row( 'Statuses, operations phase', static fn ( $d ) => statuses( $d['mixed_statuses'] ) );
	$row( 'Statuses, race phase', static fn ( $d ) => statuses( $d['race_statuses'] ) );
	$o[] = '';
}

// --- Faults ---
$faults = [];
foreach ( [ 'stop' => 'SIGTERM (clean stop)', 'kill' => 'SIGKILL (crash)' ] as $k => $label ) {
	$f = json( "$runs/figures-fault-$k.json" );
	if ( $f && isset( $f['load_ops'] ) ) {
		$faults[$label] = $f;
	}
}
if ( $faults ) {
	$o[] = '#### Faults: MariaDB stopped during a load (' . $env( 'RELY_OUTAGE_SECONDS', '5' ) . ' s outage)';
	$o[] = '';
	$o[] = '| | ' . implode( ' | ', array_keys( $faults ) ) . ' |';
	$o[] = '|---|' . str_repeat( '---|', count( $faults ) );
	$row = static function ( string $label, callable $f ) use ( &$o, $faults ): void {
		$o[] = "| $label | " . implode( ' | ', array_map( static fn ( $d ) => cell( (string)$f( $d ) ), $faults ) ) . ' |';
	};
	$win = static fn ( array $d, string $w ): string => implode( '; ', array_map(
		static fn ( $what, $s ) => "$what " . statuses( $s ), array_keys( $d['by_window'][$w] ?? [] ), $d['by_window'][$w] ?? [] ) ) ?: '—';
	$row( 'Tokens minted before the outage', static fn ( $d ) => n( $d['pre_tokens'] ) . ' (' . n( $d['untouched_pre_tokens'] ) . ' kept untouched until after it)' );
	$row( 'Load', static fn ( $d ) => sprintf( '%s operations, %s clients, %.1f s', n( $d['load_ops'] ), n( $d['load_clients'] ), $d['load_seconds'] ) );
	$row( 'Signal to server gone / outage / restart to accepting', static fn ( $d ) => sprintf( '%.2f s / %.2f s / %.2f s', $d['stop_seconds'], $d['outage_seconds'], $d['start_seconds'] ) );
	$row( 'Wiki serving again after the database accepted connections', static fn ( $d ) => $d['recovery_seconds'] === null ? 'never' : sprintf( '%.2f s', $d['recovery_seconds'] ) );
	$row( 'Requests before the outage', static fn ( $d ) => $win( $d, 'before' ) );
	$row( 'Requests inside the outage', static fn ( $d ) => $win( $d, 'outage' ) );
	$row( 'Requests across its start or end', static fn ( $d ) => $win( $d, 'transition' ) );
	$row( 'Requests after recovery', static fn ( $d ) => $win( $d, 'after' ) );
	$row( 'Pre-outage tokens sent to verify while generate failed', static fn ( $d ) => n( $d['reserve_verifies'] ) );
	$row( '**200 answers inside the outage**', static fn ( $d ) => n( $d['outage_200'] ) );
	$row( '**5xx answers without a JSON body**', static fn ( $d ) => n( $d['non_json_5xx'] ) . ( $d['non_json_5xx_by_kind'] ?? [] ? ' (' . statuses( $d['non_json_5xx_by_kind'] ) . ')' : '' ) );
	foreach ( [ 'generate' => 'GET generate (session)', 'verify' => 'POST verify', 'verify-apikey' => 'POST verify with ApiKey', 'api-apikey' => 'api.php userinfo with ApiKey', 'api-session' => 'api.php userinfo (session)' ] as $k => $label ) {
		$row( "Outage probe: $label", static fn ( $d ) => substr( (string)( $d['probes_outage'][$k] ?? 'missing' ), 0, 110 ) );
	}
	$row( 'Probes after recovery', static fn ( $d ) => implode( ', ', array_map(
		static fn ( $k ) => $k . ' ' . ( preg_match( '/^HTTP (\S+)/', (string)( $d['probes_after'][$k] ?? '' ), $m ) ? $m[1] : '?' ),
		[ 'generate', 'verify', 'verify-apikey', 'api-apikey', 'api-session' ] ) ) );
	$row( 'Load tokens: accepted during the load / after the restart', static fn ( $d ) => n( $d['accepted_in_load'] ) . ' / ' . n( $d['accepted_after_restart'] ) . ' of ' . n( $d['load_tokens'] ) );
	$row( '**Tokens lost** (pre-outage / load)', static fn ( $d ) => n( $d['lost_pre'] ) . ' / ' . n( $d['lost_load'] ) );
	$row( 'Verifies cut by the crash (in doubt) / of those, token used up with the answer lost', static fn ( $d ) => n( $d['in_doubt'] ?? 0 ) . ' / ' . n( $d['used_in_doubt'] ?? 0 ) );
	$row( '**Tokens accepted twice**', static fn ( $d ) => n( $d['accepted_twice'] ) . ' (' . n( $d['replayed'] ) . ' replayed after the restart)' );
	$o[] = '';
}

// --- Cache server crashes ---
$crashes = [];
foreach ( [ 'redis' => 'Redis', 'memcached' => 'memcached' ] as $k => $label ) {
	$f = json( "$runs/figures-cachefault-$k.json" );
	if ( $f && isset( $f['load_ops'] ) ) {
		$crashes[$label] = $f;
	}
}
if ( $crashes ) {
	$o[] = '#### Faults: the token store\'s cache server killed (SIGKILL) during a load, restarted empty after '
		. $env( 'RELY_OUTAGE_SECONDS', '5' ) . ' s';
	$o[] = '';
	$o[] = '| | ' . implode( ' | ', array_keys( $crashes ) ) . ' |';
	$o[] = '|---|' . str_repeat( '---|', count( $crashes ) );
	$row = static function ( string $label, callable $f ) use ( &$o, $crashes ): void {
		$o[] = "| $label | " . implode( ' | ', array_map( static fn ( $d ) => cell( (string)$f( $d ) ), $crashes ) ) . ' |';
	};
	$win = static fn ( array $d, string $w ): string => implode( '; ', array_map(
		static fn ( $what, $s ) => "$what " . statuses( $s ), array_keys( $d['by_window'][$w] ?? [] ), $d['by_window'][$w] ?? [] ) ) ?: '—';
	$row( 'Tokens minted before the crash', static fn ( $d ) => n( $d['pre_tokens'] ) );
	$row( 'Load', static fn ( $d ) => sprintf( '%s operations, %s clients, %.1f s', n( $d['load_ops'] ), n( $d['load_clients'] ), $d['load_seconds'] ) );
	$row( 'SIGKILL to gone / outage / restart to accepting', static fn ( $d ) => sprintf( '%.2f s / %.2f s / %.2f s', $d['kill_seconds'], $d['outage_seconds'], $d['start_seconds'] ) );
	$row( 'Tokens working again after the server accepted connections', static fn ( $d ) => $d['recovery_seconds'] === null ? 'never' : sprintf( '%.2f s', $d['recovery_seconds'] ) );
	$row( 'Requests before the crash', static fn ( $d ) => $win( $d, 'before' ) );
	$row( 'Requests while the server was gone', static fn ( $d ) => $win( $d, 'outage' ) );
	$row( 'Requests across the crash or the restart', static fn ( $d ) => $win( $d, 'transition' ) );
	$row( 'Requests after recovery', static fn ( $d ) => $win( $d, 'after' ) );
	$row( '**Answers other than 503 JSON while gone**', static fn ( $d ) => n( $d['outage_not_503'] ) );
	$row( '**Errors other than a clean 503** (whole run)', static fn ( $d ) => n( $d['unclean_errors'] ) );
	foreach ( [ 'generate' => 'GET generate (session)', 'verify' => 'POST verify', 'verify-apikey' => 'POST verify with ApiKey',
		'verify-unminted' => 'POST verify, unminted token', 'api-apikey' => 'api.php userinfo with ApiKey',
		'api-session' => 'api.php userinfo (session)' ] as $k => $label ) {
		$row( "Probe while gone: $label", static fn ( $d ) => substr( (string)( $d['probes_outage'][$k] ?? 'missing' ), 0, 110 ) );
	}
	$row( 'Probes after recovery', static fn ( $d ) => implode( ', ', array_map(
		static fn ( $k ) => $k . ' ' . ( preg_match( '/^HTTP (\S+)/', (string)( $d['probes_after'][$k] ?? '' ), $m ) ? $m[1] : '?' ),
		[ 'generate', 'verify', 'verify-apikey', 'verify-unminted', 'api-apikey', 'api-session' ] ) ) );
	$row( 'Pre-crash tokens left unused: gone after the restart (400)', static fn ( $d ) => n( $d['pre_gone'] ) );
	$row( '**Unminted tokens accepted**', static fn ( $d ) => n( $d['unminted_accepted'] ) );
	$row( '**Tokens accepted twice**', static fn ( $d ) => n( $d['accepted_twice'] ) . ' (' . n( $d['replayed'] ) . ' replayed after the restart)' );
	$o[] = '';
}

// --- Checks ---
$o[] = '#### Checks';
$o[] = '';
$o[] = '| | Group | Check | Detail (failures) |';
$o[] = '|---|---|---|---|';
foreach ( $checks as $c ) {
	$detail = $c['ok'] ? '' : cell( mb_substr( (string)$c['detail'], 0, 400 ) );
	$o[] = '| ' . ( $c['ok'] ? 'PASS' : '**FAIL**' ) . ' | ' . $c['group'] . ' | ' . cell( $c['name'] ) . " | $detail |";
}
$o[] = '';

// --- The first deadlock InnoDB saw ---
$status = (string)@file_get_contents( "$runs/mariadb-innodb-status.txt" );
if ( preg_match( '/LATEST DETECTED DEADLOCK\n-+\n(.*?)\n-{10,}\nTRANSACTIONS/s', $status, $m ) ) {
	$o[] = '<details><summary>InnoDB\'s latest detected deadlock (<code>SHOW ENGINE INNODB STATUS</code> after the MariaDB load)</summary>';
	$o[] = '';
	$o[] = '```';
	$o[] = trim( mb_substr( $m[1], 0, 4000 ) );
	$o[] = '```';
	$o[] = '';
	$o[] = '</details>';
	$o[] = '';
}

$block = implode( "\n", $o );
$begin = "<!-- reliability:$mode -->";
$end = "<!-- /reliability:$mode -->";
if ( !is_file( $report ) ) {
	$template = dirname( __DIR__ ) . '/RELIABILITY.md';
	$text = is_file( $template ) ? (string)file_get_contents( $template ) : "# Reliability\n";
} else {
	$text = (string)file_get_contents( $report );
}
$a = strpos( $text, $begin );
$b = strpos( $text, $end );
if ( $a !== false && $b !== false && $b > $a ) {
	$text = substr( $text, 0, $a + strlen( $begin ) ) . "\n" . $block . "\n" . substr( $text, $b );
} else {
	$text = rtrim( $text ) . "\n\n$begin\n$block\n$end\n";
}
file_put_contents( $report, $text );
