<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use ApiBase;
use ApiQuery;
use ReflectionClass;

/**
 * The allow-lists of a service key (ApiKey).
 *
 * - Action API: a module class allows that module; a query submodule class
 *   (ApiQueryUserInfo) allows just that submodule under action=query, and
 *   ApiQuery allows all of them.
 * - REST: a path prefix allows the routed paths that start with it by whole
 *   segments, so /a/verify allows /a/verify/x but not /a/verifyX.
 */
class AccessPolicy {
	/** Allowed to every service key with appTokens, without listing it. */
	public const APP_TOKEN_ROUTE = '/mws/v1/app-token/generate';

	/** action=query parameters that name submodules. */
	private const QUERY_MODULE_PARAMS = [ 'prop', 'list', 'meta', 'generator' ];
	/** ApiQuery's page set input: pages named by the caller. */
	private const PAGE_SET_PARAMS = [ 'titles', 'pageids', 'revids' ];
	/** ApiQuery's own export of page content, whatever submodules run. */
	private const EXPORT_PARAMS = [ 'export', 'exportnowrap', 'exportschema' ];

	/**
	 * Why a static service key may not run $module, as a message key and its
	 * parameters; null when it may.
	 *
	 * - A module allowed by its class may run, but a generator it is given
	 *   (ApiPurge, ApiWatch, ... take a page set) is a query module of its
	 *   own and must be allowed too.
	 * - action=query with only some submodules allowed: every prop, list,
	 *   meta and generator named must be allowed (an unknown name is refused,
	 *   not left to ApiQuery); export needs ApiQuery itself; pages named by
	 *   titles, pageids or revids only go with an allowed prop module, the
	 *   modules that read pages.
	 *
	 * @param ServiceKey $serviceKey
	 * @param ApiBase $module The module of the request's "action"
	 * @return array{0: string, 1: string[]}|null
	 */
	public static function deniedApiModule( ServiceKey $serviceKey, ApiBase $module ): ?array {
		$allowed = array_flip( array_map( [ self::class, 'normalizeClass' ], $serviceKey->apiModules ) );
		$request = $module->getMain()->getRequest();
		$queryAllowed = isset( $allowed[self::normalizeClass( ApiQuery::class )] );
		$query = $module instanceof ApiQuery
			? $module
			: $module->getMain()->getModuleManager()->getModule( 'query' );

		if ( isset( $allowed[self::normalizeClass( get_class( $module ) )] ) ) {
			if ( $queryAllowed || $module instanceof ApiQuery || !$query instanceof ApiQuery ) {
				return null;
			}
			// Checked whether or not the module reads it: a generator is
			// only ever run as a query module.
			return self::deniedSubmodules( $allowed, $query, $request->getRawVal( 'generator' ), 'generator' );
		}
		if ( !$module instanceof ApiQuery ) {
			return [ 'tokenauthenticator-error-module-denied', [ $module->getModuleName() ] ];
		}

		$props = self::multiValue( $request->getRawVal( 'prop' ) );
		foreach ( self::QUERY_MODULE_PARAMS as $param ) {
			$denied = self::deniedSubmodules( $allowed, $module, $request->getRawVal( $param ), $param );
			if ( $denied ) {
				return $denied;
			}
		}
		foreach ( self::EXPORT_PARAMS as $param ) {
			if ( $request->getCheck( $param ) ) {
				return [ 'tokenauthenticator-error-query-export-denied', [ $param ] ];
			}
		}
		if ( !$props ) {
			foreach ( self::PAGE_SET_PARAMS as $param ) {
				if ( $request->getCheck( $param ) ) {
					return [ 'tokenauthenticator-error-query-pageset-denied', [ $param ] ];
				}
			}
		}
		return null;
	}

	/**
	 * @param array<string,int> $allowed Normalised allowed classes
	 * @param ApiQuery $query
	 * @param string|null $value A prop, list, meta or generator value
	 * @param string $param Its parameter name
	 * @return array{0: string, 1: string[]}|null
	 */
	private static function deniedSubmodules( array $allowed, ApiQuery $query, ?string $value, string $param ): ?array {
		foreach ( self::multiValue( $value ) as $name ) {
			$class = $query->getModuleManager()->getClassName( $name );
			if ( !is_string( $class ) ) {
				// Refused here, not left to ApiQuery: an unknown name must not
				// depend on how another layer treats it.
				return [ 'tokenauthenticator-error-module-unknown', [ "$param=$name" ] ];
			}
			if ( !isset( $allowed[self::normalizeClass( $class )] ) ) {
				return [ 'tokenauthenticator-error-module-denied', [ "query+$name" ] ];
			}
		}
		return null;
	}

	/**
	 * The values of a multi-value API parameter, split as ApiBase splits
	 * them: on U+001F when the value starts with it, otherwise on "|".
	 *
	 * @param string|null $value
	 * @return string[]
	 */
	private static function multiValue( ?string $value ): array {
		if ( $value === null || $value === '' ) {
			return [];
		}
		$values = str_starts_with( $value, "\x1f" )
			? explode( "\x1f", substr( $value, 1 ) )
			: explode( '|', $value );
		return array_values( array_filter( $values, static fn ( $v ) => $v !== '' ) );
	}

	/**
	 * @param ServiceKey $serviceKey
	 * @param string $path The routed REST path, e.g. /mws/v1/user-token/verify/x
	 * @return bool
	 */
	public static function allowsRestPath( ServiceKey $serviceKey, string $path ): bool {
		$segments = self::segments( $path );
		if ( $segments === null ) {
			return false;
		}
		if ( $serviceKey->appTokens && $segments === self::segments( self::APP_TOKEN_ROUTE ) ) {
			return true;
		}
		foreach ( $serviceKey->restPaths as $prefix ) {
			$want = self::segments( $prefix );
			if ( $want !== null && $want !== [] && array_slice( $segments, 0, count( $want ) ) === $want ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether $path itself (not only a prefix of it) is among $prefixes,
	 * compared by segments.
	 *
	 * @param string[] $prefixes
	 * @param string $path
	 * @return bool
	 */
	public static function lists( array $prefixes, string $path ): bool {
		$want = self::segments( $path );
		foreach ( $prefixes as $prefix ) {
			if ( $want !== null && self::segments( $prefix ) === $want ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Decoded segments of a path, empty ones kept as the router keeps them;
	 * null when a segment is "." or "..", which no allow-list entry should be
	 * tricked by. Also what Special:ServiceKeys checks a REST prefix with,
	 * so that a prefix it accepts is one this policy can match.
	 *
	 * @param string $path
	 * @return string[]|null
	 */
	public static function segments( string $path ): ?array {
		$path = rtrim( $path, '/' );
		if ( $path === '' ) {
			return [];
		}
		$out = [];
		foreach ( explode( '/', ltrim( $path, '/' ) ) as $segment ) {
			$segment = rawurldecode( $segment );
			if ( $segment === '.' || $segment === '..' ) {
				return null;
			}
			$out[] = $segment;
		}
		return $out;
	}

	/**
	 * The lower-case name of the class itself: MediaWiki 1.43 moved the API
	 * classes into MediaWiki\Api and kept the old names (ApiQuery, ...) as
	 * aliases, so a configured name and get_class() may differ.
	 *
	 * @param string $class
	 * @return string
	 */
	private static function normalizeClass( string $class ): string {
		$class = ltrim( $class, '\\' );
		if ( class_exists( $class ) ) {
			$class = ( new ReflectionClass( $class ) )->getName();
		}
		return strtolower( $class );
	}
}
