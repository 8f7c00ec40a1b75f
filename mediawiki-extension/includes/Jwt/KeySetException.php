<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use RuntimeException;

/**
 * No usable key set: the provider cannot be reached, or what it or the
 * setting gives is refused. The message, for the log, says why; the user
 * gets the outage answer naming the setting.
 */
class KeySetException extends RuntimeException {
}
