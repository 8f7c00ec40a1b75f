<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use MediaWiki\Session\SessionBackend;
use MediaWiki\Session\SessionProvider;
use WebRequest;

/**
 * A session provider whose credential comes in a request header, again on
 * every request: it sets no cookie, and cannot change or log out the user
 * (the header would name them again). The service credentials'
 * (ServiceKey\ServiceSessionProvider) and the identity-aware proxy's
 * (Jwt\JwtProxySessionProvider).
 */
abstract class HeaderSessionProvider extends SessionProvider {
	/** @inheritDoc */
	public function persistsSessionId() {
		return false;
	}

	/**
	 * No cookie: every request authenticates with its header.
	 *
	 * @inheritDoc
	 */
	public function persistSession( SessionBackend $session, WebRequest $request ) {
	}

	/** @inheritDoc */
	public function unpersistSession( WebRequest $request ) {
	}

	/** @inheritDoc */
	public function canChangeUser() {
		return false;
	}

	/**
	 * Core throws here for providers that cannot change the user; there is
	 * nothing to prevent, since every request authenticates afresh.
	 *
	 * @inheritDoc
	 */
	public function preventSessionsForUser( $username ) {
	}
}
