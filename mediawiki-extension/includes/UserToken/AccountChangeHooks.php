<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use MediaWiki\Block\AbstractBlock;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\User\UserIdentity;
use Wikimedia\Rdbms\DBError;

/**
 * Starts a new epoch of an account (TokenStore::changeAccount()) whenever
 * something a credential reads about it changes: a block, a group
 * membership, a rename, its real name or its language. What was kept for the
 * old epoch (AccountSnapshots) is then never read again. Unblocking needs
 * nothing: a refusal is never kept.
 *
 * Some of these hooks run before the change is written: AccountSnapshots
 * keeps nothing read within HOLDOFF seconds of a new epoch.
 *
 * Registered in $wgHooks by Setup\Registration, as static methods: declared
 * in extension.json, the handlers would come out of the extension registry's
 * cache on every request, for about 30,000 instructions (BENCHMARKS.md).
 */
final class AccountChangeHooks {
	/**
	 * @param AbstractBlock $block
	 * @param mixed $performer
	 * @param mixed $priorBlock
	 */
	public static function onBlockIpComplete( $block, $performer, $priorBlock ) {
		self::changed( $block->getTargetUserIdentity() );
	}

	/**
	 * Before any membership is written: Special:UserRights, the API,
	 * autopromotion and scripts all add through UserGroupManager.
	 *
	 * @param UserIdentity $user
	 * @param string &$group
	 * @param string|null &$expiry
	 */
	public static function onUserAddGroup( $user, &$group, &$expiry ) {
		self::changed( $user );
	}

	/**
	 * @param UserIdentity $user
	 * @param string &$group
	 */
	public static function onUserRemoveGroup( $user, &$group ) {
		self::changed( $user );
	}

	/**
	 * The real name (and the rest of the account row) was saved.
	 *
	 * @param UserIdentity $user
	 */
	public static function onUserSaveSettings( $user ) {
		self::changed( $user );
	}

	/**
	 * Before options (the language) are written.
	 *
	 * @param UserIdentity $user
	 * @param array &$modifiedOptions
	 * @param array $originalOptions
	 */
	public static function onSaveUserOptions( $user, &$modifiedOptions, $originalOptions ) {
		self::changed( $user );
	}

	/**
	 * Renameuser on MediaWiki 1.39, core from 1.40.
	 *
	 * @param int $userId
	 * @param string $oldName
	 * @param string $newName
	 */
	public static function onRenameUserComplete( $userId, $oldName, $newName ) {
		self::changedId( (int)$userId );
	}

	private static function changed( ?UserIdentity $user ): void {
		if ( $user && $user->isRegistered() ) {
			self::changedId( $user->getId() );
		}
	}

	private static function changedId( int $userId ): void {
		try {
			Services::getTokenStore()->changeAccount( $userId );
		} catch ( DBError | TokenStoreUnavailableException | InvalidSettingException $e ) {
			// The change itself goes on. What was kept expires within
			// AccountSnapshots::TTL.
			LoggerFactory::getInstance( 'TokenAuthenticator' )->error(
				'A change of account {user} was not recorded for token verification: {error}',
				[ 'user' => $userId, 'error' => $e->getMessage(), 'exception' => $e ]
			);
		}
	}
}
