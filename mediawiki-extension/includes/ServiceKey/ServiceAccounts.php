<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use DeferredUpdates;
use ManualLogEntry;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLinkStore;
use MediaWiki\HookContainer\HookContainer;
use MediaWiki\Permissions\Authority;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserRigorOptions;
use SiteStatsUpdate;
use Status;
use StatusValue;
use User;
use Wikimedia\Rdbms\ILoadBalancer;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * Service accounts: the only accounts a service key, configured or created,
 * acts as. An account becomes one when this extension creates it for a key
 * (Special:ServiceKeys, createServiceKey.php, update.php for the users of
 * configured keys), when update.php finds a configured key's existing
 * account to be one nobody could use as a person, or when an administrator
 * names it to maintenance/markServiceAccount.php. Table mws_service_account
 * records which.
 *
 * "Cannot log in with a password" is not enough: accounts made by JWT
 * login, SSO or NetworkSession autocreation have no password and are
 * people's, and MediaWiki's system users have none either.
 */
class ServiceAccounts {
	/**
	 * What User::loadFromRow() needs to count a user as fully loaded: the
	 * fields of User::getQueryInfo() in 1.39, listed here so that this does
	 * not depend on how later releases build user queries. Should a release
	 * want a field more, that costs only the query this saves: the User then
	 * loads itself on first use.
	 */
	private const USER_FIELDS = [
		'user_id', 'user_name', 'user_real_name', 'user_email', 'user_touched', 'user_token',
		'user_email_authenticated', 'user_email_token', 'user_email_token_expires', 'user_registration',
		'user_editcount', 'user_actor.actor_id',
	];

	private const TABLE = 'mws_service_account';

	/** How an account became one (sa_origin). */
	public const ORIGIN_PAGE = 'page';
	public const ORIGIN_SCRIPT = 'script';
	public const ORIGIN_UPDATE = 'update';
	public const ORIGIN_ADMIN = 'admin';

	/** Why an account may be a person's (personalUse()), as message key suffixes. */
	public const USE_SYSTEM = 'system';
	public const USE_JWT = 'jwt';
	public const USE_AUTOCREATED = 'autocreated';
	public const USE_PASSWORD = 'password';
	public const USE_EMAIL = 'email';
	/** Account creations are not logged ($wgNewUserLog): an autocreation cannot be told. */
	public const USE_UNLOGGED = 'unlogged';

	private ILoadBalancer $loadBalancer;
	private UserFactory $userFactory;
	/** @var callable(): AuthManager */
	private $authManagerFactory;
	private ?AuthManager $authManager = null;
	private UserGroupManager $userGroupManager;
	private HookContainer $hookContainer;
	private JwtLinkStore $jwtLinks;
	/** $wgNewUserLog: whether autocreations leave the log entry wasAutocreated() reads. */
	private bool $newUserLog;
	/**
	 * @var array<string,array|null> find()'s answers in this request: an app
	 * token's check and its session ask for the same account.
	 */
	private array $found = [];

	/**
	 * @param ILoadBalancer $loadBalancer
	 * @param UserFactory $userFactory
	 * @param callable(): AuthManager $authManagerFactory Called when first needed: building
	 *   AuthManager would cost every request with a service credential, which only asks find()
	 * @param UserGroupManager $userGroupManager
	 * @param HookContainer $hookContainer
	 * @param JwtLinkStore $jwtLinks
	 * @param bool $newUserLog
	 */
	public function __construct(
		ILoadBalancer $loadBalancer, UserFactory $userFactory, callable $authManagerFactory,
		UserGroupManager $userGroupManager, HookContainer $hookContainer, JwtLinkStore $jwtLinks, bool $newUserLog
	) {
		$this->loadBalancer = $loadBalancer;
		$this->userFactory = $userFactory;
		$this->authManagerFactory = $authManagerFactory;
		$this->userGroupManager = $userGroupManager;
		$this->hookContainer = $hookContainer;
		$this->jwtLinks = $jwtLinks;
		$this->newUserLog = $newUserLog;
	}

	private function authManager(): AuthManager {
		return $this->authManager ??= ( $this->authManagerFactory )();
	}

