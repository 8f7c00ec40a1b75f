<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use MediaWiki\MediaWikiServices;
use SpecialPage;
use User;

/**
 * Special:Preferences' link to Special:PersonalKeys, in "User profile" >
 * "Basic information", after core's link to Special:BotPasswords where
 * there is one. Static (Registration): the class loads only when the
 * preferences are built.
 */
class PersonalKeyHooks {
	/** The preference's key. */
	public const PREFERENCE = 'tokenauthenticator-personalkeys';

	/**
	 * @param User $user
	 * @param array &$preferences
	 */
	public static function onGetPreferences( $user, &$preferences ): void {
		$services = MediaWikiServices::getInstance();
		if ( !$services->getPermissionManager()->userHasRight( $user, 'tokenauthenticator-personalkeys' ) ) {
			return;
		}
		$field = [
			'type' => 'info',
			'raw' => true,
			'section' => 'personal/info',
			'label-message' => 'tokenauthenticator-personalkeys-prefs-label',
			'default' => $services->getLinkRendererFactory()->create()->makeKnownLink(
				SpecialPage::getTitleFor( 'PersonalKeys' ),
				wfMessage( 'tokenauthenticator-personalkeys-prefs-link' )->text()
			),
			'help-message' => 'tokenauthenticator-personalkeys-prefs-help',
		];
		// After core's bot passwords when it shows them, else after the password.
		$position = false;
		foreach ( [ 'botpasswords', 'password' ] as $after ) {
			$position = array_search( $after, array_keys( $preferences ), true );
			if ( $position !== false ) {
				break;
			}
		}
		if ( $position === false ) {
			$preferences[self::PREFERENCE] = $field;
			return;
		}
		$preferences = array_slice( $preferences, 0, $position + 1, true )
			+ [ self::PREFERENCE => $field ]
			+ array_slice( $preferences, $position + 1, null, true );
	}
}
