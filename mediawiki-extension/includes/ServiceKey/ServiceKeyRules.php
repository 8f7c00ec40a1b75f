<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use ApiBase;
use ExtensionRegistry;
use Message;
use MessageSpecifier;
use MwsTokenAuthenticator\CidrSet;
use MwsTokenAuthenticator\Exception as NativeException;

/**
 * The one set of rules for a service key, configured or created: its
 * secret, its address ranges, and that what it allows exists (API modules,
 * REST paths, rights). Each rule returns a problem specifier (message key,
 * then parameters) or null.
 *
 * Special:ServiceKeys and createServiceKey.php refuse a key with any
 * problem. A configured key that breaks the form rules (secret, ranges,
 * types) fails every service credential, naming the setting
 * (ConfiguredServiceKeys); one that allows something the wiki does not have
 * only grants less, so the wiki keeps working and problems() lists it on
 * Special:ServiceKeys, in listServiceKeys.php and in update.php's output.
 */
final class ServiceKeyRules {
	/** Where a key may connect from when nothing says otherwise. */
	public const LOOPBACK = [ '127.0.0.1/32', '::1/128' ];
	/** Shortest secret an admin may configure; minted ones are far longer. */
	public const MIN_SECRET_LENGTH = 16;

	public static function isStrongSecret( string $secret ): bool {
		return strlen( $secret ) >= self::MIN_SECRET_LENGTH;
	}

	/**
	 * @param string[] $ranges
	 * @return array|null A message specifier naming the first bad range
	 */
	public static function cidrProblem( array $ranges ): ?array {
		if ( !$ranges ) {
			return [ 'tokenauthenticator-keys-error-cidr-empty' ];
		}
		try {
			// The same parser as every request's check.
			new CidrSet( $ranges );
		} catch ( NativeException $e ) {
			return [ 'tokenauthenticator-keys-error-cidr', $e->getMessage() ];
		}
		return null;
	}

	/**
	 * @param string[] $classes
	 * @return array|null
	 */
	public static function apiModuleProblem( array $classes ): ?array {
		foreach ( $classes as $class ) {
			if ( !class_exists( $class ) || !is_subclass_of( $class, ApiBase::class ) ) {
				return [ 'tokenauthenticator-keys-error-api-module', $class ];
			}
		}
		return null;
	}

	/**
	 * A prefix must lead to at least one route of the wiki's REST API.
	 *
	 * @param string[] $prefixes
	 * @return array|null
	 */
	public static function restPathProblem( array $prefixes ): ?array {
		$routes = null;
		foreach ( $prefixes as $prefix ) {
			$want = str_starts_with( $prefix, '/' ) ? AccessPolicy::segments( $prefix ) : null;
			if ( $want ) {
				$routes ??= array_map( static fn ( $path ) => AccessPolicy::segments( $path ) ?? [], self::routePaths() );
				foreach ( $routes as $route ) {
					if ( self::leadsTo( $want, $route ) ) {
						continue 2;
					}
				}
			}
			return [ 'tokenauthenticator-keys-error-rest-path', $prefix ];
		}
		return null;
	}

	/**
	 * @param string[] $rights
	 * @param string[] $known All rights of the wiki
	 * @return array|null
	 */
	public static function rightsProblem( array $rights, array $known ): ?array {
		$unknown = array_diff( $rights, $known );
		return $unknown ? [ 'tokenauthenticator-keys-error-rights', implode( ', ', $unknown ) ] : null;
	}

	/**
	 * The message of a problem specifier of this class: its strings are
	 * plain text (names an admin or a request wrote, never parsed), its
	 * Message parameters messages of their own.
	 *
	 * @param array $problem Message key, then parameters
	 * @return Message
	 */
	public static function message( array $problem ): Message {
		$key = array_shift( $problem );
		return wfMessage( $key )->params( ...array_map(
			static fn ( $p ) => $p instanceof MessageSpecifier ? $p : Message::plaintextParam( (string)$p ),
			$problem
		) );
	}

	/**
	 * What a key allows that the wiki does not have.
	 *
	 * @param ServiceKey $key
	 * @param string[] $knownRights All rights of the wiki
	 * @return array[] Problem specifiers
	 */
	public static function problems( ServiceKey $key, array $knownRights ): array {
		return array_values( array_filter( [
			$key->cidr ? null : [ 'tokenauthenticator-keys-error-cidr-empty' ],
			self::apiModuleProblem( $key->apiModules ),
			self::restPathProblem( $key->restPaths ),
			$key->rights === null ? null : self::rightsProblem( $key->rights, $knownRights ),
		] ) );
	}

	/**
	 * Paths of every REST route the wiki has: core's route files (a list of
	 * routes; 1.43's module files map paths under a module id) and those of
	 * extensions.
	 *
	 * @return string[]
	 */
	private static function routePaths(): array {
		global $IP, $wgRestAPIAdditionalRouteFiles;
		$files = array_merge( glob( "$IP/includes/Rest/*.json" ) ?: [],
			array_map( static fn ( $f ) => str_starts_with( $f, '/' ) ? $f : "$IP/$f",
				(array)$wgRestAPIAdditionalRouteFiles ) );
		$paths = [];
		foreach ( $files as $file ) {
			$data = json_decode( (string)file_get_contents( $file ), true );
			if ( isset( $data['paths'] ) && is_array( $data['paths'] ) ) {
				$module = isset( $data['moduleId'] ) ? '/' . trim( (string)$data['moduleId'], '/' ) : '';
				foreach ( array_keys( $data['paths'] ) as $path ) {
					$paths[] = $module . $path;
				}
			} elseif ( is_array( $data ) && array_is_list( $data ) ) {
				foreach ( $data as $route ) {
					if ( isset( $route['path'] ) ) {
						$paths[] = (string)$route['path'];
					}
				}
			}
		}
		foreach ( ExtensionRegistry::getInstance()->getAttribute( 'RestRoutes' ) as $route ) {
			$paths[] = (string)( $route['path'] ?? '' );
		}
		return $paths;
	}

	/** Whether a prefix's segments lead to a route's ("{param}" stands for any one segment). */
	private static function leadsTo( array $want, array $route ): bool {
		if ( count( $want ) > count( $route ) ) {
			return false;
		}
		foreach ( $want as $i => $segment ) {
			if ( $route[$i] !== $segment && !preg_match( '/^\{.*\}$/', $route[$i] ) ) {
				return false;
			}
		}
		return true;
	}
}
