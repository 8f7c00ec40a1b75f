<?php

namespace MediaWiki\Extension\TokenAuthenticator\Metrics;

use IBufferingStatsdDataFactory;
use MediaWiki;
use MediaWiki\Extension\TokenAuthenticator\Error\Outage;
use MediaWiki\MediaWikiServices;
use Throwable;

/**
 * Counters and timings for an operator's dashboards, through MediaWiki's own
 * stats interfaces, never a client of ours:
 * - core's StatsFactory where it exists (1.41+), sent to $wgStatsTarget in
 *   $wgStatsFormat (dogstatsd: the metric's name with labels as tags), and
 *   copied to the statsd factory under the statsd name below;
 * - else the statsd factory (1.39), sent to $wgStatsdServer.
 * Statsd has no labels: its name is the metric's name followed by the label
 * values, in the order given here ("TokenAuthenticator.refused_total.service_key.expired").
 *
 * Both interfaces buffer, and MediaWiki sends after the answer; an answer
 * that ends the request itself (ErrorAnswer::sendAndExit()) sends them with
 * flushBeforeExit(). Without a stats target nothing is recorded.
 *
 * Label values come from the fixed sets below only: never a name, a key's
 * name or an address, which would make a series per user.
 */
final class Metrics {
	public const COMPONENT = 'TokenAuthenticator';

	/** Credential kinds, the "kind" label */
	public const USER_TOKEN = 'user_token';
	public const APP_TOKEN = 'app_token';
	public const SERVICE_KEY = 'service_key';
	public const NETWORK_SESSION = 'network_session';
	public const PERSONAL_KEY = 'personal_key';
	public const JWT = 'jwt';
	public const JWT_PROXY = 'jwt_proxy';
	public const SESSION_VERIFICATION = 'session_verification';

	/** What did not answer, the "store" label of outages_total */
	public const DATABASE = 'database';
	public const TOKEN_STORE = 'token_store';
	public const KEY_SET = 'key_set';
	public const NATIVE_MODULE = 'native_module';

	/** Why a credential was refused, the "reason" label of refused_total */
	public const MALFORMED = 'malformed';
	public const INVALID = 'invalid';
	public const EXPIRED = 'expired';
	public const SIGNATURE = 'signature';
	public const CLAIMS = 'claims';
	public const REPLAYED = 'replayed';
	public const ADDRESS = 'address';
	public const HTTPS = 'https';
	public const SCOPE = 'scope';
	public const BLOCKED = 'blocked';
	public const ACCOUNT = 'account';
	public const RATE_LIMITED = 'rate_limited';
	public const DENIED = 'denied';
	public const MISCONFIGURED = 'misconfigured';

