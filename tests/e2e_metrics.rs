//! Metrics end to end: a real UDP receiver on loopback collects what one
//! request of each kind emits through MediaWiki's stats interfaces. Statsd
//! ($wgStatsdServer) on both lanes; dogstatsd ($wgStatsTarget, core's
//! StatsFactory) where core has it (1.41+, the 1.43 lane).

mod common;
use common::*;

use serde_json::json;

const SALT: &str = "metrics-salt-0123456789";
const APPS: &str = "metrics-apps-secret-0123456789abcdef";
const READER: &str = "metrics-reader-secret-0123456789abcdef";
const JWT_KEY: &str = "metrics-jwt-key-0123456789abcdef0123456789";

/// Whether core has StatsFactory ($wgStatsTarget): MediaWiki 1.41 and later.
fn has_stats_factory(wiki: &Wiki) -> bool {
    let out = wiki.maintenance_with_input(
        "eval.php",
        &[],
        "echo version_compare( MW_VERSION, '1.41', '>=' ) ? 'yes' : 'no';\n",
    );
    String::from_utf8_lossy(&out.stdout).contains("yes")
}

fn settings(statsd: &StatsReceiver, dogstatsd: &StatsReceiver) -> String {
    format!(
        r#"
$mwsgTokenAuthenticatorSalt = '{SALT}';
$mwsgTokenAuthenticatorServiceTokens = [
    [ 'name' => 'metrics-apps', 'user' => 'Metrics bot', 'token' => '{APPS}', 'appTokens' => true ],
    [ 'name' => 'metrics-reader', 'user' => 'Metrics bot', 'token' => '{READER}', 'apiModules' => [ 'ApiQuery' ] ],
];
$mwsgTokenAuthenticatorJWTAlgorithm = 'HS256';
$mwsgTokenAuthenticatorJWTKey = '{JWT_KEY}';
$mwsgTokenAuthenticatorJWTIssuer = 'https://idp.example.org';
$mwsgTokenAuthenticatorJWTAudience = 'metrics-wiki';
{statsd}
// 1.41+ only; an unknown global on 1.39.
$wgStatsTarget = 'udp://127.0.0.1:{dogstatsd}';
$wgStatsFormat = 'dogstatsd';
"#,
        statsd = statsd.statsd_setting(),
        dogstatsd = dogstatsd.port,
    )
}

