<?php
/**
 * A bare static service-token provider, for comparison with
 * TokenAuthenticator's "Authorization: ApiKey": what the mwstake reference's
 * ServiceTokenSessionProvider does for a matching key, without its CIDR
 * check, its API-module and REST-path allow lists and its system-user check.
 * On api.php and rest.php, "Authorization: ApiKey <secret>" equal to the one
 * configured secret makes the request the configured user, in a session
 * that is not persisted (the reference's case without a session cookie
 * name).
 *
 * Loaded only in the bench variant "static" (bench/settings.php), a wiki
 * without TokenAuthenticator: both answer the same header, and the same
 * request is sent to each wiki.
 */

use MediaWiki\Session\ImmutableSessionProviderWithCookie;
use MediaWiki\Session\SessionInfo;
use MediaWiki\Session\UserInfo;
use MediaWiki\User\UserFactory;

class TokenAuthenticatorBenchStaticKeySessionProvider extends ImmutableSessionProviderWithCookie {
	private UserFactory $userFactory;
	private string $token;
	private string $userName;

	/**
	 * @param UserFactory $userFactory
	 * @param array $params 'token' (the secret) and 'user' (a user name)
	 */
	public function __construct( UserFactory $userFactory, array $params ) {
		parent::__construct();
		$this->userFactory = $userFactory;
		$this->token = $params['token'];
		$this->userName = $params['user'];
	}

	/**
	 * @param WebRequest $request
	 * @return SessionInfo|null
	 */
	public function provideSessionInfo( WebRequest $request ) {
		if ( !defined( 'MW_API' ) && !defined( 'MW_REST_API' ) ) {
			return null;
		}
		if ( !$this->token || $request->getHeader( 'Authorization' ) !== 'ApiKey ' . $this->token ) {
			return null;
		}
		$user = $this->userFactory->newFromName( $this->userName );
		if ( !$user ) {
			return null;
		}
		return new SessionInfo( SessionInfo::MAX_PRIORITY, [
			'provider' => $this,
			'id' => $this->hashToSessionId( implode( "\n", [
				$user->getId(), 'service-token', $request->getIP(), WikiMap::getCurrentWikiId(),
			] ) ),
			'userInfo' => UserInfo::newFromUser( $user, true ),
			'persisted' => false,
			'forceUse' => true,
		] );
	}
}
