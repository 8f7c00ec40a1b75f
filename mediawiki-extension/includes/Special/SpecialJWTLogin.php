<?php

namespace MediaWiki\Extension\TokenAuthenticator\Special;

use Html;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLogin;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLoginException;
use Title;
use UnlistedSpecialPage;

/**
 * Special:JWTLogin: POST a field "Authorization" with "Bearer: <jwt>" (or
 * "Bearer <jwt>") to log in, as with the JWTAuth extension. On success the
 * browser gets a normal logged-in session and is redirected to "returnto"
 * or the main page. A GET shows a small form for trying it out.
 */
class SpecialJWTLogin extends UnlistedSpecialPage {
	private JwtLogin $jwtLogin;

	public function __construct( JwtLogin $jwtLogin ) {
		parent::__construct( 'JWTLogin' );
		$this->jwtLogin = $jwtLogin;
	}

	public function execute( $subPage ) {
		$this->setHeaders();
		$out = $this->getOutput();
		$request = $this->getRequest();
		$out->setPreventClickjacking( true );
		if ( !$request->wasPosted() ) {
			$this->showForm();
			return;
		}
		try {
			$this->jwtLogin->login( (string)$request->getRawVal( 'Authorization', '' ) );
		} catch ( JwtLoginException $e ) {
			$out->setStatusCode( $e->getStatus() );
			$out->addHTML( Html::errorBox(
				$this->msg( $e->getMessageKey(), ...$e->getParams() )->parse()
			) );
			$this->showForm();
			return;
		}
		$returnTo = Title::newFromText( (string)$request->getVal( 'returnto', '' ) );
		if ( !$returnTo || !$returnTo->isLocal() || $returnTo->isExternal() ) {
			$returnTo = Title::newMainPage();
		}
		$out->redirect( $returnTo->getFullURL() );
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
