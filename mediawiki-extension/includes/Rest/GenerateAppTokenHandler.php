<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Extension\TokenAuthenticator\ConfigurationException;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\AppTokens;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\PrincipalRegistry;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\RequestRefusal;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceSessionProvider;
use MediaWiki\Extension\TokenAuthenticator\VerifyCallback;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use RequestContext;
use MediaWiki\Extension\TokenAuthenticator\TokenStoreUnavailableException;
use Wikimedia\Rdbms\DBError;

/**
 * GET|POST /mws/v1/app-token/generate
 *
 * Only for a request authenticated with the ApiKey of a principal that has
 * appTokens (the session provider has already checked its CIDR). Answers
 * {"value": "<salted envelope>"}; the envelope's verifyCallback is this
 * wiki's REST entry point, as for user tokens (VerifyCallback).
 */
class GenerateAppTokenHandler extends Handler {
	use NoCoreBodyParsing;
	use NoStore;
	use TokenRoute;

	private AppTokens $appTokens;
	private PrincipalRegistry $registry;
	private VerifyCallback $verifyCallback;
	private string $challenge;

	public function __construct(
		AppTokens $appTokens, PrincipalRegistry $registry, VerifyCallback $verifyCallback, RequestRefusal $refusal
	) {
		$this->appTokens = $appTokens;
		$this->registry = $registry;
		$this->verifyCallback = $verifyCallback;
		$this->challenge = $refusal->challenge();
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
			$principal = $this->registry->get( $meta['principal'] );
			if ( !$principal || !$principal->appTokens ) {
				throw HttpError::make( 'tokenauthenticator-error-apptoken-not-allowed', 403 );
			}
			$value = $this->appTokens->mint(
				$principal,
				$binding,
				$this->getAuthority()->getUser(),
				$this->verifyCallback->url(),
				// WebRequest::getIP(): trusted proxies as $wgCdnServers says.
				RequestContext::getMain()->getRequest()->getIP()
			);
		} catch ( ConfigurationException $e ) {
			throw HttpError::make( $e->getMessageKey(), 500, $e->getMessageParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			return HttpError::unavailable( $this->getResponseFactory(), $e );
		}
		return $this->getResponseFactory()->createJson( [ 'value' => $value ] );
	}

}
