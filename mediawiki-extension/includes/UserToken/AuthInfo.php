<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use MediaWiki\Extension\TokenAuthenticator\Hook\HookRunner;
use MediaWiki\Languages\LanguageNameUtils;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserOptionsLookup;
use User;
use WikiMap;

/**
 * The answer of user-token/verify, in the shape of the mwstake reference.
 */
class AuthInfo {
	private UserFactory $userFactory;
	private UserGroupManager $userGroupManager;
	private UserOptionsLookup $userOptionsLookup;
	private LanguageNameUtils $languageNameUtils;
	private string $contentLanguage;
	private HookRunner $hookRunner;

	public function __construct(
		UserFactory $userFactory,
		UserGroupManager $userGroupManager,
		UserOptionsLookup $userOptionsLookup,
		LanguageNameUtils $languageNameUtils,
		string $contentLanguage,
		HookRunner $hookRunner
	) {
		$this->userFactory = $userFactory;
		$this->userGroupManager = $userGroupManager;
		$this->userOptionsLookup = $userOptionsLookup;
		$this->languageNameUtils = $languageNameUtils;
		$this->contentLanguage = $contentLanguage;
		$this->hookRunner = $hookRunner;
	}

	/**
	 * @param UserIdentity $identity
	 * @return array{username: string, real_name: string, id: int, wiki_id: string,
	 *   lang_code: string, groups: string[], meta: array}
	 */
	public function describe( UserIdentity $identity ): array {
		// A User the token store loaded with the token is used as it is.
		if ( $identity instanceof User ) {
			$user = $identity;
		} else {
			$user = $identity->getId()
				? $this->userFactory->newFromId( $identity->getId() )
				: $this->userFactory->newAnonymous( $identity->getName() );
		}
		// As the reference: anonymous users are marked, and hooks add the
		// rest. An empty meta is encoded as the reference's PHP array is,
		// "[]"; with members it is an object.
		$meta = $user->isRegistered() ? [] : [ 'anon' => true ];
		$this->hookRunner->onMWStakeTokenAuthenticatorGetAuthInfo( $user, $meta );
		return [
			'username' => $user->getName(),
			'real_name' => $user->getRealName(),
			'id' => $user->getId(),
			'wiki_id' => WikiMap::getCurrentWikiId(),
			'lang_code' => $this->languageCode( $user ),
			'groups' => array_values( $this->userGroupManager->getUserEffectiveGroups( $user ) ),
			'meta' => $meta,
		];
	}

	/**
	 * The user's interface language when it is a valid code, else the wiki's.
	 */
	private function languageCode( UserIdentity $user ): string {
		$code = (string)$this->userOptionsLookup->getOption( $user, 'language', '' );
		return $code !== '' && $this->languageNameUtils->isValidCode( $code ) ? $code : $this->contentLanguage;
	}
}
