<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

/**
 * Values of TokenStore::accountEpoch(): 64 characters (the width of the
 * database column that holds them), the Unix time the epoch began followed
 * by random hex, so that no two epochs are equal and a reader knows how
 * recent a change is.
 */
final class AccountEpoch {
	/** The epoch of an account that never changed since the store began keeping epochs. */
	public const NEVER = '0';

	/**
	 * A new epoch, begun by a change now.
	 */
	public static function next(): string {
		return sprintf( '%010d', time() ) . bin2hex( random_bytes( 27 ) );
	}

	/**
	 * A new epoch for an account whose epoch was lost (a cache evicted it),
	 * not changed: it began at no known time.
	 */
	public static function unknown(): string {
		return str_repeat( '0', 10 ) . bin2hex( random_bytes( 27 ) );
	}

	/**
	 * @param string $epoch
	 * @return int Unix time of the change that began it; 0 when none is known
	 */
	public static function changedAt( string $epoch ): int {
		return strlen( $epoch ) === 64 ? (int)substr( $epoch, 0, 10 ) : 0;
	}
}