	/**
	 * The reason of a refusal by its message key (refusedWith()). Keys not
	 * listed are grouped by status (STATUS_REASONS).
	 */
	public const REASONS = [
		'tokenauthenticator-error-malformed-header' => self::MALFORMED,
		'tokenauthenticator-error-malformed-networksession' => self::MALFORMED,
		'tokenauthenticator-error-personal-key-malformed' => self::MALFORMED,
		'tokenauthenticator-error-token-field' => self::MALFORMED,
		'tokenauthenticator-error-body-not-object' => self::MALFORMED,
		'tokenauthenticator-jwt-no-token' => self::MALFORMED,
		'tokenauthenticator-jwt-refused-malformed' => self::MALFORMED,
		'tokenauthenticator-jwt-id-too-long' => self::MALFORMED,
		'tokenauthenticator-error-invalid-token' => self::INVALID,
		'tokenauthenticator-error-invalid-credential' => self::INVALID,
		'tokenauthenticator-error-personal-key-invalid' => self::INVALID,
		'networksession-no-token-match' => self::INVALID,
		'tokenauthenticator-jwt-refused-unknown-key' => self::INVALID,
		'tokenauthenticator-jwt-refused-key-refused' => self::INVALID,
		'tokenauthenticator-error-expired-credential' => self::EXPIRED,
		'tokenauthenticator-error-personal-key-expired' => self::EXPIRED,
		'tokenauthenticator-jwt-refused-expired' => self::EXPIRED,
		'tokenauthenticator-jwt-refused-not-yet-valid' => self::EXPIRED,
		'tokenauthenticator-jwt-refused-lifetime' => self::EXPIRED,
		'tokenauthenticator-jwt-refused-signature' => self::SIGNATURE,
		'tokenauthenticator-jwt-refused-algorithm' => self::SIGNATURE,
		'tokenauthenticator-jwt-refused' => self::CLAIMS,
		'tokenauthenticator-jwt-refused-issuer' => self::CLAIMS,
		'tokenauthenticator-jwt-refused-audience' => self::CLAIMS,
		'tokenauthenticator-jwt-refused-claims' => self::CLAIMS,
		'tokenauthenticator-jwt-bad-username' => self::CLAIMS,
		'tokenauthenticator-jwt-name-mixed-scripts' => self::CLAIMS,
		'tokenauthenticator-jwt-replayed' => self::REPLAYED,
		'tokenauthenticator-error-address-denied' => self::ADDRESS,
		'tokenauthenticator-error-personal-key-address' => self::ADDRESS,
		'networksession-only-https' => self::HTTPS,
		'tokenauthenticator-error-path-denied' => self::SCOPE,
		'tokenauthenticator-error-module-denied' => self::SCOPE,
		'tokenauthenticator-error-module-unknown' => self::SCOPE,
		'tokenauthenticator-error-query-export-denied' => self::SCOPE,
		'tokenauthenticator-error-query-pageset-denied' => self::SCOPE,
		'tokenauthenticator-error-user-blocked' => self::BLOCKED,
		'tokenauthenticator-error-personal-key-blocked' => self::BLOCKED,
		'tokenauthenticator-error-token-user-blocked' => self::BLOCKED,
		'tokenauthenticator-error-not-service-account' => self::ACCOUNT,
		'tokenauthenticator-error-networksession-autocreate' => self::ACCOUNT,
		'tokenauthenticator-jwt-link-broken' => self::ACCOUNT,
		'tokenauthenticator-jwt-name-taken' => self::ACCOUNT,
		'tokenauthenticator-jwt-account-not-linked' => self::ACCOUNT,
		'tokenauthenticator-jwt-service-account' => self::ACCOUNT,
		'tokenauthenticator-jwt-autocreate-failed' => self::ACCOUNT,
		'tokenauthenticator-error-rate-limited' => self::RATE_LIMITED,
	];

	private const STATUS_REASONS = [ 500 => self::MISCONFIGURED, 403 => self::DENIED ];

	/** What refuses no credential but says the wiki cannot check one (outages_total). */
	private const OUTAGE_STATUS = 503;

	/** @var object|null Core's StatsFactory for our component (1.41+) */
	private $statsFactory;
	private ?IBufferingStatsdDataFactory $statsd;

	/** Whether this request recorded anything not yet sent. */
	private static bool $pending = false;

	/**
	 * @param object|null $statsFactory Core's StatsFactory (1.41+), null before
	 * @param IBufferingStatsdDataFactory|null $statsd Null: record nothing
	 */
	public function __construct( $statsFactory, ?IBufferingStatsdDataFactory $statsd ) {
		$this->statsFactory = $statsFactory ? $statsFactory->withComponent( self::COMPONENT ) : null;
		$this->statsd = $statsd;
	}

	/**
	 * The wiki's metrics: StatsFactory where core has it, else the statsd
	 * factory; nothing recorded when no target is configured.
	 */
	public static function fromServices( MediaWikiServices $services ): self {
		$config = $services->getMainConfig();
		$factory = $services->hasService( 'StatsFactory' ) ? $services->getService( 'StatsFactory' ) : null;
		$target = $factory && $config->has( 'StatsTarget' ) ? $config->get( 'StatsTarget' ) : null;
		if ( !$target && !$config->get( 'StatsdServer' ) ) {
			return new self( null, null );
		}
		return new self( $factory, $services->getStatsdDataFactory() );
	}

