<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserGroupManager;
use Status;
use User;

/**
 * update.php's part for service keys: the accounts of configured keys become
 * service accounts (ServiceAccounts), and those of keys with app tokens join
 * $mwsgTokenAuthenticatorAppTokenGroups. Also run by
 * createServiceKey.php --config; never on a web request.
 *
 * A missing account is created. An existing one is taken as a service
 * account only when nothing says a person could use it (no password, no
 * e-mail address, no JWT link, not MediaWiki's system user, not
 * autocreated); otherwise it is left exactly as it is, with a line saying
 * why and what to do. So registering the name of a planned service account
 * gives nobody its key's rights. Keys created on Special:ServiceKeys are a
 * manager's choice: their accounts are only reported, and marked by an
 * administrator alone (markServiceAccount.php).
 */
class ServiceUserSetup {
	private ServiceKeyLookup $lookup;
	private StoredServiceKeys $keyStore;
	private ServiceAccounts $accounts;
	private UserGroupManager $userGroupManager;
	/** @var string[] */
	private array $appTokenGroups;
	/** @var ServiceKey[]|null The live keys created on Special:ServiceKeys, read once */
	private ?array $createdKeys = null;

	/**
	 * @param ServiceKeyLookup $lookup
	 * @param StoredServiceKeys $keyStore
	 * @param ServiceAccounts $accounts
	 * @param UserGroupManager $userGroupManager
	 * @param string[] $appTokenGroups
	 */
	public function __construct(
		ServiceKeyLookup $lookup, StoredServiceKeys $keyStore, ServiceAccounts $accounts,
		UserGroupManager $userGroupManager, array $appTokenGroups
	) {
		$this->lookup = $lookup;
		$this->keyStore = $keyStore;
		$this->accounts = $accounts;
		$this->userGroupManager = $userGroupManager;
		$this->appTokenGroups = $appTokenGroups;
	}

	/**
	 * @param callable $out Receives one line of progress at a time
	 * @return bool False when the configuration is invalid or an account could not be set up
	 */
	public function run( callable $out ): bool {
		try {
			$serviceKeys = $this->lookup->configured();
		} catch ( InvalidSettingException $e ) {
			$out( 'TokenAuthenticator: ' . $e->getMessage() );
			return false;
		}
		// Allowing what the wiki does not have grants less: said, not refused.
		$rights = MediaWikiServices::getInstance()->getPermissionManager()->getAllPermissions();
		foreach ( $serviceKeys as $serviceKey ) {
			foreach ( ServiceKeyRules::problems( $serviceKey, $rights ) as $problem ) {
				$out( "TokenAuthenticator: warning: the service key \"{$serviceKey->id}\" of LocalSettings.php: "
					. ServiceKeyRules::message( $problem )->inLanguage( 'en' )->text() );
			}
		}
		$users = [];
		foreach ( $serviceKeys as $serviceKey ) {
			$users[$serviceKey->user] = ( $users[$serviceKey->user] ?? false ) || $serviceKey->appTokens;
		}
		$ok = true;
		foreach ( $users as $name => $appTokens ) {
			$ok = $this->setUpUser( $name, $appTokens ? $this->appTokenGroups : [], $out ) && $ok;
		}
		// Keys created on the page before service accounts were recorded:
		// said, never marked here.
		foreach ( $this->createdKeys() as $key ) {
			$found = $this->accounts->find( $key->user, DB_PRIMARY );
			if ( $found && !$found[1] ) {
				$out( "TokenAuthenticator: the service key \"{$key->id}\" (Special:ServiceKeys) is refused: it acts "
					. "as \"{$key->user}\", which is not a service account. Edit the key to act as a new account "
					. "(tick \"create this account\"), or, if \"{$key->user}\" is the service's own, check it with "
					. "maintenance/markServiceAccount.php --user \"{$key->user}\" and mark it with --confirm." );
				$ok = false;
			}
		}
		return $ok;
	}

