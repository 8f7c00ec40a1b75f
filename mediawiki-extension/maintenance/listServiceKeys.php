<?php
/**
 * Lists every service key, from LocalSettings.php and created ones, with its
 * rules and last use, as Special:ServiceKeys does. --json for scripts.
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use Maintenance;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyRules;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\MediaWikiServices;

require_once __DIR__ . '/loadMaintenance.php';

class ListServiceKeys extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( 'List the service keys of TokenAuthenticator' );
		$this->addOption( 'json', 'Print one JSON document' );
	}

	public function execute() {
		if ( !NativeModule::isLoaded() ) {
			$this->fatalError( NativeModule::missingMessage() );
		}
		try {
			$serviceKeys = Services::getServiceKeyLookup()->configured()
				+ Services::getServiceKeyManager()->created();
		} catch ( InvalidSettingException $e ) {
			$this->fatalError( 'TokenAuthenticator: ' . $e->getMessage() );
		}
		$uses = Services::getKeyUse()->lastUses( array_map( 'strval', array_keys( $serviceKeys ) ) );
		$rights = MediaWikiServices::getInstance()->getPermissionManager()->getAllPermissions();
		$rows = [];
		foreach ( $serviceKeys as $p ) {
			$use = $uses[$p->id] ?? null;
			$rows[] = [
				'name' => $p->id,
				'source' => $p->source,
				'user' => $p->user,
				'cidr' => $p->cidr,
				'apiModules' => $p->apiModules,
				'restPaths' => $p->restPaths,
				'rights' => $p->rights,
				'appTokens' => $p->appTokens,
				'expires' => $p->expires === null ? null : wfTimestamp( TS_ISO_8601, $p->expires ),
				'lastUsed' => $use === null ? null : wfTimestamp( TS_ISO_8601, $use['time'] ),
				'lastAddress' => $use['ip'] ?? null,
				// What it allows that the wiki does not have (ServiceKeyRules).
				'problems' => array_map(
					static fn ( $problem ) => ServiceKeyRules::message( $problem )->inLanguage( 'en' )->text(),
					ServiceKeyRules::problems( $p, $rights )
				),
			];
		}
		if ( $this->hasOption( 'json' ) ) {
			$this->output( json_encode( $rows, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n" );
			return;
		}
		foreach ( $rows as $row ) {
			$this->output( sprintf( "%s (%s) as %s from %s; api: %s; rest: %s; rights: %s; app tokens: %s; "
				. "expires: %s; last used: %s\n",
				$row['name'], $row['source'] === 'config' ? 'LocalSettings.php' : 'created', $row['user'],
				implode( ' ', $row['cidr'] ), implode( ' ', $row['apiModules'] ) ?: '-',
				implode( ' ', $row['restPaths'] ) ?: '-',
				$row['rights'] === null ? 'not capped' : implode( ' ', $row['rights'] ),
				$row['appTokens'] ? 'yes' : 'no', $row['expires'] ?? 'never',
				$row['lastUsed'] === null ? 'never' : "{$row['lastUsed']} from {$row['lastAddress']}" ) );
			foreach ( $row['problems'] as $problem ) {
				$this->output( "  warning: $problem\n" );
			}
		}
		if ( !$rows ) {
			$this->output( "No service keys.\n" );
		}
	}
}

$maintClass = ListServiceKeys::class;
require_once RUN_MAINTENANCE_IF_MAIN;
