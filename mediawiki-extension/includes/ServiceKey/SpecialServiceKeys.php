<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use Html;
use HTMLForm;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\MediaWikiServices;
use MediaWiki\Permissions\PermissionManager;
use SpecialPage;
use Status;
use UserBlockedError;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * Special:ServiceKeys: every service key, configured or created here,
 * with its last use and live app tokens; and forms to create, edit, rotate
 * and revoke keys and to revoke app tokens. The rules and the Special:Log
 * entries are ServiceKeys'; this page only asks and shows.
 *
 * Subpages: create, edit/<name>, rotate/<name>, revoke/<name>,
 * revoke-app-token (POST with the key's name and the token's id).
 *
 * Everything shown that an admin or a request wrote (names, ranges, paths,
 * addresses) is escaped text, never parsed.
 */
class SpecialServiceKeys extends SpecialPage {
	private const TEXTAREA_ROWS = 3;
	/** Subpages that change keys. */
	private const WRITE_ACTIONS = [ 'create', 'edit', 'rotate', 'revoke', 'revoke-app-token' ];
	/**
	 * Subpages that hand out a secret or rights: refused to a sitewide-blocked
	 * manager, as core's special pages refuse blocked users. Revoking takes
	 * access away and stays open.
	 */
	private const GRANTING_ACTIONS = [ 'create', 'edit', 'rotate' ];
	/** Session key of what the last action did, shown once by the list. */
	private const DONE_KEY = 'tokenauthenticator-keys-done';

	private ServiceKeyManager $keys;
	private ServiceKeyLookup $lookup;
	private KeyUse $keyUse;
	private AppTokens $appTokens;
	private ServiceAccounts $accounts;
	private PermissionManager $permissionManager;

	/**
	 * Its spec's factory (Registration): the services are wired on first use.
	 */
	public static function factory(): self {
		return new self(
			Services::getServiceKeyManager(),
			Services::getServiceKeyLookup(),
			Services::getKeyUse(),
			Services::getAppTokens(),
			Services::getServiceAccounts(),
			MediaWikiServices::getInstance()->getPermissionManager()
		);
	}

	public function __construct(
		ServiceKeyManager $keys, ServiceKeyLookup $lookup, KeyUse $keyUse, AppTokens $appTokens,
		ServiceAccounts $accounts, PermissionManager $permissionManager
	) {
		parent::__construct( 'ServiceKeys', 'tokenauthenticator-manage' );
		$this->keys = $keys;
		$this->lookup = $lookup;
		$this->keyUse = $keyUse;
		$this->appTokens = $appTokens;
		$this->accounts = $accounts;
		$this->permissionManager = $permissionManager;
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
		$this->checkPermissions();
		$out = $this->getOutput();
		$out->setPreventClickjacking( true );
		// Answers may carry a secret shown once: never from a cache.
		$out->disableClientCache();
		if ( !NativeModule::isLoaded() ) {
			NativeModule::showMissingPage( $out );
			return;
		}
		$out->addModuleStyles( 'ext.tokenAuthenticator.serviceKeys.styles' );
		$out->addModules( 'ext.tokenAuthenticator.serviceKeys' );
		[ $action, $name ] = array_pad( explode( '/', (string)$subPage, 2 ), 2, '' );
		if ( $action === 'revoke-app-token' ) {
			// The key's name as posted: a subpage would arrive with a title's
			// changes (spaces as underscores), and configured names have spaces.
			$name = (string)$this->getRequest()->getVal( 'key', $name );
		}
		if ( in_array( $action, self::WRITE_ACTIONS, true ) ) {
			$this->checkReadOnly();
		}
		if ( in_array( $action, self::GRANTING_ACTIONS, true ) ) {
			$this->refuseBlocked();
		}
		try {
			switch ( $action ) {
				case '':
					$this->showList();
					return;
				case 'create':
					$this->showKeyForm( null );
					return;
				case 'edit':
				case 'rotate':
				case 'revoke':
				case 'revoke-app-token':
					$key = $name === '' ? null : $this->lookup->get( $name );
					// App tokens of configured keys are revoked here too;
					// the keys themselves are changed in LocalSettings.php.
					if ( !$key || ( $key->source !== ServiceKey::CREATED && $action !== 'revoke-app-token' ) ) {
						$out->setStatusCode( 404 );
						$out->addHTML( Html::errorBox(
							$this->msg( 'tokenauthenticator-keys-error-no-such-key' )->plaintextParams( $name )->parse()
						) );
						$this->addBackLink();
						return;
					}
					if ( $action === 'edit' ) {
						$this->showKeyForm( $key );
					} elseif ( $action === 'rotate' ) {
						$this->showRotateForm( $key );
					} elseif ( $action === 'revoke' ) {
						$this->showRevokeForm( $key );
					} else {
						$this->revokeAppToken( $key );
					}
					return;
				default:
					$out->setStatusCode( 404 );
					$out->addHTML( Html::errorBox( $this->msg( 'tokenauthenticator-keys-error-no-such-page' )
						->plaintextParams( (string)$subPage )->parse() ) );
					$this->addBackLink();
			}
		} catch ( InvalidSettingException $e ) {
			$out->setStatusCode( 500 );
			$out->addHTML( Html::errorBox( $this->msg( $e->getMessageKey(), ...$e->getMessageParams() )->escaped() ) );
		}
	}

