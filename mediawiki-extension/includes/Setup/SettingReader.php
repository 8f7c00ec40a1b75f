<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;

/**
 * Settings that several services read, checked one way: a missing or
 * invalid value is a InvalidSettingException naming the global.
 */
class SettingReader {
	/**
	 * $mwsgTokenAuthenticatorSalt, which salted envelopes need.
	 *
	 * @param ServiceOptions $options
	 * @return string
	 * @throws InvalidSettingException
	 */
	public static function salt( ServiceOptions $options ): string {
		$salt = $options->get( 'TokenAuthenticatorSalt' );
		if ( !is_string( $salt ) || $salt === '' ) {
			throw new InvalidSettingException( 'tokenauthenticator-error-no-salt', 'mwsgTokenAuthenticatorSalt' );
		}
		return $salt;
	}

	/**
	 * A lifetime setting: a whole number of seconds above zero.
	 *
	 * @param ServiceOptions $options
	 * @param string $key Config key, e.g. TokenAuthenticatorUserTokenTTL
	 * @return int
	 * @throws InvalidSettingException
	 */
	public static function seconds( ServiceOptions $options, string $key ): int {
		$value = $options->get( $key );
		if ( !is_numeric( $value ) || (int)$value < 1 ) {
			throw new InvalidSettingException( 'tokenauthenticator-error-bad-ttl', "mwsg$key" );
		}
		return (int)$value;
	}
}
