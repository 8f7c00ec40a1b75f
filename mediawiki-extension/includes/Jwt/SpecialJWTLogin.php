<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use Html;
use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Error\Outage;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MWExceptionHandler;
use Title;
use UnlistedSpecialPage;
use WebRequest;
use Wikimedia\Rdbms\DBError;

/**
 * Special:JWTLogin: POST a field "Authorization" with "Bearer: <jwt>" (or
 * "Bearer <jwt>") to log in, as with the JWTAuth extension. On success the
 * browser gets a normal logged-in session and is redirected to "returnto"
 * or the main page. A GET shows a small form for trying it out.
 *
 * The identity provider's cross-site POST is the point of the page, so it
 * takes no CSRF token. That would let any site switch a logged-in visitor
 * into an account of the site's choosing (login CSRF), so a visitor who is
 * logged in as someone else is asked first, in a form that does carry one.
 *
 * Nothing of the request is ever parsed: messages take it as plaintext.
 */
class SpecialJWTLogin extends UnlistedSpecialPage {
	private const CSRF_SALT = 'jwtlogin';

	private JwtLogin $jwtLogin;

	/**
	 * Its spec's factory (Registration): the services are wired on first use.
	 */
	public static function factory(): self {
		return new self( Services::getJwtLogin() );
	}

	public function __construct( JwtLogin $jwtLogin ) {
		parent::__construct( 'JWTLogin' );
		$this->jwtLogin = $jwtLogin;
	}

	public function execute( $subPage ) {
		$this->setHeaders();
		$out = $this->getOutput();
		if ( !NativeModule::isLoaded() ) {
			// The JWT is checked by the native module: no login without it.
			NativeModule::showMissingPage( $out );
			return;
		}
		$request = $this->getRequest();
		$out->setPreventClickjacking( true );
		// As JWTAuth: the Authorization HTTP header first, then the posted
		// field. A header cannot be set by a cross-site form, so it may come
		// with a GET too.
		$header = $request->getHeader( 'Authorization' );
		$authorization = is_string( $header ) && JwtLogin::bearer( $header ) !== null
			? $header
			: ( $request->wasPosted() ? (string)$request->getRawVal( 'Authorization', '' ) : null );
		if ( $authorization === null ) {
			$this->showForm();
			return;
		}
		// Answers may carry the JWT (the confirmation form): keep them out of caches.
		$out->disableClientCache();
		try {
			$attempt = $this->jwtLogin->check( $authorization );
			if ( !$this->mayLogIn( $attempt ) ) {
				return;
			}
			$this->jwtLogin->complete( $attempt );
			Services::getMetrics()->verified( Metrics::JWT );
		} catch ( JwtLoginException $e ) {
			Services::getMetrics()->refusedWith( Metrics::JWT, $e->getMessageKey(), $e->getStatus() );
			$out->setStatusCode( $e->getStatus() );
			if ( $e->getStatus() === 503 ) {
				$this->getRequest()->response()->header( 'Retry-After: ' . ErrorAnswer::RETRY_AFTER );
			}
			$out->addHTML( Html::errorBox(
				$this->msg( $e->getMessageKey() )->plaintextParams( ...$e->getParams() )->escaped()
			) );
			$this->showForm();
			return;
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			// The database (links, replay records, the account) cannot be
			// written: the extension's outage answer, not core's error page;
			// nothing of the attempt is committed.
			MWExceptionHandler::rollbackPrimaryChangesAndLog( $e );
			Services::getMetrics()->outageOf( $e );
			$out->setStatusCode( 503 );
			$out->addHTML( Html::errorBox( $this->msg( Outage::messageKey( $e ) ?? Outage::DATABASE )
				->plaintextParams( WebRequest::getRequestId() )->escaped() ) );
			$this->getRequest()->response()->header( 'Retry-After: ' . ErrorAnswer::RETRY_AFTER );
			return;
		}
		$returnTo = Title::newFromText( (string)$request->getVal( 'returnto', '' ) );
		if ( !$returnTo || !$returnTo->isLocal() || $returnTo->isExternal() ) {
			$returnTo = Title::newMainPage();
		}
		$out->redirect( $returnTo->getFullURL() );
	}

	/**
	 * Whether the login may go ahead: nobody else is logged in, or the
	 * visitor confirmed with this session's CSRF token. Otherwise shows the
	 * question and returns false.
	 */
	private function mayLogIn( JwtLoginAttempt $attempt ): bool {
		$current = $this->getUser();
		if ( !$current->isRegistered() || $current->getName() === $attempt->userName ) {
			return true;
		}
		$request = $this->getRequest();
		if ( $request->getCheck( 'wpConfirm' ) ) {
			if ( $this->getContext()->getCsrfTokenSet()->matchTokenField( 'wpEditToken', self::CSRF_SALT ) ) {
				return true;
			}
			$this->getOutput()->addHTML( Html::errorBox(
				$this->msg( 'tokenauthenticator-jwt-confirm-badtoken' )->escaped()
			) );
		}
		$this->showConfirmation( $attempt, $current->getName() );
		return false;
	}

	private function showConfirmation( JwtLoginAttempt $attempt, string $currentName ): void {
		$this->getOutput()->addHTML(
			Html::rawElement( 'form', [ 'method' => 'post', 'action' => $this->getPageTitle()->getLocalURL() ],
				Html::rawElement( 'p', [],
					$this->msg( 'tokenauthenticator-jwt-confirm-intro' )
						->plaintextParams( $currentName, $attempt->userName )->escaped()
				) .
				Html::hidden( 'Authorization', 'Bearer ' . $attempt->jwt ) .
				Html::hidden( 'returnto', $this->getRequest()->getVal( 'returnto', '' ) ) .
				Html::hidden( 'wpEditToken', $this->getContext()->getCsrfTokenSet()->getToken( self::CSRF_SALT )->toString() ) .
				Html::hidden( 'wpConfirm', '1' ) .
				Html::submitButton(
					$this->msg( 'tokenauthenticator-jwt-confirm-submit' )->plaintextParams( $attempt->userName )->text(),
					[ 'name' => 'wpSubmit' ]
				)
			)
		);
	}

	private function showForm(): void {
		$this->getOutput()->addHTML(
			Html::rawElement( 'form', [ 'method' => 'post', 'action' => $this->getPageTitle()->getLocalURL() ],
				Html::element( 'p', [], $this->msg( 'tokenauthenticator-jwt-form-intro' )->text() ) .
				Html::element( 'input', [ 'type' => 'text', 'name' => 'Authorization', 'size' => 80,
					'placeholder' => 'Bearer: eyJ...' ] ) .
				Html::hidden( 'returnto', $this->getRequest()->getVal( 'returnto', '' ) ) .
				' ' . Html::submitButton( $this->msg( 'tokenauthenticator-jwt-form-submit' )->text(), [] )
			)
		);
	}

	public function doesWrites() {
		return true;
	}
}
