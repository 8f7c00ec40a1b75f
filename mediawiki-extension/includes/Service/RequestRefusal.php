<?php

namespace MediaWiki\Extension\TokenAuthenticator\Service;

use MediaWiki\Extension\TokenAuthenticator\MessageText;
use WebRequest;

/**
 * HTTP-level pieces of failing closed that MediaWiki 1.39 has no hook for:
 * answering a REST request before the router runs, and a Vary header that
 * survives whatever the entry point sends later.
 */
class RequestRefusal {
	/** Seconds a client should wait after a 503 (the database is down). */
	public const RETRY_AFTER = 10;

	private string $restPath;
	private string $realm;

	/**
	 * @param string $restPath $wgRestPath
	 * @param string $realm Realm for WWW-Authenticate ($wgSitename)
	 */
	public function __construct( string $restPath, string $realm ) {
		$this->restPath = $restPath;
		$this->realm = $realm;
	}

	/**
	 * The path the REST router will route, e.g. /mws/v1/user-token/verify,
	 * still URL-encoded.
	 */
	public function routedRestPath( WebRequest $request ): string {
		$path = (string)parse_url( $request->getRequestURL(), PHP_URL_PATH );
		$root = (string)( parse_url( $this->restPath, PHP_URL_PATH ) ?? $this->restPath );
		if ( $root !== '' && str_starts_with( $path, $root ) ) {
			$path = substr( $path, strlen( $root ) );
		}
		return $path;
	}

	/**
	 * Adds "Authorization" to the Vary header just before headers go out,
	 * merged with any Vary the entry point set.
	 */
	public static function varyOnAuthorization(): void {
		header_register_callback( static function () {
			$values = [];
			foreach ( headers_list() as $line ) {
				if ( stripos( $line, 'Vary:' ) === 0 ) {
					foreach ( explode( ',', substr( $line, 5 ) ) as $v ) {
						$values[strtolower( trim( $v ) )] = trim( $v );
					}
				}
			}
			unset( $values[''] );
			if ( !isset( $values['authorization'] ) ) {
				$values['authorization'] = 'Authorization';
				header( 'Vary: ' . implode( ', ', $values ) );
			}
		} );
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
	 * and ends it. Called before the router exists, so no handler runs.
	 *
	 * @param string $key Message key
	 * @param int $status 401 or 403 (500 for configuration errors)
	 * @param array $params Message parameters
	 * @return never
	 */
	public function sendRestErrorAndExit( string $key, int $status, array $params = [] ) {
		$reasons = [ 401 => 'Unauthorized', 403 => 'Forbidden', 500 => 'Internal Server Error',
			503 => 'Service Unavailable' ];
		if ( !headers_sent() ) {
			http_response_code( $status );
			header( 'Content-Type: application/json' );
			header( 'Cache-Control: no-store, private' );
			if ( $status === 401 ) {
				header( 'WWW-Authenticate: ' . $this->challenge() );
			}
			if ( $status === 503 ) {
				header( 'Retry-After: ' . self::RETRY_AFTER );
			}
		}
		echo json_encode( [
			// The content language: the user's would need the session being built.
			'message' => MessageText::of( wfMessage( $key, ...$params )->inContentLanguage() ),
			'errorKey' => $key,
			'httpCode' => $status,
			'httpReason' => $reasons[$status] ?? '',
		], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
		exit( 0 );
	}
}