	/**
	 * The account named $name and whether it is a service account, read in
	 * one statement: the session provider asks this on every request with a
	 * service credential.
	 *
	 * @param string $name
	 * @param int $index DB_REPLICA, or DB_PRIMARY for a decision that writes
	 * @return array{0: User, 1: bool}|null Null when there is no such account
	 */
	public function find( string $name, int $index = DB_REPLICA ): ?array {
		$memo = "$index:$name";
		if ( !array_key_exists( $memo, $this->found ) ) {
			// Stored names are canonical, so a name written as stored finds
			// its account as it is; canonicalising (title parsing) cost more
			// than the statement, on every request with a credential.
			$asStored = strtr( $name, '_', ' ' );
			$found = $this->read( $asStored, $index );
			if ( !$found ) {
				$user = $this->userFactory->newFromName( $name );
				$found = $user && $user->getName() !== $asStored ? $this->read( $user->getName(), $index ) : null;
			}
			$this->found[$memo] = $found;
		}
		return $this->found[$memo];
	}

	/**
	 * The account and, in the same statement, its group memberships, which
	 * UserGroupManager then has: the rights of a session asked for them.
	 *
	 * @param string $name A user name as stored
	 * @param int $index
	 * @return array{0: User, 1: bool}|null
	 */
	private function read( string $name, int $index ): ?array {
		$db = $this->loadBalancer->getConnection( $index );
		$res = $db->select(
			[ 'user', 'user_actor' => 'actor', self::TABLE, 'user_groups' ],
			array_merge( self::USER_FIELDS, [ 'sa_user', 'ug_user', 'ug_group', 'ug_expiry' ] ),
			[ 'user_name' => $name ],
			__METHOD__,
			[],
			[
				'user_actor' => [ 'JOIN', 'user_actor.actor_user = user_id' ],
				self::TABLE => [ 'LEFT JOIN', 'sa_user = user_id' ],
				'user_groups' => [ 'LEFT JOIN', 'ug_user = user_id' ],
			]
		);
		$first = null;
		$groups = [];
		foreach ( $res as $row ) {
			$first ??= $row;
			// As UserGroupManager::getUserGroupMemberships() reads them:
			// expired memberships do not count.
			if ( $row->ug_group !== null && ( $row->ug_expiry === null
				|| ConvertibleTimestamp::convert( TS_MW, $row->ug_expiry ) >= ConvertibleTimestamp::now( TS_MW ) )
			) {
				$groups[$row->ug_group] = $row;
			}
		}
		if ( !$first ) {
			return null;
		}
		// Sorted by name, as core's own read sorts them.
		ksort( $groups );
		return [
			$this->userFactory->newFromRow( $first, [ 'user_groups' => array_values( $groups ) ] ),
			$first->sa_user !== null,
		];
	}

	public function isServiceAccount( UserIdentity $user ): bool {
		return $user->isRegistered() && (bool)$this->loadBalancer->getConnection( DB_PRIMARY )
			->selectField( self::TABLE, '1', [ 'sa_user' => $user->getId() ], __METHOD__ );
	}

	/**
	 * Why $user may be a person's account, one of the USE_ constants, or
	 * null when nothing says so: then update.php may take a configured
	 * key's existing account as a service account without asking.
	 */
	public function personalUse( User $user ): ?string {
		if ( $user->isSystemUser() ) {
			return self::USE_SYSTEM;
		}
		if ( $this->authManager()->userCanAuthenticate( $user->getName() ) ) {
			return self::USE_PASSWORD;
		}
		if ( $user->getEmail() !== '' ) {
			return self::USE_EMAIL;
		}
		if ( $this->jwtLinks->isLinked( $user->getId() ) ) {
			return self::USE_JWT;
		}
		// Also createAndPromote.php's accounts: MediaWiki logs those as autocreated.
		if ( $this->wasAutocreated( $user ) ) {
			return self::USE_AUTOCREATED;
		}
		// Without the log, an SSO account would look like nobody's.
		return $this->newUserLog ? null : self::USE_UNLOGGED;
	}

