<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Rest\HttpError;
use MediaWiki\Extension\TokenAuthenticator\Rest\NoCoreBodyParsing;
use MediaWiki\Extension\TokenAuthenticator\Rest\NoStore;
use MediaWiki\Extension\TokenAuthenticator\Rest\TokenRoute;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Extension\TokenAuthenticator\UserToken\VerifyCallback;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use RequestContext;
use Wikimedia\Rdbms\DBError;

/**
 * GET|POST /mws/v1/app-token/generate
 *
 * Only for a request authenticated with the ApiKey of a key that has
 * appTokens (the session provider has already checked its CIDR). Answers
 * {"value": "<salted envelope>"}; the envelope's verifyCallback is this
 * wiki's REST entry point, as for user tokens (VerifyCallback).
 */
class GenerateAppTokenHandler extends Handler {
	use NoCoreBodyParsing;
	use NoStore;
	use TokenRoute;

	private AppTokens $appTokens;
	private ServiceKeyLookup $lookup;
	private VerifyCallback $verifyCallback;
	private string $challenge;

	public function __construct(
		AppTokens $appTokens, ServiceKeyLookup $lookup, VerifyCallback $verifyCallback, ServiceRequest $serviceRequest
	) {
		$this->appTokens = $appTokens;
		$this->lookup = $lookup;
		$this->verifyCallback = $verifyCallback;
		$this->challenge = $serviceRequest->challenge();
	}

	protected function answer(): Response {
		$session = $this->getSession();
		$meta = $session->getProvider() instanceof ServiceSessionProvider ? $session->getProviderMetadata() : null;
		if ( ( $meta['kind'] ?? null ) !== ServiceSessionProvider::KIND_API_KEY ) {
			return HttpError::response(
				$this->getResponseFactory(), 'tokenauthenticator-error-apptoken-needs-apikey', 401,
				[ 'WWW-Authenticate' => $this->challenge ]
			);
		}
		// Set by the provider from the secret this request sent: without it no
		// token could be tied to a secret.
		$binding = $meta['binding'] ?? null;
		if ( !is_string( $binding ) || $binding === '' ) {
			throw HttpError::make( 'tokenauthenticator-error-apptoken-needs-apikey', 401 );
		}
		try {
			$serviceKey = $this->lookup->get( $meta['principal'] );
			if ( !$serviceKey || !$serviceKey->appTokens ) {
				throw HttpError::make( 'tokenauthenticator-error-apptoken-not-allowed', 403 );
			}
			$value = $this->appTokens->mint(
				$serviceKey,
				$binding,
				$this->getAuthority()->getUser(),
				$this->verifyCallback->url(),
				// WebRequest::getIP(): trusted proxies as $wgCdnServers says.
				RequestContext::getMain()->getRequest()->getIP()
			);
		} catch ( InvalidSettingException $e ) {
			throw HttpError::make( $e->getMessageKey(), 500, $e->getMessageParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			return HttpError::unavailable( $this->getResponseFactory(), $e );
		}
		return $this->getResponseFactory()->createJson( [ 'value' => $value ] );
	}

}
