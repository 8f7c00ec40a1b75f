<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

/**
 * The extension's settings ($mwsg…, the names of the mwstake reference):
 * default and description of each. docs/configuration.md says the
 * same (tests/docs_config.rs).
 *
 * A class constant rather than extension.json: an extension.json "config"
 * is exported to $GLOBALS on every request with array_key_exists(), which
 * copies the global symbol table on PHP 8.1+, once per setting; and an
 * "attributes" entry is unserialized from the registry cache on every
 * request. OPcache keeps this array in shared memory, so a request that
 * reads no setting pays nothing (BENCHMARKS.md, "Requests without
 * credentials").
 */
final class Settings {
	public const DEFAULTS = [
		'TokenAuthenticatorSalt' => [
			'value' => null,
			'description' => 'Secret key of the HMAC that signs salted tokens (withIssuer=1); a long random string '
				. '(openssl rand -hex 32). Needed for withIssuer=1; without it such requests get a JSON error '
				. 'naming this setting.',
		],
		'TokenAuthenticatorAbsoluteVerifyCallback' => [
			'value' => false,
			'description' => 'Whether the verifyCallback of salted envelopes is the absolute URL of the REST entry point '
				. '($wgCanonicalServer plus wfScript( \'rest\' ), the reference\'s 1.0.5 form), for services '
				. 'that serve several wikis. By default it is the entry point\'s path, wfScript( \'rest\' ) '
				. '(e.g. /w/rest.php), as the reference writes it since 1.0.6; consumers prepend their '
				. 'configured wiki base URL and append /mws/v1/user-token/verify/<token>.',
		],
		'TokenAuthenticatorUserTokenTTL' => [
			'value' => 30,
			'description' => 'Seconds a user token stays valid after it was generated.',
		],
		'TokenAuthenticatorSingleUse' => [
			'value' => true,
			'description' => 'Whether a user token is used up by its first successful verify. With false, it can be '
				. 'verified until it expires.',
		],
		'TokenAuthenticatorTokenStore' => [
			'value' => 'database',
			'description' => 'Where tokens are kept: \'database\' (the wiki\'s database, table mws_auth_token), \'stash\' '
				. '($wgMainStash) or the name of an entry of $wgObjectCaches (a Redis or memcached server '
				. 'shared by the app servers). Single use is decided by the store itself in every case; a '
				. 'store that does not answer gives 503, never a token accepted. Replay records (used JWTs, '
				. 'used single-use session-verification tokens) are kept in the database whatever the store, '
				. 'so that a cache that restarts or evicts cannot forget them.',
		],
		'TokenAuthenticatorAllowAnonymous' => [
			'value' => false,
			'description' => 'Whether anonymous visitors may generate user tokens; such a token verifies to the '
				. 'anonymous user (id 0, named by the visitor\'s IP address). Otherwise they get HTTP 401.',
		],
		'TokenAuthenticatorServiceToken' => [
			'value' => null,
			'description' => 'Shorthand for one static service key: its secret, sent as Authorization: ApiKey '
				. '<secret>. The key acts as $mwsgTokenAuthenticatorServiceUser, from '
				. '$mwsgTokenAuthenticatorServiceCIDR, limited to the allow-listed API modules and REST '
				. 'paths. Prefer a tokenHash in $mwsgTokenAuthenticatorServiceTokens, which keeps the secret '
				. 'out of LocalSettings.php.',
		],
		'TokenAuthenticatorServiceCIDR' => [
			'value' => false,
			'description' => 'Where the shorthand key may connect from: a CIDR range, an address or an '
				. 'a.b.c.d-e.f.g.h range, or a list of them, used exactly as given. Left unset: loopback '
				. 'only. Set to \'\' or null, as the reference allows: any address (a warning is logged once '
				. 'per process).',
		],
		'TokenAuthenticatorServiceAllowedAPIModules' => [
			'value' => [],
			'description' => 'Action API module classes the shorthand key may use, e.g. ApiOpenSearch. A query '
				. 'submodule class (ApiQueryUserInfo) allows just that submodule; ApiQuery allows all of '
				. 'them.',
		],
		'TokenAuthenticatorServiceAllowedRestPaths' => [
			'value' => [],
			'description' => 'REST path prefixes the shorthand key may use, matched by whole segments: '
				. '/mws/v1/user-token/verify allows /mws/v1/user-token/verify/x but not '
				. '/mws/v1/user-token/verifyX. As in the reference, listing /mws/v1/app-token/generate itself '
				. 'lets the shorthand key mint app tokens.',
		],
		'TokenAuthenticatorServiceUser' => [
			'value' => 'ChatBot service user',
			'description' => 'User the shorthand key acts as, a service account: update.php creates it when it '
				. 'does not exist, and takes an existing account only when nobody could use it as a person.',
		],
		'TokenAuthenticatorServiceTokens' => [
			'value' => [],
			'description' => 'Service keys, each an array with: user (required; a service account, which '
				. 'update.php creates); tokenHash (SHA-256 hex of the '
				. 'secret) or token; cidr (list, default loopback); apiModules; restPaths; rights (a cap on '
				. 'the user\'s rights, for its ApiKey and its app tokens); appTokens (bool: may mint app '
				. 'tokens); expires (timestamp); name (for logs). Two keys with the same user and '
				. 'different secrets is how secrets are rotated; one secret matching two keys is '
				. 'refused.',
		],
		'TokenAuthenticatorAppTokenTTL' => [
			'value' => 3600,
			'description' => 'Seconds an app token (Authorization: AppToken) stays valid.',
		],
		'TokenAuthenticatorAppTokenGroups' => [
			'value' => [
				'sysop',
			],
			'description' => 'Groups update.php gives to the service accounts of keys with appTokens; an AppToken '
				. 'session has the user\'s rights, cut by the key\'s rights cap when it has one.',
		],
		'TokenAuthenticatorSessionVerificationMaxAge' => [
			'value' => 3600,
			'description' => 'Seconds an action=session_verification token stays valid; 0 means no limit.',
		],
		'TokenAuthenticatorSessionVerificationSecret' => [
			'value' => null,
			'description' => 'Secret that signs action=session_verification tokens; when null, $wgSecretKey is used. '
				. 'Each user\'s key also mixes in the user\'s token, so logging out everywhere or changing the '
				. 'password revokes their tokens.',
		],
		'TokenAuthenticatorSessionVerificationSingleUse' => [
			'value' => false,
			'description' => 'Whether an action=session_verification token is used up by its first successful '
				. 'verification. Without it a token verifies until it expires, as in the reference; send it '
				. 'by POST either way, as a GET puts it in access logs.',
		],
		'TokenAuthenticatorJWTAlgorithm' => [
			'value' => null,
			'description' => 'Algorithms of JWT login: one of HS256, RS256, PS256, ES256 and EdDSA, or a list of them '
				. '(e.g. [ \'RS256\', \'ES256\' ]). A JWT whose alg is not listed is refused; alg: none always is. '
				. 'HS256 is only accepted alone, and never with a key set. JWT login is off while this is null.',
		],
		'TokenAuthenticatorJWTKey' => [
			'value' => null,
			'description' => 'Key of JWT login: the shared secret for HS256, or the issuer\'s PEM public key for RS256, '
				. 'PS256, ES256 and EdDSA. Set this or $mwsgTokenAuthenticatorJWTKeySet (or '
				. '$mwsgTokenAuthenticatorJWTDiscovery), not both.',
		],
		'TokenAuthenticatorJWTKeySet' => [
			'value' => null,
			'description' => 'The identity provider\'s keys as a JWKS: its JSON text, the path of a file holding it, '
				. 'or its https:// URL (http:// only to a loopback address). The key is chosen by the JWT\'s '
				. 'kid. A URL is fetched with MediaWiki\'s HTTP client ($wgHTTPProxy applies) and kept in the '
				. 'main cache for the max-age it is served with (5 minutes to a day); a JWT with a kid the set '
				. 'lacks fetches it again, at most once a minute. While the provider cannot be reached the '
				. 'cached set is used for one more day.',
		],
		'TokenAuthenticatorJWTDiscovery' => [
			'value' => false,
			'description' => 'Whether the key set is found by OpenID Connect discovery: '
				. '<$mwsgTokenAuthenticatorJWTIssuer>/.well-known/openid-configuration, whose issuer must equal '
				. '$mwsgTokenAuthenticatorJWTIssuer exactly, names the jwks_uri, used as '
				. '$mwsgTokenAuthenticatorJWTKeySet would be.',
		],
		'TokenAuthenticatorJWTIssuer' => [
			'value' => null,
			'description' => 'Required value of the JWT\'s iss claim.',
		],
		'TokenAuthenticatorJWTAudience' => [
			'value' => null,
			'description' => 'Value the JWT\'s aud claim must be (or contain).',
		],
		'TokenAuthenticatorJWTLeeway' => [
			'value' => 60,
			'description' => 'Seconds of clock skew allowed when checking exp, nbf and iat.',
		],
		'TokenAuthenticatorJWTMaxLifetime' => [
			'value' => 86400,
			'description' => 'Longest lifetime (exp minus iat, in seconds) of a JWT that Special:JWTLogin accepts; '
				. 'longer-lived tokens are refused. At most ten years.',
		],
		'TokenAuthenticatorJWTGroupMapping' => [
			'value' => [],
			'description' => 'Maps a JWT group (from the groups claim: a comma-separated list or a JSON array) to one '
				. 'wiki group or a list of them, e.g. [ \'staff\' => [ \'sysop\', \'bureaucrat\' ], \'editors\' => '
				. '\'editor\' ].',
		],
		'TokenAuthenticatorJWTRemoveUnmappedGroups' => [
			'value' => true,
			'description' => 'Whether JWT login removes the wiki groups that it added itself and that the JWT no longer '
				. 'maps to. Groups given any other way (by hand, say) are never removed.',
		],
		'TokenAuthenticatorJWTLinkExistingAccounts' => [
			'value' => false,
			'description' => 'JWT login links accounts by the token\'s iss and sub; preferred_username only names the '
				. 'account a subject\'s first login creates, and a name that is taken is refused. With true, '
				. 'an existing account that no subject is linked to yet is linked to the subject whose first '
				. 'JWT login names it. Use it once, to take over the accounts of a previous JWT login, with '
				. 'an identity provider you trust with user names.',
		],
		'TokenAuthenticatorPersonalKeyMaxLifetime' => [
			'value' => 7776000,
			'description' => 'Longest lifetime of a personal access key (Special:PersonalKeys), in seconds (default 90 '
				. 'days). Every key must have an expiry within it; at least an hour.',
		],
		'TokenAuthenticatorJWTProxyHeader' => [
			'value' => null,
			'description' => 'Single sign-on behind an identity-aware proxy: the request header in which the proxy '
				. 'sends a signed JWT of the user on every request (e.g. \'Cf-Access-Jwt-Assertion\', '
				. '\'X-Pomerium-Jwt-Assertion\', or \'Authorization\', then read as Bearer <jwt>). Checked, linked '
				. 'and mapped to groups as on Special:JWTLogin, without the single use; the JWT\'s exp ends the '
				. 'session. Read only from $mwsgTokenAuthenticatorJWTProxyRanges. null switches it off.',
		],
		'TokenAuthenticatorJWTProxyRanges' => [
			'value' => null,
			'description' => 'The addresses (CIDR ranges) of the proxy that sets $mwsgTokenAuthenticatorJWTProxyHeader; '
				. 'the header from any other peer is ignored and a warning logged. null: $wgCdnServers.',
		],
	];
}
