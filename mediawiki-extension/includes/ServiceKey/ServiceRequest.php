<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use GuzzleHttp\Psr7\Uri;
use InvalidArgumentException;
use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Error\MessageText;
use ProxyLookup;
use WebRequest;

/**
 * HTTP-level pieces of failing closed that MediaWiki 1.39 has no hook for:
 * answering a REST request before the router runs (the Vary header that
 * survives whatever the entry point sends later is Registration's).
 */
class ServiceRequest {
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
	 * The WWW-Authenticate value of a 401: the schemes this wiki accepts.
	 */
	public function challenge(): string {
		$realm = '"' . addcslashes( $this->realm, '"\\' ) . '"';
		return "ApiKey realm=$realm, AppToken realm=$realm, Bearer realm=$realm";
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
