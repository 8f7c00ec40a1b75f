<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use ManualLogEntry;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Permissions\Authority;
use MediaWiki\Permissions\GroupPermissionsLookup;
use MediaWiki\Permissions\PermissionManager;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use Message;
use SpecialPage;
use StatusValue;

/**
 * Managing created service keys, for Special:ServiceKeys and the
 * maintenance scripts alike: names and accounts, the no-escalation check,
 * and each change with its Special:Log entry (what a key may allow is
 * ServiceKeyRules'). A secret is minted here, returned once, and stored
 * only as its SHA-256.
 */
class ServiceKeyManager {
	/**
	 * What begins every secret created here: secret scanners recognise it,
	 * and its checksum catches typos. Secrets made before, and configured
	 * ones, keep working in any form.
	 */
	public const PREFIX = 'mwsk_';

	private ServiceKeyLookup $lookup;
	private StoredServiceKeys $store;
	private AppTokens $appTokens;
	private ServiceAccounts $accounts;
	private UserFactory $userFactory;
	private PermissionManager $permissions;
	private GroupPermissionsLookup $groupPermissions;
	private Metrics $metrics;

	public function __construct(
		ServiceKeyLookup $lookup, StoredServiceKeys $store, AppTokens $appTokens, ServiceAccounts $accounts,
		UserFactory $userFactory, PermissionManager $permissions, GroupPermissionsLookup $groupPermissions,
		Metrics $metrics
	) {
		$this->lookup = $lookup;
		$this->store = $store;
		$this->appTokens = $appTokens;
		$this->accounts = $accounts;
		$this->userFactory = $userFactory;
		$this->permissions = $permissions;
		$this->groupPermissions = $groupPermissions;
		$this->metrics = $metrics;
	}

	/**
	 * @return ServiceKey[] The live keys created on the page or by script, by name
	 */
	public function created(): array {
		return $this->store->all();
	}

	/**
	 * Why $name cannot name a new key, as a message specifier; null when it can.
	 *
	 * @param string $name
	 * @return array|null
	 * @throws \MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException
	 */
	public function nameProblem( string $name ): ?array {
		if ( !preg_match( StoredServiceKeys::NAME_PATTERN, $name ) ) {
			return [ 'tokenauthenticator-keys-error-name' ];
		}
		if ( isset( $this->lookup->configured()[$name] ) || $this->store->nameTaken( $name ) ) {
			return [ 'tokenauthenticator-keys-error-name-taken', $name ];
		}
		return null;
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
				: StatusValue::newFatal( ServiceKeyRules::message( [ 'tokenauthenticator-keys-error-not-service-account',
					$name, self::accountReason( null ) ] ) );
		}
		return $this->accounts->create( $name, $origin, $creator );
	}

	/**
	 * @param UserIdentity $performer
	 * @param string $name
	 * @param UserIdentity $user
	 * @param array $rules See StoredServiceKeys::create()
	 * @return string The secret, to be shown once
	 */
	public function create( UserIdentity $performer, string $name, UserIdentity $user, array $rules ): string {
		$secret = mws_ta_key_mint( self::PREFIX );
		$this->store->create( $name, $user, mws_ta_sha256( $secret ), $rules );
		$this->log( 'keycreate', $performer, $name, [ '5::user' => $user->getName() ] );
		$this->metrics->minted( Metrics::SERVICE_KEY );
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
		$secret = mws_ta_key_mint( self::PREFIX );
		if ( !$this->store->rotate( $name, mws_ta_sha256( $secret ), $previousUntil ) ) {
			return null;
		}
		$this->log( 'keyrotate', $performer, $name, [ '5::until' => wfTimestamp( TS_MW, $previousUntil ) ] );
		$this->metrics->minted( Metrics::SERVICE_KEY );
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
}
