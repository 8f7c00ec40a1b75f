<?php
/**
 * Reference-equivalent verify: GET /rest.php/bench/v1/ref-verify/{token}.
 *
 * What the mwstake reference's GET /mws/v1/user-token/verify/{token} does
 * (VerifyTokenHandler::execute, UserTokenAuthenticator::verifyToken and
 * ::getAuthInfo, AuthInfo::jsonSerialize): one cache read of the token, the
 * user from UserFactory, the MWStakeTokenAuthenticatorGetAuthInfo hook, the
 * 'language' option, the effective groups, and the same JSON answer. Like
 * the reference: no block check, and the token is not used up (it verifies
 * until it expires). Registered only in the bench wiki (bench/routes.json).
 */

use MediaWiki\MediaWikiServices;
use MediaWiki\Rest\HttpException;
use MediaWiki\Rest\SimpleHandler;
use MediaWiki\User\UserIdentity;
use Wikimedia\ParamValidator\ParamValidator;

class TokenAuthenticatorBenchRefVerifyHandler extends SimpleHandler {
	/**
	 * @return mixed
	 * @throws HttpException
	 */
	public function execute() {
		$params = $this->getValidatedParams();
		$services = MediaWikiServices::getInstance();
		$cache = TokenAuthenticatorBenchRefTokens::cache();
		$value = $cache->get( $cache->makeKey( $params['token'] ) );
		if ( !$value ) {
			throw new HttpException( 'Invalid or expired token.', 400 );
		}
		$userFactory = $services->getUserFactory();
		$user = $value['registered']
			? $userFactory->newFromName( $value['user'] )
			: $userFactory->newAnonymous( $value['user'] );
		if ( !$user ) {
			throw new HttpException( 'Invalid or expired token.', 400 );
		}
		$meta = [];
		if ( $user->isAnon() ) {
			$meta['anon'] = true;
		}
		$services->getHookContainer()->run( 'MWStakeTokenAuthenticatorGetAuthInfo', [ $user, &$meta ] );
		// AuthInfo's constructor arguments, in the reference's order.
		$langCode = $this->getUserLanguage( $services, $user );
		$groups = $services->getUserGroupManager()->getUserEffectiveGroups( $user );
		return $this->getResponseFactory()->createJson( [
			'username' => $user->getName(),
			'real_name' => $user->getRealName(),
			'id' => $user->getId(),
			'wiki_id' => WikiMap::getCurrentWikiId(),
			'lang_code' => $langCode,
			'groups' => $groups,
			'meta' => $meta,
		] );
	}

	private function getUserLanguage( MediaWikiServices $services, UserIdentity $user ): string {
		$option = $services->getUserOptionsLookup()->getOption( $user, 'language', '' );
		if ( $option && $services->getLanguageNameUtils()->isValidCode( $option ) ) {
			return $option;
		}
		return $services->getContentLanguage()->getCode() ?? 'en';
	}

	/**
	 * @return array[]
	 */
	public function getParamSettings() {
		return [
			'token' => [
				static::PARAM_SOURCE => 'path',
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_REQUIRED => true,
			],
		];
	}

	/**
	 * @return bool
	 */
	public function needsReadAccess() {
		return false;
	}
}
