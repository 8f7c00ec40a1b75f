<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use Config;
use ConfigException;

/**
 * The extension's settings: the globals $mwsgTokenAuthenticator…, with the
 * defaults of Settings::DEFAULTS, read when a request needs one. An admin's
 * value replaces the default, also for arrays (extension.json's merge would
 * have added the default's entries).
 */
class ExtensionConfig implements Config {
	private const PREFIX = 'mwsg';

	/** @var array<string,array{value:mixed,description:string}> */
	private array $settings;
	/** @var array|null A copy of $GLOBALS, taken when a null must be told from unset */
	private ?array $globals = null;

	/**
	 * @param array<string,array{value:mixed,description:string}> $settings
	 */
	public function __construct( array $settings ) {
		$this->settings = $settings;
	}

	public static function newInstance(): Config {
		return new self( Settings::DEFAULTS );
	}

	/** @inheritDoc */
	public function get( $name ) {
		if ( !isset( $this->settings[$name] ) ) {
			throw new ConfigException( __METHOD__ . ": undefined option: '$name'" );
		}
		$global = self::PREFIX . $name;
		if ( isset( $GLOBALS[$global] ) ) {
			return $GLOBALS[$global];
		}
		$default = $this->settings[$name]['value'];
		if ( $default === null ) {
			return null;
		}
		// Unset, or set to null on purpose (which some settings give a
		// meaning of its own): only array_key_exists() tells, on a copy.
		$this->globals ??= $GLOBALS;
		return array_key_exists( $global, $this->globals ) ? null : $default;
	}

	/** @inheritDoc */
	public function has( $name ) {
		return isset( $this->settings[$name] );
	}
}
