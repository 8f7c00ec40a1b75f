<?php

namespace MediaWiki\Extension\TokenAuthenticator\Error;

use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;

/**
 * Every error answer of the extension, built one way: the reason phrases,
 * the cache and retry headers, and the JSON bodies of the REST API
 * ({"message", "errorKey", "httpCode", "httpReason"}, the reference's shape)
 * and of the Action API ({"error": {"code", "info"}}).
 *
 * Handlers answer through MediaWiki (HttpError, ApiUsageException) and take
 * their headers from here. Three answers cannot go through MediaWiki and are
 * sent by sendAndExit(): a refused credential on rest.php before the router
 * exists, the registration guard before MediaWiki's error handling exists,
 * and an error that reached MediaWiki's top-level handler, whose own answer
 * would be an HTML page.
 */
final class ErrorAnswer {
	/** Seconds a client should wait after a 503 (the database is down). */
	public const RETRY_AFTER = 10;

	/** For answers that carry tokens or speak of credentials. */
	public const CACHE_CONTROL = 'no-store, private';

	/** Reason phrases of the statuses the extension answers with. */
	private const REASONS = [
		400 => 'Bad Request', 401 => 'Unauthorized', 403 => 'Forbidden', 404 => 'Not Found',
		429 => 'Too Many Requests', 500 => 'Internal Server Error', 503 => 'Service Unavailable',
	];

	public static function reason( int $status ): string {
		return self::REASONS[$status] ?? 'Error';
	}

	/**
	 * The headers of an error answer besides its content type.
	 *
	 * @param int $status
	 * @param string|null $challenge WWW-Authenticate value, for a 401
	 * @return array<string,string>
	 */
	public static function headers( int $status, ?string $challenge = null ): array {
		$headers = [ 'Cache-Control' => self::CACHE_CONTROL ];
		if ( $status === 401 && $challenge !== null ) {
			$headers['WWW-Authenticate'] = $challenge;
		}
		if ( $status === 503 ) {
			$headers['Retry-After'] = (string)self::RETRY_AFTER;
		}
		return $headers;
	}

	/**
	 * The REST API's error body.
	 *
	 * @param int $status
	 * @param string $key Message key (errorKey)
	 * @param string $text The message's text
	 * @return array
	 */
	public static function restBody( int $status, string $key, string $text ): array {
		return [ 'message' => $text, 'errorKey' => $key, 'httpCode' => $status, 'httpReason' => self::reason( $status ) ];
	}

	/**
	 * Sends one whole error answer itself and ends the request.
	 *
	 * @param string $entryPoint "rest", "api", or anything else (plain text)
	 * @param int $status
	 * @param string $key Message key: errorKey, the API error code
	 * @param string $text The message's text
	 * @param array<string,string> $headers More headers (see headers())
	 * @return never
	 */
	public static function sendAndExit( string $entryPoint, int $status, string $key, string $text, array $headers ) {
		if ( !headers_sent() ) {
			// A full status line: the entry point may have sent one already
			// ("HTTP/1.1 500 ..."), which http_response_code() alone would not replace.
			$protocol = $_SERVER['SERVER_PROTOCOL'] ?? 'HTTP/1.1';
			header( "$protocol $status " . self::reason( $status ), true, $status );
			header_remove( 'Content-Length' );
			header_remove( 'Content-Encoding' );
			foreach ( $headers as $name => $value ) {
				header( "$name: $value" );
			}
			if ( $entryPoint === 'rest' ) {
				header( 'Content-Type: application/json' );
			} elseif ( $entryPoint === 'api' ) {
				header( 'Content-Type: application/json; charset=utf-8' );
				header( 'MediaWiki-API-Error: ' . $key );
			} else {
				header( 'Content-Type: text/plain; charset=utf-8' );
			}
		}
		$flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR;
		if ( $entryPoint === 'rest' ) {
			echo json_encode( self::restBody( $status, $key, $text ), $flags );
		} elseif ( $entryPoint === 'api' ) {
			echo json_encode( [ 'error' => [ 'code' => $key, 'info' => $text ] ], $flags );
		} else {
			echo $text, "\n";
		}
		// Only a request that recorded metrics has the class loaded.
		if ( class_exists( Metrics::class, false ) ) {
			Metrics::flushBeforeExit();
		}
		// The one exit(): each caller's comment says why MediaWiki leaves no
		// other way at its point.
		exit( $status >= 500 ? 1 : 0 );
	}
}