#[test]
fn one_request_of_each_kind_is_counted_on_the_wikis_stats_target() {
    let statsd = StatsReceiver::start();
    let dogstatsd = StatsReceiver::start();
    let mut wiki = Wiki::builder()
        .setting(settings(&statsd, &dogstatsd))
        .start();
    let labelled = has_stats_factory(&wiki);
    wiki.create_user("Alice", "alice-password-123", &[]);
    let alice = wiki.login("Alice", "alice-password-123");

    // User tokens: minted, verified, refused.
    let token = wiki.user_token(&alice);
    let verify = wiki.url("/rest.php/mws/v1/user-token/verify");
    let r = post_json(&wiki.client(), &verify, &json!({ "token": token }));
    assert_eq!(r.status, 200, "{r}");
    let r = post_json(&wiki.client(), &verify, &json!({ "token": token }));
    assert_eq!(r.status, 400, "used twice: {r}");

    // Service keys and app tokens.
    let app_token = mint_app_token(&wiki, APPS);
    let r = wiki.api(
        Some(&format!("AppToken {app_token}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Metrics bot", "{r}");
    let r = wiki.api(
        Some("ApiKey wrong-secret-0123456789abcdef"),
        "action=query&meta=userinfo",
    );
    assert_eq!(r.status, 401, "{r}");
    assert_api_key_may_not_parse(&wiki, READER);

    // NetworkSession over plain HTTP, a malformed personal key.
    let r = wiki.api(
        Some("NetworkSession some-token-0123456789"),
        "action=query&meta=userinfo",
    );
    assert_eq!(r.status, 403, "{r}");
    let r = wiki.api(Some("Bearer mwpk_typo"), "action=query&meta=userinfo");
    assert_eq!(r.status, 401, "{r}");

    // Session verification: issued, verified.
    let r = get(
        &alice,
        &wiki.url("/api.php?action=session_verification&format=json"),
    );
    let sv = r.json()["session_verification"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    let r = get(
        &wiki.client(),
        &wiki.url(&format!(
            "/api.php?action=session_verification&format=json&token={}",
            percent_encode(&sv)
        )),
    );
    assert_eq!(r.status, 200, "{r}");

    // A JWT that is none.
    let r = call(
        wiki.client()
            .get(&wiki.url("/index.php?title=Special:JWTLogin"))
            .set("Authorization", "Bearer not.a.jwt"),
    );
    assert_eq!(r.status, 401, "{r}");

    let mut wanted = vec![
        "MediaWiki.TokenAuthenticator.minted_total.user_token:1|c",
        "MediaWiki.TokenAuthenticator.verified_total.user_token:1|c",
        "MediaWiki.TokenAuthenticator.refused_total.user_token.invalid:1|c",
        "MediaWiki.TokenAuthenticator.minted_total.app_token:1|c",
        "MediaWiki.TokenAuthenticator.verified_total.service_key:1|c",
        "MediaWiki.TokenAuthenticator.verified_total.app_token:1|c",
        "MediaWiki.TokenAuthenticator.refused_total.service_key.invalid:1|c",
        "MediaWiki.TokenAuthenticator.refused_total.service_key.scope:1|c",
        "MediaWiki.TokenAuthenticator.refused_total.network_session.https:1|c",
        "MediaWiki.TokenAuthenticator.refused_total.personal_key.malformed:1|c",
        "MediaWiki.TokenAuthenticator.minted_total.session_verification:1|c",
        "MediaWiki.TokenAuthenticator.verified_total.session_verification:1|c",
        "MediaWiki.TokenAuthenticator.refused_total.jwt.malformed:1|c",
        "MediaWiki.TokenAuthenticator.store_seconds.database.mint:",
        "MediaWiki.TokenAuthenticator.store_seconds.database.consume:",
    ];
    let lines = statsd.expect(&wanted);
    assert!(
        lines
            .iter()
            .filter(|l| l.starts_with("MediaWiki.TokenAuthenticator.store_seconds."))
            .all(|l| l.ends_with("|ms")),
        "timings in milliseconds: {lines:?}"
    );
    if labelled {
        let dog = dogstatsd.expect(&[
            "mediawiki.TokenAuthenticator.minted_total:1|c|#kind:user_token",
            "mediawiki.TokenAuthenticator.verified_total:1|c|#kind:user_token",
            "mediawiki.TokenAuthenticator.refused_total:1|c|#kind:user_token,reason:invalid",
            "mediawiki.TokenAuthenticator.verified_total:1|c|#kind:app_token",
            "mediawiki.TokenAuthenticator.refused_total:1|c|#kind:service_key,reason:invalid",
            "mediawiki.TokenAuthenticator.refused_total:1|c|#kind:service_key,reason:scope",
            "mediawiki.TokenAuthenticator.refused_total:1|c|#kind:network_session,reason:https",
            "mediawiki.TokenAuthenticator.refused_total:1|c|#kind:jwt,reason:malformed",
            "mediawiki.TokenAuthenticator.minted_total:1|c|#kind:session_verification",
        ]);
        assert!(
            dog.iter().any(
                |l| l.starts_with("mediawiki.TokenAuthenticator.store_seconds:")
                    && l.ends_with("|ms|#store:database,operation:consume")
            ),
            "{dog:?}"
        );
        assert!(
            !dog.iter().any(|l| l.starts_with("MediaWiki.")),
            "statsd names on the dogstatsd target: {dog:?}"
        );
    } else {
        assert!(
            dogstatsd.lines().is_empty(),
            "1.39 has no $wgStatsTarget: {:?}",
            dogstatsd.lines()
        );
    }
    // Labels name kinds and reasons, never who or which key.
    for line in statsd.lines().iter().chain(dogstatsd.lines().iter()) {
        for private in [
            "Alice",
            "Metrics_bot",
            "Metrics bot",
            "metrics-apps",
            "metrics-reader",
            "127_0_0_1",
            "127.0.0.1",
        ] {
            assert!(!line.contains(private), "{private} in {line}");
        }
    }

    // An outage answer: the native module missing.
    statsd.clear();
    wanted.clear();
    wiki.set_native(false);
    wiki.restart();
    let r = wiki.api(
        Some(&format!("ApiKey {APPS}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(r.status, 503, "{r}");
    statsd.expect(&["MediaWiki.TokenAuthenticator.outages_total.native_module:1|c"]);
    if labelled {
        dogstatsd.expect(&["mediawiki.TokenAuthenticator.outages_total:1|c|#store:native_module"]);
    }
    // A refused credential on rest.php ends the request itself: its count is
    // sent before it ends.
    wiki.set_native(true);
    wiki.restart();
    statsd.clear();
    let r = call(
        wiki.client()
            .get(&wiki.url("/rest.php/v1/page/Main_Page/bare"))
            .set("Authorization", "ApiKey wrong-secret-0123456789abcdef"),
    );
    assert_eq!(r.status, 401, "{r}");
    statsd.expect(&["MediaWiki.TokenAuthenticator.refused_total.service_key.invalid:1|c"]);
}

#[test]
fn nothing_is_recorded_without_a_stats_target() {
    // The receiver listens where a target would be, but none is configured:
    // $wgStatsdServer is unset, and MediaWiki's default port is not ours.
    let wiki = Wiki::builder()
        .setting(format!("$mwsgTokenAuthenticatorSalt = '{SALT}';"))
        .start();
    let out = wiki.maintenance_with_input(
        "eval.php",
        &[],
        "$m = \\MediaWiki\\Extension\\TokenAuthenticator\\Setup\\Services::getMetrics();\n\
         echo $m->isEnabled() ? 'on' : 'off';\n",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "off",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
