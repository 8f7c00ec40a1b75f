<?php
/**
 * Load generator of the reliability runs (reliability/load.sh): PHP CLI with
 * curl_multi, one process, C concurrent clients, bounded in count and time.
 *
 *   php loadgen.php login  --base URL --users FILE --clients C --out SESSIONS.json
 *       Logs C clients in through api.php (action=clientlogin), spread over
 *       the users of FILE ("name<TAB>password" lines), one cookie jar each.
 *
 *   php loadgen.php mixed  --base URL --sessions SESSIONS.json --clients C --ops N
 *                          --deadline SECONDS --out OPS.jsonl
 *                          [--verify 0|1|2] [--stop-file FILE] [--reserve OPS.jsonl]
 *       Each client, with its own session, loops: GET generate, then (unless
 *       --verify 0) POST verify {"token": ...} without cookies, as the
 *       service a token is handed to would. --verify 2 sends that verify
 *       twice at the same moment (the race of two redeemers). Stops after N
 *       operations, at the deadline, or (with --stop-file) once FILE exists.
 *       With --reserve, a client whose generate failed verifies instead a
 *       token of that file (every second one, from the second on: the others
 *       stay untouched), recorded with "reserve": true.
 *       One JSON line per operation, with timestamps, statuses and bodies.
 *
 *   php loadgen.php verify --base URL --tokens OPS.jsonl --clients C
 *                          --deadline SECONDS --out RESULTS.jsonl [--only unaccepted]
 *                          [--skip-accepted OTHER.jsonl]
 *       POSTs verify for every token of OPS.jsonl (a comma list of files)
 *       whose generate answered 200; "reserve" records are skipped (their
 *       token belongs to the file they came from). --only unaccepted takes
 *       only tokens whose verify in that file did not answer 200;
 *       --skip-accepted skips tokens that answered 200 in OTHER.jsonl.
 *
 *   php loadgen.php probe  --base URL --sessions SESSIONS.json --token T [--token2 T2]
 *                          [--unminted U] --apikey SECRET --out PROBE.json
 *       A fixed set of single requests, each recorded with status, content
 *       type and body: generate (first session), verify T, verify T2 with
 *       Authorization: ApiKey, api.php meta=userinfo with the ApiKey, and
 *       with the session; with --unminted, also verify U (a token nobody
 *       minted).
 *
 * Every request has a 30 s timeout; every mode a deadline. The checks are
 * made by reliability/check.php from these files.
 */

declare( strict_types=1 );

const REQUEST_TIMEOUT = 30;
const BODY_KEEP = 600;
const GENERATE_PATH = '/rest.php/mws/v1/user-token/generate';
const VERIFY_PATH = '/rest.php/mws/v1/user-token/verify';

function fail( string $msg ): never {
	fwrite( STDERR, "loadgen: $msg\n" );
	exit( 2 );
}

/** @return array<string,string> */
function options( array $argv ): array {
	$out = [];
	for ( $i = 2; $i < count( $argv ); $i++ ) {
		if ( !str_starts_with( $argv[$i], '--' ) || !isset( $argv[$i + 1] ) ) {
			fail( "bad argument {$argv[$i]}" );
		}
		$out[substr( $argv[$i], 2 )] = $argv[++$i];
	}
	return $out;
}

function opt( array $o, string $name, ?string $default = null ): string {
	if ( !isset( $o[$name] ) ) {
		if ( $default === null ) {
			fail( "--$name is required" );
		}
		return $default;
	}
	return $o[$name];
}

function now(): float {
	return microtime( true );
}

/**
 * A finished request, as recorded.
 */
function result( CurlHandle $h, float $t0, int $curlCode, ?string $body ): array {
	$status = (int)curl_getinfo( $h, CURLINFO_RESPONSE_CODE );
	$body ??= '';
	return [
		't0' => round( $t0, 4 ),
		't1' => round( now(), 4 ),
		'status' => $curlCode === CURLE_OK ? $status : 0,
		'error' => $curlCode === CURLE_OK ? '' : curl_strerror( $curlCode ),
		'ctype' => (string)curl_getinfo( $h, CURLINFO_CONTENT_TYPE ),
		'body' => $body,
	];
}

/** Keeps what a record needs of a body: all of it unless it is a long success. */
function keepBody( array $r ): array {
	if ( strlen( $r['body'] ) > BODY_KEEP ) {
		$r['body'] = substr( $r['body'], 0, BODY_KEEP ) . '…';
	}
	return $r;
}

/**
 * curl_multi with completion callbacks.
 */
