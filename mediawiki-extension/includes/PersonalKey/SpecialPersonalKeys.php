<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use Html;
use HTMLForm;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\MediaWikiServices;
use MediaWiki\Permissions\GrantsInfo;
use MediaWiki\Permissions\GrantsLocalization;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserIdentityLookup;
use MediaWiki\User\UserIdentityValue;
use MediaWiki\User\UserNameUtils;
use PermissionsError;
use SpecialPage;
use Status;
use UserBlockedError;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * Special:PersonalKeys: a user's own personal access keys, which let a
 * program use the API as that user (Authorization: Bearer), with the grants
 * of core's bot passwords, from the address ranges and until the expiry the
 * user chose. The rules and the Special:Log entries are PersonalKeys'; this
 * page only asks and shows.
 *
 * Subpages: create, regenerate/<id>, revoke/<id> (each a POST form with the
 * session's CSRF token; the list's buttons post to them directly), and, for
 * administrators (tokenauthenticator-manage), user/<name>: that user's keys,
 * which they may revoke, never see a secret of, regenerate or create.
 * Special:PersonalKeys/<name> (the target of Special:Log's entries) is
 * user/<name>.
 *
 * A key of someone else gets the same answer as a key that does not exist.
 * Everything users wrote (names, ranges, addresses) is escaped text, never
 * parsed.
 */
class SpecialPersonalKeys extends SpecialPage {
	/** What an administrator needs to see and revoke other users' keys. */
	public const MANAGE_RIGHT = 'tokenauthenticator-manage';
	private const TEXTAREA_ROWS = 3;
	/** Expiries offered by the create form's default, in days. */
	private const DEFAULT_DAYS = 30;
	/** Subpages that change keys. */
	private const WRITE_ACTIONS = [ 'create', 'regenerate', 'revoke' ];
	/**
	 * Subpages that hand out a secret: refused to a sitewide-blocked user, as
	 * core's special pages refuse blocked users. Revoking takes access away
	 * and stays open.
	 */
	private const GRANTING_ACTIONS = [ 'create', 'regenerate' ];
	/** Session key of what the last action did, shown once by the list. */
	/** Log actions of personal keys, each with its own line in the owner's list. */
	private const EVENTS = [ 'personalkey-create', 'personalkey-regenerate', 'personalkey-revoke', 'personalkey-leaked' ];
	private const DONE_KEY = 'tokenauthenticator-personalkeys-done';

	private PersonalKeys $keys;
	private GrantsInfo $grantsInfo;
	private GrantsLocalization $grantsLocalization;
	private UserIdentityLookup $userIdentityLookup;
	private UserNameUtils $userNameUtils;

	/**
	 * Its spec's factory (Registration): the services are wired on first use.
	 */
	public static function factory(): self {
		$services = MediaWikiServices::getInstance();
		return new self(
			Services::getPersonalKeys(),
			$services->getGrantsInfo(),
			$services->getGrantsLocalization(),
			$services->getUserIdentityLookup(),
			$services->getUserNameUtils()
		);
	}

	public function __construct(
		PersonalKeys $keys, GrantsInfo $grantsInfo, GrantsLocalization $grantsLocalization,
		UserIdentityLookup $userIdentityLookup, UserNameUtils $userNameUtils
	) {
		parent::__construct( 'PersonalKeys', 'tokenauthenticator-personalkeys' );
		$this->keys = $keys;
		$this->grantsInfo = $grantsInfo;
		$this->grantsLocalization = $grantsLocalization;
		$this->userIdentityLookup = $userIdentityLookup;
		$this->userNameUtils = $userNameUtils;
	}

	/** @inheritDoc */
	public function doesWrites() {
		return true;
	}

	/** @inheritDoc */
	protected function getGroupName() {
		return 'users';
	}

	/** @inheritDoc */
	public function execute( $subPage ) {
		$this->setHeaders();
		$this->requireNamedUser();
		$this->checkPermissions();
		$out = $this->getOutput();
		$out->setPreventClickjacking( true );
		// Answers may carry a secret shown once: never from a cache.
		$out->disableClientCache();
		$this->addHelpLink( 'Extension:TokenAuthenticator' );
		if ( !NativeModule::isLoaded() ) {
			NativeModule::showMissingPage( $out );
			return;
		}
		// Special:ServiceKeys' modules: the copy button of a secret, the table.
		$out->addModuleStyles( 'ext.tokenAuthenticator.serviceKeys.styles' );
		$out->addModules( 'ext.tokenAuthenticator.serviceKeys' );
		[ $action, $param ] = array_pad( explode( '/', (string)$subPage, 2 ), 2, '' );
		if ( in_array( $action, self::WRITE_ACTIONS, true ) ) {
			$this->checkReadOnly();
		}
		if ( in_array( $action, self::GRANTING_ACTIONS, true ) ) {
			$this->refuseBlocked();
		}
		switch ( $action ) {
			case '':
				$this->showList( $this->getUser() );
				return;
			case 'create':
				$this->showCreateForm();
				return;
			case 'regenerate':
			case 'revoke':
				$key = $this->findKey( $param, $action === 'revoke' );
				if ( !$key ) {
					$out->setStatusCode( 404 );
					$out->addHTML( Html::errorBox(
						$this->msg( 'tokenauthenticator-personalkeys-error-no-such-key' )->plaintextParams( $param )->parse()
					) );
					$this->addBackLink( $this->getUser() );
					return;
				}
				if ( $action === 'regenerate' ) {
					$this->showRegenerateForm( $key );
				} else {
					$this->showRevokeForm( $key );
				}
				return;
			case 'user':
				$this->showUser( $param );
				return;
			default:
				if ( $param === '' && $this->userNameUtils->getCanonical( $action ) !== false ) {
					// Special:PersonalKeys/<name>, the target of the log's
					// entries: as user/<name>.
					$this->showUser( $action );
					return;
				}
				$out->setStatusCode( 404 );
				$out->addHTML( Html::errorBox( $this->msg( 'tokenauthenticator-personalkeys-error-no-such-page' )
					->plaintextParams( (string)$subPage )->parse() ) );
				$this->addBackLink( $this->getUser() );
		}
	}

	/**
	 * The key of the id in the URL, when the user may act on it: their own,
	 * or (to revoke it) anyone's for an administrator. Null otherwise, as for
	 * a key that does not exist, so that the answer tells nothing about
	 * other users' keys.
	 */
	private function findKey( string $id, bool $adminMay ): ?PersonalKey {
		if ( !preg_match( '/^[1-9][0-9]{0,17}$/', $id ) ) {
			return null;
		}
		$key = $this->keys->get( (int)$id );
		if ( !$key ) {
			return null;
		}
		if ( $key->userId === $this->getUser()->getId() ) {
			return $key;
		}
		return $adminMay && $this->isAdmin() ? $key : null;
	}

	private function isAdmin(): bool {
		return $this->getAuthority()->isAllowed( self::MANAGE_RIGHT );
	}

	/**
	 * user/<name>: an administrator's view of another user's keys.
	 *
	 * @throws PermissionsError For everyone else
	 */
	private function showUser( string $name ): void {
		$canonical = $this->userNameUtils->getCanonical( $name );
		$target = $canonical === false ? null : $this->userIdentityLookup->getUserIdentityByName( $canonical );
		if ( $target && $target->getId() === $this->getUser()->getId() ) {
			$this->showList( $this->getUser() );
			return;
		}
		if ( !$this->isAdmin() ) {
			throw new PermissionsError( self::MANAGE_RIGHT );
		}
		if ( !$target || !$target->isRegistered() ) {
			$out = $this->getOutput();
			$out->setStatusCode( 404 );
			$out->addHTML( Html::errorBox( $this->msg( 'tokenauthenticator-personalkeys-error-no-such-user' )
				->plaintextParams( str_replace( '_', ' ', $name ) )->parse() ) );
			$this->addBackLink( $this->getUser() );
			return;
		}
		$this->showList( $target );
	}

	/**
	 * The keys of $owner: the user's own (with buttons to regenerate and
	 * revoke them, and a link to create one), or, for an administrator,
	 * another user's (revoke only).
	 */
	private function showList( UserIdentity $owner ): void {
		$out = $this->getOutput();
		$own = $owner->getId() === $this->getUser()->getId();
		// Kept in the session by the action itself, not read from the URL,
		// which anyone can write.
		$session = $this->getRequest()->getSession();
		$done = $session->get( self::DONE_KEY );
		if ( is_array( $done ) && ( $done[0] ?? null ) === 'revoke' ) {
			$session->remove( self::DONE_KEY );
			$out->addHTML( Html::successBox( $this->msg( 'tokenauthenticator-personalkeys-done-revoke' )
				->plaintextParams( (string)( $done[1] ?? '' ) )->parse(), 'mw-tokenauth-done' ) );
		}
		if ( $own ) {
			// personalkeys-summary
			$this->outputHeader();
			$out->addHTML( Html::rawElement( 'p', [],
				$this->getLinkRenderer()->makeKnownLink( $this->getPageTitle( 'create' ),
					$this->msg( 'tokenauthenticator-personalkeys-create-link' )->text(),
					[ 'class' => 'mw-ui-button mw-ui-progressive', 'id' => 'mw-tokenauth-personalkeys-create' ] )
			) );
		} else {
			$out->setPageTitle( $this->msg( 'tokenauthenticator-personalkeys-user-title' )
				->plaintextParams( $owner->getName() ) );
			$out->addHTML( Html::rawElement( 'p', [],
				$this->msg( 'tokenauthenticator-personalkeys-user-intro' )->plaintextParams( $owner->getName() )->parse() ) );
		}

		if ( $own ) {
			$this->showEvents( $owner );
		}
		$keys = $this->keys->listFor( $owner );
		if ( !$keys ) {
			$out->addHTML( Html::element( 'p', [ 'class' => 'mw-tokenauth-none' ],
				$this->msg( $own ? 'tokenauthenticator-personalkeys-none'
					: 'tokenauthenticator-personalkeys-user-none' )->plaintextParams( $owner->getName() )->text() ) );
			return;
		}
		$header = '';
		foreach ( [ 'name', 'grants', 'ranges', 'created', 'expires', 'last-used', 'actions' ] as $column ) {
			// tokenauthenticator-personalkeys-column-name, -grants, -ranges,
			// -created, -expires, -last-used, -actions
			$header .= Html::element( 'th', [], $this->msg( "tokenauthenticator-personalkeys-column-$column" )->text() );
		}
		$rows = '';
		foreach ( $keys as $key ) {
			$rows .= $this->keyRow( $key, $own );
		}
		$out->addHTML( Html::rawElement( 'table',
			[ 'class' => 'wikitable mw-tokenauth-keys mw-tokenauth-personalkeys', 'id' => 'mw-tokenauth-personalkeys' ],
			Html::rawElement( 'tr', [], $header ) . $rows ) );
		if ( !$own ) {
			$this->addBackLink( $this->getUser() );
		}
	}

	/**
	 * The owner's latest events of their keys, a key revoked as leaked among
	 * them (Special:Log's type is for administrators).
	 */
	private function showEvents( UserIdentity $owner ): void {
		$items = '';
		foreach ( $this->keys->events( $owner ) as $event ) {
			if ( !in_array( $event['action'], self::EVENTS, true ) ) {
				continue;
			}
			// tokenauthenticator-personalkeys-event-personalkey-create, -regenerate, -revoke, -leaked
			$items .= Html::rawElement( 'li', [ 'class' => 'mw-tokenauth-event-' . $event['action'] ],
				$this->msg( 'tokenauthenticator-personalkeys-event-' . $event['action'] )
					->plaintextParams( $event['key'], $this->time( $event['time'] ) )->parse() );
		}
		if ( $items !== '' ) {
			$this->getOutput()->addHTML( Html::element( 'h2', [],
				$this->msg( 'tokenauthenticator-personalkeys-events' )->text() )
				. Html::rawElement( 'ul', [ 'id' => 'mw-tokenauth-personalkeys-events' ], $items ) );
		}
	}

	private function keyRow( PersonalKey $key, bool $own ): string {
		$now = (int)ConvertibleTimestamp::time();
		$expires = $this->time( $key->expires );
		if ( $key->isExpired( $now ) ) {
			$expires = $this->msg( 'tokenauthenticator-personalkeys-expired' )->plaintextParams( $expires )->text();
		}
		$cells = Html::element( 'td', [ 'class' => 'mw-tokenauth-key-name' ], $key->name )
			. $this->listCell( $this->grantNames( $key->grants ), 'tokenauthenticator-personalkeys-grants-basic' )
			. $this->listCell( $key->ranges, 'tokenauthenticator-personalkeys-any-address', true )
			. Html::element( 'td', [], $this->time( $key->created ) )
			. Html::element( 'td', [ 'class' => $key->isExpired( $now ) ? 'mw-tokenauth-expired' : null ], $expires )
			. Html::element( 'td', [ 'class' => 'mw-tokenauth-last-used' ], $key->lastUsed === null
				? $this->msg( 'tokenauthenticator-personalkeys-never-used' )->text()
				: $this->msg( 'tokenauthenticator-personalkeys-last-used' )->plaintextParams(
					$this->time( $key->lastUsed ), (string)$key->lastAddress )->text() );
		$buttons = '';
		// A new secret does not make an expired key work again.
		if ( $own && !$key->isExpired( $now ) ) {
			$buttons .= $this->buttonForm( 'regenerate', $key )->getHTML( false );
		}
		$buttons .= $this->buttonForm( 'revoke', $key )->getHTML( false );
		$cells .= Html::rawElement( 'td', [ 'class' => 'mw-tokenauth-personalkeys-actions' ], $buttons );
		return Html::rawElement( 'tr', [ 'data-key' => (string)$key->id ], $cells );
	}

	/**
	 * The form of regenerate/<id> or revoke/<id>: no fields, a button and
	 * the session's CSRF token. The list shows it as the row's button, which
	 * posts to the subpage, so that it works without JavaScript.
	 */
	private function buttonForm( string $action, PersonalKey $key ): HTMLForm {
		$form = HTMLForm::factory( 'ooui', [], $this->getContext() );
		// The form's title, not only its action: HTMLForm posts the title too.
		$form->setTitle( $this->getPageTitle( "$action/{$key->id}" ) );
		$form->setMethod( 'post' );
		$form->setWrapperLegend( false );
		$form->setId( "mw-tokenauth-personalkeys-$action-{$key->id}" );
		// tokenauthenticator-personalkeys-regenerate-submit, tokenauthenticator-personalkeys-revoke-submit
		$form->setSubmitTextMsg( "tokenauthenticator-personalkeys-$action-submit" );
		if ( $action === 'revoke' ) {
			$form->setSubmitDestructive();
		}
		$form->prepareForm();
		return $form;
	}

	/**
	 * The form to create a key; on success, its secret, once.
	 */
	private function showCreateForm(): void {
		$maxLifetime = $this->keys->maxLifetime();
		$maxDays = max( 1, (int)ceil( $maxLifetime / 86400 ) );
		$today = (int)ConvertibleTimestamp::time();
		$showGrants = $this->grantsInfo->getValidGrants();
		$grantLinks = array_map(
			fn ( $grant ) => $this->grantsLocalization->getGrantsLink( $grant, $this->getLanguage() ),
			$showGrants
		);
		$rightsByGrant = $this->grantsInfo->getRightsByGrant();
		$fields = [
			'name' => [
				'type' => 'text',
				'label-message' => 'tokenauthenticator-personalkeys-field-name',
				'help-message' => 'tokenauthenticator-personalkeys-field-name-help',
				'required' => true,
				'maxlength' => PersonalKeys::MAX_NAME_BYTES,
				'size' => 50,
				'validation-callback' => function ( $value ) {
					$value = trim( (string)$value );
					if ( $value !== '' && strlen( $value ) > PersonalKeys::MAX_NAME_BYTES ) {
						return $this->msg( 'tokenauthenticator-personalkeys-bad-name' )
							->plaintextParams( PersonalKeys::MAX_NAME_BYTES );
					}
					return true;
				},
			],
			'grants' => [
				'type' => 'checkmatrix',
				'label-message' => 'tokenauthenticator-personalkeys-field-grants',
				'help-message' => 'tokenauthenticator-personalkeys-field-grants-help',
				'columns' => [
					$this->msg( 'tokenauthenticator-personalkeys-field-grants-column' )->escaped() => 'grant',
				],
				// Row labels are HTML: each grant's name, a link to Special:ListGrants.
				'rows' => array_combine( $grantLinks, $showGrants ),
				'tooltips' => array_combine( $grantLinks, array_map(
					fn ( $grant ) => $this->getLanguage()->semicolonList(
						array_map( fn ( $right ) => $this->rightDescription( $right ), $rightsByGrant[$grant] ?? [] ) ),
					$showGrants
				) ),
				// Basic rights are in every key (PersonalKeys adds them).
				'force-options-on' => array_map( static fn ( $grant ) => "grant-$grant",
					$this->grantsInfo->getHiddenGrants() ),
			],
			'ranges' => [
				'type' => 'textarea',
				'rows' => self::TEXTAREA_ROWS,
				'label-message' => 'tokenauthenticator-personalkeys-field-ranges',
				'help-message' => 'tokenauthenticator-personalkeys-field-ranges-help',
			],
			'expires' => [
				'type' => 'date',
				'label-message' => 'tokenauthenticator-personalkeys-field-expires',
				'help' => $this->msg( 'tokenauthenticator-personalkeys-field-expires-help' )
					->numParams( $maxDays )->parse(),
				'required' => true,
				'min' => self::date( $today + 86400 ),
				'max' => self::date( $today + $maxDays * 86400 ),
				'default' => self::date( $today + min( self::DEFAULT_DAYS, $maxDays ) * 86400 ),
			],
		];
		$form = HTMLForm::factory( 'ooui', $fields, $this->getContext() );
		$form->setId( 'mw-tokenauth-personalkeys-create-form' );
		$form->setWrapperLegendMsg( 'tokenauthenticator-personalkeys-create-legend' );
		$form->setSubmitTextMsg( 'tokenauthenticator-personalkeys-create-submit' );
		$secret = null;
		$form->setSubmitCallback( function ( array $data ) use ( $maxLifetime, &$secret ) {
			$now = (int)ConvertibleTimestamp::time();
			// The chosen day at this time of day, within the longest lifetime.
			$days = (int)round( ( self::dayStart( (string)$data['expires'] ) - self::dayStart( self::date( $now ) ) )
				/ 86400 );
			$expires = $days < 1 ? $now : min( $now + $days * 86400, $now + $maxLifetime );
			$grants = preg_replace( '/^grant-/', '', (array)( $data['grants'] ?? [] ) );
			try {
				[ $key, $value ] = $this->keys->create( $this->getUser(), (string)$data['name'], $grants,
					self::lines( $data['ranges'] ), $expires );
			} catch ( PersonalKeyException $e ) {
				return Status::newFatal( $this->msg( $e->getMessageKey() )->plaintextParams( ...$e->getParams() ) );
			}
			$secret = [ $key, $value ];
			return Status::newGood();
		} );
		if ( $form->show() && $secret ) {
			$this->showSecret( $secret[0], $secret[1], 'tokenauthenticator-personalkeys-created' );
			return;
		}
		$this->addBackLink( $this->getUser() );
	}

	private function showRegenerateForm( PersonalKey $key ): void {
		$form = $this->buttonForm( 'regenerate', $key );
		$form->setWrapperLegendMsg( 'tokenauthenticator-personalkeys-regenerate-legend' );
		$form->addPreHtml( Html::element( 'p', [], $this->msg( 'tokenauthenticator-personalkeys-regenerate-intro' )
			->plaintextParams( $key->name )->text() ) );
		$secret = null;
		$form->setSubmitCallback( function () use ( $key, &$secret ) {
			try {
				$secret = $this->keys->regenerate( $key, $this->getUser(), $this->getUser() );
			} catch ( PersonalKeyException $e ) {
				return Status::newFatal( $this->msg( $e->getMessageKey() )->plaintextParams( ...$e->getParams() ) );
			}
			return Status::newGood();
		} );
		if ( $form->show() && $secret !== null ) {
			$this->showSecret( $key, $secret, 'tokenauthenticator-personalkeys-regenerated' );
			return;
		}
		$this->addBackLink( $this->getUser() );
	}

	private function showRevokeForm( PersonalKey $key ): void {
		$owner = $this->owner( $key );
		$form = $this->buttonForm( 'revoke', $key );
		$form->setWrapperLegendMsg( 'tokenauthenticator-personalkeys-revoke-legend' );
		$form->addPreHtml( Html::element( 'p', [], $this->msg( 'tokenauthenticator-personalkeys-revoke-intro' )
			->plaintextParams( $key->name, $owner->getName() )->text() ) );
		$form->setSubmitCallback( function () use ( $key, $owner ) {
			try {
				$revoked = $this->keys->revoke( $key, $this->getUser(), $owner );
			} catch ( PersonalKeyException $e ) {
				return Status::newFatal( $this->msg( $e->getMessageKey() )->plaintextParams( ...$e->getParams() ) );
			}
			return $revoked ? Status::newGood() : Status::newFatal(
				$this->msg( 'tokenauthenticator-personalkeys-error-no-such-key' )->plaintextParams( (string)$key->id ) );
		} );
		if ( $form->show() ) {
			$this->getRequest()->getSession()->set( self::DONE_KEY, [ 'revoke', $key->name ] );
			$this->getOutput()->redirect( $this->listTitle( $owner )->getLocalURL() );
			return;
		}
		$this->addBackLink( $owner );
	}

	/**
	 * The secret, once: it is stored only as its SHA-256, and kept nowhere
	 * else (not in the session). With a copy button (JavaScript; without it
	 * the field can be selected) and a curl example.
	 */
	private function showSecret( PersonalKey $key, string $secret, string $messageKey ): void {
		$out = $this->getOutput();
		// Set for every answer of the page (execute()); said again where it
		// matters: OutputPage then sends Cache-Control: no-store.
		$out->disableClientCache();
		$out->addHTML( Html::successBox( $this->msg( $messageKey )->plaintextParams( $key->name )->parse() ) );
		$out->addHTML( Html::rawElement( 'div', [ 'class' => 'mw-tokenauth-secret-box' ],
			Html::element( 'label', [ 'for' => 'mw-tokenauth-secret' ],
				$this->msg( 'tokenauthenticator-personalkeys-secret-label' )->text() )
			. Html::input( 'secret', $secret, 'text', [
				'id' => 'mw-tokenauth-secret',
				'readonly' => true,
				'size' => 70,
				'class' => 'mw-tokenauth-secret',
				'autocomplete' => 'off',
				'spellcheck' => 'false',
			] )
			. Html::element( 'button', [
				'type' => 'button',
				'class' => 'mw-tokenauth-copy mw-ui-button',
				'data-target' => 'mw-tokenauth-secret',
				'data-copied' => $this->msg( 'tokenauthenticator-personalkeys-copied' )->text(),
			], $this->msg( 'tokenauthenticator-personalkeys-copy' )->text() )
		) );
		$out->addHTML( Html::element( 'p', [ 'class' => 'mw-tokenauth-secret-warning' ],
			$this->msg( 'tokenauthenticator-personalkeys-secret-once' )->text() ) );
		$api = $this->getConfig()->get( 'CanonicalServer' ) . wfScript( 'api' );
		$out->addHTML( Html::element( 'p', [], $this->msg( 'tokenauthenticator-personalkeys-curl-example' )->text() ) );
		$out->addHTML( Html::element( 'pre', [ 'class' => 'mw-tokenauth-curl' ],
			"curl -H \"Authorization: Bearer $secret\" \\\n  \"$api?action=query&meta=userinfo&format=json\"" ) );
		$this->addBackLink( $this->getUser() );
	}

	/**
	 * @throws UserBlockedError For a user with a sitewide block
	 */
	private function refuseBlocked(): void {
		$block = $this->getUser()->getBlock();
		if ( $block && $block->isSitewide() ) {
			throw new UserBlockedError( $block, $this->getUser(), $this->getLanguage(), $this->getRequest()->getIP() );
		}
	}

	private function owner( PersonalKey $key ): UserIdentity {
		if ( $key->userId === $this->getUser()->getId() ) {
			return $this->getUser();
		}
		return $this->userIdentityLookup->getUserIdentityByUserId( $key->userId )
			?? new UserIdentityValue( $key->userId, '#' . $key->userId );
	}

	/** The list of $owner's keys: the user's own, or user/<name>. */
	private function listTitle( UserIdentity $owner ): \Title {
		return $owner->getId() === $this->getUser()->getId()
			? $this->getPageTitle()
			: $this->getPageTitle( 'user/' . $owner->getName() );
	}

	private function addBackLink( UserIdentity $owner ): void {
		$own = $owner->getId() === $this->getUser()->getId();
		$this->getOutput()->addHTML( Html::rawElement( 'p', [ 'class' => 'mw-tokenauth-back' ],
			$this->getLinkRenderer()->makeKnownLink( $this->listTitle( $owner ), $own
				? $this->msg( 'tokenauthenticator-personalkeys-back' )->text()
				: $this->msg( 'tokenauthenticator-personalkeys-back-user' )->plaintextParams( $owner->getName() )->text()
			) ) );
	}

	/**
	 * @param string[] $grants
	 * @return string[] Their names in the user's language
	 */
	private function grantNames( array $grants ): array {
		return array_map(
			fn ( $grant ) => $this->grantsLocalization->getGrantDescription( $grant, $this->getLanguage() ),
			$grants
		);
	}

	/**
	 * A right's description, as core's User::getRightDescription() (not used:
	 * deprecated in later versions).
	 */
	private function rightDescription( string $right ): string {
		$msg = $this->msg( "right-$right" );
		return $msg->isDisabled() ? $right : $msg->text();
	}

	/**
	 * @param string[] $items Escaped here
	 * @param string $emptyMessage Shown without items
	 * @param bool $code Each item as code (addresses)
	 * @return string
	 */
	private function listCell( array $items, string $emptyMessage, bool $code = false ): string {
		if ( !$items ) {
			return Html::element( 'td', [ 'class' => 'mw-tokenauth-empty' ], $this->msg( $emptyMessage )->text() );
		}
		$html = array_map( static fn ( $item ) => Html::element( $code ? 'code' : 'span', [], (string)$item ), $items );
		return Html::rawElement( 'td', [], $code ? implode( ' ', $html ) : $this->getLanguage()->commaList( $html ) );
	}

	private function time( int $unix ): string {
		return $this->getLanguage()->userTimeAndDate( ConvertibleTimestamp::convert( TS_MW, $unix ), $this->getUser() );
	}

	/** A date as the date field has it (UTC). */
	private static function date( int $unix ): string {
		return gmdate( 'Y-m-d', $unix );
	}

	/** The Unix time a date of the date field begins (UTC). */
	private static function dayStart( string $date ): int {
		$time = \DateTime::createFromFormat( '!Y-m-d', substr( $date, 0, 10 ), new \DateTimeZone( 'UTC' ) );
		return $time ? $time->getTimestamp() : 0;
	}

	/**
	 * @param mixed $value A textarea's text
	 * @return string[] Its non-empty lines, trimmed
	 */
	private static function lines( $value ): array {
		return array_values( array_filter( array_map( 'trim', preg_split( '/\R/', (string)$value ) ),
			static fn ( $line ) => $line !== '' ) );
	}
}
