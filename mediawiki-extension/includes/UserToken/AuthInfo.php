<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use MediaWiki\Extension\TokenAuthenticator\AccountBlock;
use MediaWiki\Extension\TokenAuthenticator\AccountSnapshots;
use MediaWiki\Extension\TokenAuthenticator\Hook\HookRunner;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\StoredToken;
use MediaWiki\Languages\LanguageNameUtils;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserOptionsLookup;
use User;
use WikiMap;

/**
 * The answer of user-token/verify, in the shape of the mwstake reference:
 * what it says about the account is read once per epoch of the account
 * (AccountSnapshots), whether the account is locked every time.
 */
class AuthInfo {
	private UserFactory $userFactory;
	private UserGroupManager $userGroupManager;
	private UserOptionsLookup $userOptionsLookup;
	private LanguageNameUtils $languageNameUtils;
	private string $contentLanguage;
	private HookRunner $hookRunner;
	private AccountSnapshots $snapshots;

	public function __construct(
		UserFactory $userFactory,
		UserGroupManager $userGroupManager,
		UserOptionsLookup $userOptionsLookup,
		LanguageNameUtils $languageNameUtils,
		string $contentLanguage,
		HookRunner $hookRunner,
		AccountSnapshots $snapshots
	) {
		$this->userFactory = $userFactory;
		$this->userGroupManager = $userGroupManager;
		$this->userOptionsLookup = $userOptionsLookup;
		$this->languageNameUtils = $languageNameUtils;
		$this->contentLanguage = $contentLanguage;
		$this->hookRunner = $hookRunner;
		$this->snapshots = $snapshots;
	}

	/**
	 * The answer for a redeemed token.
	 *
	 * @param StoredToken $stored With its account's epoch (UserTokens::redeem())
	 * @return array|null Null when the account may not be vouched for
	 *   (AccountBlock), whenever the token was minted
	 */
	public function forToken( StoredToken $stored ): ?array {
		$id = $stored->user->getId();
		if ( !$id ) {
			$anonymous = $this->userFactory->newAnonymous( $stored->user->getName() );
			return $this->answer( $anonymous, $this->account( $anonymous ) );
		}
		$epoch = (string)$stored->accountEpoch;
		$account = $this->snapshots->get( 'verify', $id, $epoch, function () use ( $id, $epoch ): ?array {
			// By id: the name the token was minted for may have been renamed.
			// From the database, not core's user cache: a change made where
			// that cache is another (APCu and a maintenance script) would
			// not be seen.
			$user = $this->userFactory->newFromId( $id );
			$user->load( User::READ_LATEST );
			return $user->isRegistered() && !AccountBlock::isBarred( $user, $epoch ) ? $this->account( $user ) : null;
		} );
		if ( $account === null ) {
			return null;
		}
		// Named, so that neither the lock check nor a hook that asks for the
		// name loads the account again.
		$user = $this->userFactory->newFromAnyId( $id, $account['username'], null );
		// Locks are asked every time: no hook reports them, and without an
		// extension that locks accounts (CentralAuth) the answer is at hand.
		if ( $user->isLocked() ) {
			return null;
		}
		return $this->answer( $user, $account );
	}

	/**
	 * @param User $user
	 * @param array $account From account()
	 * @return array{username: string, real_name: string, id: int, wiki_id: string,
	 *   lang_code: string, groups: string[], meta: array}
	 */
	private function answer( User $user, array $account ): array {
		// As the reference: anonymous users are marked, and hooks add the
		// rest. An empty meta is encoded as the reference's PHP array is,
		// "[]"; with members it is an object.
		$meta = $user->isRegistered() ? [] : [ 'anon' => true ];
		$this->hookRunner->onMWStakeTokenAuthenticatorGetAuthInfo( $user, $meta );
		return [
			'username' => $account['username'],
			'real_name' => $account['real_name'],
			'id' => $account['id'],
			'wiki_id' => WikiMap::getCurrentWikiId(),
			'lang_code' => $account['lang_code'],
			'groups' => $account['groups'],
			'meta' => $meta,
		];
	}

	/**
	 * What the answer says about the account, read from MediaWiki.
	 */
	private function account( User $user ): array {
		$account = [
			'username' => $user->getName(),
			'real_name' => $user->getRealName(),
			'id' => $user->getId(),
			'lang_code' => $this->languageCode( $user ),
			'groups' => array_values( $this->userGroupManager->getUserEffectiveGroups( $user ) ),
		];
		// A membership that runs out changes the groups without a hook: what
		// is kept must not outlive it (AccountSnapshots).
		foreach ( $this->userGroupManager->getUserGroupMemberships( $user ) as $membership ) {
			$expiry = $membership->getExpiry();
			if ( $expiry !== null ) {
				$at = (int)wfTimestamp( TS_UNIX, $expiry );
				$account[AccountSnapshots::UNTIL] = min( $account[AccountSnapshots::UNTIL] ?? $at, $at );
			}
		}
		return $account;
	}

	/**
	 * The user's interface language when it is a valid code, else the wiki's.
	 */
	private function languageCode( UserIdentity $user ): string {
		$code = (string)$this->userOptionsLookup->getOption( $user, 'language', '' );
		return $code !== '' && $this->languageNameUtils->isValidCode( $code ) ? $code : $this->contentLanguage;
	}
}
