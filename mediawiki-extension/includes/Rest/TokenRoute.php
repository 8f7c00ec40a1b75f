<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

/**
 * What the token routes ask of the caller: minting or exchanging a token is
 * no write to the wiki, so a session capped to "read" (a service key, say)
 * may use them; core's default asks for "writeapi".
 */
trait TokenRoute {
	/** @return bool */
	public function needsWriteAccess(): bool {
		return false;
	}
}
