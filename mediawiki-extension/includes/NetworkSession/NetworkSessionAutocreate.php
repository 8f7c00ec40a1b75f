<?php

namespace MediaWiki\Extension\TokenAuthenticator\NetworkSession;

use MediaWiki\Auth\AuthManager;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceSessionProvider;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionManager;
use MediaWiki\Session\SessionProvider;
use RequestContext;

/**
 * $wgNetworkSessionProviderCanAlwaysAutocreate on MediaWiki before 1.42,
 * which has no SessionProvider::canAlwaysAutocreate(): MediaWiki's setup
 * autocreates a session's missing account only within anonymous users'
 * account-creation rights. This extension function runs just before that
 * and creates the account of a NetworkSession session without them, as
 * NetworkSession's setting asks. On 1.42+ core does it (the provider's
 * canAlwaysAutocreate()), and this does nothing.
 */
class NetworkSessionAutocreate {
	public static function run(): void {
		if ( method_exists( SessionProvider::class, 'canAlwaysAutocreate' )
			|| defined( 'MW_NO_SESSION' ) || PHP_SAPI === 'cli'
			// The header as the session provider reads it.
			|| NetworkSessionUsers::tokenOf(
				(string)RequestContext::getMain()->getRequest()->getHeader( 'Authorization' ) ) === null
		) {
			return;
		}
		/** @var NetworkSessionUsers $users */
		$users = Services::getNetworkSessionUsers();
		if ( !$users->canAlwaysAutocreate() ) {
			return;
		}
		$session = SessionManager::getGlobalSession();
		$user = $session->getUser();
		if ( !$session->getProvider() instanceof ServiceSessionProvider
			|| ( $session->getProviderMetadata()['kind'] ?? null ) !== ServiceSessionProvider::KIND_NETWORK
			|| $user->getId() !== 0
		) {
			return;
		}
		// The maintenance source is AuthManager's way past the rights check.
		MediaWikiServices::getInstance()->getAuthManager()->autoCreateUser(
			$user, AuthManager::AUTOCREATE_SOURCE_MAINT, true
		);
	}
}
