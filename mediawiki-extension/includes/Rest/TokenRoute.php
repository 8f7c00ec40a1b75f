<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Extension\TokenAuthenticator\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\NativeModule;
use MediaWiki\Rest\Response;

/**
 * What every route of the extension shares (used with NoStore).
 *
 * Minting or exchanging a token is no write to the wiki, so a session capped
 * to "read" (a service key, say) may use them; core's default asks for
 * "writeapi".
 */
trait TokenRoute {
	/** @return bool */
	public function needsWriteAccess(): bool {
		return false;
	}

	/**
	 * The 503 answer when the native module is not loaded, else null. Asked
	 * first by every execute(): all a route does after it (tokens, hashes,
	 * the strict JSON reader) is native code.
	 *
	 * @return Response|null
	 */
	protected function nativeModuleMissing(): ?Response {
		if ( NativeModule::isLoaded() ) {
			return null;
		}
		NativeModule::logMissing();
		return $this->noStore( HttpError::response(
			$this->getResponseFactory(), NativeModule::MESSAGE_KEY, 503, ErrorAnswer::headers( 503 )
		) );
	}
}
