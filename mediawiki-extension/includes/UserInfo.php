<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use MediaWiki\Extension\TokenAuthenticator\Hook\HookRunner;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserOptionsLookup;
use WikiMap;

/**
 * The answer of user-token/verify, in the shape of the mwstake reference.
 */
class UserInfo {
	private UserFactory $userFactory;
	private UserGroupManager $userGroupManager;
	private UserOptionsLookup $userOptionsLookup;
	private HookRunner $hookRunner;

	public function __construct(
		UserFactory $userFactory,
		UserGroupManager $userGroupManager,
		UserOptionsLookup $userOptionsLookup,
		HookRunner $hookRunner
	) {
		$this->userFactory = $userFactory;
		$this->userGroupManager = $userGroupManager;
		$this->userOptionsLookup = $userOptionsLookup;
		$this->hookRunner = $hookRunner;
	}

	/**
	 * @param UserIdentity $identity
	 * @return array{username: string, real_name: string, id: int, wiki_id: string,
	 *   lang_code: string, groups: string[], meta: object}
	 */
	public function describe( UserIdentity $identity ): array {
		$user = $identity->getId()
			? $this->userFactory->newFromId( $identity->getId() )
			: $this->userFactory->newAnonymous( $identity->getName() );
		$meta = [];
		$this->hookRunner->onMWStakeTokenAuthenticatorGetAuthInfo( $user, $meta );
		return [
			'username' => $user->getName(),
			'real_name' => $user->getRealName(),
			'id' => $user->getId(),
			'wiki_id' => WikiMap::getCurrentWikiId(),
			'lang_code' => (string)$this->userOptionsLookup->getOption( $user, 'language' ),
			'groups' => array_values( $this->userGroupManager->getUserEffectiveGroups( $user ) ),
			// An object even when empty, so that clients always get {} not [].
			'meta' => (object)$meta,
		];
	}
}
