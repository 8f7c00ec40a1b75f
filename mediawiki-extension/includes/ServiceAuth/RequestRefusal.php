<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceAuth;

use GuzzleHttp\Psr7\Uri;
use InvalidArgumentException;
use MediaWiki\Extension\TokenAuthenticator\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\MessageText;
use ProxyLookup;
use WebRequest;

/**
 * HTTP-level pieces of failing closed that MediaWiki 1.39 has no hook for:
 * answering a REST request before the router runs, and a Vary header that
 * survives whatever the entry point sends later.
 */
class RequestRefusal {
	private string $restPath;
	private string $realm;
	private ProxyLookup $proxyLookup;

	/**
	 * @param string $restPath $wgRestPath
	 * @param string $realm Realm for WWW-Authenticate ($wgSitename)
	 * @param ProxyLookup $proxyLookup Which peers are trusted proxies ($wgCdnServers)
	 */
	public function __construct( string $restPath, string $realm, ProxyLookup $proxyLookup ) {
		$this->restPath = $restPath;
		$this->realm = $realm;
		$this->proxyLookup = $proxyLookup;
	}

	/**
	 * Whether the client's request came over HTTPS: the server says so
	 * ($_SERVER['HTTPS']), or a trusted proxy ($wgCdnServers) terminated TLS
	 * and says so with X-Forwarded-Proto. WebRequest::getProtocol() believes
	 * that header from anyone, which any client could set.
	 */
	public function isHttps( WebRequest $request ): bool {
		$https = $_SERVER['HTTPS'] ?? '';
		if ( $https !== '' && strtolower( (string)$https ) !== 'off' ) {
			return true;
		}
		$forwarded = $request->getHeader( 'X-Forwarded-Proto' );
		return is_string( $forwarded ) && strtolower( trim( $forwarded ) ) === 'https'
			&& $this->proxyLookup->isTrustedProxy( (string)( $_SERVER['REMOTE_ADDR'] ?? '' ) );
	}

	/**
	 * The path the REST router will route, e.g. /mws/v1/user-token/verify,
	 * still URL-encoded; read the way the router reads it. Null when the
	 * router would not route the request at all (outside $wgRestPath, or a
	 * request target no URI parser reads), which the callers refuse.
	 */
	public function routedRestPath( WebRequest $request ): ?string {
		$target = $request->getRequestURL();
		try {
			$path = ( new Uri( $target ) )->getPath();
		} catch ( InvalidArgumentException $e ) {
			try {
				// The router's own fallback, for paths with ":<digits>" (a title like "A:1").
				$path = ( new Uri( '//HOST:80' . $target ) )->getPath();
			} catch ( InvalidArgumentException $e ) {
				return null;
			}
		}
		$root = (string)( parse_url( $this->restPath, PHP_URL_PATH ) ?? $this->restPath );
		if ( !str_starts_with( $path, $root ) ) {
			return null;
		}
		return substr( $path, strlen( $root ) );
	}

	/**
	 * Adds "Authorization" to the Vary header of this api.php or rest.php
	 * answer (called once, by Registration), merged with the Vary the entry
	 * point set, as the headers go out: ApiMain replaces Vary with
	 * OutputPage's (answers that may be cached) and the REST router's
	 * response headers replace any Vary set before them. PHP keeps one header_register_callback() per request,
	 * and MediaWiki's own (HeaderCallback: X-Request-Id, and Cache-Control:
	 * private on any answer that sets a cookie), registered before the
	 * extensions load, must stay: ours runs it first. A pre-send deferred
	 * update would do the same at about 170,000 instructions, 0.9 % of a
	 * request (BENCHMARKS.md, "Requests without credentials").
	 */
	public static function varyOnAuthorization(): void {
		// Resolved now: autoloading from inside a header callback is not
		// reliable (T261260). MediaWiki 1.40 moved the class; Setup.php has
		// loaded it, so the lookup never autoloads (on 1.39 an autoload miss
		// for the new name costs 25,000 instructions).
		$core = class_exists( 'MediaWiki\\Request\\HeaderCallback', false )
			? 'MediaWiki\\Request\\HeaderCallback'
			: 'MediaWiki\\HeaderCallback';
		header_register_callback( static function () use ( $core ): void {
			$core::callback();
			self::mergeVaryHeader();
		} );
	}

	/**
	 * Sets Vary to the Vary values sent so far plus Authorization.
	 */
	public static function mergeVaryHeader(): void {
		if ( headers_sent() ) {
			return;
		}
		header( self::varyHeader( headers_list() ) );
	}

	/**
	 * The Vary header line for $headers (lines as headers_list() gives them)
	 * with Authorization added once.
	 *
	 * @param string[] $headers
	 * @return string
	 */
	public static function varyHeader( array $headers ): string {
		return 'Vary: ' . self::varyValue( $headers );
	}

	/**
	 * @param string[] $headers
	 * @return string The value of varyHeader()
	 */
	public static function varyValue( array $headers ): string {
		$values = [];
		foreach ( $headers as $line ) {
			if ( stripos( $line, 'Vary:' ) === 0 ) {
				foreach ( explode( ',', substr( $line, 5 ) ) as $v ) {
					$values[strtolower( trim( $v ) )] ??= trim( $v );
				}
			}
		}
		unset( $values[''] );
		$values['authorization'] ??= 'Authorization';
		return implode( ', ', $values );
	}

	/**
	 * The WWW-Authenticate value of a 401: the schemes this wiki accepts.
	 */
	public function challenge(): string {
		$realm = '"' . addcslashes( $this->realm, '"\\' ) . '"';
		return "ApiKey realm=$realm, AppToken realm=$realm";
	}

	/**
	 * Answers a REST request with a JSON error in the shape of the REST API
	 * and ends it. Called from the session provider, before the router
	 * exists: no handler could answer instead.
	 *
	 * @param string $key Message key
	 * @param int $status 401 or 403 (500 for configuration errors, 503 without a database)
	 * @param array $params Message parameters
	 * @return never
	 */
	public function sendRestErrorAndExit( string $key, int $status, array $params = [] ) {
		ErrorAnswer::sendAndExit(
			'rest',
			$status,
			$key,
			// The content language: the user's would need the session being built.
			MessageText::of( MessageText::message( $key, $params )->inContentLanguage() ),
			ErrorAnswer::headers( $status, $this->challenge() ) + [ 'Vary' => 'Authorization' ]
		);
	}
}
