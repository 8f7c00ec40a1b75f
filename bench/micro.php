<?php
/**
 * Micro benchmark of the native extension against what PHP would use,
 * both sides timed in the same process, interleaved round by round.
 *
 *   php -d extension=target/release/libmws_token_authenticator.so \
 *       -d opcache.enable_cli=1 bench/micro.php [--out FILE] [--quick]
 *
 * Prints progress to stderr and, with --out, writes the results as JSON
 * (read by bench/report.php). --quick shortens every measurement (for
 * trying the script out; its numbers are noisy).
 *
 * Internal mode, run in a fresh process per list by the main run:
 *
 *   php ... bench/micro.php --first-call KIND SIZE
 *
 * prints {"first_ns":…, "second_ns":…}: compiling the list into a CidrSet
 * in a new process, and the first lookup after that.
 */

require_once __DIR__ . '/cidr_sets.php';

const BENCH_SIZES = [ 10, 1000, 10000, 100000 ];
const BENCH_KINDS = [ 'v4', 'mixed' ];
const BENCH_FIRST_CALL_RUNS = 3;

function bench_log( string $msg ): void {
	fwrite( STDERR, $msg . "\n" );
}

/** @return never */
function bench_fail( string $msg ) {
	fwrite( STDERR, "micro.php: $msg\n" );
	exit( 1 );
}

/**
 * Times $body( $n ) (which runs the operation $n times) and returns seconds.
 */
function bench_run( Closure $body, int $n ): float {
	$t = hrtime( true );
	$body( $n );
	return ( hrtime( true ) - $t ) / 1e9;
}

/**
 * Times several implementations of one operation, interleaved: each round
 * runs every implementation once, for about $roundSec seconds each (at most
 * maxIters[name] operations per round). Returns the median ns/op of each.
 *
 * @param array<string, Closure> $impls name => function ( int $n ): void
 * @param float $roundSec
 * @param int $rounds
 * @param array<string, int> $maxIters
 * @return array<string, array{ns: float, iters: int, rounds: int}>
 */
function bench_compare( array $impls, float $roundSec, int $rounds, array $maxIters = [] ): array {
	$n = [];
	foreach ( $impls as $name => $body ) {
		$cap = $maxIters[$name] ?? PHP_INT_MAX;
		$iters = 1;
		// Calibrate: grow until one batch takes a tenth of a round (or the cap).
		while ( true ) {
			$sec = bench_run( $body, $iters );
			if ( $iters >= $cap || $sec >= $roundSec / 10 ) {
				break;
			}
			$iters = (int)min( $cap, $iters * max( 2, min( 100, ( $roundSec / 10 ) / max( $sec, 1e-7 ) ) ) );
		}
		$n[$name] = (int)max( 1, min( $cap, round( $iters * $roundSec / max( $sec, 1e-9 ) ) ) );
	}
	$samples = array_fill_keys( array_keys( $impls ), [] );
	for ( $r = 0; $r < $rounds; $r++ ) {
		foreach ( $impls as $name => $body ) {
			$samples[$name][] = bench_run( $body, $n[$name] ) * 1e9 / $n[$name];
		}
	}
	$out = [];
	foreach ( $samples as $name => $s ) {
		sort( $s );
		$out[$name] = [ 'ns' => $s[intdiv( count( $s ), 2 )], 'iters' => $n[$name], 'rounds' => $rounds ];
	}
	return $out;
}

// --- PHP baselines -------------------------------------------------------

function php_envelope_encode( string $salt, string $verifyCallback, string $token ): string {
	return base64_encode( json_encode( [
		'verifyCallback' => $verifyCallback,
		'token' => $token,
		'sig' => hash_hmac( 'sha256', $verifyCallback . $token, $salt ),
	] ) );
}

/**
 * @return array{verifyCallback: string, token: string, sig: string}
 */
