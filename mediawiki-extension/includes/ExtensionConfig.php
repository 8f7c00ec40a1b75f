<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use Config;
use GlobalVarConfig;

/**
 * The extension's settings are the globals $mwsgTokenAuthenticator…, the
 * names of the mwstake reference ("config_prefix": "mwsg" in extension.json).
 * Core's main config only reads $wg… globals, hence a config of its own.
 */
class ExtensionConfig {
	public static function newInstance(): Config {
		return new GlobalVarConfig( 'mwsg' );
	}
}
