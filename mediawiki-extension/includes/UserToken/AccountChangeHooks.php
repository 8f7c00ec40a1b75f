<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use MediaWiki\Block\AbstractBlock;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\User\UserIdentity;
use Wikimedia\Rdbms\DBError;

/**
 * Starts a new epoch of an account (TokenStore::changeAccount()) whenever
 * something user-token/verify answers about it changes: a block or unblock,
 * a group membership, a rename, its real name or its language. What was kept
 * for the old epoch (AccountSnapshots) is then never read again.
 *
 * Some of these hooks run before the change is written: AccountSnapshots
 * keeps nothing read within HOLDOFF seconds of a new epoch.
 */
class AccountChangeHooks {
	/** @var callable(): TokenStore */
	private $store;

	/**
	 * @param callable(): TokenStore $store Asked only when an account changes
	 */
	public function __construct( callable $store ) {
		$this->store = $store;
	}

	/**
	 * The extension's services are wired on first use (Setup\Services), not
	 * for every request that runs one of these hooks.
	 */
	public static function factory(): self {
		return new self( static fn () => Services::getTokenStore() );
	}

	/**
	 * @param AbstractBlock $block
	 * @param mixed $performer
	 * @param mixed $priorBlock
	 */
	public function onBlockIpComplete( $block, $performer, $priorBlock ) {
		$this->changed( $block->getTargetUserIdentity() );
	}

	/**
	 * @param AbstractBlock $block
	 * @param mixed $performer
	 */
	public function onUnblockUserComplete( $block, $performer ) {
		$this->changed( $block->getTargetUserIdentity() );
	}

	/**
	 * Before any membership is written (and so before autopromotions too).
	 *
	 * @param UserIdentity $user
	 * @param string &$group
	 * @param string|null &$expiry
	 */
	public function onUserAddGroup( $user, &$group, &$expiry ) {
		$this->changed( $user );
	}

	/**
	 * @param UserIdentity $user
	 * @param string &$group
	 */
	public function onUserRemoveGroup( $user, &$group ) {
		$this->changed( $user );
	}

	/**
	 * After the memberships are written (Special:UserRights, the API).
	 *
	 * @param UserIdentity $user
	 */
	public function onUserGroupsChanged( $user ) {
		$this->changed( $user );
	}

	/**
	 * The real name (and the rest of the account row) was saved.
	 *
	 * @param UserIdentity $user
	 */
	public function onUserSaveSettings( $user ) {
		$this->changed( $user );
	}

	/**
	 * Before options (the language) are written.
	 *
	 * @param UserIdentity $user
	 * @param array &$modifiedOptions
	 * @param array $originalOptions
	 */
	public function onSaveUserOptions( $user, &$modifiedOptions, $originalOptions ) {
		$this->changed( $user );
	}

	/**
	 * Renameuser on MediaWiki 1.39, core from 1.40.
	 *
	 * @param int $userId
	 * @param string $oldName
	 * @param string $newName
	 */
	public function onRenameUserComplete( $userId, $oldName, $newName ) {
		$this->changedId( (int)$userId );
	}

	private function changed( ?UserIdentity $user ): void {
		if ( $user && $user->isRegistered() ) {
			$this->changedId( $user->getId() );
		}
	}

	private function changedId( int $userId ): void {
		try {
			( $this->store )()->changeAccount( $userId );
		} catch ( DBError | TokenStoreUnavailableException | InvalidSettingException $e ) {
			// The change itself goes on. Verifies read the account again at
			// the latest when what they kept expires (AccountSnapshots::TTL).
			LoggerFactory::getInstance( 'TokenAuthenticator' )->error(
				'A change of account {user} was not recorded for token verification: {error}',
				[ 'user' => $userId, 'error' => $e->getMessage(), 'exception' => $e ]
			);
		}
	}
}
