<?php

namespace MediaWiki\Extension\TokenAuthenticator\Error;

use ApiUsageException;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\Credential;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceRequest;
use MediaWiki\Extension\TokenAuthenticator\Setup\Registration;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MWExceptionHandler;
use RequestContext;
use Throwable;
use WebRequest;

/**
 * Keeps the extension's answers JSON when an error reaches MediaWiki's
 * top-level exception handling, which would answer with an HTML page.
 *
 * Both entry points call MediaWiki::preOutputCommit() (1.39) or
 * prepareForOutput() (1.43) after their own error answer is built. While the
 * database is down that loads the user again (BlockManager::trackBlockWithCookie)
 * and throws; core's top-level handler then replaces the JSON with its HTML
 * outage page (rest.php) or appends that page to the JSON (api.php).
 *
 * MediaWiki has no hook for the answer of that handler, but it logs the
 * exception first (LogException hook), on 1.39 from the uncaught-exception
 * handler and on 1.43 from the entry point's catch, both through
 * MWExceptionHandler::handleException(). This handler answers there, for
 * requests addressed to this extension only (its REST routes, its API
 * module, its Authorization schemes), and ends the request. Exceptions that
 * are logged and survived (a failed deferred update, say) are left alone.
 */
class UncaughtErrorResponder {
	/** REST routes of this extension, below $wgRestPath. */
	private const REST_PREFIX = '/mws/v1/';
	/** Action API modules of this extension. */
	private const API_MODULES = [ 'session_verification' ];
	/** Lower-case Authorization schemes this extension answers. */
	private const SCHEMES = [ 'apikey', 'apptoken', 'networksession' ];

	/** Set once this request has been answered here. */
	private static bool $answered = false;

	/**
	 * LogException hook (no interface named: kept the same on 1.39 and 1.43
	 * without depending on either's class layout).
	 *
	 * @param Throwable $e
	 * @param bool $suppressed
	 */
	public function onLogException( $e, $suppressed ) {
		$entryPoint = defined( 'MW_ENTRY_POINT' ) ? MW_ENTRY_POINT : '';
		if ( $suppressed || self::$answered || headers_sent()
			|| ( $entryPoint !== 'rest' && $entryPoint !== 'api' )
			|| !self::isTopLevel() || !self::isAddressedToUs( $entryPoint )
		) {
			return;
		}
		self::$answered = true;
		try {
			// Sends the answer and ends the request.
			self::answer( $e, $entryPoint );
		} catch ( Throwable $ignored ) {
			// Nothing of ours may make things worse: core answers as it would.
			return;
		}
	}

	/**
	 * Whether core is handling the exception as the request's end, not
	 * logging one it survived: MWExceptionHandler::handleException() is on
	 * the stack (called by the uncaught-exception handler on 1.39 and by
	 * MediaWikiEntryPoint::handleTopLevelError() on 1.43).
	 */
	private static function isTopLevel(): bool {
		foreach ( debug_backtrace( DEBUG_BACKTRACE_IGNORE_ARGS, 16 ) as $frame ) {
			if ( ( $frame['class'] ?? '' ) === MWExceptionHandler::class && $frame['function'] === 'handleException' ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @param Throwable $e
	 * @param string $entryPoint
	 * @return never
	 */
	private static function answer( Throwable $e, string $entryPoint ) {
		if ( $entryPoint === 'api' && $e instanceof ApiUsageException ) {
			// A deliberate API error (a refused credential thrown from
			// ApiBeforeMain) whose formatting by ApiMain failed: core's
			// "api-usage-docref" text wants the database.
			$message = $e->getMessageObject();
			$code = $e->getCode();
			$status = $code >= 400 && $code < 600 ? $code : 400;
			$key = $message->getApiCode();
			$text = MessageText::of( $message->inContentLanguage() );
		} else {
			$outage = Outage::messageKey( $e );
			if ( $outage ) {
				try {
					Services::getMetrics()->outageOf( $e );
				} catch ( Throwable $metricsError ) {
					// The answer matters more than its count.
				}
			}
			$status = $outage ? 503 : 500;
			$key = $outage ?? 'tokenauthenticator-error-internal';
			$text = self::messageText( $key, WebRequest::getRequestId() );
		}
		// Drop whatever the entry point had buffered (an error answer that
		// is now incomplete, or core's page) and send one JSON document.
		while ( ob_get_level() > 0 ) {
			if ( !@ob_end_clean() ) {
				break;
			}
		}
		// Core has rolled back and logged; what is left of its handling is
		// the HTML page this answer replaces.
		ErrorAnswer::sendAndExit( $entryPoint, $status, $key, $text,
			ErrorAnswer::headers( $status ) + [ 'Vary' => Registration::varyValue( headers_list() ) ] );
	}

	private static function isAddressedToUs( string $entryPoint ): bool {
		try {
			$request = RequestContext::getMain()->getRequest();
			$header = $request->getHeader( 'Authorization' );
			if ( $header !== false && Credential::parse( $header, self::SCHEMES ) !== null ) {
				return true;
			}
			if ( $entryPoint === 'api' ) {
				return in_array( $request->getRawVal( 'action' ), self::API_MODULES, true );
			}
			return str_starts_with( self::restPath( $request ) ?? '', self::REST_PREFIX );
		} catch ( Throwable $ignored ) {
			return false;
		}
	}

	private static function restPath( WebRequest $request ): ?string {
		/** @var ServiceRequest $serviceRequest */
		$serviceRequest = Services::getServiceRequest();
		return $serviceRequest->routedRestPath( $request );
	}

	/**
	 * The message in the content language; a fixed English text when even
	 * the message system fails (it may want the database too).
	 *
	 * @param string $key
	 * @param string $logId
	 * @return string
	 */
	private static function messageText( string $key, string $logId ): string {
		try {
			return MessageText::of( MessageText::message( $key, [ $logId ] )->inContentLanguage() );
		} catch ( Throwable $ignored ) {
			switch ( $key ) {
				case Outage::DATABASE:
					return "The wiki's database is unavailable. Try again later. (Error ID: $logId)";
				case Outage::TOKEN_STORE:
					return "The token store is unavailable. Try again later. (Error ID: $logId)";
				default:
					return "Internal error. (Error ID: $logId)";
			}
		}
	}
}
