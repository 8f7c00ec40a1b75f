<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceAuth;

use ApiBase;
use ExtensionRegistry;
use ManualLogEntry;
use Message;
use MessageSpecifier;
use MediaWiki\Permissions\Authority;
use MediaWiki\Permissions\GroupPermissionsLookup;
use MediaWiki\Permissions\PermissionManager;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use MwsTokenAuthenticator\CidrSet;
use MwsTokenAuthenticator\Exception as NativeException;
use SpecialPage;
use StatusValue;

/**
 * Managing service keys, for Special:ServiceKeys and the maintenance
 * scripts alike: the rules a key must satisfy, the no-escalation check, and
 * each change with its Special:Log entry. A secret is minted here, returned
 * once, and stored only as its SHA-256.
 */
class ServiceKeys {
	private PrincipalRegistry $registry;
	private ServiceKeyStore $store;
	private AppTokens $appTokens;
	private ServiceAccounts $accounts;
	private UserFactory $userFactory;
	private PermissionManager $permissions;
	private GroupPermissionsLookup $groupPermissions;

	public function __construct(
		PrincipalRegistry $registry, ServiceKeyStore $store, AppTokens $appTokens, ServiceAccounts $accounts,
		UserFactory $userFactory, PermissionManager $permissions, GroupPermissionsLookup $groupPermissions
	) {
		$this->registry = $registry;
		$this->store = $store;
		$this->appTokens = $appTokens;
		$this->accounts = $accounts;
		$this->userFactory = $userFactory;
		$this->permissions = $permissions;
		$this->groupPermissions = $groupPermissions;
	}

	/**
	 * @return Principal[] The live keys created on the page or by script, by name
	 */
	public function created(): array {
		return $this->store->all();
	}

	/**
	 * Why $name cannot name a new key, as a message specifier; null when it can.
	 *
	 * @param string $name
	 * @return array|null
	 * @throws \MediaWiki\Extension\TokenAuthenticator\ConfigurationException
	 */
	public function nameProblem( string $name ): ?array {
		if ( !preg_match( ServiceKeyStore::NAME_PATTERN, $name ) ) {
			return [ 'tokenauthenticator-keys-error-name' ];
		}
		if ( isset( $this->registry->configured()[$name] ) || $this->store->nameTaken( $name ) ) {
			return [ 'tokenauthenticator-keys-error-name-taken', $name ];
		}
		return null;
	}

	/**
	 * @param string[] $ranges
	 * @return array|null A message specifier naming the first bad range
	 */
	public static function cidrProblem( array $ranges ): ?array {
		if ( !$ranges ) {
			return [ 'tokenauthenticator-keys-error-cidr-empty' ];
		}
		try {
			// The same parser as every request's check.
			new CidrSet( $ranges );
		} catch ( NativeException $e ) {
			return [ 'tokenauthenticator-keys-error-cidr', $e->getMessage() ];
		}
		return null;
	}

	/**
	 * @param string[] $classes
	 * @return array|null
	 */
	public static function apiModuleProblem( array $classes ): ?array {
		foreach ( $classes as $class ) {
			if ( !class_exists( $class ) || !is_subclass_of( $class, ApiBase::class ) ) {
				return [ 'tokenauthenticator-keys-error-api-module', $class ];
			}
		}
		return null;
	}

	/**
	 * A prefix must lead to at least one route of the wiki's REST API.
	 *
	 * @param string[] $prefixes
	 * @return array|null
	 */
	public static function restPathProblem( array $prefixes ): ?array {
		$routes = null;
		foreach ( $prefixes as $prefix ) {
			$want = str_starts_with( $prefix, '/' ) ? AccessPolicy::segments( $prefix ) : null;
			if ( $want ) {
				$routes ??= array_map( static fn ( $path ) => AccessPolicy::segments( $path ) ?? [], self::routePaths() );
				foreach ( $routes as $route ) {
					if ( self::leadsTo( $want, $route ) ) {
						continue 2;
					}
				}
			}
			return [ 'tokenauthenticator-keys-error-rest-path', $prefix ];
		}
		return null;
	}

	/**
	 * @param string[] $rights
	 * @param string[] $known All rights of the wiki
	 * @return array|null
	 */
	public static function rightsProblem( array $rights, array $known ): ?array {
		$unknown = array_diff( $rights, $known );
		return $unknown ? [ 'tokenauthenticator-keys-error-rights', implode( ', ', $unknown ) ] : null;
	}