	/**
	 * Creates $name as a service account, without a password.
	 *
	 * Created on the page, the account passes the checks AuthManager offers
	 * before an account is made for another user: the creator's
	 * (authorizeCreateAccount(): the createaccount right, account-creation
	 * blocks, read-only mode) and the name's (canCreateAccount(): valid,
	 * free, not reserved, and each provider's testUserForCreation()). What
	 * providers test only of a sign-up request (testForAccountCreation():
	 * captchas, the per-address throttle) needs a password or e-mail
	 * request, which a service account has not. A script is the server's
	 * administrator: only the name's checks. update.php creates the accounts
	 * that LocalSettings.php names, when MediaWiki could give the name to
	 * anyone (not reserved). Each creation runs LocalUserCreated and is
	 * logged in Special:Log/newusers, as core's.
	 *
	 * @param string $name
	 * @param string $origin One of the ORIGIN_ constants
	 * @param Authority $creator Who asks: the manager, or the maintenance script user
	 * @return StatusValue Good with the new User as value, or why not
	 */
	public function create( string $name, string $origin, Authority $creator ): StatusValue {
		if ( $origin === self::ORIGIN_PAGE ) {
			$status = $this->authManager()->authorizeCreateAccount( $creator );
			if ( !$status->isGood() ) {
				return $status;
			}
		}
		if ( $origin !== self::ORIGIN_UPDATE ) {
			$status = $this->authManager()->canCreateAccount( $name, [ 'flags' => User::READ_LATEST ] );
			if ( !$status->isGood() ) {
				return $status;
			}
		}
		// Not a reserved name ("Maintenance script", "MediaWiki default", ...):
		// MediaWiki takes those over as system users.
		$user = $this->userFactory->newFromName( $name, UserRigorOptions::RIGOR_USABLE );
		if ( !$user ) {
			return StatusValue::newFatal( 'noname' );
		}
		$status = $user->addToDatabase();
		if ( !$status->isOK() ) {
			return $status;
		}
		$this->mark( $user, $origin );
		$this->hookContainer->run( 'LocalUserCreated', [ $user, false ] );
		$user->saveSettings();
		DeferredUpdates::addUpdate( SiteStatsUpdate::factory( [ 'users' => 1 ] ) );

		$entry = new ManualLogEntry( 'newusers', 'create2' );
		$entry->setPerformer( $creator->getUser() );
		$entry->setTarget( $user->getUserPage() );
		$entry->setParameters( [ '4::userid' => $user->getId() ] );
		$entry->publish( $entry->insert() );
		return Status::newGood( $user );
	}

	/**
	 * Records $user as a service account (once; a second call changes nothing).
	 */
	public function mark( UserIdentity $user, string $origin ): void {
		// find() read it as none, or before it was one.
		$this->found = [];
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$db->insert( self::TABLE, [
			'sa_user' => $user->getId(),
			'sa_origin' => $origin,
			'sa_created' => $db->timestamp(),
		], __METHOD__, [ 'IGNORE' ] );
	}

	/**
	 * What an administrator needs to see before naming an account to
	 * markServiceAccount.php.
	 *
	 * @param User $user
	 * @param bool $isServiceAccount As find() said
	 * @return array<string,string> Label => value, in English (a maintenance script's output)
	 */
	public function describe( User $user, bool $isServiceAccount ): array {
		$groups = $this->userGroupManager->getUserGroups( $user );
		return [
			'Account' => $user->getName() . ' (#' . $user->getId() . ')',
			'Registered' => (string)( $user->getRegistration() ?: 'unknown' ),
			'Groups' => $groups ? implode( ', ', $groups ) : '(none)',
			'Can log in with a password' => $this->authManager()->userCanAuthenticate( $user->getName() ) ? 'yes' : 'no',
			'E-mail address' => $user->getEmail() !== '' ? $user->getEmail() : '(none)',
			'Linked to a JWT subject' => $this->jwtLinks->isLinked( $user->getId() ) ? 'yes' : 'no',
			'Autocreated' => $this->wasAutocreated( $user ) ? 'yes' : 'no',
			'System user' => $user->isSystemUser() ? 'yes' : 'no',
			'Edits' => (string)$user->getEditCount(),
			'Service account' => $isServiceAccount ? 'yes' : 'no',
		];
	}

	/**
	 * Whether MediaWiki autocreated the account (SSO, JWT login, another
	 * session provider), by its Special:Log/newusers entry, whose performer
	 * is the account itself (by actor, which a rename keeps).
	 */
	private function wasAutocreated( User $user ): bool {
		return (bool)$this->loadBalancer->getConnection( DB_PRIMARY )->selectField( 'logging', '1', [
			'log_type' => 'newusers',
			'log_action' => 'autocreate',
			'log_actor' => $user->getActorId(),
		], __METHOD__ );
	}
}