	public function minted( string $kind ): void {
		$this->count( 'minted_total', [ 'kind' => $kind ] );
	}

	public function verified( string $kind ): void {
		$this->count( 'verified_total', [ 'kind' => $kind ] );
	}

	/**
	 * @param string $kind
	 * @param string $reason One of the reasons above
	 */
	public function refused( string $kind, string $reason ): void {
		$this->count( 'refused_total', [ 'kind' => $kind, 'reason' => $reason ] );
	}

	/**
	 * A credential refused, by the message key and status of its answer. An
	 * outage's answer (503) refuses nothing: outage() counts it.
	 */
	public function refusedWith( string $kind, string $messageKey, int $status ): void {
		if ( $status !== self::OUTAGE_STATUS ) {
			$this->refused( $kind, self::reason( $messageKey, $status ) );
		}
	}

	/**
	 * An answer 503 because $store did not answer.
	 */
	public function outage( string $store ): void {
		$this->count( 'outages_total', [ 'store' => $store ] );
	}

	/**
	 * An outage, by the error that says which store is down (Outage).
	 */
	public function outageOf( Throwable $e ): void {
		$this->outage( Outage::messageKey( $e ) === Outage::TOKEN_STORE ? self::TOKEN_STORE : self::DATABASE );
	}

	/**
	 * How long one operation of the token store took, failed ones included.
	 *
	 * @param string $store "database", "stash", "redis", "memcached" or "cache"
	 * @param string $operation The TokenStore method, in snake case
	 * @param float $seconds
	 */
	public function storeTiming( string $store, string $operation, float $seconds ): void {
		$labels = [ 'store' => $store, 'operation' => $operation ];
		if ( $this->statsFactory ) {
			$this->statsFactory->getTiming( 'store_seconds' )->setLabels( $labels )
				->copyToStatsdAt( self::statsdName( 'store_seconds', $labels ) )
				->observe( $seconds * 1000 );
		} elseif ( $this->statsd ) {
			$this->statsd->timing( self::statsdName( 'store_seconds', $labels ), $seconds * 1000 );
		} else {
			return;
		}
		self::$pending = true;
	}

	/**
	 * Whether anything is recorded: callers skip measuring when not.
	 */
	public function isEnabled(): bool {
		return $this->statsd !== null;
	}

	/**
	 * The reason label of a refusal.
	 */
	public static function reason( string $messageKey, int $status ): string {
		return self::REASONS[$messageKey] ?? self::STATUS_REASONS[$status] ?? self::INVALID;
	}

	/**
	 * Sends what this request recorded now: for answers that end the request
	 * before MediaWiki's post-send shutdown, which would send it.
	 */
	public static function flushBeforeExit(): void {
		if ( !self::$pending ) {
			return;
		}
		self::$pending = false;
		$services = MediaWikiServices::getInstance();
		MediaWiki::emitBufferedStatsdData( $services->getStatsdDataFactory(), $services->getMainConfig() );
		if ( $services->hasService( 'StatsFactory' ) ) {
			$services->getService( 'StatsFactory' )->flush();
		}
	}

	/**
	 * @param string $name
	 * @param array<string,string> $labels
	 */
	private function count( string $name, array $labels ): void {
		if ( $this->statsFactory ) {
			$this->statsFactory->getCounter( $name )->setLabels( $labels )
				->copyToStatsdAt( self::statsdName( $name, $labels ) )
				->increment();
		} elseif ( $this->statsd ) {
			$this->statsd->increment( self::statsdName( $name, $labels ) );
		} else {
			return;
		}
		self::$pending = true;
	}

	private static function statsdName( string $name, array $labels ): string {
		return implode( '.', array_merge( [ self::COMPONENT, $name ], array_values( $labels ) ) );
	}
}
