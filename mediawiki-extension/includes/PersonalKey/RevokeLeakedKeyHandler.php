<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use MediaWiki\Extension\TokenAuthenticator\Rest\HttpError;
use MediaWiki\Extension\TokenAuthenticator\Rest\JsonBody;
use MediaWiki\Extension\TokenAuthenticator\Rest\NoStore;
use MediaWiki\Extension\TokenAuthenticator\Rest\TokenRoute;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use MediaWiki\User\UserFactory;
use User;
use Wikimedia\Rdbms\DBError;

/**
 * POST /mws/v1/personal-key/revoke with {"key": "mwpk_…"}: whoever holds a
 * key may end it, without logging in (GitHub offers the same to secret
 * scanners that find a leaked token). The key is revoked and Special:Log
 * says so, where its owner sees it. The answer is the same whether or not
 * the key existed.
 */
class RevokeLeakedKeyHandler extends Handler {
	use JsonBody;
	use NoStore;
	// The routes' shared answers: no-store, 503 without the native module,
	// no read or write right asked (anyone may report a key, also on a
	// private wiki: the key is the proof).
	use TokenRoute;

	private PersonalKeys $personalKeys;
	private UserFactory $userFactory;

	public function __construct( PersonalKeys $personalKeys, UserFactory $userFactory ) {
		$this->personalKeys = $personalKeys;
		$this->userFactory = $userFactory;
	}

	protected function answer(): Response {
		$body = $this->readJsonObject( $this->getRequest() );
		$secret = $body['key'] ?? null;
		if ( !is_string( $secret ) || !PersonalKeys::isPersonalKey( $secret ) ) {
			// Its form only (prefix and checksum): nothing about any key.
			throw HttpError::make( 'tokenauthenticator-error-personal-key-revoke-body', 400 );
		}
		try {
			$key = $this->personalKeys->find( $secret );
			if ( $key ) {
				$owner = $this->userFactory->newFromId( $key->userId );
				// Nobody in particular reported it: the log names MediaWiki's
				// system user as performer, and the owner as the key's.
				$reporter = User::newSystemUser( User::MAINTENANCE_SCRIPT_USER, [ 'steal' => true ] ) ?? $owner;
				$this->personalKeys->revokeLeaked( $key, $reporter, $owner );
			}
		} catch ( DBError $e ) {
			return HttpError::unavailable( $this->getResponseFactory(), $e );
		}
		return $this->getResponseFactory()->createJson( [ 'revoked' => true ] );
	}
}