	/**
	 * @throws InvalidSettingException
	 */
	private function showList(): void {
		$out = $this->getOutput();
		// Kept in the session by the action itself, not read from the URL,
		// which anyone can write.
		$session = $this->getRequest()->getSession();
		$done = $session->get( self::DONE_KEY );
		if ( is_array( $done ) && in_array( $done[0] ?? null, [ 'edit', 'revoke', 'revoke-app-token' ], true ) ) {
			$session->remove( self::DONE_KEY );
			// tokenauthenticator-keys-done-edit, -revoke, -revoke-app-token
			$out->addHTML( Html::successBox( $this->msg( "tokenauthenticator-keys-done-{$done[0]}" )
				->plaintextParams( (string)( $done[1] ?? '' ) )->parse(), 'mw-tokenauth-done' ) );
		}
		$out->addHTML( Html::rawElement( 'p', [], $this->msg( 'tokenauthenticator-keys-intro' )->parse() ) );
		$out->addHTML( Html::rawElement( 'p', [],
			$this->getLinkRenderer()->makeKnownLink( $this->getPageTitle( 'create' ),
				$this->msg( 'tokenauthenticator-keys-create-link' )->text(),
				[ 'class' => 'mw-ui-button mw-ui-progressive', 'id' => 'mw-tokenauth-create' ] )
		) );

		$serviceKeys = $this->lookup->configured() + $this->keys->created();
		if ( !$serviceKeys ) {
			$out->addHTML( Html::rawElement( 'p', [ 'class' => 'mw-tokenauth-none' ],
				$this->msg( 'tokenauthenticator-keys-none' )->escaped() ) );
			return;
		}
		$uses = $this->keyUse->lastUses( array_map( 'strval', array_keys( $serviceKeys ) ) );
		$rows = '';
		$tokenRows = '';
		foreach ( $serviceKeys as $serviceKey ) {
			$rows .= $this->keyRow( $serviceKey, $uses[$serviceKey->id] ?? null );
			foreach ( $this->appTokens->live( $serviceKey->id ) as $token ) {
				$tokenRows .= $this->appTokenRow( $serviceKey, $token );
			}
		}
		$header = '';
		foreach ( [ 'name', 'source', 'user', 'cidr', 'api-modules', 'rest-paths', 'rights', 'app-tokens', 'expires',
			'last-used', 'actions' ] as $column
		) {
			$header .= Html::element( 'th', [], $this->msg( "tokenauthenticator-keys-column-$column" )->text() );
		}
		$out->addHTML( Html::rawElement( 'table', [ 'class' => 'wikitable mw-tokenauth-keys', 'id' => 'mw-tokenauth-keys' ],
			Html::rawElement( 'tr', [], $header ) . $rows ) );

		$out->addHTML( Html::element( 'h2', [], $this->msg( 'tokenauthenticator-keys-app-tokens' )->text() ) );
		if ( $tokenRows === '' ) {
			$out->addHTML( Html::element( 'p', [ 'class' => 'mw-tokenauth-none' ],
				$this->msg( 'tokenauthenticator-keys-app-tokens-none' )->text() ) );
			return;
		}
		$header = '';
		foreach ( [ 'name', 'created', 'token-expires', 'address', 'actions' ] as $column ) {
			$header .= Html::element( 'th', [], $this->msg( "tokenauthenticator-keys-column-$column" )->text() );
		}
		$out->addHTML( Html::rawElement( 'table',
			[ 'class' => 'wikitable mw-tokenauth-app-tokens', 'id' => 'mw-tokenauth-app-tokens' ],
			Html::rawElement( 'tr', [], $header ) . $tokenRows ) );
	}

