<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use BagOStuff;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Http\HttpRequestFactory;
use MwsTokenAuthenticator\CidrSet;
use MwsTokenAuthenticator\Exception as NativeException;
use Psr\Log\LoggerInterface;

/**
 * Where the identity provider's keys come from: $mwsgTokenAuthenticatorJWTKeySet
 * (JWKS text, a file, or a URL) or OpenID Connect discovery from the issuer.
 * Only the JWKS text is handled here; reading it, choosing a key and verifying
 * are the native reader's (JwtVerifier::withKeySet()).
 *
 * A URL's set is kept in the main cache, which every app server shares, as
 * [ 'jwks', 'refresh', 'expires' ]: fresh until 'refresh' (the max-age it was
 * served with, within MIN_AGE and MAX_AGE), then refreshed by one request at
 * a time while the others keep using it, and used until 'expires' (a day
 * later) while the provider cannot be reached. A set the native reader
 * refuses never replaces a usable one.
 */
class KeySet {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorJWTKeySet',
		'TokenAuthenticatorJWTDiscovery',
		'TokenAuthenticatorJWTIssuer',
	];

	/** Bounds of how long a fetched set or discovery document is fresh, in seconds. */
	public const MIN_AGE = 300;
	public const MAX_AGE = 86400;
	/** How long past its freshness a set is used while the provider cannot be reached. */
	public const STALE_FOR = 86400;
	/** Fewest seconds between two fetches of one URL (the unknown-kid refetch, a failed refresh). */
	public const FETCH_EVERY = 60;
	/** The HTTP client's time-outs: a login waits for them at most once a minute. */
	private const TIMEOUT = 5;
	private const CONNECT_TIMEOUT = 3;
	/** Largest document accepted; real key sets are a few kilobytes. */
	public const MAX_BYTES = 262144;

	private ServiceOptions $options;
	private HttpRequestFactory $http;
	private BagOStuff $cache;
	private LoggerInterface $logger;

	public function __construct(
		ServiceOptions $options, HttpRequestFactory $http, BagOStuff $cache, LoggerInterface $logger
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->http = $http;
		$this->cache = $cache;
		$this->logger = $logger;
	}

	/** Whether JWT login takes its keys from a key set rather than one configured key. */
	public function isConfigured(): bool {
		return $this->options->get( 'TokenAuthenticatorJWTKeySet' ) !== null
			|| $this->options->get( 'TokenAuthenticatorJWTDiscovery' ) === true;
	}

	/** Whether the set is fetched from the provider (a URL, or discovery). */
	public function isFetched(): bool {
		$setting = $this->options->get( 'TokenAuthenticatorJWTKeySet' );
		return $this->options->get( 'TokenAuthenticatorJWTDiscovery' ) === true
			|| ( is_string( $setting ) && preg_match( '!^https?://!i', trim( $setting ) ) );
	}

	/** The setting an administrator looks at when the set cannot be had. */
	public function settingName(): string {
		return $this->options->get( 'TokenAuthenticatorJWTDiscovery' ) === true
			? '$mwsgTokenAuthenticatorJWTDiscovery'
			: '$mwsgTokenAuthenticatorJWTKeySet';
	}

	/**
	 * The JWKS text to verify with.
	 *
	 * @param callable(string):void $check Throws for a set that cannot be used
	 * @return string
	 * @throws KeySetException
	 */
	public function current( callable $check ): string {
		$url = $this->url();
		if ( $url === null ) {
			return $this->configuredText( $check );
		}
		return $this->cached( $url, $check, false );
	}

	/**
	 * The set fetched again because a JWT names a kid it lacks; null when a
	 * fetch of it was tried within FETCH_EVERY seconds (so that made-up kids
	 * cost the provider nothing) or the set is not fetched at all.
	 *
	 * @param callable(string):void $check
	 * @return string|null
	 */
	public function refetch( callable $check ): ?string {
		try {
			$url = $this->url();
			return $url === null ? null : $this->cached( $url, $check, true );
		} catch ( KeySetException $e ) {
			return null;
		}
	}

	/**
	 * @param string $url
	 * @param callable $check
	 * @param bool $unknownKid A JWT names a key the cached set lacks
	 * @return string|null Null only when $unknownKid and no fetch was made
	 * @throws KeySetException
	 */
	private function cached( string $url, callable $check, bool $unknownKid ): ?string {
		$key = $this->cache->makeKey( 'tokenauthenticator-jwks', sha1( $url ) );
		$entry = $this->cache->get( $key );
		$now = time();
		$usable = is_array( $entry ) && ( $entry['expires'] ?? 0 ) > $now && is_string( $entry['jwks'] ?? null );
		if ( $usable && !$unknownKid && $now < $entry['refresh'] ) {
			return $entry['jwks'];
		}
		// One fetch per URL and FETCH_EVERY seconds, whoever asks: the others
		// use what is cached, or (with nothing usable) get the outage answer.
		$lock = $this->cache->makeKey( 'tokenauthenticator-jwks-fetch', sha1( $url ), $unknownKid ? 'kid' : 'age' );
		if ( !$this->cache->add( $lock, 1, self::FETCH_EVERY ) ) {
			if ( $unknownKid ) {
				return null;
			}
			if ( $usable ) {
				return $entry['jwks'];
			}
			throw new KeySetException( 'fetched less than a minute ago without success' );
		}
		try {
			[ $jwks, $maxAge ] = $this->fetch( $url );
			$check( $jwks );
		} catch ( KeySetException | NativeException $e ) {
			$this->logger->error( 'TokenAuthenticator: the JWT key set at {url} cannot be used: {problem}{fallback}', [
				'url' => $url,
				'problem' => $e->getMessage(),
				'fallback' => $usable ? '; the cached set is used until it expires' : '',
			] );
			if ( $usable ) {
				return $entry['jwks'];
			}
			throw $e instanceof KeySetException ? $e : new KeySetException( $e->getMessage() );
		}
		$refresh = $now + $maxAge;
		$this->cache->set( $key, [ 'jwks' => $jwks, 'refresh' => $refresh, 'expires' => $refresh + self::STALE_FOR ],
			$maxAge + self::STALE_FOR );
		return $jwks;
	}

	/**
	 * The JWKS URL: the setting's, or the discovery document's jwks_uri; null
	 * for a set given as text or file.
	 *
	 * @return string|null
	 * @throws KeySetException
	 */
	private function url(): ?string {
		if ( $this->options->get( 'TokenAuthenticatorJWTDiscovery' ) === true ) {
			return $this->discoveredUrl();
		}
		$setting = $this->options->get( 'TokenAuthenticatorJWTKeySet' );
		return $this->isFetched() ? trim( $setting ) : null;
	}

	/**
	 * @param callable $check
	 * @return string
	 * @throws KeySetException
	 */
	private function configuredText( callable $check ): string {
		$setting = $this->options->get( 'TokenAuthenticatorJWTKeySet' );
		if ( is_array( $setting ) ) {
			// A JWKS written as a PHP array in LocalSettings.php.
			$text = json_encode( $setting, JSON_UNESCAPED_SLASHES );
		} elseif ( !is_string( $setting ) || trim( $setting ) === '' ) {
			throw new KeySetException( 'it is neither JWKS text, a file nor a URL' );
		} elseif ( str_starts_with( ltrim( $setting ), '{' ) ) {
			$text = $setting;
		} else {
			$text = is_file( $setting ) && is_readable( $setting ) ? file_get_contents( $setting, false, null, 0,
				self::MAX_BYTES + 1 ) : false;
			if ( $text === false ) {
				throw new KeySetException( 'the file cannot be read' );
			}
		}
		try {
			$check( $text );
		} catch ( NativeException $e ) {
			throw new KeySetException( $e->getMessage() );
		}
		return $text;
	}

	/**
	 * The jwks_uri of the issuer's discovery document, whose issuer must be
	 * the configured one exactly (OpenID Connect Discovery 1.0, section 4.3).
	 *
	 * @return string
	 * @throws KeySetException
	 */
	private function discoveredUrl(): string {
		$issuer = $this->options->get( 'TokenAuthenticatorJWTIssuer' );
		if ( !is_string( $issuer ) || $issuer === '' ) {
			throw new KeySetException( 'discovery needs $mwsgTokenAuthenticatorJWTIssuer' );
		}
		$url = rtrim( $issuer, '/' ) . '/.well-known/openid-configuration';
		$document = $this->cached( $url, static function ( string $text ) use ( $issuer ): void {
			self::jwksUriOf( $text, $issuer );
		}, false );
		return self::jwksUriOf( $document, $issuer );
	}

	/**
	 * @param string $text A discovery document
	 * @param string $issuer
	 * @return string
	 * @throws KeySetException
	 */
	private static function jwksUriOf( string $text, string $issuer ): string {
		try {
			$document = mws_ta_json_object( $text );
		} catch ( NativeException $e ) {
			throw new KeySetException( 'the discovery document is not one JSON object' );
		}
		if ( ( $document['issuer'] ?? null ) !== $issuer ) {
			throw new KeySetException( 'the discovery document names another issuer than $mwsgTokenAuthenticatorJWTIssuer' );
		}
		$uri = $document['jwks_uri'] ?? null;
		if ( !is_string( $uri ) || !preg_match( '!^https?://!i', $uri ) ) {
			throw new KeySetException( 'the discovery document has no http(s) jwks_uri' );
		}
		return $uri;
	}

	/**
	 * GETs $url with MediaWiki's HTTP client.
	 *
	 * @param string $url
	 * @return array [ body, seconds it stays fresh ]
	 * @throws KeySetException
	 */
	private function fetch( string $url ): array {
		if ( !self::isAllowedUrl( $url ) ) {
			throw new KeySetException( 'only https:// URLs are fetched (http:// only from a loopback address)' );
		}
		$request = $this->http->create( $url, [
			'method' => 'GET',
			'timeout' => self::TIMEOUT,
			'connectTimeout' => self::CONNECT_TIMEOUT,
			// A redirect could lead from https to http.
			'followRedirects' => false,
		], __METHOD__ );
		$request->setHeader( 'Accept', 'application/json' );
		$status = $request->execute();
		$code = $request->getStatus();
		if ( !$status->isOK() || $code !== 200 ) {
			throw new KeySetException( $code ? "HTTP status $code" : 'no answer' );
		}
		$body = (string)$request->getContent();
		if ( strlen( $body ) > self::MAX_BYTES ) {
			throw new KeySetException( 'the answer is larger than ' . self::MAX_BYTES . ' bytes' );
		}
		return [ $body, self::freshFor( $request->getResponseHeader( 'cache-control' ) ) ];
	}

	/**
	 * Seconds a document stays fresh: its max-age, within MIN_AGE and MAX_AGE.
	 *
	 * @param string|null $cacheControl
	 * @return int
	 */
	public static function freshFor( ?string $cacheControl ): int {
		if ( !preg_match( '/(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i', (string)$cacheControl, $m ) ) {
			return self::MIN_AGE;
		}
		// Longer than a day whatever the digits: no integer overflow.
		$age = strlen( ltrim( $m[1], '0' ) ) > 6 ? self::MAX_AGE : (int)$m[1];
		return max( self::MIN_AGE, min( self::MAX_AGE, $age ) );
	}

	/** https://, or http:// to a loopback address (a provider on the same host, tests). */
	public static function isAllowedUrl( string $url ): bool {
		$parts = parse_url( $url );
		$scheme = strtolower( $parts['scheme'] ?? '' );
		$host = strtolower( trim( $parts['host'] ?? '', '[]' ) );
		if ( $host === '' || isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
			return false;
		}
		if ( $scheme === 'https' ) {
			return true;
		}
		if ( $scheme !== 'http' ) {
			return false;
		}
		if ( $host === 'localhost' ) {
			return true;
		}
		try {
			return ( new CidrSet( [ '127.0.0.0/8', '::1/128' ] ) )->contains( $host );
		} catch ( NativeException $e ) {
			// A host name: not known to be loopback.
			return false;
		}
	}
}
