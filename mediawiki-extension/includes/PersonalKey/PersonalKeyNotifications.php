<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use BagOStuff;
use EchoEvent;
use ExtensionRegistry;

/**
 * What a key's owner is told through Echo, when Echo is installed: that a
 * key was revoked as leaked, and that a key expires within a week. Without
 * Echo nothing is sent; Special:Log and the owner's list say it anyway.
 *
 * A reminder is sent once per key: the main stash (kept, unlike a cache)
 * records it. It is due from the first use of the key, or the first run of
 * maintenance/remindPersonalKeys.php, in the week before expiry.
 */
class PersonalKeyNotifications {
	public const LEAKED = 'tokenauthenticator-personalkey-leaked';
	public const EXPIRING = 'tokenauthenticator-personalkey-expiring';

	/** Seconds before expiry from which a reminder is due. */
	public const REMIND_BEFORE = 7 * 86400;

	private BagOStuff $stash;
	private bool $echo;

	/**
	 * @param BagOStuff $stash The main stash
	 * @param bool|null $echo Whether Echo is loaded (null: ask the registry)
	 */
	public function __construct( BagOStuff $stash, ?bool $echo = null ) {
		$this->stash = $stash;
		$this->echo = $echo ?? ExtensionRegistry::getInstance()->isLoaded( 'Echo' );
	}

	/**
	 * Echo's BeforeCreateEchoEvent hook: the two notification types, in the
	 * "system" category (always on: a leak or an expiry is not optional news).
	 *
	 * @param array &$notifications
	 * @param array &$categories
	 * @param array &$icons
	 */
	public static function onBeforeCreateEchoEvent( array &$notifications, array &$categories, array &$icons ): void {
		foreach ( [ self::LEAKED => 'negative', self::EXPIRING => 'neutral' ] as $type => $group ) {
			$notifications[$type] = [
				'category' => 'system',
				'group' => $group,
				'section' => 'alert',
				'presentation-model' => PersonalKeyPresentationModel::class,
				'user-locators' => [ [ 'EchoUserLocator::locateFromEventExtra', [ 'owner' ] ] ],
			];
		}
	}

	public function leaked( PersonalKey $key ): void {
		$this->send( self::LEAKED, $key );
	}

	/**
	 * Reminds the owner of $key once, when it expires within REMIND_BEFORE.
	 *
	 * @return bool Whether a reminder was sent now
	 */
	public function remindIfDue( PersonalKey $key, int $now ): bool {
		if ( !$this->echo || $key->isExpired( $now ) || $key->expires - $now > self::REMIND_BEFORE ) {
			return false;
		}
		// Per key: regenerating keeps the expiry, and needs no second reminder.
		$marker = $this->stash->makeKey( 'tokenauthenticator-personalkey-reminded', $key->id );
		if ( !$this->stash->add( $marker, 1, $key->expires - $now + 86400 ) ) {
			return false;
		}
		$this->send( self::EXPIRING, $key );
		return true;
	}

	private function send( string $type, PersonalKey $key ): void {
		if ( !$this->echo ) {
			return;
		}
		EchoEvent::create( [
			'type' => $type,
			// The key's name is the owner's own text: shown as plain text only
			// (PersonalKeyPresentationModel).
			'extra' => [ 'owner' => $key->userId, 'name' => $key->name, 'expires' => $key->expires ],
		] );
	}
}