	private function keyRow( ServiceKey $serviceKey, ?array $use ): string {
		$created = $serviceKey->source === ServiceKey::CREATED;
		$cells = [
			$this->nameCell( $serviceKey ),
			Html::element( 'td', [], $this->msg( $created ? 'tokenauthenticator-keys-source-page'
				: 'tokenauthenticator-keys-source-config' )->text() ),
			$this->userCell( $serviceKey->user ),
			$this->listCell( $serviceKey->cidr ),
			$this->listCell( $serviceKey->apiModules ),
			$this->listCell( $serviceKey->restPaths ),
			$serviceKey->rights === null
				? Html::element( 'td', [], $this->msg( 'tokenauthenticator-keys-rights-uncapped' )->text() )
				: $this->listCell( $serviceKey->rights ),
			Html::element( 'td', [], $this->msg( $serviceKey->appTokens ? 'tokenauthenticator-keys-yes'
				: 'tokenauthenticator-keys-no' )->text() ),
			Html::element( 'td', [], $serviceKey->expires === null
				? $this->msg( 'tokenauthenticator-keys-never' )->text()
				: $this->time( $serviceKey->expires ) ),
			Html::element( 'td', [ 'class' => 'mw-tokenauth-last-used' ], $use === null
				? $this->msg( 'tokenauthenticator-keys-never-used' )->text()
				: $this->msg( 'tokenauthenticator-keys-last-used' )->plaintextParams(
					$this->time( $use['time'] ), $use['ip'] )->text() ),
		];
		if ( $created ) {
			$links = [];
			foreach ( [ 'edit', 'rotate', 'revoke' ] as $action ) {
				$links[] = $this->getLinkRenderer()->makeKnownLink(
					$this->getPageTitle( "$action/{$serviceKey->id}" ),
					$this->msg( "tokenauthenticator-keys-action-$action" )->text(),
					[ 'class' => "mw-tokenauth-$action" ]
				);
			}
			if ( $serviceKey->previousHash !== null && $serviceKey->previousUntil !== null
				&& $serviceKey->previousUntil > time()
			) {
				$links[] = Html::element( 'span', [ 'class' => 'mw-tokenauth-overlap' ],
					$this->msg( 'tokenauthenticator-keys-previous-until' )
						->plaintextParams( $this->time( $serviceKey->previousUntil ) )->text() );
			}
			$cells[] = Html::rawElement( 'td', [], implode( ' · ', $links ) );
		} else {
			$cells[] = Html::element( 'td', [ 'class' => 'mw-tokenauth-readonly' ],
				$this->msg( 'tokenauthenticator-keys-readonly' )->text() );
		}
		return Html::rawElement( 'tr', [ 'data-key' => $serviceKey->id ], implode( '', $cells ) );
	}

	/**
	 * The key's name, and what it allows that the wiki does not have
	 * (ServiceKeyRules): a configured key keeps working with those, granting
	 * less than its admin meant.
	 */
	private function nameCell( ServiceKey $serviceKey ): string {
		$html = Html::element( 'span', [], $serviceKey->id );
		foreach ( ServiceKeyRules::problems( $serviceKey, $this->permissionManager->getAllPermissions() ) as $problem ) {
			$html .= Html::rawElement( 'div', [ 'class' => 'mw-tokenauth-key-problem' ],
				$this->problem( $problem )->escaped() );
		}
		return Html::rawElement( 'td', [ 'class' => 'mw-tokenauth-key-name' ], $html );
	}

