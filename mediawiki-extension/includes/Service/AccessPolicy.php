<?php

namespace MediaWiki\Extension\TokenAuthenticator\Service;

use ApiBase;
use ApiQuery;
use ReflectionClass;

/**
 * The allow-lists of a static (ApiKey) principal.
 *
 * - Action API: a module class allows that module; a query submodule class
 *   (ApiQueryUserInfo) allows just that submodule under action=query, and
 *   ApiQuery allows all of them.
 * - REST: a path prefix allows the routed paths that start with it by whole
 *   segments, so /a/verify allows /a/verify/x but not /a/verifyX.
 */
class AccessPolicy {
	/** Allowed to every principal with appTokens, without listing it. */
	public const APP_TOKEN_ROUTE = '/mws/v1/app-token/generate';

	/** action=query parameters that name submodules. */
	private const QUERY_MODULE_PARAMS = [ 'prop', 'list', 'meta', 'generator' ];

	/**
	 * @param Principal $principal
	 * @param ApiBase $module The module of the request's "action"
	 * @return string|null The name of the first module not allowed, or null when all are
	 */
	public static function deniedApiModule( Principal $principal, ApiBase $module ): ?string {
		$allowed = array_flip( array_map( [ self::class, 'normalizeClass' ], $principal->apiModules ) );
		if ( isset( $allowed[self::normalizeClass( get_class( $module ) )] ) ) {
			return null;
		}
		if ( !$module instanceof ApiQuery ) {
			return $module->getModuleName();
		}
		$manager = $module->getModuleManager();
		foreach ( self::QUERY_MODULE_PARAMS as $param ) {
			$value = $module->getMain()->getVal( $param );
			if ( $value === null || $value === '' ) {
				continue;
			}
			foreach ( explode( '|', $value ) as $name ) {
				$class = $manager->getClassName( $name );
				if ( $class === null ) {
					// Unknown names are ApiQuery's to reject.
					continue;
				}
				if ( !isset( $allowed[self::normalizeClass( $class )] ) ) {
					return "query+$name";
				}
			}
		}
		return null;
	}

	/**
	 * @param Principal $principal
	 * @param string $path The routed REST path, e.g. /mws/v1/user-token/verify/x
	 * @return bool
	 */
	public static function allowsRestPath( Principal $principal, string $path ): bool {
		$segments = self::segments( $path );
		if ( $segments === null ) {
			return false;
		}
		if ( $principal->appTokens && $segments === self::segments( self::APP_TOKEN_ROUTE ) ) {
			return true;
		}
		foreach ( $principal->restPaths as $prefix ) {
			$want = self::segments( $prefix );
			if ( $want !== null && $want !== [] && array_slice( $segments, 0, count( $want ) ) === $want ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Decoded segments of a path, empty ones kept as the router keeps them;
	 * null when a segment is "." or "..", which no allow-list entry should be
	 * tricked by.
	 *
	 * @param string $path
	 * @return string[]|null
	 */
	private static function segments( string $path ): ?array {
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
