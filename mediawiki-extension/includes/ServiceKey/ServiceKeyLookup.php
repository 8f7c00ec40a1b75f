<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;

/**
 * Every service key, from both sources, behind one lookup, as OAuth's
 * consumer repositories are: the keys of LocalSettings.php
 * (ConfiguredServiceKeys) and those created on Special:ServiceKeys or by
 * maintenance/createServiceKey.php (StoredServiceKeys). Names are unique
 * across both.
 */
class ServiceKeyLookup {
	private const LIST_SETTING = 'mwsgTokenAuthenticatorServiceTokens';

	private ConfiguredServiceKeys $configured;
	/** @var (callable(): StoredServiceKeys)|null Null: configured keys only (the unit tests, which have no database) */
	private $keysFactory;
	private ?StoredServiceKeys $keys = null;
	/** @var array<string,ServiceKey|null> Created keys read in this request, by name */
	private array $createdById = [];

	/**
	 * @param ConfiguredServiceKeys $configured
	 * @param (callable(): StoredServiceKeys)|null $keysFactory Called when a created key is
	 *   looked for: a request with a configured key needs no registry
	 */
	public function __construct( ConfiguredServiceKeys $configured, ?callable $keysFactory = null ) {
		$this->configured = $configured;
		$this->keysFactory = $keysFactory;
	}

	private function keys(): StoredServiceKeys {
		return $this->keys ??= ( $this->keysFactory )();
	}

	/**
	 * The keys of LocalSettings.php.
	 *
	 * @return ServiceKey[] By name
	 * @throws InvalidSettingException
	 */
	public function configured(): array {
		return $this->configured->all();
	}

	/**
	 * The service key that accepts the secret whose SHA-256 is $hash. Every
	 * configured key is compared, in constant time, whatever matches
	 * first; created keys are found by the hash and confirmed in constant
	 * time too (current secret, or the one before a rotation while it is
	 * accepted).
	 *
	 * @param string $hash Hex SHA-256 of the secret the request sent
	 * @return ServiceKey|null
	 * @throws InvalidSettingException
	 * @throws \Wikimedia\Rdbms\DBError
	 */
	public function match( string $hash ): ?ServiceKey {
		$found = null;
		foreach ( $this->configured() as $serviceKey ) {
			if ( mws_ta_equals( $serviceKey->secretHash, $hash ) ) {
				$found = $serviceKey;
			}
		}
		if ( $found || !$this->keysFactory ) {
			return $found;
		}
		$key = $this->created( $this->keys()->findByHash( $hash ) );
		if ( !$key || !$key->accepts( $hash, time() ) ) {
			return null;
		}
		$this->createdById[$key->id] = $key;
		return $key;
	}

	/**
	 * @param string $id
	 * @return ServiceKey|null
	 * @throws InvalidSettingException
	 * @throws \Wikimedia\Rdbms\DBError
	 */
	public function get( string $id ): ?ServiceKey {
		$configured = $this->configured()[$id] ?? null;
		if ( $configured || !$this->keysFactory ) {
			return $configured;
		}
		// Asked several times a request (the rights cap, the API hooks, app
		// tokens): one query per key and request.
		if ( !array_key_exists( $id, $this->createdById ) ) {
			$this->createdById[$id] = $this->created( $this->keys()->get( $id ) );
		}
		return $this->createdById[$id];
	}

	/**
	 * A created key, unless a key of LocalSettings.php has taken its
	 * name since: then no credential of that name can be trusted to mean
	 * either, and every use fails naming both.
	 *
	 * @throws InvalidSettingException
	 */
	private function created( ?ServiceKey $key ): ?ServiceKey {
		if ( $key && isset( $this->configured()[$key->id] ) ) {
			throw new InvalidSettingException( 'tokenauthenticator-error-config', self::LIST_SETTING,
				"has a principal named \"{$key->id}\", the name of a key created on Special:ServiceKeys: "
				. 'rename one of them' );
		}
		return $key;
	}
}
