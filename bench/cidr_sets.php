<?php
/**
 * Deterministic CIDR lists and query addresses for the micro benchmark
 * (bench/micro.php). Every process that includes this file builds the very
 * same lists, so a fresh process can time the first (compiling) call on a
 * list identical to the one the main run times.
 *
 * Not part of the extension: benchmark code only.
 */

/**
 * xorshift64 (shifts 12, 25, 27): reproducible across processes and PHP
 * builds, and independent of the global mt_rand seed.
 */
final class BenchRng {
	private int $state;

	public function __construct( int $seed ) {
		$this->state = $seed ?: 0x2545F4914F6CDD1D;
	}

	/** 32 random bits. */
	public function u32(): int {
		$x = $this->state;
		$x ^= ( $x >> 12 ) & 0x000FFFFFFFFFFFFF;
		$x ^= $x << 25;
		$x ^= ( $x >> 27 ) & 0x0000001FFFFFFFFF;
		$this->state = $x;
		return ( $x >> 16 ) & 0xFFFFFFFF;
	}

	/** An integer in [$lo, $hi]. */
	public function range( int $lo, int $hi ): int {
		return $lo + $this->u32() % ( $hi - $lo + 1 );
	}
}

/**
 * @param string $bin Packed address (4 or 16 bytes)
 * @param int $prefix Prefix length
 * @return string The network, in canonical text, with host bits cleared
 */
function bench_network( string $bin, int $prefix ): string {
	$len = strlen( $bin );
	$out = '';
	for ( $i = 0; $i < $len; $i++ ) {
		$bits = max( 0, min( 8, $prefix - 8 * $i ) );
		$mask = $bits === 0 ? 0 : ( 0xFF << ( 8 - $bits ) ) & 0xFF;
		$out .= chr( ord( $bin[$i] ) & $mask );
	}
	return inet_ntop( $out );
}

/**
 * A list of $n CIDR ranges.
 *
 * - "v4": IPv4 networks, prefixes /16 to /32 (most are /24 to /32, like
 *   allow-lists of hosts and small subnets).
 * - "mixed": every other entry IPv6 (2001:db8::/32 and beyond, prefixes /32
 *   to /128), the rest as in "v4".
 *
 * @param string $kind "v4" or "mixed"
 * @param int $n
 * @return string[]
 */
function bench_cidr_list( string $kind, int $n ): array {
	$rng = new BenchRng( 0x5eed0000 + $n + ( $kind === 'mixed' ? 1 : 0 ) );
	$list = [];
	for ( $i = 0; $i < $n; $i++ ) {
		if ( $kind === 'mixed' && $i % 2 === 1 ) {
			$bin = pack( 'N4', 0x20010db8 + $rng->range( 0, 0xFFFF ), $rng->u32(), $rng->u32(), $rng->u32() );
			$prefix = $rng->range( 0, 3 ) === 0 ? $rng->range( 32, 64 ) : $rng->range( 64, 128 );
		} else {
			$bin = pack( 'N', $rng->u32() );
			$prefix = $rng->range( 0, 3 ) === 0 ? $rng->range( 16, 24 ) : $rng->range( 24, 32 );
		}
		$list[] = bench_network( $bin, $prefix ) . '/' . $prefix;
	}
	return $list;
}

/**
 * 256 query addresses for a list: half inside a random entry of the list
 * (hits), half random addresses of the same families (nearly all misses,
 * the worst case of a linear scan).
 *
 * @param string[] $list
 * @param int $seed
 * @return string[]
 */
function bench_cidr_queries( array $list, int $seed ): array {
	$rng = new BenchRng( 0xC0FFEE + $seed );
	$queries = [];
	for ( $i = 0; $i < 256; $i++ ) {
		$entry = $list[$rng->range( 0, count( $list ) - 1 )];
		[ $net, $prefix ] = explode( '/', $entry );
		$bin = inet_pton( $net );
		if ( $i % 2 === 0 ) {
			// A hit: random host bits below the prefix.
			$out = '';
			for ( $b = 0; $b < strlen( $bin ); $b++ ) {
				$fixed = max( 0, min( 8, (int)$prefix - 8 * $b ) );
				$keep = $fixed === 0 ? 0 : ( 0xFF << ( 8 - $fixed ) ) & 0xFF;
				$out .= chr( ( ord( $bin[$b] ) & $keep ) | ( $rng->range( 0, 255 ) & ~$keep & 0xFF ) );
			}
		} elseif ( strlen( $bin ) === 4 ) {
			$out = pack( 'N', $rng->u32() );
		} else {
			$out = pack( 'N4', 0x20010db8 + $rng->range( 0, 0xFFFF ), $rng->u32(), $rng->u32(), $rng->u32() );
		}
		$queries[] = inet_ntop( $out );
	}
	return $queries;
}

/**
 * The PHP baseline's preparation: every range as [start, end] packed
 * strings, by family (4 or 16 bytes), parsed once before timing.
 *
 * @param string[] $list
 * @return array<int, array<int, array{0: string, 1: string}>>
 */
function bench_scan_prepare( array $list ): array {
	$parsed = [ 4 => [], 16 => [] ];
	foreach ( $list as $entry ) {
		[ $net, $prefix ] = explode( '/', $entry ) + [ 1 => null ];
		$bin = inet_pton( $net );
		$len = strlen( $bin );
		$prefix = $prefix === null ? $len * 8 : (int)$prefix;
		$start = '';
		$end = '';
		for ( $i = 0; $i < $len; $i++ ) {
			$bits = max( 0, min( 8, $prefix - 8 * $i ) );
			$mask = $bits === 0 ? 0 : ( 0xFF << ( 8 - $bits ) ) & 0xFF;
			$start .= chr( ord( $bin[$i] ) & $mask );
			$end .= chr( ( ord( $bin[$i] ) & $mask ) | ( ~$mask & 0xFF ) );
		}
		$parsed[$len][] = [ $start, $end ];
	}
	return $parsed;
}

/**
 * The PHP baseline: a linear scan of the prepared ranges.
 *
 * @param array<int, array<int, array{0: string, 1: string}>> $parsed
 * @param string $ip
 * @return bool
 */
function bench_scan_contains( array $parsed, string $ip ): bool {
	$bin = inet_pton( $ip );
	if ( $bin === false ) {
		throw new InvalidArgumentException( "not an IP address: $ip" );
	}
	foreach ( $parsed[strlen( $bin )] as [ $start, $end ] ) {
		if ( strcmp( $start, $bin ) <= 0 && strcmp( $bin, $end ) <= 0 ) {
			return true;
		}
	}
	return false;
}