	/**
	 * One live app token, with a button that revokes it: a plain POST form
	 * with the session's CSRF token, so it works without JavaScript.
	 */
	private function appTokenRow( ServiceKey $serviceKey, array $token ): string {
		$form = Html::rawElement( 'form', [
			'method' => 'post',
			'action' => $this->getPageTitle( 'revoke-app-token' )->getLocalURL(),
		],
			Html::hidden( 'key', $serviceKey->id )
			. Html::hidden( 'id', (string)$token['id'] )
			. Html::hidden( 'wpEditToken', $this->getUser()->getEditToken() )
			. Html::submitButton( $this->msg( 'tokenauthenticator-keys-revoke-app-token' )->text(),
				[ 'class' => 'mw-tokenauth-revoke-app-token' ], [ 'mw-ui-destructive' ] )
		);
		return Html::rawElement( 'tr', [ 'data-key' => $serviceKey->id, 'data-token' => (string)$token['id'] ],
			Html::element( 'td', [], $serviceKey->id )
			. Html::element( 'td', [], $this->time( $token['created'] ) )
			. Html::element( 'td', [], $this->time( $token['expires'] ) )
			. Html::element( 'td', [], $token['ip'] )
			. Html::rawElement( 'td', [], $form )
		);
	}

	private function revokeAppToken( ServiceKey $key ): void {
		$request = $this->getRequest();
		$out = $this->getOutput();
		$id = (int)$request->getVal( 'id', '0' );
		if ( !$request->wasPosted() || !$this->getUser()->matchEditToken( $request->getVal( 'wpEditToken' ) ) ) {
			$out->setStatusCode( 400 );
			$out->addHTML( Html::errorBox( $this->msg( 'sessionfailure' )->parse() ) );
			$this->addBackLink();
			return;
		}
		if ( !$this->keys->revokeAppToken( $this->getUser(), $key->id, $id ) ) {
			$out->setStatusCode( 404 );
			$out->addHTML( Html::errorBox( $this->msg( 'tokenauthenticator-keys-error-no-such-app-token' )->parse() ) );
			$this->addBackLink();
			return;
		}
		$this->redirectDone( 'revoke-app-token', $key->id );
	}

