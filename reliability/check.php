<?php
/**
 * The checks of the reliability runs, made from the files that
 * reliability/loadgen.php and reliability/load.sh leave in the run directory:
 *
 *   php check.php concurrency DIR DB   the load on one database (DB-*.jsonl)
 *   php check.php fault DIR KIND       one database outage (fault-KIND-*)
 *
 * Each check is one JSON line appended to DIR/checks.jsonl
 * ({"group", "name", "ok", "detail"}); the figures go to
 * DIR/figures-<group>.json for reliability/report.php. Prints the checks.
 */

declare( strict_types=1 );

const LOG_PATTERNS = [
	'locked' => '/database is locked|database table is locked|SQLITE_BUSY|General error: 5\b/i',
	'deadlock' => '/deadlock|lock wait timeout|Error 1205|Error 1213|could not serialize access|lock timeout/i',
	'exception' => '/\[exception\]|Uncaught|PHP Fatal|PHP Warning|PHP Notice|PHP Deprecated|DBQueryError|DBConnectionError|DBUnexpectedError/i',
];

$dir = $argv[2] ?? '';
$what = $argv[3] ?? '';
if ( !is_dir( $dir ) || $what === '' ) {
	fwrite( STDERR, "usage: check.php concurrency|fault|cachefault DIR NAME\n" );
	exit( 2 );
}

