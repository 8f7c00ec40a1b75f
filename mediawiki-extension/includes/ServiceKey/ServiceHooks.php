<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use ApiBase;
use ApiMain;
use ApiMessage;
use ApiUsageException;
use MediaWiki\Api\Hook\ApiCheckCanExecuteHook;
use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Error\MessageText;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Setup\Registration;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\HookContainer\HookContainer;
use MediaWiki\Session\Session;

/**
 * The Action API half of service authentication: refused credentials become
 * API errors, and service keys are held to their allow-listed modules.
 */
class ServiceHooks implements ApiCheckCanExecuteHook {
	// onApiBeforeMain implements the ApiBeforeMain hook without naming its
	// interface, whose namespace differs between MediaWiki versions.

	/** @var array<string,true> Hooks registered in this request */
	private static array $attached = [];

	private ?ServiceSessionProvider $provider;

	private function __construct( ?ServiceSessionProvider $provider ) {
		$this->provider = $provider;
	}

	/**
	 * Registers ApiBeforeMain, for an api.php request whose credential
	 * ServiceSessionProvider refused. Neither hook is in extension.json,
	 * where it would run on every api.php request (BENCHMARKS.md, analysis
	 * 5): each is registered for the requests that need it.
	 *
	 * @param HookContainer $hooks
	 */
	public static function attachRefusal( HookContainer $hooks ): void {
		self::attach( $hooks, 'ApiBeforeMain', new self( null ), 'onApiBeforeMain' );
	}

	/**
	 * Registers ApiCheckCanExecute, for an api.php request that
	 * ServiceSessionProvider gave an ApiKey session.
	 *
	 * @param HookContainer $hooks
	 * @param ServiceSessionProvider $provider Which knows the sessions it built
	 */
	public static function attachPolicy( HookContainer $hooks, ServiceSessionProvider $provider ): void {
		self::attach( $hooks, 'ApiCheckCanExecute', new self( $provider ), 'onApiCheckCanExecute' );
	}

	private static function attach( HookContainer $hooks, string $hook, self $handler, string $method ): void {
		if ( !isset( self::$attached[$hook] ) ) {
			self::$attached[$hook] = true;
			$hooks->register( $hook, [ $handler, $method ] );
		}
	}

	private static function lookup(): ServiceKeyLookup {
		return Services::getServiceKeyLookup();
	}

	private static function serviceRequest(): ServiceRequest {
		return Services::getServiceRequest();
	}

	/**
	 * @param ApiMain &$main
	 * @throws ApiUsageException
	 */
	public function onApiBeforeMain( &$main ) {
		$meta = self::serviceMetadata( $main->getRequest()->getSession() );
		if ( ( $meta['kind'] ?? null ) !== ServiceSessionProvider::KIND_FAILED ) {
			return;
		}
		[ $key, $status, $params ] = $meta['error'];
		// This answer is sent by ApiMain::handleApiBeforeMainException(),
		// without MediaWiki::preOutputCommit() and so without the deferred
		// Vary merge: set it here.
		$response = $main->getRequest()->response();
		$response->header( Registration::varyHeader( headers_list() ) );
		foreach ( ErrorAnswer::headers( $status, self::serviceRequest()->challenge() ) as $name => $value ) {
			if ( $name !== 'Cache-Control' ) {
				// ApiMain sends its own (private) cache headers.
				$response->header( "$name: $value" );
			}
		}
		throw ApiUsageException::newWithMessage( null, MessageText::spec( $key, $params ), $key, null, $status );
	}

	/**
	 * @param ApiBase $module
	 * @param \User $user
	 * @param string|array|\MessageSpecifier &$message
	 * @return bool
	 */
	public function onApiCheckCanExecute( $module, $user, &$message ) {
		$request = $module->getRequest();
		// The provider that built this request's session knows its metadata
		// without asking the request for its session, which costs more.
		$meta = $this->provider ? $this->provider->metadataOf( $request ) : null;
		$meta ??= self::serviceMetadata( $request->getSession() );
		if ( ( $meta['kind'] ?? null ) !== ServiceSessionProvider::KIND_API_KEY ) {
			return true;
		}
		$serviceKey = self::lookup()->get( $meta['principal'] );
		$denied = $serviceKey
			? AccessPolicy::deniedApiModule( $serviceKey, $module )
			: [ 'tokenauthenticator-error-module-denied', [ $module->getModuleName() ] ];
		if ( $denied === null ) {
			return true;
		}
		[ $key, $params ] = $denied;
		Services::getMetrics()->refusedWith( Metrics::SERVICE_KEY, $key, 403 );
		$message = ApiMessage::create( MessageText::spec( $key, $params ), $key );
		return false;
	}

	/**
	 * @param Session $session
	 * @return array|null Provider metadata when the session is a service session
	 */
	private static function serviceMetadata( Session $session ): ?array {
		return $session->getProvider() instanceof ServiceSessionProvider
			? $session->getProviderMetadata()
			: null;
	}
}