	/**
	 * The form to create a key ($key null) or edit one.
	 */
	private function showKeyForm( ?ServiceKey $key ): void {
		$fields = [];
		if ( !$key ) {
			$fields['name'] = [
				'type' => 'text',
				'label-message' => 'tokenauthenticator-keys-field-name',
				'help-message' => 'tokenauthenticator-keys-field-name-help',
				'required' => true,
				'maxlength' => 64,
				'validation-callback' => function ( $value ) {
					return $this->problem( $this->keys->nameProblem( trim( (string)$value ) ) );
				},
			];
		}
		$fields += [
			'user' => [
				'type' => 'user',
				'label-message' => 'tokenauthenticator-keys-field-user',
				'help-message' => 'tokenauthenticator-keys-field-user-help',
				'required' => true,
				'default' => $key ? $key->user : '',
			],
			'createuser' => [
				'type' => 'check',
				'label-message' => 'tokenauthenticator-keys-field-createuser',
			],
			'cidr' => [
				'type' => 'textarea',
				'rows' => self::TEXTAREA_ROWS,
				'label-message' => 'tokenauthenticator-keys-field-cidr',
				'help-message' => 'tokenauthenticator-keys-field-cidr-help',
				'default' => implode( "\n", $key ? $key->cidr : ServiceKeyRules::LOOPBACK ),
				'validation-callback' => fn ( $value ) => $this->problem( ServiceKeyRules::cidrProblem( self::lines( $value ) ) ),
			],
			'apimodules' => [
				'type' => 'textarea',
				'rows' => self::TEXTAREA_ROWS,
				'label-message' => 'tokenauthenticator-keys-field-api-modules',
				'help-message' => 'tokenauthenticator-keys-field-api-modules-help',
				'default' => implode( "\n", $key ? $key->apiModules : [] ),
				'validation-callback' => fn ( $value ) => $this->problem(
					ServiceKeyRules::apiModuleProblem( self::lines( $value ) ) ),
			],
			'restpaths' => [
				'type' => 'textarea',
				'rows' => self::TEXTAREA_ROWS,
				'label-message' => 'tokenauthenticator-keys-field-rest-paths',
				'help-message' => 'tokenauthenticator-keys-field-rest-paths-help',
				'default' => implode( "\n", $key ? $key->restPaths : [] ),
				'validation-callback' => fn ( $value ) => $this->problem(
					ServiceKeyRules::restPathProblem( self::lines( $value ) ) ),
			],
			'capped' => [
				'type' => 'check',
				'label-message' => 'tokenauthenticator-keys-field-capped',
				'default' => $key && $key->rights !== null,
			],
			'rights' => [
				'type' => 'textarea',
				'rows' => self::TEXTAREA_ROWS,
				'label-message' => 'tokenauthenticator-keys-field-rights',
				'help-message' => 'tokenauthenticator-keys-field-rights-help',
				'default' => implode( "\n", $key && $key->rights !== null ? $key->rights : [ 'read' ] ),
				'hide-if' => [ '!==', 'capped', '1' ],
				'validation-callback' => fn ( $value ) => $this->problem( ServiceKeyRules::rightsProblem(
					self::lines( $value ), $this->permissionManager->getAllPermissions() ) ),
			],
			'apptokens' => [
				'type' => 'check',
				'label-message' => 'tokenauthenticator-keys-field-app-tokens',
				'help-message' => 'tokenauthenticator-keys-field-app-tokens-help',
				'default' => $key && $key->appTokens,
			],
			'expires' => [
				'type' => 'datetime',
				'label-message' => 'tokenauthenticator-keys-field-expires',
				'help-message' => 'tokenauthenticator-keys-field-expires-help',
				'default' => $key && $key->expires !== null ? wfTimestamp( TS_ISO_8601, $key->expires ) : '',
				'min' => $key ? '' : wfTimestamp( TS_ISO_8601 ),
			],
		];
		$form = HTMLForm::factory( 'ooui', $fields, $this->getContext() );
		$form->setId( $key ? 'mw-tokenauth-edit-form' : 'mw-tokenauth-create-form' );
		$form->setWrapperLegendMsg( $key ? 'tokenauthenticator-keys-edit-legend' : 'tokenauthenticator-keys-create-legend' );
		if ( $key ) {
			$form->addPreHtml( Html::element( 'p', [], $this->msg( 'tokenauthenticator-keys-edit-intro' )
				->plaintextParams( $key->id )->text() ) );
		}
		$form->setSubmitTextMsg( $key ? 'tokenauthenticator-keys-edit-submit' : 'tokenauthenticator-keys-create-submit' );
		$secret = null;
		$form->setSubmitCallback( function ( array $data ) use ( $key, &$secret ) {
			$userName = trim( (string)$data['user'] );
			$problem = $this->keys->serviceUserProblem( $userName, (bool)$data['createuser'] );
			if ( $problem ) {
				return Status::newFatal( ServiceKeyRules::message( $problem ) );
			}
			$rules = [
				'cidr' => self::lines( $data['cidr'] ),
				'apiModules' => self::lines( $data['apimodules'] ),
				'restPaths' => self::lines( $data['restpaths'] ),
				'rights' => $data['capped'] ? self::lines( $data['rights'] ) : null,
				'appTokens' => (bool)$data['apptokens'],
				'expires' => $data['expires'] ? (int)wfTimestamp( TS_UNIX, $data['expires'] ) : null,
			];
			$missing = $this->keys->missingRights( $this->getAuthority(), $userName, $rules['rights'] );
			if ( $missing ) {
				return Status::newFatal( $this->msg( 'tokenauthenticator-keys-error-escalation' )
					->numParams( count( $missing ) )->plaintextParams( implode( ', ', $missing ) ) );
			}
			// Only now, so that a refused form leaves no account behind.
			$created = $this->keys->serviceUser( $userName, $this->getAuthority(), ServiceAccounts::ORIGIN_PAGE );
			if ( !$created->isGood() ) {
				return Status::wrap( $created );
			}
			$user = $created->getValue();
			if ( $key ) {
				return $this->keys->update( $this->getUser(), $key->id, $user, $rules )
					? Status::newGood()
					: Status::newFatal( $this->msg( 'tokenauthenticator-keys-error-no-such-key' )->plaintextParams( $key->id ) );
			}
			$name = trim( (string)$data['name'] );
			$secret = [ $name, $this->keys->create( $this->getUser(), $name, $user, $rules ) ];
			return Status::newGood();
		} );
		if ( $form->show() ) {
			if ( $secret ) {
				$this->showSecret( $secret[0], $secret[1], 'tokenauthenticator-keys-created' );
			} else {
				$this->redirectDone( 'edit', $key->id );
			}
			return;
		}
		$this->addBackLink();
	}