final class Pool {
	private CurlMultiHandle $mh;
	/** @var array<int, array{0: CurlHandle, 1: callable, 2: float}> */
	private array $pending = [];

	public function __construct() {
		$this->mh = curl_multi_init();
	}

	public function submit( CurlHandle $h, callable $done ): void {
		$this->pending[spl_object_id( $h )] = [ $h, $done, now() ];
		curl_multi_add_handle( $this->mh, $h );
	}

	public function busy(): int {
		return count( $this->pending );
	}

	public function tick(): void {
		do {
			$st = curl_multi_exec( $this->mh, $running );
		} while ( $st === CURLM_CALL_MULTI_PERFORM );
		while ( ( $info = curl_multi_info_read( $this->mh ) ) !== false ) {
			$h = $info['handle'];
			$id = spl_object_id( $h );
			if ( !isset( $this->pending[$id] ) ) {
				continue;
			}
			[ , $done, $t0 ] = $this->pending[$id];
			unset( $this->pending[$id] );
			$r = result( $h, $t0, $info['result'], curl_multi_getcontent( $h ) );
			curl_multi_remove_handle( $this->mh, $h );
			$done( $r );
		}
		if ( $this->pending && curl_multi_select( $this->mh, 0.05 ) === -1 ) {
			usleep( 2000 );
		}
	}

	/** Abandons whatever is still in flight (deadline). */
	public function abandon(): int {
		$n = count( $this->pending );
		foreach ( $this->pending as [ $h ] ) {
			curl_multi_remove_handle( $this->mh, $h );
		}
		$this->pending = [];
		return $n;
	}
}

function handle(): CurlHandle {
	$h = curl_init();
	curl_setopt_array( $h, [
		CURLOPT_RETURNTRANSFER => true,
		CURLOPT_TIMEOUT => REQUEST_TIMEOUT,
		CURLOPT_CONNECTTIMEOUT => 10,
		CURLOPT_FOLLOWLOCATION => false,
		CURLOPT_NOSIGNAL => true,
	] );
	return $h;
}

function prepareGenerate( CurlHandle $h, string $base, string $cookie ): void {
	curl_setopt_array( $h, [
		CURLOPT_URL => $base . GENERATE_PATH,
		CURLOPT_HTTPGET => true,
		CURLOPT_COOKIE => $cookie,
		CURLOPT_HTTPHEADER => [],
	] );
}

function prepareVerify( CurlHandle $h, string $base, string $token, array $headers = [] ): void {
	curl_setopt_array( $h, [
		CURLOPT_URL => $base . VERIFY_PATH,
		CURLOPT_POST => true,
		CURLOPT_POSTFIELDS => json_encode( [ 'token' => $token ] ),
		CURLOPT_HTTPHEADER => array_merge( [ 'Content-Type: application/json', 'Expect:' ], $headers ),
	] );
}

/** The token of a generate answer, or null. */
function tokenOf( array $r ): ?string {
	if ( $r['status'] !== 200 ) {
		return null;
	}
	$j = json_decode( $r['body'], true );
	return is_array( $j ) && is_string( $j['value'] ?? null ) ? $j['value'] : null;
}

/** The username of a verify answer, or null. */
function usernameOf( array $r ): ?string {
	if ( $r['status'] !== 200 ) {
		return null;
	}
	$j = json_decode( $r['body'], true );
	return is_array( $j ) && is_string( $j['username'] ?? null ) ? $j['username'] : null;
}

// --- login -------------------------------------------------------------------

function cookieHeader( CurlHandle $h ): string {
	$pairs = [];
	foreach ( curl_getinfo( $h, CURLINFO_COOKIELIST ) ?: [] as $line ) {
		$f = explode( "\t", $line );
		if ( count( $f ) >= 7 ) {
			$pairs[$f[5]] = $f[5] . '=' . $f[6];
		}
	}
	return implode( '; ', $pairs );
}

function apiCall( CurlHandle $h, string $base, array $params, bool $post ): array {
	$params['format'] = 'json';
	$params['formatversion'] = '2';
	if ( $post ) {
		curl_setopt_array( $h, [
			CURLOPT_URL => "$base/api.php",
			CURLOPT_POST => true,
			CURLOPT_POSTFIELDS => http_build_query( $params ),
		] );
	} else {
		curl_setopt_array( $h, [ CURLOPT_URL => "$base/api.php?" . http_build_query( $params ), CURLOPT_HTTPGET => true ] );
	}
	$body = curl_exec( $h );
	$status = (int)curl_getinfo( $h, CURLINFO_RESPONSE_CODE );
	$j = is_string( $body ) ? json_decode( $body, true ) : null;
	if ( $status !== 200 || !is_array( $j ) ) {
		fail( "api.php " . json_encode( $params ) . " answered HTTP $status: " . substr( (string)$body, 0, 500 ) );
	}
	return $j;
}