function php_envelope_decode( string $salt, string $envelope ): array {
	$json = base64_decode( $envelope, true );
	if ( $json === false ) {
		throw new UnexpectedValueException( 'not base64' );
	}
	$data = json_decode( $json, true );
	if ( !is_array( $data ) ) {
		throw new UnexpectedValueException( 'not a JSON object' );
	}
	foreach ( [ 'verifyCallback', 'token', 'sig' ] as $key ) {
		if ( !isset( $data[$key] ) || !is_string( $data[$key] ) ) {
			throw new UnexpectedValueException( "field $key missing or not a string" );
		}
	}
	if ( !hash_equals( hash_hmac( 'sha256', $data['verifyCallback'] . $data['token'], $salt ), $data['sig'] ) ) {
		throw new UnexpectedValueException( 'bad signature' );
	}
	return [ 'verifyCallback' => $data['verifyCallback'], 'token' => $data['token'], 'sig' => $data['sig'] ];
}

// --- Modes ---------------------------------------------------------------

/**
 * The php command line of this process up to the script (binary and -d
 * options), to start fresh processes the same way.
 *
 * @return string[]
 */
function bench_php_argv(): array {
	$cmdline = @file_get_contents( '/proc/self/cmdline' );
	$argv = $cmdline === false ? [] : explode( "\0", rtrim( $cmdline, "\0" ) );
	$script = realpath( __FILE__ );
	foreach ( $argv as $i => $arg ) {
		if ( $i > 0 && realpath( $arg ) === $script ) {
			return array_slice( $argv, 0, $i );
		}
	}
	bench_fail( 'cannot find this script in /proc/self/cmdline' );
}

function bench_first_call_mode( string $kind, int $size ): void {
	$list = bench_cidr_list( $kind, $size );
	$ip = bench_cidr_queries( $list, 1 )[1];
	$t0 = hrtime( true );
	$set = new MwsTokenAuthenticator\CidrSet( $list );
	$t1 = hrtime( true );
	$set->contains( $ip );
	$t2 = hrtime( true );
	echo json_encode( [ 'first_ns' => $t1 - $t0, 'second_ns' => $t2 - $t1 ] ), "\n";
}

/**
 * Median compile time of a CidrSet (and its first lookup) over fresh processes.
 *
 * @return array{first_ns: float, second_ns: float, runs: int}
 */
function bench_first_call( string $kind, int $size ): array {
	$cmd = bench_php_argv();
	array_push( $cmd, __FILE__, '--first-call', $kind, (string)$size );
	$first = [];
	$second = [];
	for ( $r = 0; $r < BENCH_FIRST_CALL_RUNS; $r++ ) {
		$proc = proc_open( $cmd, [ 1 => [ 'pipe', 'w' ], 2 => STDERR ], $pipes );
		if ( !is_resource( $proc ) ) {
			bench_fail( 'cannot start ' . implode( ' ', $cmd ) );
		}
		$out = stream_get_contents( $pipes[1] );
		fclose( $pipes[1] );
		$status = proc_close( $proc );
		$row = json_decode( (string)$out, true );
		if ( $status !== 0 || !is_array( $row ) ) {
			bench_fail( "first-call run failed ($status): $out" );
		}
		$first[] = $row['first_ns'];
		$second[] = $row['second_ns'];
	}
	sort( $first );
	sort( $second );
	return [
		'first_ns' => $first[intdiv( count( $first ), 2 )],
		'second_ns' => $second[intdiv( count( $second ), 2 )],
		'runs' => BENCH_FIRST_CALL_RUNS,
	];
}