	private function showRotateForm( ServiceKey $key ): void {
		$fields = [
			'until' => [
				'type' => 'datetime',
				'label-message' => 'tokenauthenticator-keys-field-previous-until',
				'help-message' => 'tokenauthenticator-keys-field-previous-until-help',
				'required' => true,
				'default' => wfTimestamp( TS_ISO_8601, time() + 86400 ),
			],
		];
		$form = HTMLForm::factory( 'ooui', $fields, $this->getContext() );
		$form->setId( 'mw-tokenauth-rotate-form' );
		$form->setWrapperLegendMsg( 'tokenauthenticator-keys-rotate-legend' );
		$form->addPreHtml( Html::element( 'p', [], $this->msg( 'tokenauthenticator-keys-rotate-intro' )
			->plaintextParams( $key->id )->text() ) );
		$form->setSubmitTextMsg( 'tokenauthenticator-keys-rotate-submit' );
		$secret = null;
		$form->setSubmitCallback( function ( array $data ) use ( $key, &$secret ) {
			// The new secret is handed to the manager: the same rule as creating.
			$missing = $this->keys->missingRights( $this->getAuthority(), $key->user, $key->rights );
			if ( $missing ) {
				return Status::newFatal( $this->msg( 'tokenauthenticator-keys-error-escalation' )
					->numParams( count( $missing ) )->plaintextParams( implode( ', ', $missing ) ) );
			}
			$secret = $this->keys->rotate( $this->getUser(), $key->id, (int)wfTimestamp( TS_UNIX, $data['until'] ) );
			return $secret === null
				? Status::newFatal( $this->msg( 'tokenauthenticator-keys-error-no-such-key' )->plaintextParams( $key->id ) )
				: Status::newGood();
		} );
		if ( $form->show() ) {
			$this->showSecret( $key->id, $secret, 'tokenauthenticator-keys-rotated' );
			return;
		}
		$this->addBackLink();
	}

	private function showRevokeForm( ServiceKey $key ): void {
		$form = HTMLForm::factory( 'ooui', [], $this->getContext() );
		$form->setId( 'mw-tokenauth-revoke-form' );
		$form->setWrapperLegendMsg( 'tokenauthenticator-keys-revoke-legend' );
		$form->addPreHtml( Html::element( 'p', [], $this->msg( 'tokenauthenticator-keys-revoke-intro' )
			->plaintextParams( $key->id )->text() ) );
		$form->setSubmitTextMsg( 'tokenauthenticator-keys-revoke-submit' );
		$form->setSubmitDestructive();
		$form->setSubmitCallback( function () use ( $key ) {
			return $this->keys->revoke( $this->getUser(), $key->id )
				? Status::newGood()
				: Status::newFatal( $this->msg( 'tokenauthenticator-keys-error-no-such-key' )->plaintextParams( $key->id ) );
		} );
		if ( $form->show() ) {
			$this->redirectDone( 'revoke', $key->id );
			return;
		}
		$this->addBackLink();
	}

