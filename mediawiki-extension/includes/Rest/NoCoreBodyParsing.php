<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Rest\RequestInterface;

/**
 * Keeps core from parsing the request body before the handler runs.
 *
 * Since MediaWiki 1.42 core parses a JSON body first and answers a body that
 * is not an object (or an empty one, as clients of the mwstake reference
 * send to app-token/generate) with its own error, without the "message" field
 * of this extension's errors. These handlers read their body themselves
 * (JsonBody) or take none, as on 1.39, whose Handler never calls this.
 */
trait NoCoreBodyParsing {
	/**
	 * @param RequestInterface $request
	 * @return array|null
	 */
	public function parseBodyData( RequestInterface $request ): ?array {
		return null;
	}
}