	/**
	 * Why $name cannot be the account of a key created on the page or by
	 * script, or null. A key acts only as a service account (ServiceAccounts):
	 * one created for a key, or named by an administrator. Any other account
	 * may be a person's, whatever it lacks (JWT and SSO accounts have no
	 * password either), and a manager must not be able to hand out a key
	 * that acts as a person.
	 *
	 * @param string $name
	 * @param bool $create Whether a missing account is to be created
	 * @return array|null Message key and parameters
	 */
	public function serviceUserProblem( string $name, bool $create ): ?array {
		$found = $this->accounts->find( $name, DB_PRIMARY );
		if ( !$found ) {
			// Missing, or no valid name at all.
			return $create && $this->userFactory->newFromName( $name )
				? null
				: [ 'tokenauthenticator-keys-error-no-user', $name ];
		}
		[ $user, $isServiceAccount ] = $found;
		if ( $isServiceAccount ) {
			return null;
		}
		return [ 'tokenauthenticator-keys-error-not-service-account', $user->getName(),
			self::accountReason( $this->accounts->personalUse( $user ) ) ];
	}

	/**
	 * Why an account is no service account, for the page's message.
	 *
	 * @param string|null $use ServiceAccounts::USE_ constant; null: it was simply not created as one
	 * @return Message
	 */
	private static function accountReason( ?string $use ): Message {
		// tokenauthenticator-keys-account-system, -jwt, -autocreated, -password,
		// -email, -unlogged, -not-created
		return wfMessage( 'tokenauthenticator-keys-account-' . ( $use ?? 'not-created' ) );
	}

	/**
	 * The message of a problem specifier of this class: its strings are
	 * plain text (names an admin or a request wrote, never parsed), its
	 * Message parameters messages of their own.
	 *
	 * @param array $problem Message key, then parameters
	 * @return Message
	 */
	public static function message( array $problem ): Message {
		$key = array_shift( $problem );
		return wfMessage( $key )->params( ...array_map(
			static fn ( $p ) => $p instanceof MessageSpecifier ? $p : Message::plaintextParam( (string)$p ),
			$problem
		) );
	}

	/**
	 * The rights a key would give (its user's, as a request gets them, cut
	 * by its cap) that the manager does not hold. A manager may create,
	 * change or rotate only a key whose every right they hold: else the page
	 * would be a way to rights they were never given.
	 *
	 * @param Authority $manager
	 * @param string $userName The key's account; one still to be created
	 *   starts with the rights of the groups "*" and "user"
	 * @param string[]|null $cap
	 * @return string[]
	 */
	public function missingRights( Authority $manager, string $userName, ?array $cap ): array {
		$user = $this->userFactory->newFromName( $userName );
		$rights = $user && $user->isRegistered()
			? $this->permissions->getUserPermissions( $user )
			: $this->groupPermissions->getGroupPermissions( [ '*', 'user' ] );
		if ( $cap !== null ) {
			$rights = array_intersect( $rights, $cap );
		}
		$missing = [];
		foreach ( array_unique( $rights ) as $right ) {
			if ( !$manager->isAllowed( $right ) ) {
				$missing[] = $right;
			}
		}
		sort( $missing );
		return $missing;
	}

	/**
	 * The service account a key is to act as: the existing one of that name
	 * (serviceUserProblem() has checked it), or a new one created as a
	 * service account by $creator (ServiceAccounts::create()).
	 *
	 * @param string $name
	 * @param Authority $creator
	 * @param string $origin ServiceAccounts::ORIGIN_PAGE or ORIGIN_SCRIPT
	 * @return StatusValue Good with the User as value, or why not
	 */
	public function serviceUser( string $name, Authority $creator, string $origin ): StatusValue {
		$found = $this->accounts->find( $name, DB_PRIMARY );
		if ( $found ) {
			return $found[1]
				? StatusValue::newGood( $found[0] )
				: StatusValue::newFatal( self::message( [ 'tokenauthenticator-keys-error-not-service-account',
					$name, self::accountReason( null ) ] ) );
		}
		return $this->accounts->create( $name, $origin, $creator );
	}

