<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Rest\HttpException;
use MediaWiki\Rest\Response;
use MediaWiki\Rest\Validator\Validator;

/**
 * What every route of the extension shares (used with NoStore).
 *
 * Every answer, errors included, is marked no-store: core's router would
 * build the answer of an error thrown by a handler, or by core's
 * validation before it, without the handler, so those errors are caught
 * here and answered by execute(). Handlers implement answer(). (An
 * error that is no HttpException is a bug: core answers it, with 500.)
 *
 * Minting or exchanging a token is no write to the wiki, so a session capped
 * to "read" (a service key, say) may use them; core's default asks for
 * "writeapi".
 */
trait TokenRoute {
	/** An error of core's validation before execute(), which execute() answers. */
	private ?HttpException $earlyError = null;

	/**
	 * The route's answer (execute() marks it no-store).
	 *
	 * @return Response
	 * @throws HttpException
	 */
	abstract protected function answer(): Response;

	final public function execute(): Response {
		try {
			if ( $this->earlyError ) {
				throw $this->earlyError;
			}
			$response = $this->nativeModuleMissing() ?? $this->answer();
			if ( $this->verifiedKind() !== null && $response->getStatusCode() === 200 ) {
				Services::getMetrics()->verified( $this->verifiedKind() );
			}
		} catch ( HttpException $e ) {
			if ( $this->verifiedKind() !== null ) {
				Services::getMetrics()->refusedWith( $this->verifiedKind(),
					(string)( $e->getErrorData()['errorKey'] ?? '' ), $e->getCode() );
			}
			$response = $this->getResponseFactory()->createFromException( $e );
		}
		return $this->noStore( $response );
	}

	/**
	 * Core's validation (of the body's type: a 415) answered by execute().
	 * (Core's session check cannot refuse these routes: none asks for a CSRF
	 * token, and none takes a validated body that could carry one.)
	 *
	 * @param Validator $restValidator
	 */
	public function validate( Validator $restValidator ) {
		try {
			parent::validate( $restValidator );
		} catch ( HttpException $e ) {
			$this->earlyError = $e;
		}
	}

	/**
	 * The credential kind (Metrics) whose tokens the route verifies, counted
	 * by execute(); null for a route that verifies none.
	 */
	protected function verifiedKind(): ?string {
		return null;
	}

	/** @return bool */
	public function needsWriteAccess(): bool {
		return false;
	}

	/**
	 * Core's read check would answer a private wiki's refusal itself, without
	 * no-store; a route that needs "read" asks in answer().
	 *
	 * @return bool
	 */
	public function needsReadAccess(): bool {
		return false;
	}

	/**
	 * No conditional requests: an If-Match or If-None-Match must not turn an
	 * answer about credentials into core's 304 or 412.
	 *
	 * @return null
	 */
	public function checkPreconditions() {
		return null;
	}

	/**
	 * The 503 answer when the native module is not loaded, else null. Asked
	 * first by execute(): all a route does after it (tokens, hashes, the
	 * strict JSON reader) is native code.
	 *
	 * @return Response|null
	 */
	protected function nativeModuleMissing(): ?Response {
		if ( NativeModule::isLoaded() ) {
			return null;
		}
		NativeModule::logMissing();
		return HttpError::response(
			$this->getResponseFactory(), NativeModule::MESSAGE_KEY, 503, ErrorAnswer::headers( 503 )
		);
	}
}
