<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use MediaWiki\Permissions\Hook\TitleReadWhitelistHook;
use MediaWiki\SpecialPage\SpecialPageFactory;

/**
 * Special:JWTLogin stays readable on a private wiki, as JWTAuth makes it: the
 * identity provider posts to it before anyone is logged in.
 */
class JwtLoginHooks implements TitleReadWhitelistHook {
	private SpecialPageFactory $specialPageFactory;

	public function __construct( SpecialPageFactory $specialPageFactory ) {
		$this->specialPageFactory = $specialPageFactory;
	}

	/**
	 * @param \Title $title
	 * @param \User $user
	 * @param bool &$whitelisted
	 */
	public function onTitleReadWhitelist( $title, $user, &$whitelisted ) {
		if ( $title->getNamespace() === NS_SPECIAL
			&& $this->specialPageFactory->resolveAlias( $title->getDBkey() )[0] === 'JWTLogin'
		) {
			$whitelisted = true;
		}
	}
}
