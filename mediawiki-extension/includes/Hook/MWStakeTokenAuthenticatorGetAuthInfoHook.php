<?php

namespace MediaWiki\Extension\TokenAuthenticator\Hook;

use MediaWiki\User\UserIdentity;

/**
 * Lets other extensions fill "meta" in the answer of user-token/verify.
 * The name and signature are those of the mwstake component, so handlers
 * written for it keep working.
 */
interface MWStakeTokenAuthenticatorGetAuthInfoHook {
	/**
	 * @param UserIdentity $user The user the token was minted for
	 * @param array &$meta Keys and JSON-serialisable values to add
	 * @return void
	 */
	public function onMWStakeTokenAuthenticatorGetAuthInfo( UserIdentity $user, array &$meta ): void;
}
