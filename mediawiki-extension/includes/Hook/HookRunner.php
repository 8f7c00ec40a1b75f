<?php

namespace MediaWiki\Extension\TokenAuthenticator\Hook;

use MediaWiki\HookContainer\HookContainer;
use MediaWiki\User\UserIdentity;

/**
 * Runs the hooks this extension defines.
 */
class HookRunner implements MWStakeTokenAuthenticatorGetAuthInfoHook {
	private HookContainer $hookContainer;

	public function __construct( HookContainer $hookContainer ) {
		$this->hookContainer = $hookContainer;
	}

	/** @inheritDoc */
	public function onMWStakeTokenAuthenticatorGetAuthInfo( UserIdentity $user, array &$meta ): void {
		$this->hookContainer->run(
			'MWStakeTokenAuthenticatorGetAuthInfo',
			[ $user, &$meta ],
			[ 'abortable' => false ]
		);
	}
}