	/**
	 * @param string $name
	 * @param string[] $groups
	 * @param callable $out
	 * @return bool
	 */
	public function setUpUser( string $name, array $groups, callable $out ): bool {
		if ( !User::newFromName( $name ) ) {
			$out( "TokenAuthenticator: \"$name\" is not a valid user name" );
			return false;
		}
		$found = $this->accounts->find( $name, DB_PRIMARY );
		if ( !$found ) {
			$status = $this->accounts->create( $name, ServiceAccounts::ORIGIN_UPDATE,
				User::newSystemUser( User::MAINTENANCE_SCRIPT_USER, [ 'steal' => true ] ) );
			if ( !$status->isOK() ) {
				$out( "TokenAuthenticator: could not create the service account \"$name\": "
					. Status::wrap( $status )->getMessage( false, false, 'en' )->text() );
				return false;
			}
			$user = $status->getValue();
			$out( "TokenAuthenticator: created the service account \"$name\"" );
		} else {
			[ $user, $isServiceAccount ] = $found;
			if ( !$isServiceAccount ) {
				$use = $this->accounts->personalUse( $user );
				if ( $use !== null ) {
					$out( self::refusal( $user->getName(), $use ) );
					return false;
				}
				$this->accounts->mark( $user, ServiceAccounts::ORIGIN_UPDATE );
				$out( "TokenAuthenticator: \"$name\" is now a service account (it has no password, no e-mail "
					. 'address and no JWT link, and was neither autocreated nor a system user)' );
			}
		}
		$missing = array_diff( $groups, $this->userGroupManager->getUserGroups( $user ) );
		$createdKeys = array_keys( array_filter( $this->createdKeys(),
			static fn ( ServiceKey $key ) => $key->user === $user->getName() ) );
		if ( $missing && $createdKeys ) {
			// Their managers were checked against the account's rights as they
			// were: groups added now would hand those keys rights nobody checked.
			$out( "TokenAuthenticator: \"$name\" was not added to " . implode( ', ', $missing ) . ': keys created '
				. 'on Special:ServiceKeys act as it (' . implode( ', ', $createdKeys ) . '). Name another account in '
				. 'LocalSettings.php, or give the groups on Special:UserRights knowing those keys get them too.' );
			return false;
		}
		foreach ( $missing as $group ) {
			$this->userGroupManager->addUserToGroup( $user, $group );
		}
		if ( $missing ) {
			$out( "TokenAuthenticator: added \"$name\" to " . implode( ', ', $missing ) );
		}
		return true;
	}

	/** @return ServiceKey[] */
	private function createdKeys(): array {
		$this->createdKeys ??= $this->keyStore->all();
		return $this->createdKeys;
	}

	/**
	 * What update.php says of an account that a key names and a person
	 * could use: nothing about it was changed, and what to do.
	 */
	public static function refusal( string $name, string $use ): string {
		$why = [
			ServiceAccounts::USE_SYSTEM => 'it is a system user of MediaWiki, which never gets a session',
			ServiceAccounts::USE_JWT => 'it is linked to a JWT sign-in',
			ServiceAccounts::USE_AUTOCREATED => 'it was autocreated by a sign-in (SSO, JWT or another provider)',
			ServiceAccounts::USE_PASSWORD => 'it can log in with a password',
			ServiceAccounts::USE_EMAIL => 'it has an e-mail address, so a password can be reset for it',
			ServiceAccounts::USE_UNLOGGED => 'the wiki does not log account creations ($wgNewUserLog), so whether '
				. 'a sign-in created it cannot be told',
		][$use] ?? $use;
		return "TokenAuthenticator: \"$name\" was left unchanged and its service keys are refused: $why, so it may "
			. 'be a person\'s account, and a service key never acts as one. Name a new account in the key '
			. '(update.php creates it), or, if this account is the service\'s only, check it with '
			. "maintenance/markServiceAccount.php --user \"$name\" and mark it with --confirm.";
	}
}
