<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceAuth;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\ConfigurationException;
use MwsTokenAuthenticator\Exception as NativeException;
use Psr\Log\LoggerInterface;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * Every service principal, from both sources, behind one lookup:
 * - configured: the shorthand settings of the mwstake reference
 *   ($mwsgTokenAuthenticatorServiceToken and friends) as one principal, plus
 *   every entry of $mwsgTokenAuthenticatorServiceTokens;
 * - created on Special:ServiceKeys (ServiceKeyStore).
 * Names are unique across both.
 *
 * The whole configuration is validated on first use. Anything invalid makes
 * every service credential fail with a message naming the setting, rather
 * than a principal being skipped and the rest working in a way nobody
 * configured.
 */
class PrincipalRegistry {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorServiceToken',
		'TokenAuthenticatorServiceCIDR',
		'TokenAuthenticatorServiceAllowedAPIModules',
		'TokenAuthenticatorServiceAllowedRestPaths',
		'TokenAuthenticatorServiceUser',
		'TokenAuthenticatorServiceTokens',
	];

	private const LIST_SETTING = 'mwsgTokenAuthenticatorServiceTokens';
	/** Where a principal may connect from when nothing says otherwise. */
	public const LOOPBACK = [ '127.0.0.1/32', '::1/128' ];
	/** Every address: the reference's meaning of an empty or null ServiceCIDR. */
	private const ANY_ADDRESS = [ '0.0.0.0/0', '::/0' ];
	private const KEYS = [ 'name', 'user', 'token', 'tokenHash', 'cidr', 'apiModules', 'restPaths',
		'rights', 'appTokens', 'expires' ];

	private ServiceOptions $options;
	private LoggerInterface $logger;
	/** Null: configured principals only (the unit tests, which have no database). */
	private ?ServiceKeyStore $keys;
	/** @var array<string,Principal|null> Created keys read in this request, by name */
	private array $createdById = [];
	/** @var Principal[]|null */
	private ?array $principals = null;
	private ?ConfigurationException $error = null;
	private static bool $anyAddressLogged = false;

	public function __construct( ServiceOptions $options, LoggerInterface $logger, ?ServiceKeyStore $keys = null ) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->logger = $logger;
		$this->keys = $keys;
	}

	/**
	 * The principals of LocalSettings.php.
	 *
	 * @return Principal[] By id
	 * @throws ConfigurationException
	 */
	public function configured(): array {
		if ( $this->principals === null && $this->error === null ) {
			try {
				$this->principals = $this->load();
			} catch ( ConfigurationException $e ) {
				$this->error = $e;
			}
		}
		if ( $this->error ) {
			throw $this->error;
		}
		return $this->principals;
	}

	/**
	 * The principal that accepts the secret whose SHA-256 is $hash. Every
	 * configured principal is compared, in constant time, whatever matches
	 * first; created keys are found by the hash and confirmed in constant
	 * time too (current secret, or the one before a rotation while it is
	 * accepted).
	 *
	 * @param string $hash Hex SHA-256 of the secret the request sent
	 * @return Principal|null
	 * @throws ConfigurationException
	 * @throws \Wikimedia\Rdbms\DBError
	 */
	public function match( string $hash ): ?Principal {
		$found = null;
		foreach ( $this->configured() as $principal ) {
			if ( mws_ta_equals( $principal->tokenHash, $hash ) ) {
				$found = $principal;
			}
		}
		if ( $found || !$this->keys ) {
			return $found;
		}
		$key = $this->created( $this->keys->findByHash( $hash ) );
		if ( !$key || !$key->accepts( $hash, time() ) ) {
			return null;
		}
		$this->createdById[$key->id] = $key;
		return $key;
	}

	/**
	 * @param string $id
	 * @return Principal|null
	 * @throws ConfigurationException
	 * @throws \Wikimedia\Rdbms\DBError
	 */
	public function get( string $id ): ?Principal {
		$configured = $this->configured()[$id] ?? null;
		if ( $configured || !$this->keys ) {
			return $configured;
		}
		// Asked several times a request (the rights cap, the API hooks, app
		// tokens): one query per key and request.
		if ( !array_key_exists( $id, $this->createdById ) ) {
			$this->createdById[$id] = $this->created( $this->keys->get( $id ) );
		}
		return $this->createdById[$id];
	}

	/**
	 * A created key, unless a principal of LocalSettings.php has taken its
	 * name since: then no credential of that name can be trusted to mean
	 * either, and every use fails naming both.
	 *
	 * @throws ConfigurationException
	 */
	private function created( ?Principal $key ): ?Principal {
		if ( $key && isset( $this->configured()[$key->id] ) ) {
			throw $this->invalid( self::LIST_SETTING, "has a principal named \"{$key->id}\", the name of a key "
				. 'created on Special:ServiceKeys: rename one of them' );
		}
		return $key;
	}

	/**
	 * @return Principal[]
	 * @throws ConfigurationException
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

		$principals = [];
		$byHash = [];
		foreach ( $entries as $where => $entry ) {
			$principal = $this->parse( $where, $entry, is_string( $entry['name'] ?? null ) ? $entry['name'] : null );
			if ( $where === 'mwsgTokenAuthenticatorServiceToken' ) {
				// The reference's meaning, which the recipe of its MCP
				// component relies on: listing the generate route is what lets
				// the key mint app tokens (with every rule they have here).
				// Listed itself, not merely under a broader prefix such as /mws.
				$principal->appTokens = AccessPolicy::lists( $principal->restPaths, AccessPolicy::APP_TOKEN_ROUTE );
			}
			if ( isset( $byHash[$principal->tokenHash] ) ) {
				throw $this->invalid( $where, 'has the same secret as ' . $byHash[$principal->tokenHash]
					. ': one secret must name one principal' );
			}
			if ( isset( $principals[$principal->id] ) ) {
				throw $this->invalid( $where, "has the name \"{$principal->id}\" of another principal" );
			}
			$byHash[$principal->tokenHash] = $where;
			$principals[$principal->id] = $principal;
		}
		return $principals;
	}

	/**
	 * @param string $where The setting, for messages
	 * @param mixed $entry
	 * @param string|null $name
	 * @return Principal
	 * @throws ConfigurationException
	 */
	private function parse( string $where, $entry, ?string $name ): Principal {
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
		$hash = $this->tokenHash( $where, $entry );
		$cidr = $this->stringList( $where, 'cidr', $entry['cidr'] ?? self::LOOPBACK );
		$rights = $entry['rights'] ?? null;
		$appTokens = $entry['appTokens'] ?? false;
		if ( !is_bool( $appTokens ) ) {
			throw $this->invalid( $where, '"appTokens" must be true or false' );
		}
		try {
			return new Principal(
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
			return self::LOOPBACK;
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
	 * @throws ConfigurationException
	 */
	private function tokenHash( string $where, array $entry ): string {
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
		if ( strlen( $token ) < 16 ) {
			throw $this->invalid( $where, 'has a secret shorter than 16 characters' );
		}
		return mws_ta_sha256( $token );
	}

	/**
	 * @param string $where
	 * @param string $key
	 * @param mixed $value
	 * @return string[]
	 * @throws ConfigurationException
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
	 * @throws ConfigurationException
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

	private function invalid( string $where, string $problem ): ConfigurationException {
		return new ConfigurationException( 'tokenauthenticator-error-config', $where, $problem );
	}
}
