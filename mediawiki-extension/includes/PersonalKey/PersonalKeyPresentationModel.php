<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use EchoEventPresentationModel;
use SpecialPage;

/**
 * How Echo shows a personal key's notifications (PersonalKeyNotifications).
 * Loaded by Echo only: its base class exists only where Echo is installed.
 */
class PersonalKeyPresentationModel extends EchoEventPresentationModel {
	/** @inheritDoc */
	public function getIconType() {
		return 'placeholder';
	}

	/** @inheritDoc */
	public function getHeaderMessage() {
		// The name is the owner's own text: a plain-text parameter, never wikitext.
		$msg = $this->msg( $this->getHeaderMessageKey() )
			->plaintextParams( (string)$this->event->getExtraParam( 'name', '' ) );
		if ( $this->type === PersonalKeyNotifications::EXPIRING ) {
			$expires = (int)$this->event->getExtraParam( 'expires', 0 );
			$msg->plaintextParams( $this->language->userTimeAndDate( wfTimestamp( TS_MW, $expires ), $this->getUser() ) );
		}
		return $msg;
	}

	/** @inheritDoc */
	public function getPrimaryLink() {
		return [
			'url' => SpecialPage::getTitleFor( 'PersonalKeys' )->getFullURL(),
			'label' => $this->msg( 'personalkeys' )->text(),
		];
	}
}
