<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Integration\ServiceKey;

use ApiMain;
use FauxRequest;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\AccessPolicy;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKey;
use MediaWiki\Extension\TokenAuthenticator\Tests\InProcessWiki;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;

/**
 * The Action API side of a service key's allow-list, against MediaWiki's
 * own API modules (ApiMain and its module managers, no database): a module
 * class allows that module, a query submodule class that submodule only,
 * and a generator is a query module of its own.
 */
class AccessPolicyApiModulesTest extends TestCase {
	private const DENIED = 'tokenauthenticator-error-module-denied';
	private const UNKNOWN = 'tokenauthenticator-error-module-unknown';
	private const EXPORT = 'tokenauthenticator-error-query-export-denied';
	private const PAGES = 'tokenauthenticator-error-query-pageset-denied';

	public static function setUpBeforeClass(): void {
		InProcessWiki::setUp();
	}

	/**
	 * Why a key allowing $apiModules may not run the request $params (its
	 * "action" module, as ApiMain makes it); null when it may.
	 */
	private static function denied( array $apiModules, array $params ): ?array {
		$key = new ServiceKey( 'test', 'Bot', str_repeat( '0', 64 ), [ '127.0.0.1' ], $apiModules, [], null, false, null );
		$main = new ApiMain( new FauxRequest( $params ) );
		$module = $main->getModuleManager()->getModule( $params['action'] );
		return AccessPolicy::deniedApiModule( $key, $module );
	}

