<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MwsTokenAuthenticator\Exception as NativeException;
use Psr\Log\LoggerInterface;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * The service keys of LocalSettings.php: the shorthand settings of the
 * mwstake reference ($mwsgTokenAuthenticatorServiceToken and friends) as one
 * key, plus every entry of $mwsgTokenAuthenticatorServiceTokens. (The
 * settings keep the reference's words "service token" and "principal"; both
 * mean a service key.)
 *
 * The whole configuration is validated on first use. Anything invalid makes
 * every service credential fail with a message naming the setting, rather
 * than a key being skipped and the rest working in a way nobody configured.
 * What a key refers to (API modules, REST paths, rights) is checked by
 * ServiceKeyRules, the same rules as for created keys.
 */
class ConfiguredServiceKeys {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorServiceToken',
		'TokenAuthenticatorServiceCIDR',
		'TokenAuthenticatorServiceAllowedAPIModules',
		'TokenAuthenticatorServiceAllowedRestPaths',
		'TokenAuthenticatorServiceUser',
		'TokenAuthenticatorServiceTokens',
	];

	private const LIST_SETTING = 'mwsgTokenAuthenticatorServiceTokens';
	/** Every address: the reference's meaning of an empty or null ServiceCIDR. */
	private const ANY_ADDRESS = [ '0.0.0.0/0', '::/0' ];
	private const KEYS = [ 'name', 'user', 'token', 'tokenHash', 'cidr', 'apiModules', 'restPaths',
		'rights', 'appTokens', 'expires' ];

	private ServiceOptions $options;
	private LoggerInterface $logger;
	/** @var ServiceKey[]|null */
	private ?array $serviceKeys = null;
	private ?InvalidSettingException $error = null;
	private static bool $anyAddressLogged = false;

	public function __construct( ServiceOptions $options, LoggerInterface $logger ) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->logger = $logger;
	}

	/**
	 * @return ServiceKey[] By name
	 * @throws InvalidSettingException
	 */
	public function all(): array {
		if ( $this->serviceKeys === null && $this->error === null ) {
			try {
				$this->serviceKeys = $this->load();
			} catch ( InvalidSettingException $e ) {
				$this->error = $e;
			}
		}
		if ( $this->error ) {
			throw $this->error;
		}
		return $this->serviceKeys;
	}

	/**
	 * @return ServiceKey[]
	 * @throws InvalidSettingException
	 */
	private function load(): array {
		$entries = [];
		$shorthand = $this->options->get( 'TokenAuthenticatorServiceToken' );
		if ( $shorthand !== null && $shorthand !== false && $shorthand !== '' ) {
			$entries['mwsgTokenAuthenticatorServiceToken'] = [
				'user' => $this->options->get( 'TokenAuthenticatorServiceUser' ),
				'token' => $shorthand,
				'cidr' => $this->shorthandCidr(),
				'apiModules' => $this->options->get( 'TokenAuthenticatorServiceAllowedAPIModules' ),
				'restPaths' => $this->options->get( 'TokenAuthenticatorServiceAllowedRestPaths' ),
			];
		}
		$list = $this->options->get( 'TokenAuthenticatorServiceTokens' );
		if ( !is_array( $list ) ) {
			throw $this->invalid( self::LIST_SETTING, 'must be a list of principals' );
		}
		foreach ( $list as $key => $entry ) {
			$entries[self::LIST_SETTING . "[$key]"] = $entry;
		}

		$serviceKeys = [];
		$byHash = [];
		foreach ( $entries as $where => $entry ) {
			$serviceKey = $this->parse( $where, $entry, is_string( $entry['name'] ?? null ) ? $entry['name'] : null );
			if ( $where === 'mwsgTokenAuthenticatorServiceToken' ) {
				// The reference's meaning, which the recipe of its MCP
				// component relies on: listing the generate route is what lets
				// the key mint app tokens (with every rule they have here).
				// Listed itself, not merely under a broader prefix such as /mws.
				$serviceKey->appTokens = AccessPolicy::lists( $serviceKey->restPaths, AccessPolicy::APP_TOKEN_ROUTE );
			}
			if ( isset( $byHash[$serviceKey->secretHash] ) ) {
				throw $this->invalid( $where, 'has the same secret as ' . $byHash[$serviceKey->secretHash]
					. ': one secret must name one principal' );
			}
			if ( isset( $serviceKeys[$serviceKey->id] ) ) {
				throw $this->invalid( $where, "has the name \"{$serviceKey->id}\" of another principal" );
			}
			$byHash[$serviceKey->secretHash] = $where;
			$serviceKeys[$serviceKey->id] = $serviceKey;
		}
		return $serviceKeys;
	}

	/**
	 * @param string $where The setting, for messages
	 * @param mixed $entry
	 * @param string|null $name
	 * @return ServiceKey
	 * @throws InvalidSettingException
	 */
	private function parse( string $where, $entry, ?string $name ): ServiceKey {
		if ( !is_array( $entry ) ) {
			throw $this->invalid( $where, 'must be an array with "user" and "tokenHash" (or "token")' );
		}
		$unknown = array_diff( array_keys( $entry ), self::KEYS );
		if ( $unknown ) {
			throw $this->invalid( $where, 'has unknown keys: ' . implode( ', ', $unknown ) );
		}
		$user = $entry['user'] ?? null;
		if ( !is_string( $user ) || trim( $user ) === '' ) {
			throw $this->invalid( $where, 'has no "user"' );
		}
		$hash = $this->secretHash( $where, $entry );
		$cidr = $this->stringList( $where, 'cidr', $entry['cidr'] ?? ServiceKeyRules::LOOPBACK );
		$rights = $entry['rights'] ?? null;
		$appTokens = $entry['appTokens'] ?? false;
		if ( !is_bool( $appTokens ) ) {
			throw $this->invalid( $where, '"appTokens" must be true or false' );
		}
		try {
			return new ServiceKey(
				$name ?? ( $user . '/' . substr( $hash, 0, 8 ) ),
				$user,
				$hash,
				$cidr,
				$this->stringList( $where, 'apiModules', $entry['apiModules'] ?? [] ),
				$this->stringList( $where, 'restPaths', $entry['restPaths'] ?? [] ),
				$rights === null ? null : $this->stringList( $where, 'rights', $rights ),
				$appTokens,
				$this->expiry( $where, $entry['expires'] ?? null )
			);
		} catch ( NativeException $e ) {
			throw $this->invalid( $where, '"cidr": ' . $e->getMessage() );
		}
	}

	/**
	 * $mwsgTokenAuthenticatorServiceCIDR as the reference reads it: '' or
	 * null set by the admin means any address; extension.json's default,
	 * false, means unset: loopback. A list is used exactly as given (a list
	 * default would be merged into the admin's list by MediaWiki).
	 *
	 * @return mixed
	 */
	private function shorthandCidr() {
		$cidr = $this->options->get( 'TokenAuthenticatorServiceCIDR' );
		if ( $cidr === false ) {
			return ServiceKeyRules::LOOPBACK;
		}
		if ( $cidr === null || $cidr === '' ) {
			if ( !self::$anyAddressLogged ) {
				self::$anyAddressLogged = true;
				$this->logger->warning( 'TokenAuthenticator: $mwsgTokenAuthenticatorServiceCIDR is empty, so the '
					. 'service token ($mwsgTokenAuthenticatorServiceToken) is accepted from any address; '
					. 'set the ranges it is used from' );
			}
			return self::ANY_ADDRESS;
		}
		return $cidr;
	}

	/**
	 * @param string $where
	 * @param array $entry
	 * @return string
	 * @throws InvalidSettingException
	 */
	private function secretHash( string $where, array $entry ): string {
		if ( isset( $entry['tokenHash'] ) && isset( $entry['token'] ) ) {
			throw $this->invalid( $where, 'has both "token" and "tokenHash": give one' );
		}
		if ( isset( $entry['tokenHash'] ) ) {
			$hash = $entry['tokenHash'];
			if ( !is_string( $hash ) || !preg_match( '/^[0-9a-fA-F]{64}$/', $hash ) ) {
				throw $this->invalid( $where, '"tokenHash" must be 64 hex characters (the SHA-256 of the secret)' );
			}
			return strtolower( $hash );
		}
		$token = $entry['token'] ?? null;
		if ( !is_string( $token ) || trim( $token ) === '' ) {
			throw $this->invalid( $where, 'has no "tokenHash" or "token"' );
		}
		if ( !ServiceKeyRules::isStrongSecret( $token ) ) {
			throw $this->invalid( $where,
				'has a secret shorter than ' . ServiceKeyRules::MIN_SECRET_LENGTH . ' characters' );
		}
		return mws_ta_sha256( $token );
	}

	/**
	 * @param string $where
	 * @param string $key
	 * @param mixed $value
	 * @return string[]
	 * @throws InvalidSettingException
	 */
	private function stringList( string $where, string $key, $value ): array {
		if ( is_string( $value ) ) {
			$value = [ $value ];
		}
		if ( !is_array( $value ) ) {
			throw $this->invalid( $where, "\"$key\" must be a string or a list of strings" );
		}
		foreach ( $value as $item ) {
			if ( !is_string( $item ) || $item === '' ) {
				throw $this->invalid( $where, "\"$key\" must be a list of non-empty strings" );
			}
		}
		return array_values( $value );
	}

	/**
	 * @param string $where
	 * @param mixed $value
	 * @return int|null
	 * @throws InvalidSettingException
	 */
	private function expiry( string $where, $value ): ?int {
		if ( $value === null ) {
			return null;
		}
		$unix = ConvertibleTimestamp::convert( TS_UNIX, $value );
		if ( $unix === false ) {
			throw $this->invalid( $where, '"expires" is not a timestamp' );
		}
		return (int)$unix;
	}

	private function invalid( string $where, string $problem ): InvalidSettingException {
		return new InvalidSettingException( 'tokenauthenticator-error-config', $where, $problem );
	}
}
