<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceAuth;

use MediaWiki\Extension\TokenAuthenticator\ConfigurationException;
use MediaWiki\User\UserGroupManager;
use User;

/**
 * Creates the users that service principals act as, and puts the users of
 * app-token principals in $mwsgTokenAuthenticatorAppTokenGroups. Runs from
 * update.php and the createServicePrincipal maintenance script; never on a
 * web request.
 */
class ServiceUserSetup {
	private PrincipalRegistry $registry;
	private UserGroupManager $userGroupManager;
	/** @var string[] */
	private array $appTokenGroups;

	/**
	 * @param PrincipalRegistry $registry
	 * @param UserGroupManager $userGroupManager
	 * @param string[] $appTokenGroups
	 */
	public function __construct(
		PrincipalRegistry $registry, UserGroupManager $userGroupManager, array $appTokenGroups
	) {
		$this->registry = $registry;
		$this->userGroupManager = $userGroupManager;
		$this->appTokenGroups = $appTokenGroups;
	}

	/**
	 * @param callable $out Receives one line of progress at a time
	 * @return bool False when the configuration is invalid or a user could not be set up
	 */
	public function run( callable $out ): bool {
		try {
			$principals = $this->registry->configured();
		} catch ( ConfigurationException $e ) {
			$out( 'TokenAuthenticator: ' . $e->getMessage() );
			return false;
		}
		$appTokenUsers = [];
		foreach ( $principals as $principal ) {
			$appTokenUsers[$principal->user] = ( $appTokenUsers[$principal->user] ?? false ) || $principal->appTokens;
		}
		$ok = true;
		foreach ( $appTokenUsers as $name => $appTokens ) {
			$ok = $this->setUpUser( $name, $appTokens ? $this->appTokenGroups : [], $out ) && $ok;
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
		$user = User::newFromName( $name );
		if ( !$user ) {
			$out( "TokenAuthenticator: \"$name\" is not a valid user name" );
			return false;
		}
		if ( !$user->isRegistered() ) {
			// No password: it cannot log in interactively. (Not a system user:
			// MediaWiki gives those no sessions at all.)
			$user = User::createNew( $name );
			if ( !$user ) {
				$out( "TokenAuthenticator: could not create the service user \"$name\"" );
				return false;
			}
			$out( "TokenAuthenticator: created the service user \"$name\"" );
		}
		$missing = array_diff( $groups, $this->userGroupManager->getUserGroups( $user ) );
		foreach ( $missing as $group ) {
			$this->userGroupManager->addUserToGroup( $user, $group );
		}
		if ( $missing ) {
			$out( "TokenAuthenticator: added \"$name\" to " . implode( ', ', $missing ) );
		}
		return true;
	}
}
