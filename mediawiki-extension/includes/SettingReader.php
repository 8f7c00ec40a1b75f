<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use MediaWiki\Config\ServiceOptions;

/**
 * Settings that several services read, checked one way: a missing or
 * invalid value is a ConfigurationException naming the global.
 */
class SettingReader {
	/**
	 * $mwsgTokenAuthenticatorSalt, which salted envelopes need.
	 *
	 * @param ServiceOptions $options
	 * @return string
	 * @throws ConfigurationException
	 */
	public static function salt( ServiceOptions $options ): string {
		$salt = $options->get( 'TokenAuthenticatorSalt' );
		if ( !is_string( $salt ) || $salt === '' ) {
			throw new ConfigurationException( 'tokenauthenticator-error-no-salt', 'mwsgTokenAuthenticatorSalt' );
		}
		return $salt;
	}

	/**
	 * A lifetime setting: a whole number of seconds above zero.
	 *
	 * @param ServiceOptions $options
	 * @param string $key Config key, e.g. TokenAuthenticatorUserTokenTTL
	 * @return int
	 * @throws ConfigurationException
	 */
	public static function seconds( ServiceOptions $options, string $key ): int {
		$value = $options->get( $key );
		if ( !is_numeric( $value ) || (int)$value < 1 ) {
			throw new ConfigurationException( 'tokenauthenticator-error-bad-ttl', "mwsg$key" );
		}
		return (int)$value;
	}
}