	/**
	 * The secret, once: it is stored only as its SHA-256. With a copy button
	 * (JavaScript; without it the field is selectable) and a curl example.
	 */
	private function showSecret( string $name, string $secret, string $messageKey ): void {
		$out = $this->getOutput();
		$out->addHTML( Html::successBox( $this->msg( $messageKey )->plaintextParams( $name )->parse() ) );
		$out->addHTML( Html::rawElement( 'div', [ 'class' => 'mw-tokenauth-secret-box' ],
			Html::element( 'label', [ 'for' => 'mw-tokenauth-secret' ],
				$this->msg( 'tokenauthenticator-keys-secret-label' )->text() )
			. Html::input( 'secret', $secret, 'text', [
				'id' => 'mw-tokenauth-secret',
				'readonly' => true,
				'size' => 70,
				'class' => 'mw-tokenauth-secret',
			] )
			. Html::element( 'button', [
				'type' => 'button',
				'class' => 'mw-tokenauth-copy mw-ui-button',
				'data-target' => 'mw-tokenauth-secret',
				'data-copied' => $this->msg( 'tokenauthenticator-keys-copied' )->text(),
			], $this->msg( 'tokenauthenticator-keys-copy' )->text() )
		) );
		$out->addHTML( Html::element( 'p', [ 'class' => 'mw-tokenauth-secret-warning' ],
			$this->msg( 'tokenauthenticator-keys-secret-once' )->text() ) );
		$api = wfExpandUrl( wfScript( 'api' ), PROTO_CANONICAL );
		$out->addHTML( Html::element( 'p', [], $this->msg( 'tokenauthenticator-keys-curl-example' )->text() ) );
		$out->addHTML( Html::element( 'pre', [ 'class' => 'mw-tokenauth-curl' ],
			"curl -H 'Authorization: ApiKey $secret' \\\n  '$api?action=query&meta=userinfo&format=json'" ) );
		$this->addBackLink();
	}

	/**
	 * Back to the list, which says once what was done.
	 */
	private function redirectDone( string $action, string $name ): void {
		$this->getRequest()->getSession()->set( self::DONE_KEY, [ $action, $name ] );
		$this->getOutput()->redirect( $this->getPageTitle()->getLocalURL() );
	}

	/**
	 * @throws UserBlockedError For a manager with a sitewide block
	 */
	private function refuseBlocked(): void {
		$block = $this->getUser()->getBlock();
		if ( $block && $block->isSitewide() ) {
			throw new UserBlockedError( $block, $this->getUser(), $this->getLanguage(), $this->getRequest()->getIP() );
		}
	}

	private function addBackLink(): void {
		$this->getOutput()->addHTML( Html::rawElement( 'p', [],
			$this->getLinkRenderer()->makeKnownLink( $this->getPageTitle(),
				$this->msg( 'tokenauthenticator-keys-back' )->text() ) ) );
	}

	/**
	 * The account a key acts as, flagged when it is no service account: then
	 * every request with the key is refused, until update.php or an
	 * administrator makes it one (an upgraded install's keys, typically).
	 */
	private function userCell( string $user ): string {
		$found = $this->accounts->find( $user );
		if ( $found && $found[1] ) {
			return Html::element( 'td', [], $user );
		}
		return Html::rawElement( 'td', [ 'class' => 'mw-tokenauth-not-service-account' ],
			Html::element( 'span', [], $user ) . ' '
			. Html::element( 'strong', [], $this->msg( $found ? 'tokenauthenticator-keys-user-refused'
				: 'tokenauthenticator-keys-user-missing' )->text() ) );
	}

	private function listCell( array $items ): string {
		if ( !$items ) {
			return Html::element( 'td', [ 'class' => 'mw-tokenauth-empty' ], $this->msg( 'tokenauthenticator-keys-none-listed' )->text() );
		}
		$html = '';
		foreach ( $items as $item ) {
			$html .= Html::element( 'code', [], (string)$item ) . ' ';
		}
		return Html::rawElement( 'td', [], trim( $html ) );
	}

	private function time( int $unix ): string {
		return $this->getLanguage()->userTimeAndDate( ConvertibleTimestamp::convert( TS_MW, $unix ), $this->getUser() );
	}

	/**
	 * @param array|null $problem A message specifier from ServiceKeyManager, or null
	 * @return bool|\Message True when there is none
	 */
	private function problem( ?array $problem ) {
		return $problem === null ? true : ServiceKeyRules::message( $problem )->setContext( $this->getContext() );
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
