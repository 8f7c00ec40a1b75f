<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

/**
 * The verifyCallback of salted envelopes (user and app tokens), as the mwstake
 * reference writes it: this wiki's REST entry point, wfScript( 'rest' ) (e.g.
 * "/w/rest.php"), to which consumers append "/mws/v1/user-token/verify/<token>"
 * after their own configured base URL. With
 * $mwsgTokenAuthenticatorAbsoluteVerifyCallback it is the absolute URL of the
 * entry point, the reference's 1.0.5 form, for services that serve several wikis.
 */
class VerifyCallback {
	private bool $absolute;
	private string $canonicalServer;

	/**
	 * @param bool $absolute $mwsgTokenAuthenticatorAbsoluteVerifyCallback
	 * @param string $canonicalServer $wgCanonicalServer
	 */
	public function __construct( bool $absolute, string $canonicalServer ) {
		$this->absolute = $absolute;
		$this->canonicalServer = $canonicalServer;
	}

	public function url(): string {
		$entryPoint = wfScript( 'rest' );
		return $this->absolute ? rtrim( $this->canonicalServer, '/' ) . $entryPoint : $entryPoint;
	}
}