function bench_main( ?string $outFile, bool $quick ): void {
	if ( !extension_loaded( 'mws_token_authenticator' ) ) {
		bench_fail( 'the native extension is not loaded: run with -d extension=…/libmws_token_authenticator.so' );
	}
	$autoload = '/usr/share/mediawiki/vendor/autoload.php';
	if ( !is_file( $autoload ) ) {
		bench_fail( "$autoload not found (Debian package mediawiki)" );
	}
	require_once $autoload;
	if ( !class_exists( \Wikimedia\IPUtils::class ) ) {
		bench_fail( 'Wikimedia\IPUtils not found' );
	}

	$started = hrtime( true );
	$round = $quick ? 0.02 : 0.1;
	$rounds = $quick ? 3 : 7;
	$results = [
		'php_version' => PHP_VERSION,
		'opcache' => function_exists( 'opcache_get_status' ) && is_array( @opcache_get_status( false ) )
			&& ( opcache_get_status( false )['opcache_enabled'] ?? false ),
		'jit' => function_exists( 'opcache_get_status' ) && is_array( @opcache_get_status( false ) )
			&& ( opcache_get_status( false )['jit']['on'] ?? false ),
		'gmp' => extension_loaded( 'gmp' ),
		'round_seconds' => $round,
		'first_call_runs' => BENCH_FIRST_CALL_RUNS,
		'rounds' => $rounds,
		'ops' => [],
		'cidr' => [],
	];

	// --- Scalar operations, with the inputs they see in production.
	$salt = bin2hex( random_bytes( 32 ) );
	$url = 'https://wiki.example.org/w/rest.php/mws/v1/user-token/verify';
	$token = bin2hex( random_bytes( 32 ) );
	$message = $url . $token;
	$envelope = mws_ta_envelope_encode( $salt, $url, $token );

	// Both sides must compute the same thing.
	if ( php_envelope_encode( $salt, $url, $token ) !== $envelope ) {
		bench_fail( 'PHP and native envelope encodings differ' );
	}
	if ( php_envelope_decode( $salt, $envelope ) !== mws_ta_envelope_decode( $salt, $envelope ) ) {
		bench_fail( 'PHP and native envelope decodings differ' );
	}
	$body = json_encode( [ 'token' => $token ] );
	if ( mws_ta_json_object( $body ) !== json_decode( $body, true )
		|| mws_ta_token_hash( $token ) !== hash( 'sha256', $token )
	) {
		bench_fail( 'PHP and native readings of a request differ' );
	}
	if ( hash_hmac( 'sha256', $message, $salt ) !== mws_ta_hmac_sha256( $salt, $message )
		|| hash( 'sha256', $token ) !== mws_ta_sha256( $token )
		|| strlen( mws_ta_random_token( 32 ) ) !== 64
	) {
		bench_fail( 'PHP and native results differ' );
	}

	$ops = [
		'random_token' => [
			'label' => 'token generation (32 bytes, hex)',
			'native_call' => 'mws_ta_random_token(32)',
			'php_call' => 'bin2hex(random_bytes(32))',
			'native' => static function ( int $n ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					mws_ta_random_token( 32 );
				}
			},
			'php' => static function ( int $n ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					bin2hex( random_bytes( 32 ) );
				}
			},
		],
		'hmac_sha256' => [
			'label' => 'HMAC-SHA256 (64-byte key, ' . strlen( $message ) . '-byte message)',
			'native_call' => 'mws_ta_hmac_sha256($key, $msg)',
			'php_call' => "hash_hmac('sha256', \$msg, \$key)",
			'native' => static function ( int $n ) use ( $salt, $message ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					mws_ta_hmac_sha256( $salt, $message );
				}
			},
			'php' => static function ( int $n ) use ( $salt, $message ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					hash_hmac( 'sha256', $message, $salt );
				}
			},
		],
		'envelope_encode' => [
			'label' => 'salted envelope encode',
			'native_call' => 'mws_ta_envelope_encode($salt, $url, $token)',
			'php_call' => 'base64_encode(json_encode([...])) + hash_hmac',
			'native' => static function ( int $n ) use ( $salt, $url, $token ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					mws_ta_envelope_encode( $salt, $url, $token );
				}
			},
			'php' => static function ( int $n ) use ( $salt, $url, $token ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					php_envelope_encode( $salt, $url, $token );
				}
			},
		],
		'envelope_decode' => [
			'label' => 'salted envelope decode + verify (' . strlen( $envelope ) . ' bytes)',
			'native_call' => 'mws_ta_envelope_decode($salt, $env)',
			'php_call' => 'base64_decode, json_decode, checks, hash_hmac + hash_equals',
			'native' => static function ( int $n ) use ( $salt, $envelope ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					mws_ta_envelope_decode( $salt, $envelope );
				}
			},
			'php' => static function ( int $n ) use ( $salt, $envelope ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					php_envelope_decode( $salt, $envelope );
				}
			},
		],
		'sha256' => [
			'label' => 'SHA-256 (64-byte token)',
			'native_call' => 'mws_ta_sha256($token)',
			'php_call' => "hash('sha256', \$token)",
			'native' => static function ( int $n ) use ( $token ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					mws_ta_sha256( $token );
				}
			},
			'php' => static function ( int $n ) use ( $token ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					hash( 'sha256', $token );
				}
			},
		],
		'token_hash' => [
			'label' => 'client text to lookup hash (64-character token)',
			'native_call' => 'mws_ta_token_hash($token)',
			'php_call' => "preg_match('/^[A-Za-z0-9_-]{1,2048}\$/D') + hash('sha256')",
			'native' => static function ( int $n ) use ( $token ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					mws_ta_token_hash( $token );
				}
			},
			'php' => static function ( int $n ) use ( $token ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					if ( preg_match( '/^[A-Za-z0-9_-]{1,2048}$/D', $token ) ) {
						hash( 'sha256', $token );
					}
				}
			},
		],
		'json_object' => [
			'label' => 'request body to array (' . strlen( $body ) . '-byte verify body)',
			'native_call' => 'mws_ta_json_object($body) (strict: duplicate members refused)',
			'php_call' => 'json_decode($body, true) (not strict)',
			'native' => static function ( int $n ) use ( $body ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					mws_ta_json_object( $body );
				}
			},
			'php' => static function ( int $n ) use ( $body ): void {
				for ( $i = 0; $i < $n; $i++ ) {
					json_decode( $body, true, 8 );
				}
			},
		],
	];
	// The loop itself, for reference.
	$empty = bench_compare( [ 'loop' => static function ( int $n ): void {
		// phpcs:ignore Generic.CodeAnalysis.EmptyStatement.DetectedFor -- the empty loop is the baseline
		for ( $i = 0; $i < $n; $i++ ) {
		}
	} ], $round, $rounds );
	$results['empty_loop_ns'] = $empty['loop']['ns'];

	foreach ( $ops as $key => $op ) {
		$r = bench_compare( [ 'native' => $op['native'], 'php' => $op['php'] ], $round, $rounds );
		$results['ops'][$key] = [
			'label' => $op['label'],
			'native_call' => $op['native_call'],
			'php_call' => $op['php_call'],
			'native_ns' => $r['native']['ns'],
			'php_ns' => $r['php']['ns'],
			'native_iters' => $r['native']['iters'],
			'php_iters' => $r['php']['iters'],
		];
		bench_log( sprintf( '  %-16s native %8.1f ns  php %8.1f ns  (php/native %.2f)',
			$key, $r['native']['ns'], $r['php']['ns'], $r['php']['ns'] / $r['native']['ns'] ) );
	}

	// --- CIDR membership.
	foreach ( BENCH_KINDS as $kind ) {
		foreach ( BENCH_SIZES as $size ) {
			$list = bench_cidr_list( $kind, $size );
			$queries = bench_cidr_queries( $list, $size );
			$parsed = bench_scan_prepare( $list );
			$set = new MwsTokenAuthenticator\CidrSet( $list );

			// All implementations must agree (IPUtils on a sample at the large sizes).
			$hits = 0;
			foreach ( $queries as $qi => $ip ) {
				$native = $set->contains( $ip );
				$hits += $native ? 1 : 0;
				if ( $native !== bench_scan_contains( $parsed, $ip )
					|| ( ( $size <= 1000 || $qi < 4 ) && $native !== \Wikimedia\IPUtils::isInRanges( $ip, $list ) )
				) {
					bench_fail( "implementations disagree on $ip in the $kind list of $size" );
				}
			}

			$first = bench_first_call( $kind, $size );

			$impls = [
				// The CIDR API: a set compiled once where the list is configured.
				'cidrset' => static function ( int $n ) use ( $set, $queries ): void {
					for ( $i = 0; $i < $n; $i++ ) {
						$set->contains( $queries[$i & 255] );
					}
				},
				'scan' => static function ( int $n ) use ( $parsed, $queries ): void {
					for ( $i = 0; $i < $n; $i++ ) {
						bench_scan_contains( $parsed, $queries[$i & 255] );
					}
				},
				'iputils' => static function ( int $n ) use ( $list, $queries ): void {
					for ( $i = 0; $i < $n; $i++ ) {
						\Wikimedia\IPUtils::isInRanges( $queries[$i & 255], $list );
					}
				},
			];
			// IPUtils parses every range on every call: a few calls are enough
			// at the large sizes (at least a hit and a miss per round).
			$caps = [ 'iputils' => $size >= 100000 ? 2 : ( $size >= 10000 ? 16 : PHP_INT_MAX ) ];
			$iputilsRounds = $size >= 100000 ? ( $quick ? 1 : 3 ) : $rounds;
			$r = bench_compare( array_diff_key( $impls, [ 'iputils' => 1 ] ), $round, $rounds );
			$r += bench_compare( [ 'iputils' => $impls['iputils'] ], $round, $iputilsRounds, $caps );

			$results['cidr'][] = [
				'kind' => $kind,
				'size' => $size,
				'intervals' => $set->intervalCount(),
				'query_hits' => $hits,
				'queries' => count( $queries ),
				'native_ns' => $r['cidrset']['ns'],
				'cidrset_ns' => $r['cidrset']['ns'],
				'scan_ns' => $r['scan']['ns'],
				'iputils_ns' => $r['iputils']['ns'],
				'iputils_calls' => $r['iputils']['iters'] * $r['iputils']['rounds'],
				'first_call_ns' => $first['first_ns'],
				'second_call_ns' => $first['second_ns'],
			];
			bench_log( sprintf(
				'  cidr %-5s %6d  CidrSet %6.0f ns  scan %12.0f ns  IPUtils %14.0f ns  compile %11.0f ns',
				$kind, $size, $r['cidrset']['ns'], $r['scan']['ns'], $r['iputils']['ns'],
				$first['first_ns']
			) );
		}
	}

	$results['seconds'] = ( hrtime( true ) - $started ) / 1e9;
	$json = json_encode( $results, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n";
	if ( $outFile !== null ) {
		if ( file_put_contents( $outFile, $json ) === false ) {
			bench_fail( "cannot write $outFile" );
		}
	} else {
		echo $json;
	}
	bench_log( sprintf( '  micro benchmark: %.1f s', $results['seconds'] ) );
}

$args = array_slice( $argv, 1 );
if ( ( $args[0] ?? '' ) === '--first-call' ) {
	bench_first_call_mode( (string)( $args[1] ?? '' ), (int)( $args[2] ?? 0 ) );
	exit( 0 );
}
$outFile = null;
$quick = false;
for ( $i = 0; $i < count( $args ); $i++ ) {
	if ( $args[$i] === '--out' && isset( $args[$i + 1] ) ) {
		$outFile = $args[++$i];
	} elseif ( $args[$i] === '--quick' ) {
		$quick = true;
	} else {
		bench_fail( "unknown argument: {$args[$i]}" );
	}
}
bench_main( $outFile, $quick );
