<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserIdentity;

/**
 * The one rule for "this account may not be vouched for": it is locked, or
 * it has a sitewide block. Tokens are neither minted for such an account nor
 * accepted for it (including tokens minted before the block), as OAuth and
 * bot passwords do. Partial blocks limit what an account may edit, not who
 * it is, so they do not count.
 *
 * Locks are asked every time. That an account has no block is kept for its
 * epoch (AccountSnapshots): a block starts a new one.
 */
final class AccountBlock {
	/**
	 * @param UserIdentity $user
	 * @param string|null $epoch The account's epoch, when the caller read it already
	 * @return bool
	 */
	public static function isBarred( UserIdentity $user, ?string $epoch = null ): bool {
		if ( !$user->isRegistered() ) {
			return false;
		}
		$services = MediaWikiServices::getInstance();
		if ( $services->getUserFactory()->newFromUserIdentity( $user )->isLocked() ) {
			return true;
		}
		try {
			$epoch ??= Services::getTokenStore()->accountEpoch( $user->getId() );
		} catch ( TokenStoreUnavailableException | InvalidSettingException $e ) {
			// Credentials that need no token store keep working without it.
			return self::isBlocked( $user );
		}
		$unblocked = Services::getAccountSnapshots()->get( 'unblocked', $user->getId(), $epoch,
			static fn () => self::isBlocked( $user ) ? null : [] );
		return $unblocked === null;
	}

	private static function isBlocked( UserIdentity $user ): bool {
		// Blocks on the account only, without a request: User::getBlock()
		// asks whether the user is exempt from IP blocks, which on MediaWiki
		// 1.43 reads the rights of the global session, possibly the one being
		// built (endless recursion in the session provider).
		$block = MediaWikiServices::getInstance()->getBlockManager()->getUserBlock( $user, null, false );
		return $block !== null && $block->isSitewide();
	}
}
