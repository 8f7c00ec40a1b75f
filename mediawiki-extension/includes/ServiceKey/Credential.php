<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

/**
 * An Authorization header of one of our schemes, e.g. "ApiKey s3cret".
 */
class Credential {
	/** Lower-case scheme. */
	public string $scheme;
	/** The secret, or null when the header is malformed (missing, or followed by more words). */
	public ?string $secret;

	private function __construct( string $scheme, ?string $secret ) {
		$this->scheme = $scheme;
		$this->secret = $secret;
	}

	/**
	 * @param string $header The Authorization header's value
	 * @param string[] $schemes Lower-case scheme names to accept
	 * @return self|null Null when the header uses another scheme
	 */
	public static function parse( string $header, array $schemes ): ?self {
		if ( !preg_match( '/^[ \t]*([A-Za-z][A-Za-z0-9_.~+-]*)(?:[ \t]+(.*))?$/s', $header, $m ) ) {
			return null;
		}
		$scheme = strtolower( $m[1] );
		if ( !in_array( $scheme, $schemes, true ) ) {
			return null;
		}
		$secret = rtrim( $m[2] ?? '', " \t" );
		// One token of visible ASCII: anything else is not a credential we issue.
		if ( $secret === '' || !preg_match( '/^[\x21-\x7e]+$/', $secret ) || strlen( $secret ) > 4096 ) {
			return new self( $scheme, null );
		}
		return new self( $scheme, $secret );
	}
}
