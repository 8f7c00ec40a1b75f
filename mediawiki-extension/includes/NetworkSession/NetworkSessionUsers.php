<?php

namespace MediaWiki\Extension\TokenAuthenticator\NetworkSession;

use Config;
use MwsTokenAuthenticator\CidrSet;
use MwsTokenAuthenticator\Exception as NativeException;

/**
 * The users of the NetworkSession extension's settings, read unchanged:
 * $wgNetworkSessionProviderUsers (a list or an associative array of entries
 * with "username", "token" and "ip_ranges", all three required),
 * $wgNetworkSessionProviderAllowedUserRights (null: no cap) and
 * $wgNetworkSessionProviderCanAlwaysAutocreate.
 *
 * What it adds: tokens are compared in constant time as hashes, ranges are
 * compiled once by the native CIDR parser, and an invalid entry fails every
 * NetworkSession request with NetworkSession's own error code.
 */
class NetworkSessionUsers {
	public const USERS = 'NetworkSessionProviderUsers';
	public const RIGHTS = 'NetworkSessionProviderAllowedUserRights';
	public const AUTOCREATE = 'NetworkSessionProviderCanAlwaysAutocreate';

	/** $wg… globals (NetworkSession's names are no setting of this extension). */
	private Config $config;
	/** @var array{0: string, 1: string, 2: CidrSet}[]|null username, token hash, ranges */
	private ?array $entries = null;
	private ?string $configError = null;

	public function __construct( Config $config ) {
		$this->config = $config;
	}

	/**
	 * The token of an "Authorization: NetworkSession <token>" header, read as
	 * NetworkSession reads it: the scheme in any case, one space, the rest.
	 */
	public static function tokenOf( string $header ): ?string {
		$parts = explode( ' ', $header, 2 );
		return count( $parts ) === 2 && strcasecmp( $parts[0], 'NetworkSession' ) === 0 ? $parts[1] : null;
	}

	/**
	 * The user name that $token from $ip authenticates as, or the
	 * NetworkSession message key that refuses it. Every entry is compared,
	 * in constant time; a request that matches two entries is refused, the
	 * same username twice with different tokens is how tokens are rotated.
	 *
	 * @param string $token
	 * @param string $ip
	 * @return array{0: bool, 1: string} [ true, username ] or [ false, message key ]
	 */
	public function match( string $token, string $ip ): array {
		$entries = $this->entries();
		if ( $entries === null ) {
			return [ false, (string)$this->configError ];
		}
		$hash = mws_ta_sha256( $token );
		$matched = [];
		foreach ( $entries as [ $username, $tokenHash, $ranges ] ) {
			// Both checks for every entry, whatever matched before.
			$tokenMatches = mws_ta_equals( $tokenHash, $hash );
			if ( $tokenMatches && $ranges->contains( $ip ) ) {
				$matched[] = $username;
			}
		}
		if ( count( $matched ) > 1 ) {
			return [ false, 'networksession-invalid-config-multiple-matches' ];
		}
		return $matched ? [ true, $matched[0] ] : [ false, 'networksession-no-token-match' ];
	}

	/**
	 * @return string[]|null The rights cap of every NetworkSession session; null for none
	 */
	public function allowedRights(): ?array {
		$rights = $this->config->has( self::RIGHTS ) ? $this->config->get( self::RIGHTS ) : null;
		return is_array( $rights ) ? array_values( array_filter( $rights, 'is_string' ) ) : null;
	}

	public function canAlwaysAutocreate(): bool {
		return $this->config->has( self::AUTOCREATE ) && (bool)$this->config->get( self::AUTOCREATE );
	}

	/**
	 * @return array|null Null when the configuration is invalid ($configError says how)
	 */
	private function entries(): ?array {
		if ( $this->entries !== null || $this->configError !== null ) {
			return $this->entries;
		}
		$users = $this->config->has( self::USERS ) ? $this->config->get( self::USERS ) : [];
		$entries = [];
		foreach ( is_array( $users ) ? $users : [ $users ] as $entry ) {
			// NetworkSession's checks, in its order, with its message keys.
			if ( !is_array( $entry ) || !is_array( $entry['ip_ranges'] ?? null ) ) {
				$this->configError = 'networksession-invalid-config-ip-ranges';
			} elseif ( !is_string( $entry['token'] ?? null ) || $entry['token'] === '' ) {
				$this->configError = 'networksession-invalid-config-token';
			} elseif ( !is_string( $entry['username'] ?? null ) ) {
				$this->configError = 'networksession-invalid-config-username';
			} else {
				try {
					$ranges = new CidrSet( array_values( $entry['ip_ranges'] ) );
				} catch ( NativeException $e ) {
					$ranges = null;
					$this->configError = 'networksession-invalid-config-ip-ranges';
				}
			}
			if ( $this->configError !== null ) {
				return null;
			}
			$entries[] = [ $entry['username'], mws_ta_sha256( $entry['token'] ), $ranges ];
		}
		$this->entries = $entries;
		return $entries;
	}
}
