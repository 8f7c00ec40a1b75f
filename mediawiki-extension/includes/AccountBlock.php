<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserIdentity;

/**
 * The one rule for "this account may not be vouched for": it is locked, or
 * it has a sitewide block. Tokens are neither minted for such an account nor
 * accepted for it (including tokens minted before the block), as OAuth and
 * bot passwords do. Partial blocks limit what an account may edit, not who
 * it is, so they do not count.
 */
final class AccountBlock {
	/**
	 * @param UserIdentity $user
	 * @return bool
	 */
	public static function isBarred( UserIdentity $user ): bool {
		if ( !$user->isRegistered() ) {
			return false;
		}
		$services = MediaWikiServices::getInstance();
		if ( $services->getUserFactory()->newFromUserIdentity( $user )->isLocked() ) {
			return true;
		}
		// Blocks on the account only, without a request: User::getBlock()
		// asks whether the user is exempt from IP blocks, which on MediaWiki
		// 1.43 reads the rights of the global session, possibly the one being
		// built (endless recursion in the session provider).
		$block = $services->getBlockManager()->getUserBlock( $user, null, false );
		return $block !== null && $block->isSitewide();
	}
}