function cmdLogin( array $o ): void {
	$base = opt( $o, 'base' );
	$clients = (int)opt( $o, 'clients' );
	$users = [];
	foreach ( file( opt( $o, 'users' ), FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
		[ $name, $pass ] = explode( "\t", $line, 2 );
		$users[] = [ $name, $pass ];
	}
	if ( !$users || $clients < 1 ) {
		fail( 'no users or no clients' );
	}
	$sessions = [];
	for ( $i = 0; $i < $clients; $i++ ) {
		[ $name, $pass ] = $users[$i % count( $users )];
		$h = handle();
		curl_setopt( $h, CURLOPT_COOKIEFILE, '' );
		$t = apiCall( $h, $base, [ 'action' => 'query', 'meta' => 'tokens', 'type' => 'login' ], false );
		$login = apiCall( $h, $base, [
			'action' => 'clientlogin', 'username' => $name, 'password' => $pass,
			'loginreturnurl' => "$base/", 'logintoken' => $t['query']['tokens']['logintoken'] ?? '',
		], true );
		if ( ( $login['clientlogin']['status'] ?? '' ) !== 'PASS' ) {
			fail( "clientlogin of $name: " . json_encode( $login ) );
		}
		$cookie = cookieHeader( $h );
		// The session must stand on its own: a fresh handle with only the cookie.
		$check = handle();
		curl_setopt( $check, CURLOPT_COOKIE, $cookie );
		$who = apiCall( $check, $base, [ 'action' => 'query', 'meta' => 'userinfo' ], false );
		if ( ( $who['query']['userinfo']['name'] ?? '' ) !== $name ) {
			fail( "session of client $i is not $name: " . json_encode( $who ) );
		}
		$sessions[] = [ 'client' => $i, 'user' => $name, 'cookie' => $cookie ];
	}
	file_put_contents( opt( $o, 'out' ), json_encode( $sessions, JSON_PRETTY_PRINT ) . "\n" );
	fwrite( STDERR, sprintf( "loadgen: %d clients logged in as %d users\n", $clients, min( $clients, count( $users ) ) ) );
}

// --- mixed -------------------------------------------------------------------

function cmdMixed( array $o ): void {
	$base = opt( $o, 'base' );
	$sessions = json_decode( file_get_contents( opt( $o, 'sessions' ) ), true );
	$clients = (int)opt( $o, 'clients' );
	$ops = (int)opt( $o, 'ops' );
	$deadline = now() + (float)opt( $o, 'deadline' );
	$verifyMode = (int)opt( $o, 'verify', '1' );
	$stopFile = $o['stop-file'] ?? null;
	$reserve = [];
	if ( isset( $o['reserve'] ) ) {
		foreach ( file( $o['reserve'], FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $i => $line ) {
			$rec = json_decode( $line, true );
			if ( $i % 2 === 1 && is_string( $rec['token'] ?? null ) ) {
				$reserve[] = [ $rec['token'], $rec['user'] ];
			}
		}
		$reserve = array_reverse( $reserve );
	}
	if ( count( $sessions ) < $clients ) {
		fail( "only " . count( $sessions ) . " sessions for $clients clients" );
	}
	$out = fopen( opt( $o, 'out' ), 'w' ) ?: fail( 'cannot write ' . opt( $o, 'out' ) );

	$pool = new Pool();
	$started = 0;
	$finished = 0;
	$stopping = false;
	$t0 = now();
	$counts = [];
	$count = static function ( string $what, array $r ) use ( &$counts ): void {
		$key = $what . ':' . ( $r['status'] ?: 'transport' );
		$counts[$key] = ( $counts[$key] ?? 0 ) + 1;
	};

	$state = [];
	for ( $c = 0; $c < $clients; $c++ ) {
		$state[$c] = [ 'gen' => handle(), 'ver' => [ handle(), handle() ], 'cookie' => $sessions[$c]['cookie'], 'user' => $sessions[$c]['user'] ];
	}

	$next = null;
	$finish = static function ( array $rec ) use ( $out, &$finished, &$next ): void {
		fwrite( $out, json_encode( $rec, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n" );
		$finished++;
		$next( $rec['client'] );
	};
	$next = static function ( int $c ) use (
		&$started, &$stopping, $ops, $deadline, $stopFile, $pool, &$state, $base, $verifyMode, $count, $finish, &$reserve
	): void {
		if ( $stopping || $started >= $ops || now() >= $deadline ) {
			return;
		}
		$op = $started++;
		$s = $state[$c];
		prepareGenerate( $s['gen'], $base, $s['cookie'] );
		$pool->submit( $s['gen'], static function ( array $g ) use (
			$op, $c, $s, $pool, $base, $verifyMode, $count, $finish, &$reserve
		): void {
			$count( 'generate', $g );
			$token = tokenOf( $g );
			$rec = [ 'op' => $op, 'client' => $c, 'user' => $s['user'], 'token' => $token,
				'generate' => keepBody( $token === null ? $g : [ 'body' => '' ] + $g ), 'verify' => [] ];
			if ( $token === null && $reserve && $verifyMode > 0 ) {
				[ $token, $rec['user'] ] = array_pop( $reserve );
				$rec['token'] = $token;
				$rec['reserve'] = true;
			}
			if ( $token === null || $verifyMode === 0 ) {
				$finish( $rec );
				return;
			}
			$left = $verifyMode;
			for ( $k = 0; $k < $verifyMode; $k++ ) {
				prepareVerify( $s['ver'][$k], $base, $token );
				$pool->submit( $s['ver'][$k], static function ( array $v ) use ( &$rec, &$left, $count, $finish ): void {
					$count( 'verify', $v );
					$v['username'] = usernameOf( $v );
					$rec['verify'][] = keepBody( $v );
					if ( --$left === 0 ) {
						$finish( $rec );
					}
				} );
			}
		} );
	};

	for ( $c = 0; $c < $clients; $c++ ) {
		$next( $c );
	}
	$abandoned = 0;
	$lastCheck = 0.0;
	while ( $pool->busy() > 0 ) {
		$pool->tick();
		$t = now();
		if ( $stopFile !== null && !$stopping && $t - $lastCheck > 0.05 ) {
			$lastCheck = $t;
			$stopping = file_exists( $stopFile );
		}
		if ( $t >= $deadline + REQUEST_TIMEOUT ) {
			$abandoned = $pool->abandon();
			break;
		}
	}
	fclose( $out );
	$elapsed = now() - $t0;
	ksort( $counts );
	$summary = [ 'mode' => 'mixed', 'ops_wanted' => $ops, 'ops_started' => $started, 'ops_finished' => $finished,
		'clients' => $clients, 'verify' => $verifyMode, 'seconds' => round( $elapsed, 2 ),
		'deadline_hit' => $started < $ops && $stopFile === null, 'abandoned' => $abandoned, 'statuses' => $counts ];
	echo json_encode( $summary ) . "\n";
	fwrite( STDERR, sprintf( "loadgen: %d operations in %.1f s (%.0f/s), %s\n", $finished, $elapsed,
		$finished / max( $elapsed, 0.001 ), json_encode( $counts ) ) );
}

// --- verify ------------------------------------------------------------------

function cmdVerify( array $o ): void {
	$base = opt( $o, 'base' );
	$clients = (int)opt( $o, 'clients' );
	$deadline = now() + (float)opt( $o, 'deadline' );
	$only = $o['only'] ?? 'all';
	$skip = [];
	if ( isset( $o['skip-accepted'] ) ) {
		foreach ( new SplFileObject( $o['skip-accepted'] ) as $line ) {
			$rec = json_decode( (string)$line, true );
			foreach ( is_array( $rec ) ? $rec['verify'] : [] as $v ) {
				if ( $v['status'] === 200 ) {
					$skip[$rec['token']] = true;
				}
			}
		}
	}
	$work = [];
	foreach ( explode( ',', opt( $o, 'tokens' ) ) as $file ) {
		foreach ( new SplFileObject( $file ) as $line ) {
			$rec = json_decode( (string)$line, true );
			if ( !is_array( $rec ) || !is_string( $rec['token'] ?? null ) || ( $rec['reserve'] ?? false )
				|| isset( $skip[$rec['token']] )
			) {
				continue;
			}
			$accepted = false;
			foreach ( $rec['verify'] as $v ) {
				$accepted = $accepted || $v['status'] === 200;
			}
			if ( $only === 'unaccepted' && $accepted ) {
				continue;
			}
			$work[] = [ $rec['token'], $rec['user'] ];
		}
	}
	$out = fopen( opt( $o, 'out' ), 'w' ) ?: fail( 'cannot write ' . opt( $o, 'out' ) );
	$pool = new Pool();
	$i = 0;
	$n = count( $work );
	$counts = [];
	$t0 = now();
	$handles = [];
	$next = null;
	$next = static function ( int $c ) use ( &$i, $n, $deadline, &$work, &$handles, $pool, $base, $out, &$counts, &$next ): void {
		if ( $i >= $n || now() >= $deadline ) {
			return;
		}
		[ $token, $user ] = $work[$i++];
		prepareVerify( $handles[$c], $base, $token );
		$pool->submit( $handles[$c], static function ( array $v ) use ( $c, $token, $user, $out, &$counts, &$next ): void {
			$key = 'verify:' . ( $v['status'] ?: 'transport' );
			$counts[$key] = ( $counts[$key] ?? 0 ) + 1;
			$v['username'] = usernameOf( $v );
			$rec = [ 'token' => $token, 'user' => $user, 'verify' => keepBody( $v ) ];
			fwrite( $out, json_encode( $rec, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n" );
			$next( $c );
		} );
	};
	for ( $c = 0; $c < $clients; $c++ ) {
		$handles[$c] = handle();
		$next( $c );
	}
	$abandoned = 0;
	while ( $pool->busy() > 0 ) {
		$pool->tick();
		if ( now() >= $deadline + REQUEST_TIMEOUT ) {
			$abandoned = $pool->abandon();
			break;
		}
	}
	fclose( $out );
	$elapsed = now() - $t0;
	ksort( $counts );
	echo json_encode( [ 'mode' => 'verify', 'tokens' => $n, 'sent' => $i, 'clients' => $clients,
		'seconds' => round( $elapsed, 2 ), 'deadline_hit' => $i < $n, 'abandoned' => $abandoned, 'statuses' => $counts ] ) . "\n";
	fwrite( STDERR, sprintf( "loadgen: %d verifies in %.1f s (%.0f/s), %s\n", $i, $elapsed, $i / max( $elapsed, 0.001 ), json_encode( $counts ) ) );
}

// --- probe -------------------------------------------------------------------

function cmdProbe( array $o ): void {
	$base = opt( $o, 'base' );
	$session = json_decode( file_get_contents( opt( $o, 'sessions' ) ), true )[0];
	$token = opt( $o, 'token' );
	$token2 = opt( $o, 'token2', $token );
	$apikey = opt( $o, 'apikey' );
	$probes = [];
	$run = static function ( string $name, callable $prepare ) use ( &$probes ): array {
		$h = handle();
		$prepare( $h );
		$t0 = now();
		$body = curl_exec( $h );
		$r = result( $h, $t0, curl_errno( $h ), is_string( $body ) ? $body : '' );
		$probes[$name] = keepBody( $r );
		return $r;
	};
	$run( 'generate', static fn ( $h ) => prepareGenerate( $h, $base, $session['cookie'] ) );
	$run( 'verify', static fn ( $h ) => prepareVerify( $h, $base, $token ) );
	$run( 'verify-apikey', static fn ( $h ) => prepareVerify( $h, $base, $token2, [ "Authorization: ApiKey $apikey" ] ) );
	$run( 'api-apikey', static fn ( $h ) => curl_setopt_array( $h, [
		CURLOPT_URL => "$base/api.php?action=query&meta=userinfo&format=json&formatversion=2",
		CURLOPT_HTTPHEADER => [ "Authorization: ApiKey $apikey" ],
	] ) );
	$run( 'api-session', static fn ( $h ) => curl_setopt_array( $h, [
		CURLOPT_URL => "$base/api.php?action=query&meta=userinfo&format=json&formatversion=2",
		CURLOPT_COOKIE => $session['cookie'],
	] ) );
	$unminted = opt( $o, 'unminted', '' );
	if ( $unminted !== '' ) {
		$run( 'verify-unminted', static fn ( $h ) => prepareVerify( $h, $base, $unminted ) );
		$probes['_unminted'] = $unminted;
	}
	$probes['_session_user'] = $session['user'];
	$probes['_token'] = $token;
	$probes['_token2'] = $token2;
	file_put_contents( opt( $o, 'out' ), json_encode( $probes, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n" );
	foreach ( $probes as $name => $r ) {
		if ( is_array( $r ) ) {
			fwrite( STDERR, sprintf( "  probe %-14s HTTP %s %s\n", $name, $r['status'] ?: $r['error'], substr( preg_replace( '/\s+/', ' ', $r['body'] ), 0, 140 ) ) );
		}
	}
}

$o = options( $argv );
match ( $argv[1] ?? '' ) {
	'login' => cmdLogin( $o ),
	'mixed' => cmdMixed( $o ),
	'verify' => cmdVerify( $o ),
	'probe' => cmdProbe( $o ),
	default => fail( 'usage: loadgen.php login|mixed|verify|probe --option value ...' ),
};