/** @return array[] one array per JSON line */
function lines( string $file ): array {
	if ( !is_file( $file ) ) {
		return [];
	}
	$out = [];
	foreach ( file( $file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $l ) {
		$j = json_decode( $l, true );
		if ( is_array( $j ) ) {
			$out[] = $j;
		}
	}
	return $out;
}

/** The loadgen summary (a JSON line in a log, or a JSON file). */
function summary( string $file ): array {
	if ( !is_file( $file ) ) {
		return [];
	}
	foreach ( array_reverse( file( $file, FILE_IGNORE_NEW_LINES ) ) as $l ) {
		if ( str_starts_with( $l, '{' ) ) {
			return json_decode( $l, true ) ?: [];
		}
	}
	return [];
}

function isJsonError( array $r ): bool {
	$j = json_decode( $r['body'] ?? '', true );
	return str_starts_with( strtolower( $r['ctype'] ?? '' ), 'application/json' )
		&& is_array( $j ) && ( isset( $j['message'] ) || isset( $j['httpCode'] ) );
}

function describe( array $r ): string {
	$body = preg_replace( '/\s+/', ' ', (string)( $r['body'] ?? '' ) );
	return sprintf( 'HTTP %s (%s) %s', $r['status'] ?: 'none: ' . ( $r['error'] ?? '' ), $r['ctype'] ?? '',
		substr( $body, 0, 300 ) );
}

$checks = [];
function check( string $group, string $name, bool $ok, string $detail ): void {
	global $checks;
	$checks[] = [ 'group' => $group, 'name' => $name, 'ok' => $ok, 'detail' => $detail ];
}

/**
 * New lines of the server logs since the offsets recorded in FILE
 * ("path offset" lines), classified by LOG_PATTERNS.
 */
function logHits( string $offsetsFile ): array {
	$hits = [ 'lines' => 0 ];
	$examples = [];
	foreach ( LOG_PATTERNS as $k => $_ ) {
		$hits[$k] = 0;
	}
	if ( !is_file( $offsetsFile ) ) {
		return [ $hits, [ "no log offsets ($offsetsFile)" ] ];
	}
	foreach ( file( $offsetsFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $l ) {
		[ $path, $offset ] = explode( ' ', $l, 2 );
		if ( !is_file( $path ) ) {
			continue;
		}
		$fh = fopen( $path, 'r' );
		fseek( $fh, (int)$offset );
		while ( ( $line = fgets( $fh ) ) !== false ) {
			$line = rtrim( $line );
			if ( $line === '' ) {
				continue;
			}
			$hits['lines']++;
			foreach ( LOG_PATTERNS as $k => $re ) {
				if ( preg_match( $re, $line ) ) {
					$hits[$k]++;
				}
			}
			if ( count( $examples ) < 12 ) {
				$examples[] = basename( $path ) . ': ' . substr( $line, 0, 400 );
			}
		}
		fclose( $fh );
	}
	return [ $hits, $examples ];
}

/** p50 / p99 / max of request durations, in ms. */
function latency( array $requests ): array {
	$d = array_map( static fn ( $r ) => ( $r['t1'] - $r['t0'] ) * 1000, $requests );
	if ( !$d ) {
		return [ 'p50' => 0, 'p99' => 0, 'max' => 0 ];
	}
	sort( $d );
	$at = static fn ( float $q ) => (int)round( $d[min( count( $d ) - 1, (int)floor( count( $d ) * $q ) )] );
	return [ 'p50' => $at( 0.5 ), 'p99' => $at( 0.99 ), 'max' => (int)round( end( $d ) ) ];
}

function rate( int $n, float $s ): float {
	return $s > 0 ? round( $n / $s, 1 ) : 0.0;
}

// --- concurrency ---------------------------------------------------------------

function concurrency( string $dir, string $db ): array {
	$g = $db;
	$mixed = lines( "$dir/$db-mixed.jsonl" );
	$mixedSum = summary( "$dir/$db-mixed.log" );
	$replay = lines( "$dir/$db-replay.jsonl" );
	$replaySum = summary( "$dir/$db-replay.log" );
	$race = lines( "$dir/$db-race.jsonl" );
	$raceSum = summary( "$dir/$db-race.log" );
	$want = (int)( $mixedSum['ops_wanted'] ?? 0 );
	$raceWant = (int)( $raceSum['ops_wanted'] ?? 0 );

	$fiveXX = 0;
	$transport = 0;
	$examples5xx = [];
	$count = static function ( array $r, string $what ) use ( &$fiveXX, &$transport, &$examples5xx ): void {
		if ( $r['status'] >= 500 ) {
			$fiveXX++;
			if ( count( $examples5xx ) < 3 ) {
				$examples5xx[] = "$what: " . describe( $r );
			}
		} elseif ( $r['status'] === 0 ) {
			$transport++;
			if ( count( $examples5xx ) < 3 ) {
				$examples5xx[] = "$what: " . describe( $r );
			}
		}
	};

	// Generate and first verify.
	$genOk = 0;
	$verOk = 0;
	$tokens = [];
	$bad = [];
	$badVerify = [];
	foreach ( $mixed as $op ) {
		$count( $op['generate'], 'generate' );
		if ( $op['token'] !== null && preg_match( '/^[0-9a-f]{64}$/', $op['token'] ) ) {
			$genOk++;
			$tokens[$op['token']] = ( $tokens[$op['token']] ?? 0 ) + 1;
		} elseif ( count( $bad ) < 3 ) {
			$bad[] = 'generate: ' . describe( $op['generate'] );
		}
		foreach ( $op['verify'] as $v ) {
			$count( $v, 'verify' );
			if ( $v['status'] === 200 && $v['username'] === $op['user'] ) {
				$verOk++;
			} elseif ( count( $badVerify ) < 3 ) {
				$badVerify[] = "verify of {$op['user']}'s token: " . describe( $v );
			}
		}
	}
	$dupTokens = 0;
	foreach ( $tokens as $n ) {
		$dupTokens += $n - 1;
	}
	$phaseDeadline = (float)( getenv( 'RELY_PHASE_SECONDS' ) ?: 0 );
	check( $g, sprintf( 'completed: %s generate-then-verify operations within the phase deadline%s', number_format( $want ),
			$phaseDeadline ? sprintf( ' (%d s)', $phaseDeadline ) : '' ),
		count( $mixed ) === $want && $want > 0 && count( $race ) === $raceWant,
		sprintf( '%d of %d operations finished in %.1f s (%.1f/s); race %d of %d', count( $mixed ), $want,
			(float)( $mixedSum['seconds'] ?? 0 ), count( $mixed ) / max( 0.001, (float)( $mixedSum['seconds'] ?? 0 ) ),
			count( $race ), $raceWant ) );
	check( $g, 'generate: every request answered 200 with a 64-hex token', $genOk === count( $mixed ) && $genOk > 0,
		sprintf( '%d of %d; %s', $genOk, count( $mixed ), implode( ' | ', array_slice( $bad, 0, 3 ) ) ) );
	check( $g, 'tokens are distinct', $dupTokens === 0, "$dupTokens duplicate tokens among $genOk" );
	check( $g, "fresh verify: each token minted answered 200 with its user's name", $verOk === $genOk && $genOk > 0,
		"$verOk of $genOk; " . implode( ' | ', $badVerify ) );

	// Replay: every token again, every answer 400 with the invalid-token error.
	$replayOk = 0;
	$replayAccepted = 0;
	$badReplay = [];
	foreach ( $replay as $r ) {
		$v = $r['verify'];
		$count( $v, 'replay' );
		$j = json_decode( $v['body'], true );
		if ( $v['status'] === 400 && ( $j['errorKey'] ?? '' ) === 'tokenauthenticator-error-invalid-token' ) {
			$replayOk++;
		} else {
			if ( $v['status'] === 200 ) {
				$replayAccepted++;
			}
			if ( count( $badReplay ) < 3 ) {
				$badReplay[] = describe( $v );
			}
		}
	}
	check( $g, 'replay: each token minted answered 400 invalid-token the second time', $replayOk === $genOk && count( $replay ) === $genOk && $genOk > 0,
		sprintf( '%d replayed, %d answered 400, %d accepted again; %s', count( $replay ), $replayOk, $replayAccepted, implode( ' | ', $badReplay ) ) );

	// Race: two verifies of one token at the same moment, exactly one 200.
	$raceOne = 0;
	$raceTwo = 0;
	$raceMinted = 0;
	$badRace = [];
	foreach ( $race as $op ) {
		$count( $op['generate'], 'race generate' );
		if ( $op['token'] === null ) {
			continue;
		}
		$raceMinted++;
		$ok = 0;
		$other = true;
		foreach ( $op['verify'] as $v ) {
			$count( $v, 'race verify' );
			if ( $v['status'] === 200 && $v['username'] === $op['user'] ) {
				$ok++;
			} elseif ( $v['status'] !== 400 ) {
				$other = false;
			}
		}
		if ( $ok === 1 && $other && count( $op['verify'] ) === 2 ) {
			$raceOne++;
		} else {
			if ( $ok > 1 ) {
				$raceTwo++;
			}
			if ( count( $badRace ) < 3 ) {
				$badRace[] = json_encode( array_map( 'describe', $op['verify'] ) ) . ' generate ' . describe( $op['generate'] );
			}
		}
	}
	check( $g, 'race: each token minted, verified twice at the same moment, answered 200 once and 400 once', $raceOne === $raceMinted && $raceMinted > 0,
		sprintf( '%d of %d tokens minted (%d attempted); accepted twice: %d; %s', $raceOne, $raceMinted, $raceWant, $raceTwo, implode( ' | ', $badRace ) ) );

	check( $g, 'no 5xx and no transport error in any phase', $fiveXX === 0 && $transport === 0,
		"$fiveXX 5xx, $transport transport errors; " . implode( ' | ', $examples5xx ) );

	[ $hits, $logExamples ] = logHits( "$dir/$db-logs.offsets" );
	check( $g, 'server logs: no "database is locked", deadlock or lock-wait error, no exception or PHP error',
		$hits['locked'] === 0 && $hits['deadlock'] === 0 && $hits['exception'] === 0,
		json_encode( $hits ) . ( $logExamples ? '; ' . implode( ' | ', array_slice( $logExamples, 0, 4 ) ) : '' ) );

	$sumStatuses = static fn ( array $s ) => $s['statuses'] ?? [];
	return [
		'db' => $db,
		'clients' => (int)( $mixedSum['clients'] ?? 0 ),
		'ops' => $want,
		'ops_finished' => count( $mixed ),
		'race_ops' => $raceWant,
		'mixed_seconds' => (float)( $mixedSum['seconds'] ?? 0 ),
		'mixed_ops_per_s' => rate( count( $mixed ), (float)( $mixedSum['seconds'] ?? 0 ) ),
		'mixed_statuses' => $sumStatuses( $mixedSum ),
		'replay_seconds' => (float)( $replaySum['seconds'] ?? 0 ),
		'replay_per_s' => rate( count( $replay ), (float)( $replaySum['seconds'] ?? 0 ) ),
		'replay_statuses' => $sumStatuses( $replaySum ),
		'race_seconds' => (float)( $raceSum['seconds'] ?? 0 ),
		'race_statuses' => $sumStatuses( $raceSum ),
		'generate_ok' => $genOk,
		'verify_ok' => $verOk,
		'replay_400' => $replayOk,
		'race_exactly_once' => $raceOne,
		'race_minted' => $raceMinted,
		'duplicates_accepted' => $replayAccepted + $raceTwo,
		'duplicate_tokens' => $dupTokens,
		// Generate failures, then every token whose verify, replay or race went wrong.
		'unexpected' => ( count( $mixed ) - $genOk ) + ( $genOk - $verOk ) + ( $genOk - $replayOk ) + ( count( $race ) - $raceMinted ) + ( $raceMinted - $raceOne ),
		'generate_latency_ms' => latency( array_map( static fn ( $op ) => $op['generate'], $mixed ) ),
		'verify_latency_ms' => latency( array_merge( ...array_map( static fn ( $op ) => $op['verify'], $mixed ?: [ [ 'verify' => [] ] ] ) ) ),
		'5xx' => $fiveXX,
		'transport_errors' => $transport,
		'log' => $hits,
		'log_examples' => $logExamples,
	];
}

// --- fault timelines -------------------------------------------------------------

/**
 * The timeline load.sh wrote for an outage (signal, down, restart, up,
 * recovered), or null after a failed check when a moment is missing.
 */
function timeline( string $group, string $prefix ): ?array {
	$t = json_decode( (string)@file_get_contents( "$prefix-timeline.json" ), true ) ?: [];
	foreach ( [ 'signal', 'down', 'restart', 'up' ] as $k ) {
		if ( !isset( $t[$k] ) ) {
			check( $group, 'timeline recorded', false, "missing $k in $prefix-timeline.json" );
			return null;
		}
	}
	return $t + [ 'recovered' => null ];
}

/**
 * When a request ran, against the outage: "before" it, inside it ("outage":
 * begun after the server was gone, ended before its restart), "after" the
 * wiki served again, or across an edge ("transition").
 */
function windowOf( array $t, array $r ): string {
	if ( $r['t1'] <= $t['signal'] ) {
		return 'before';
	}
	if ( $r['t0'] >= $t['down'] && $r['t1'] <= $t['restart'] ) {
		return 'outage';
	}
	if ( $t['recovered'] !== null && $r['t0'] >= $t['recovered'] ) {
		return 'after';
	}
	return 'transition';
}

// --- fault ---------------------------------------------------------------------

function fault( string $dir, string $kind ): array {
	$g = "fault/$kind";
	$p = "$dir/fault-$kind";
	$t = timeline( $g, $p );
	if ( $t === null ) {
		return [ 'kind' => $kind ];
	}
	$recovered = $t['recovered'];
	$pre = lines( "$p-pre.jsonl" );
	$preWant = (int)( summary( "$p-pre.log" )['ops_wanted'] ?? 0 );
	$load = lines( "$p-load.jsonl" );
	$loadSum = summary( "$p-load.log" );
	$postPre = lines( "$p-post-pre.jsonl" );
	$postLoad = lines( "$p-post-load.jsonl" );
	$replay = lines( "$p-replay.jsonl" );
	$probeOut = json_decode( (string)@file_get_contents( "$p-probe-outage.json" ), true ) ?: [];
	$probeAfter = json_decode( (string)@file_get_contents( "$p-probe-after.json" ), true ) ?: [];

	// 1. Tokens minted and committed before the outage.
	$preTokens = [];
	foreach ( $pre as $op ) {
		if ( $op['token'] !== null ) {
			$preTokens[$op['token']] = $op['user'];
		}
	}
	check( $g, "before the outage: $preWant tokens minted", count( $preTokens ) === $preWant && $preWant > 0,
		count( $preTokens ) . " of $preWant" );

	// 2. Every request of the load, by when it ran.
	$window = static fn ( array $r ): string => windowOf( $t, $r );
	$byWindow = [];
	$outageBad = [];
	$outage200 = [];
	$afterBad = [];
	$nonJson5xx = [];
	$all = [];
	foreach ( $load as $op ) {
		$all[] = [ 'generate', $op['generate'], $op ];
		foreach ( $op['verify'] as $v ) {
			$all[] = [ 'verify', $v, $op ];
		}
	}
	foreach ( $all as [ $what, $r, $op ] ) {
		$w = $window( $r );
		$key = $r['status'] ?: 'transport';
		$byWindow[$w][$what][$key] = ( $byWindow[$w][$what][$key] ?? 0 ) + 1;
		if ( $r['status'] >= 500 && !isJsonError( $r ) ) {
			$nonJson5xx[] = "$what ($w): " . describe( $r );
		}
		if ( $w === 'outage' ) {
			if ( $r['status'] === 200 ) {
				$outage200[] = "$what: " . describe( $r );
			} elseif ( $r['status'] < 500 ) {
				$outageBad[] = "$what: " . describe( $r );
			}
		} elseif ( $w === 'after' ) {
			$good = $what === 'generate' ? $r['status'] === 200 : ( $r['status'] === 200 && $r['username'] === $op['user'] );
			if ( !$good ) {
				$afterBad[] = "$what: " . describe( $r );
			}
		}
	}
	$outageN = array_sum( array_map( 'array_sum', $byWindow['outage'] ?? [] ) );
	$outageVerifies = array_sum( $byWindow['outage']['verify'] ?? [] );
	check( $g, 'during the outage: every request of the load failed with a 5xx',
		$outageN > 0 && !$outageBad && !$outage200,
		"$outageN requests in the outage window; other answers: " . count( $outageBad ) . ' ' . implode( ' | ', array_slice( $outageBad, 0, 3 ) ) );
	check( $g, 'during the outage: no verify (and no generate) answered 200', !$outage200 && $outageVerifies > 0,
		"$outageVerifies verifies in the outage window; " . count( $outage200 ) . ' answered 200 ' . implode( ' | ', array_slice( $outage200, 0, 3 ) ) );
	$nonJsonByKind = [];
	foreach ( $nonJson5xx as $line ) {
		$kind = strtok( $line, ':' );
		$nonJsonByKind[$kind] = ( $nonJsonByKind[$kind] ?? 0 ) + 1;
	}
	check( $g, 'REST: every 5xx of the run (inside the outage and across its edges) has a JSON body', !$nonJson5xx,
		count( $nonJson5xx ) . ' without: ' . json_encode( $nonJsonByKind ) . ' ' . implode( ' | ', array_slice( $nonJson5xx, 0, 2 ) ) );

	// 3. Single requests made while the database was down: never an answer
	// as anyone (no fallback to anonymous, no service session), and on
	// rest.php a JSON error.
	$probeNotes = [];
	$failClosed = true;
	$jsonOk = true;
	foreach ( [ 'generate', 'verify', 'verify-apikey', 'api-apikey', 'api-session' ] as $name ) {
		$r = $probeOut[$name] ?? null;
		$probeNotes[] = "$name: " . ( $r ? describe( $r ) : 'missing' );
		if ( $r === null ) {
			$failClosed = false;
			continue;
		}
		$j = json_decode( $r['body'], true );
		$answered = is_array( $j ) && ( isset( $j['query']['userinfo'] ) || isset( $j['value'] ) || isset( $j['username'] ) );
		$failClosed = $failClosed && $r['status'] >= 500 && !$answered;
		if ( !str_starts_with( $name, 'api-' ) ) {
			$jsonOk = $jsonOk && isJsonError( $r );
		}
	}
	check( $g, 'during the outage: probes (generate with a session, verify, verify with ApiKey, api.php with ApiKey and with a session) fail with a 5xx, never answer as anyone',
		$failClosed, implode( ' | ', $probeNotes ) );
	check( $g, 'during the outage: the REST probes (generate, verify, verify with ApiKey) answer with a JSON body',
		$jsonOk, implode( ' | ', array_slice( $probeNotes, 0, 3 ) ) );

	// 4. Recovery.
	$recoverySeconds = $recovered !== null ? round( $recovered - $t['up'], 2 ) : null;
	check( $g, 'after the restart: the wiki works again within 30 s, and every later request of the load succeeded',
		$recovered !== null && $recoverySeconds <= 30 && !$afterBad && isset( $byWindow['after'] ),
		sprintf( 'recovered %s s after the database accepted connections; %d later requests; failures: %d %s',
			$recoverySeconds ?? 'never', array_sum( array_map( 'array_sum', $byWindow['after'] ?? [] ) ), count( $afterBad ),
			implode( ' | ', array_slice( $afterBad, 0, 3 ) ) ) );
	$pa = $probeAfter;
	$j = json_decode( $pa['api-apikey']['body'] ?? '', true );
	$afterOk = ( $pa['generate']['status'] ?? 0 ) === 200
		&& ( $pa['verify']['status'] ?? 0 ) === 200
		&& ( $pa['verify-apikey']['status'] ?? 0 ) === 200
		&& ( $pa['api-apikey']['status'] ?? 0 ) === 200
		&& ( $j['query']['userinfo']['name'] ?? '' ) === 'ChatBot service user';
	check( $g, 'after the restart: generate, verify, verify with ApiKey and api.php with ApiKey (as the service user) answer 200',
		$afterOk, implode( ' | ', array_map(
			static fn ( $n ) => "$n: " . ( isset( $pa[$n] ) ? describe( $pa[$n] ) : 'missing' ),
			[ 'generate', 'verify', 'verify-apikey', 'api-apikey' ] ) ) );

	// 5. Nothing lost, nothing accepted twice.
	$accepted = [];
	$acceptedAfter = [];
	$userOf = $preTokens;
	$wrongUser = [];
	$note = static function ( string $token, array $v, string $user, bool $after = false ) use ( &$accepted, &$acceptedAfter, &$wrongUser ): void {
		if ( $v['status'] === 200 ) {
			$accepted[$token] = ( $accepted[$token] ?? 0 ) + 1;
			if ( $after ) {
				$acceptedAfter[$token] = true;
			}
			if ( $v['username'] !== $user ) {
				$wrongUser[] = describe( $v );
			}
		}
	};
	$loadTokens = [];
	$reserveUsed = 0;
	$acceptedInLoad = 0;
	foreach ( $load as $op ) {
		if ( $op['token'] === null ) {
			continue;
		}
		if ( $op['reserve'] ?? false ) {
			$reserveUsed++;
		} else {
			$loadTokens[$op['token']] = $op['user'];
			$userOf[$op['token']] = $op['user'];
		}
		foreach ( $op['verify'] as $v ) {
			$note( $op['token'], $v, $op['user'] );
			$acceptedInLoad += (int)( $v['status'] === 200 && !( $op['reserve'] ?? false ) );
		}
	}
	foreach ( [ $postPre, $postLoad, $replay ] as $set ) {
		foreach ( $set as $r ) {
			$note( $r['token'], $r['verify'], $r['user'], true );
		}
	}
	// The outage probes sent the first pre-outage token: an acceptance there counts too.
	foreach ( [ 'verify' => '_token', 'verify-apikey' => '_token2' ] as $name => $tokenKey ) {
		$probeToken = $probeOut[$tokenKey] ?? null;
		if ( isset( $probeOut[$name] ) && is_string( $probeToken ) ) {
			$note( $probeToken, $probeOut[$name] + [ 'username' => null ], $preTokens[$probeToken] ?? '' );
		}
	}
	// A verify that was under way when the server went (it began before the
	// server was gone and ended after the signal) without a 200 may have
	// committed its UPDATE with the acknowledgement lost: its token is "in
	// doubt", and being used up without an answer is the at-most-once
	// outcome, not a loss. Such a token must still never be accepted twice.
	$inDoubt = [];
	foreach ( $load as $op ) {
		foreach ( $op['verify'] as $v ) {
			if ( $op['token'] !== null && $v['status'] !== 200 && $v['t0'] < $t['down'] && $v['t1'] > $t['signal'] ) {
				$inDoubt[$op['token']] = true;
			}
		}
	}
	$lostPre = 0;
	$lostLoad = 0;
	$twice = 0;
	$usedInDoubt = [];
	$lostExamples = [];
	foreach ( $userOf as $token => $user ) {
		$n = $accepted[$token] ?? 0;
		if ( $n === 0 && isset( $inDoubt[$token] ) ) {
			$usedInDoubt[] = substr( $token, 0, 12 ) . '…';
		} elseif ( $n === 0 ) {
			isset( $preTokens[$token] ) ? $lostPre++ : $lostLoad++;
			if ( count( $lostExamples ) < 3 ) {
				$lostExamples[] = substr( $token, 0, 12 ) . '…';
			}
		} elseif ( $n > 1 ) {
			$twice++;
		}
	}
	// Every second pre-outage token (from the first on) is not touched until
	// after the restart, except by the outage probes.
	$untouched = 0;
	$untouchedAfter = 0;
	foreach ( $pre as $i => $op ) {
		if ( $i % 2 === 0 && $op['token'] !== null ) {
			$untouched++;
			$untouchedAfter += (int)isset( $acceptedAfter[$op['token']] );
		}
	}
	check( $g, 'nothing lost: each token minted before the outage and kept until after it verified exactly once after the restart',
		$untouched > 0 && $untouchedAfter === $untouched,
		sprintf( '%d of %d answered 200 after the restart', $untouchedAfter, $untouched ) );
	check( $g, 'nothing lost: each pre-outage token sent to verify during the outage (and failed) was still good afterwards; all pre-outage tokens accepted exactly once (at most once if cut by the crash)',
		$lostPre === 0 && count( $preTokens ) > 0,
		sprintf( '%d pre-outage tokens, %d of them verified by the load in place of a failed generate; lost %d', count( $preTokens ),
			$reserveUsed, $lostPre ) );
	$acceptedPostLoad = count( array_filter( $postLoad, static fn ( $r ) => $r['verify']['status'] === 200 ) );
	check( $g, 'nothing lost in flight: each token whose generate answered 200 during the load was accepted exactly once (during the load or after the restart), or at most once if its verify was cut by the crash',
		$lostLoad === 0 && count( $loadTokens ) > 0,
		sprintf( '%d tokens; accepted during the load %d, after the restart %d; lost %d %s; used up by a verify cut by the crash, answer lost (in doubt, allowed): %d %s',
			count( $loadTokens ), $acceptedInLoad, $acceptedPostLoad, $lostLoad, implode( ' ', $lostExamples ),
			count( $usedInDoubt ), implode( ' ', $usedInDoubt ) ) );
	$replayOk = count( array_filter( $replay, static fn ( $r ) => $r['verify']['status'] === 400 ) );
	check( $g, 'none accepted twice: every token replayed after the restart answered 400, none had two 200s, all with the right user',
		$twice === 0 && !$wrongUser && $replayOk === count( $replay ) && count( $replay ) === count( $userOf ),
		sprintf( '%d replayed, %d answered 400; tokens accepted twice: %d; wrong user: %d %s', count( $replay ), $replayOk,
			$twice, count( $wrongUser ), implode( ' | ', array_slice( $wrongUser, 0, 2 ) ) ) );

	[ $hits, $logExamples ] = logHits( "$p-logs.offsets" );
	return [
		'kind' => $kind,
		'pre_tokens' => count( $preTokens ),
		'load_ops' => count( $load ),
		'load_clients' => (int)( $loadSum['clients'] ?? 0 ),
		'load_seconds' => (float)( $loadSum['seconds'] ?? 0 ),
		'load_tokens' => count( $loadTokens ),
		'reserve_verifies' => $reserveUsed,
		'accepted_in_load' => $acceptedInLoad,
		'accepted_after_restart' => $acceptedPostLoad,
		'untouched_pre_tokens' => $untouched,
		'stop_seconds' => round( $t['down'] - $t['signal'], 2 ),
		'outage_seconds' => round( $t['restart'] - $t['down'], 2 ),
		'start_seconds' => round( $t['up'] - $t['restart'], 2 ),
		'recovery_seconds' => $recoverySeconds,
		'by_window' => $byWindow,
		'outage_requests' => $outageN,
		'outage_200' => count( $outage200 ),
		'non_json_5xx' => count( $nonJson5xx ),
		'non_json_5xx_by_kind' => $nonJsonByKind,
		'non_json_5xx_examples' => array_slice( $nonJson5xx, 0, 3 ),
		'probes_outage' => array_map( static fn ( $r ) => is_array( $r ) ? describe( $r ) : $r, $probeOut ),
		'probes_after' => array_map( static fn ( $r ) => is_array( $r ) ? describe( $r ) : $r, $probeAfter ),
		'lost_pre' => $lostPre,
		'lost_load' => $lostLoad,
		'in_doubt' => count( $inDoubt ),
		'used_in_doubt' => count( $usedInDoubt ),
		'accepted_twice' => $twice,
		'replayed' => count( $replay ),
		'log' => $hits,
		'log_examples' => $logExamples,
	];
}

// --- cachefault ----------------------------------------------------------------

/**
 * A cache token store's server killed (SIGKILL) during a load and started
 * again, empty. Unlike the database, the restart forgets every token: those
 * minted before it are gone (400), which is what docs/token-stores.md promises; what
 * must hold is fail-closed: 503 JSON while it is gone, nothing accepted that
 * was not minted or twice, and everything working again after it.
 */
function cacheFault( string $dir, string $store ): array {
	$g = "cachefault/$store";
	$p = "$dir/cachefault-$store";
	$t = timeline( $g, $p );
	if ( $t === null ) {
		return [ 'store' => $store ];
	}
	$recovered = $t['recovered'];
	$pre = lines( "$p-pre.jsonl" );
	$preWant = (int)( summary( "$p-pre.log" )['ops_wanted'] ?? 0 );
	$load = lines( "$p-load.jsonl" );
	$loadSum = summary( "$p-load.log" );
	$postPre = lines( "$p-post-pre.jsonl" );
	$replay = lines( "$p-replay.jsonl" );
	$probeOut = json_decode( (string)@file_get_contents( "$p-probe-outage.json" ), true ) ?: [];
	$probeAfter = json_decode( (string)@file_get_contents( "$p-probe-after.json" ), true ) ?: [];

	$userOf = [];
	foreach ( $pre as $op ) {
		if ( $op['token'] !== null ) {
			$userOf[$op['token']] = $op['user'];
		}
	}
	$preCount = count( $userOf );
	check( $g, "before the crash: $preWant tokens minted", $preCount === $preWant && $preWant > 0, "$preCount of $preWant" );

	$window = static fn ( array $r ): string => windowOf( $t, $r );
	$byWindow = [];
	$outageBad = [];
	$unclean = [];
	$afterBad = [];
	foreach ( $load as $op ) {
		if ( $op['token'] !== null && !( $op['reserve'] ?? false ) ) {
			$userOf[$op['token']] = $op['user'];
		}
		$all = [ [ 'generate', $op['generate'] ] ];
		foreach ( $op['verify'] as $v ) {
			$all[] = [ 'verify', $v ];
		}
		foreach ( $all as [ $what, $r ] ) {
			$w = $window( $r );
			$key = $r['status'] ?: 'transport';
			$byWindow[$w][$what][$key] = ( $byWindow[$w][$what][$key] ?? 0 ) + 1;
			// Every failure of the store is a 503 with a JSON body; nothing else
			// of 5xx, and no transport error.
			if ( $r['status'] === 0 || ( $r['status'] >= 500 && ( $r['status'] !== 503 || !isJsonError( $r ) ) ) ) {
				$unclean[] = "$what ($w): " . describe( $r );
			}
			if ( $w === 'outage' && !( $r['status'] === 503 && isJsonError( $r ) ) ) {
				$outageBad[] = "$what: " . describe( $r );
			}
			if ( $w === 'after' ) {
				$good = $what === 'generate' ? $r['status'] === 200
					: ( $r['status'] === 200 && $r['username'] === $op['user'] ) || ( $op['reserve'] ?? false );
				if ( !$good ) {
					$afterBad[] = "$what: " . describe( $r );
				}
			}
		}
	}
	$outageN = array_sum( array_map( 'array_sum', $byWindow['outage'] ?? [] ) );
	check( $g, 'while the server is gone: every generate and verify of the load answered 503 with a JSON body',
		$outageN > 0 && !$outageBad,
		"$outageN requests in the outage window; other answers: " . count( $outageBad ) . ' ' . implode( ' | ', array_slice( $outageBad, 0, 3 ) ) );
	check( $g, 'every error of the run is a clean 503 (JSON body): no other 5xx, no transport error, across the crash and the restart',
		!$unclean, count( $unclean ) . ' unclean: ' . implode( ' | ', array_slice( $unclean, 0, 3 ) ) );

	// Probes while the server was gone: the token routes refuse with 503;
	// what needs no token store (an ApiKey on api.php, a session) works.
	$probeNotes = [];
	$tokenRoutesOk = true;
	foreach ( [ 'generate', 'verify', 'verify-apikey', 'verify-unminted' ] as $name ) {
		$r = $probeOut[$name] ?? null;
		$probeNotes[] = "$name: " . ( $r ? describe( $r ) : 'missing' );
		$tokenRoutesOk = $tokenRoutesOk && $r !== null && $r['status'] === 503 && isJsonError( $r );
	}
	check( $g, 'while the server is gone: generate, verify (a minted token, with an ApiKey, an unminted one) answer 503 JSON',
		$tokenRoutesOk, implode( ' | ', $probeNotes ) );
	$userinfo = static fn ( ?array $r ): string => (string)( json_decode( $r['body'] ?? '', true )['query']['userinfo']['name'] ?? '' );
	$others = [ 'api-apikey' => 'ChatBot service user', 'api-session' => (string)( $probeOut['_session_user'] ?? '?' ) ];
	$othersOk = true;
	$otherNotes = [];
	foreach ( $others as $name => $want ) {
		$r = $probeOut[$name] ?? null;
		$otherNotes[] = "$name: " . ( $r ? describe( $r ) : 'missing' );
		$othersOk = $othersOk && $r !== null && $r['status'] === 200 && $userinfo( $r ) === $want;
	}
	check( $g, 'while the server is gone: api.php with the ApiKey and with a session (no token store needed) answer 200 as the right user',
		$othersOk, implode( ' | ', $otherNotes ) );

	$recoverySeconds = $recovered !== null ? round( $recovered - $t['up'], 2 ) : null;
	check( $g, 'after the restart: tokens work again within 30 s, and every later request of the load succeeded',
		$recovered !== null && $recoverySeconds <= 30 && !$afterBad && isset( $byWindow['after'] ),
		sprintf( 'recovered %s s after the server accepted connections; %d later requests; failures: %d %s',
			$recoverySeconds ?? 'never', array_sum( array_map( 'array_sum', $byWindow['after'] ?? [] ) ), count( $afterBad ),
			implode( ' | ', array_slice( $afterBad, 0, 3 ) ) ) );
	$pa = $probeAfter;
	$afterOk = ( $pa['generate']['status'] ?? 0 ) === 200 && ( $pa['verify']['status'] ?? 0 ) === 200
		&& ( $pa['verify-apikey']['status'] ?? 0 ) === 200 && ( $pa['verify-unminted']['status'] ?? 0 ) === 400;
	check( $g, 'after the restart: generate, verify and verify with ApiKey answer 200; the unminted token 400',
		$afterOk, implode( ' | ', array_map(
			static fn ( $n ) => "$n: " . ( isset( $pa[$n] ) ? describe( $pa[$n] ) : 'missing' ),
			[ 'generate', 'verify', 'verify-apikey', 'verify-unminted' ] ) ) );

	// Acceptances over everything recorded.
	$accepted = [];
	$wrongUser = [];
	$unknown200 = [];
	$note = static function ( string $token, array $v, ?string $user ) use ( &$accepted, &$wrongUser, &$unknown200 ): void {
		if ( $v['status'] !== 200 ) {
			return;
		}
		$accepted[$token] = ( $accepted[$token] ?? 0 ) + 1;
		if ( $user === null ) {
			$unknown200[] = describe( $v );
		} elseif ( ( $v['username'] ?? $user ) !== $user ) {
			$wrongUser[] = describe( $v );
		}
	};
	foreach ( $load as $op ) {
		foreach ( $op['verify'] as $v ) {
			if ( $op['token'] !== null ) {
				$note( $op['token'], $v, $userOf[$op['token']] ?? null );
			}
		}
	}
	foreach ( [ $postPre, $replay ] as $set ) {
		foreach ( $set as $r ) {
			$note( $r['token'], $r['verify'], $userOf[$r['token']] ?? null );
		}
	}
	// The outage probes sent the first pre-crash token; both probe sets an
	// unminted one. (The later probes' tokens were minted for them.)
	foreach ( [ 'verify' => '_token', 'verify-apikey' => '_token2' ] as $name => $tokenKey ) {
		$token = $probeOut[$tokenKey] ?? null;
		if ( isset( $probeOut[$name] ) && is_string( $token ) ) {
			$note( $token, $probeOut[$name] + [ 'username' => null ], $userOf[$token] ?? null );
		}
	}
	foreach ( [ $probeOut, $probeAfter ] as $probes ) {
		if ( isset( $probes['verify-unminted'], $probes['_unminted'] ) ) {
			$note( (string)$probes['_unminted'], $probes['verify-unminted'], null );
		}
	}
	$twice = count( array_filter( $accepted, static fn ( $n ) => $n > 1 ) );
	check( $g, 'no 200 for a token nobody minted, none accepted twice, every acceptance with the right user',
		!$unknown200 && $twice === 0 && !$wrongUser,
		sprintf( 'unminted accepted: %d %s; accepted twice: %d; wrong user: %d %s', count( $unknown200 ),
			implode( ' | ', array_slice( $unknown200, 0, 2 ) ), $twice, count( $wrongUser ), implode( ' | ', array_slice( $wrongUser, 0, 2 ) ) ) );
	$replay400 = count( array_filter( $replay, static fn ( $r ) => $r['verify']['status'] === 400 ) );
	check( $g, 'replay after the restart: every token minted in the run answered 400 (used, or gone with the restart)',
		count( $replay ) === count( $userOf ) && $replay400 === count( $replay ) && count( $replay ) > 0,
		sprintf( '%d of %d tokens replayed, %d answered 400', count( $replay ), count( $userOf ), $replay400 ) );
	// Tokens minted before the crash and not used before it: gone with it.
	$preAfter = count( array_filter( $postPre, static fn ( $r ) => $r['verify']['status'] === 200 ) );
	$pre400 = count( array_filter( $postPre, static fn ( $r ) => $r['verify']['status'] === 400 ) );
	check( $g, 'tokens minted before the crash and left unused are gone after the restart (400), as docs/token-stores.md says',
		$preAfter === 0 && $pre400 === count( $postPre ) && count( $postPre ) > 0,
		sprintf( '%d verified after the restart: %d answered 400, %d answered 200', count( $postPre ), $pre400, $preAfter ) );

	[ $hits, $logExamples ] = logHits( "$p-logs.offsets" );
	return [
		'store' => $store,
		'pre_tokens' => $preCount,
		'load_ops' => count( $load ),
		'load_clients' => (int)( $loadSum['clients'] ?? 0 ),
		'load_seconds' => (float)( $loadSum['seconds'] ?? 0 ),
		'kill_seconds' => round( $t['down'] - $t['signal'], 2 ),
		'outage_seconds' => round( $t['restart'] - $t['down'], 2 ),
		'start_seconds' => round( $t['up'] - $t['restart'], 2 ),
		'recovery_seconds' => $recoverySeconds,
		'by_window' => $byWindow,
		'outage_requests' => $outageN,
		'outage_not_503' => count( $outageBad ),
		'unclean_errors' => count( $unclean ),
		'probes_outage' => array_map( static fn ( $r ) => is_array( $r ) ? describe( $r ) : $r, $probeOut ),
		'probes_after' => array_map( static fn ( $r ) => is_array( $r ) ? describe( $r ) : $r, $probeAfter ),
		'accepted' => count( $accepted ),
		'accepted_twice' => $twice,
		'unminted_accepted' => count( $unknown200 ),
		'pre_gone' => $pre400,
		'replayed' => count( $replay ),
		'log' => $hits,
		'log_examples' => $logExamples,
	];
}

$figures = match ( $argv[1] ?? '' ) {
	'concurrency' => concurrency( $dir, $what ),
	'fault' => fault( $dir, $what ),
	'cachefault' => cacheFault( $dir, $what ),
	default => null,
};
if ( $figures === null ) {
	fwrite( STDERR, "usage: check.php concurrency|fault|cachefault DIR NAME\n" );
	exit( 2 );
}
$group = ( [ 'fault' => 'fault-', 'cachefault' => 'cachefault-' ][$argv[1]] ?? '' ) . $what;
file_put_contents( "$dir/figures-$group.json", json_encode( $figures, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n" );
$fh = fopen( "$dir/checks.jsonl", 'a' );
foreach ( $checks as $c ) {
	fwrite( $fh, json_encode( $c, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n" );
	printf( "%s  [%s] %s\n", $c['ok'] ? 'PASS' : 'FAIL', $c['group'], $c['name'] );
	if ( !$c['ok'] || getenv( 'RELY_VERBOSE' ) ) {
		printf( "      %s\n", $c['detail'] );
	}
}
fclose( $fh );