	public static function provideModules(): array {
		$userInfo = [ 'ApiQueryUserInfo' ];
		$meta = [ 'action' => 'query', 'meta' => 'userinfo' ];
		return [
			// Modules by class.
			'listed' => [ [ 'ApiParse' ], [ 'action' => 'parse' ], null ],
			'not listed' => [ [ 'ApiParse' ], [ 'action' => 'edit' ], [ self::DENIED, [ 'edit' ] ] ],
			'empty list' => [ [], [ 'action' => 'parse' ], [ self::DENIED, [ 'parse' ] ] ],
			'empty list, a query submodule' => [ [], $meta, [ self::DENIED, [ 'query+userinfo' ] ] ],
			'class names in any case' => [ [ 'apiPARSE' ], [ 'action' => 'parse' ], null ],
			'a leading backslash' => [ [ '\\ApiParse' ], [ 'action' => 'parse' ], null ],
			'a class name that is no module' => [ [ 'NoSuchClass' ], [ 'action' => 'parse' ], [ self::DENIED, [ 'parse' ] ] ],
			'a module name is no class name' => [ [ 'parse' ], [ 'action' => 'parse' ], [ self::DENIED, [ 'parse' ] ] ],
			'a submodule does not allow another action' => [ $userInfo, [ 'action' => 'parse' ], [ self::DENIED, [ 'parse' ] ] ],

			// action=query with some submodules.
			'an allowed submodule' => [ $userInfo, $meta, null ],
			'one not allowed' => [ $userInfo, [ 'meta' => 'userinfo|siteinfo' ] + $meta, [ self::DENIED, [ 'query+siteinfo' ] ] ],
			'U+001F separated' => [ $userInfo, [ 'meta' => "\x1fuserinfo\x1fsiteinfo" ] + $meta,
				[ self::DENIED, [ 'query+siteinfo' ] ] ],
			'a pipe inside a U+001F list is no separator' => [ $userInfo, [ 'meta' => "\x1fuserinfo|siteinfo" ] + $meta,
				[ self::UNKNOWN, [ 'meta=userinfo|siteinfo' ] ] ],
			'empty values' => [ $userInfo, [ 'meta' => '|userinfo||' ] + $meta, null ],
			'a list module' => [ $userInfo, [ 'list' => 'allusers' ] + $meta, [ self::DENIED, [ 'query+allusers' ] ] ],
			'a prop module' => [ $userInfo, [ 'prop' => 'info' ] + $meta, [ self::DENIED, [ 'query+info' ] ] ],
			'a generator' => [ $userInfo, [ 'generator' => 'allpages' ] + $meta, [ self::DENIED, [ 'query+allpages' ] ] ],
			'an unknown name' => [ $userInfo, [ 'prop' => 'nosuch' ] + $meta, [ self::UNKNOWN, [ 'prop=nosuch' ] ] ],
			'a name in another case' => [ $userInfo, [ 'meta' => 'UserInfo' ] + $meta, [ self::UNKNOWN, [ 'meta=UserInfo' ] ] ],
			'export' => [ $userInfo, [ 'export' => '1' ] + $meta, [ self::EXPORT, [ 'export' ] ] ],
			'exportnowrap' => [ $userInfo, [ 'exportnowrap' => '' ] + $meta, [ self::EXPORT, [ 'exportnowrap' ] ] ],
			'exportschema' => [ $userInfo, [ 'exportschema' => '0.11' ] + $meta, [ self::EXPORT, [ 'exportschema' ] ] ],
			'titles without a prop module' => [ $userInfo, [ 'titles' => 'Main Page' ] + $meta, [ self::PAGES, [ 'titles' ] ] ],
			'pageids without a prop module' => [ $userInfo, [ 'pageids' => '1' ] + $meta, [ self::PAGES, [ 'pageids' ] ] ],
			'revids without a prop module' => [ $userInfo, [ 'revids' => '1' ] + $meta, [ self::PAGES, [ 'revids' ] ] ],
			'titles with an allowed prop module' => [ [ 'ApiQueryInfo' ],
				[ 'action' => 'query', 'prop' => 'info', 'titles' => 'Main Page' ], null ],
			'two allowed prop modules' => [ [ 'ApiQueryInfo', 'ApiQueryRevisions' ],
				[ 'action' => 'query', 'prop' => 'info|revisions', 'revids' => '1' ], null ],
			'export with an allowed prop module' => [ [ 'ApiQueryInfo' ],
				[ 'action' => 'query', 'prop' => 'info', 'titles' => 'A', 'export' => '1' ], [ self::EXPORT, [ 'export' ] ] ],

			// ApiQuery itself allows every submodule and export.
			'all of query' => [ [ 'ApiQuery' ], [ 'action' => 'query', 'meta' => 'siteinfo', 'list' => 'allusers',
				'generator' => 'allpages', 'export' => '1', 'titles' => 'A' ], null ],
			'all of query, not another action' => [ [ 'ApiQuery' ], [ 'action' => 'parse' ], [ self::DENIED, [ 'parse' ] ] ],

			// A generator given to another module is a query module of its own.
			'a module with pages' => [ [ 'ApiPurge' ], [ 'action' => 'purge', 'titles' => 'A' ], null ],
			'a module with a generator' => [ [ 'ApiPurge' ], [ 'action' => 'purge', 'generator' => 'allpages' ],
				[ self::DENIED, [ 'query+allpages' ] ] ],
			'a module with an allowed generator' => [ [ 'ApiPurge', 'ApiQueryAllPages' ],
				[ 'action' => 'purge', 'generator' => 'allpages' ], null ],
			'a module with a generator, all of query' => [ [ 'ApiPurge', 'ApiQuery' ],
				[ 'action' => 'purge', 'generator' => 'allpages' ], null ],
			'a module with an unknown generator' => [ [ 'ApiPurge' ], [ 'action' => 'purge', 'generator' => 'nosuch' ],
				[ self::UNKNOWN, [ 'generator=nosuch' ] ] ],
			'a module that takes no generator' => [ [ 'ApiParse' ], [ 'action' => 'parse', 'generator' => 'allpages' ],
				[ self::DENIED, [ 'query+allpages' ] ] ],
			'an empty generator' => [ [ 'ApiPurge' ], [ 'action' => 'purge', 'generator' => '' ], null ],
		];
	}

	/**
	 * @dataProvider provideModules
	 */
	#[DataProvider( 'provideModules' )]
	public function testDeniedApiModule( array $apiModules, array $params, ?array $denied ): void {
		$this->assertSame( $denied, self::denied( $apiModules, $params ) );
	}
}
