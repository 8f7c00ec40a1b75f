<?php
/**
 * The floor of the macro benchmark: a REST route that does nothing, so a
 * request to it costs what MediaWiki's REST bootstrap costs (entry point,
 * setup, session, router, JSON response).
 *
 * Registered only in the bench wiki, through $wgRestAPIAdditionalRouteFiles
 * (bench/routes.json) and $wgAutoloadClasses, never by the extension.
 */

use MediaWiki\Rest\SimpleHandler;

class TokenAuthenticatorBenchNoopHandler extends SimpleHandler {
	/**
	 * @return array
	 */
	public function run() {
		return [ 'ok' => true ];
	}

	/**
	 * Like the verify route: no read permission check.
	 *
	 * @return bool
	 */
	public function needsReadAccess() {
		return false;
	}

	/**
	 * @return bool
	 */
	public function needsWriteAccess() {
		return false;
	}
}