	/**
	 * @param UserIdentity $performer
	 * @param string $name
	 * @param UserIdentity $user
	 * @param array $rules See ServiceKeyStore::create()
	 * @return string The secret, to be shown once
	 */
	public function create( UserIdentity $performer, string $name, UserIdentity $user, array $rules ): string {
		$secret = mws_ta_random_token( 32 );
		$this->store->create( $name, $user, mws_ta_sha256( $secret ), $rules );
		$this->log( 'keycreate', $performer, $name, [ '5::user' => $user->getName() ] );
		return $secret;
	}

	public function update( UserIdentity $performer, string $name, UserIdentity $user, array $rules ): bool {
		if ( !$this->store->update( $name, $user, $rules ) ) {
			return false;
		}
		$this->log( 'keyedit', $performer, $name, [ '5::user' => $user->getName() ] );
		return true;
	}

	/**
	 * @param UserIdentity $performer
	 * @param string $name
	 * @param int $previousUntil Until when the secret before stays accepted (unix time)
	 * @return string|null The new secret, null when no live key has that name
	 */
	public function rotate( UserIdentity $performer, string $name, int $previousUntil ): ?string {
		$secret = mws_ta_random_token( 32 );
		if ( !$this->store->rotate( $name, mws_ta_sha256( $secret ), $previousUntil ) ) {
			return null;
		}
		$this->log( 'keyrotate', $performer, $name, [ '5::until' => wfTimestamp( TS_MW, $previousUntil ) ] );
		return $secret;
	}

	/** Refuses the key and its app tokens from now on. */
	public function revoke( UserIdentity $performer, string $name ): bool {
		if ( !$this->store->revoke( $name ) ) {
			return false;
		}
		$this->appTokens->revoke( $name );
		$this->log( 'keyrevoke', $performer, $name, [] );
		return true;
	}

	public function revokeAppToken( UserIdentity $performer, string $name, int $id ): bool {
		if ( $this->appTokens->revoke( $name, $id ) === 0 ) {
			return false;
		}
		$this->log( 'apptokenrevoke', $performer, $name, [] );
		return true;
	}

	private function log( string $action, UserIdentity $performer, string $name, array $params ): void {
		$entry = new ManualLogEntry( 'tokenauth', $action );
		$entry->setPerformer( $performer );
		$entry->setTarget( SpecialPage::getTitleFor( 'ServiceKeys', $name ) );
		$entry->setParameters( [ '4::key' => $name ] + $params );
		$entry->insert();
	}

	/**
	 * Paths of every REST route the wiki has: core's route files (a list of
	 * routes; 1.43's module files map paths under a module id) and those of
	 * extensions.
	 *
	 * @return string[]
	 */
	private static function routePaths(): array {
		global $IP, $wgRestAPIAdditionalRouteFiles;
		$files = array_merge( glob( "$IP/includes/Rest/*.json" ) ?: [],
			array_map( static fn ( $f ) => str_starts_with( $f, '/' ) ? $f : "$IP/$f",
				(array)$wgRestAPIAdditionalRouteFiles ) );
		$paths = [];
		foreach ( $files as $file ) {
			$data = json_decode( (string)file_get_contents( $file ), true );
			if ( isset( $data['paths'] ) && is_array( $data['paths'] ) ) {
				$module = isset( $data['moduleId'] ) ? '/' . trim( (string)$data['moduleId'], '/' ) : '';
				foreach ( array_keys( $data['paths'] ) as $path ) {
					$paths[] = $module . $path;
				}
			} elseif ( is_array( $data ) && array_is_list( $data ) ) {
				foreach ( $data as $route ) {
					if ( isset( $route['path'] ) ) {
						$paths[] = (string)$route['path'];
					}
				}
			}
		}
		foreach ( ExtensionRegistry::getInstance()->getAttribute( 'RestRoutes' ) as $route ) {
			$paths[] = (string)( $route['path'] ?? '' );
		}
		return $paths;
	}

	/** Whether a prefix's segments lead to a route's ("{param}" stands for any one segment). */
	private static function leadsTo( array $want, array $route ): bool {
		if ( count( $want ) > count( $route ) ) {
			return false;
		}
		foreach ( $want as $i => $segment ) {
			if ( $route[$i] !== $segment && !preg_match( '/^\{.*\}$/', $route[$i] ) ) {
				return false;
			}
		}
		return true;
	}
}
