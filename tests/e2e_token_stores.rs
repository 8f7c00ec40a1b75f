//! `$mwsgTokenAuthenticatorTokenStore`: the same cases on every store (the
//! database, the main stash, Redis and memcached, each a real server started
//! here): user tokens used once, fifty concurrent verifies of one token with
//! exactly one success, app tokens, JWT replays, session-verification
//! replays; on the cache servers, nothing but hashes stored, and a crash of
//! the server answered with 503 JSON, never with a token accepted. Settings
//! that name no usable store fail closed, naming the setting.

mod common;
use common::*;

use serde_json::json;
use std::sync::{Arc, Barrier};
use std::time::{SystemTime, UNIX_EPOCH};

const SALT: &str = "store-salt-0123456789";
const APPS: &str = "store-apps-secret-0123456789abcdef";
const JWT_KEY: &str = "store-jwt-secret-0123456789abcdef";
const ISSUER: &str = "https://idp.example.org";
const AUDIENCE: &str = "wiki-stores";

fn settings() -> String {
    format!(
        "$mwsgTokenAuthenticatorSalt = '{SALT}';\n\
         $mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'apps', 'user' => 'App bot', \
         'token' => '{APPS}', 'appTokens' => true ] ];\n\
         $mwsgTokenAuthenticatorJWTAlgorithm = 'HS256';\n\
         $mwsgTokenAuthenticatorJWTKey = '{JWT_KEY}';\n\
         $mwsgTokenAuthenticatorJWTIssuer = '{ISSUER}';\n\
         $mwsgTokenAuthenticatorJWTAudience = '{AUDIENCE}';\n\
         $mwsgTokenAuthenticatorSessionVerificationSingleUse = true;\n\
         // The concurrency rounds fail 49 verifies each on purpose.\n\
         $wgRateLimits['tokenauthenticator-verify-fail']['ip'] = [ 1000, 60 ];"
    )
}

/// A wiki on `store`, with the cache server it needs (kept alive with it),
/// sending its metrics to `stats` if given.
fn wiki_on(store: Store, stats: Option<&StatsReceiver>) -> (Wiki, Option<CacheServer>) {
    let (server, store_settings) = store.start();
    let mut builder = Wiki::builder().setting(settings()).setting(store_settings);
    if let Some(stats) = stats {
        builder = builder.setting(stats.statsd_setting());
    }
    let wiki = builder.start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    (wiki, server)
}

fn verify(wiki: &Wiki, token: &str) -> HttpResponse {
    post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/user-token/verify"),
        &json!({ "token": token }),
    )
}

fn jwt(user: &str) -> String {
    hs256_jwt(JWT_KEY, ISSUER, AUDIENCE, user, json!({}))
}

/// A session-verification token of `agent`'s session.
fn sv_token(wiki: &Wiki, agent: &ureq::Agent, store: Store) -> String {
    let r = get(
        agent,
        &wiki.url("/api.php?action=session_verification&format=json&formatversion=2"),
    );
    r.json()["session_verification"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{store:?}: {r}"))
        .to_string()
}

/// The `session_verification` part of the answer to verifying `sv`.
fn sv_check(wiki: &Wiki, sv: &str) -> Value {
    let r = wiki.get(&format!(
        "/api.php?action=session_verification&token={sv}&format=json&formatversion=2"
    ));
    assert_eq!(r.status, 200, "{r}");
    r.json()["session_verification"].clone()
}

/// Every case that does not break the store, on one wiki.
/// The label of `store` in the token store's timings (docs/metrics.md).
fn timing_label(store: Store) -> &'static str {
    match store {
        Store::Database => "database",
        Store::Stash => "stash",
        Store::Redis => "redis",
        Store::Memcached => "memcached",
    }
}

fn the_same_cases(store: Store) {
    let stats = StatsReceiver::start();
    let (wiki, server) = wiki_on(store, Some(&stats));
    let alice = wiki.login("Alice", "alice-password-123");

    // A user token: used once.
    let token = wiki.user_token(&alice);
    let r = verify(&wiki, &token);
    assert_eq!(r.status, 200, "{store:?}: {r}");
    assert_eq!(r.json()["username"], "Alice", "{store:?}: {r}");
    assert_eq!(verify(&wiki, &token).status, 400, "{store:?}: used twice");
    // Timed, under the store's kind.
    let label = timing_label(store);
    stats.expect(&[
        &format!("MediaWiki.TokenAuthenticator.store_seconds.{label}.mint:"),
        &format!("MediaWiki.TokenAuthenticator.store_seconds.{label}.consume:"),
    ]);
    let r = wiki.get(&format!("/rest.php/mws/v1/user-token/verify/{token}"));
    assert_eq!(r.status, 400, "{store:?}: used twice (GET): {r}");

    // Fifty verifies of one token at the same moment: exactly one succeeds.
    let wiki = Arc::new(wiki);
    for round in 0..2 {
        let token = Arc::new(wiki.user_token(&alice));
        let barrier = Arc::new(Barrier::new(50));
        let handles: Vec<_> = (0..50)
            .map(|_| {
                let (wiki, token, barrier) = (wiki.clone(), token.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    verify(&wiki, &token).status
                })
            })
            .collect();
        let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 400),
            "{store:?} round {round}: {statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{store:?} round {round}: exactly one exchange succeeds: {statuses:?}"
        );
    }

    // An app token: a session as its principal's user, verifiable, and a
    // user token never passes as one.
    let r = app_token_response(&wiki, APPS);
    assert_eq!(r.status, 200, "{store:?}: {r}");
    let app = token_in_envelope(r.json()["value"].as_str().unwrap());
    let who = wiki.api(
        Some(&format!("AppToken {app}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(
        who.json()["query"]["userinfo"]["name"],
        "App bot",
        "{store:?}: {who}"
    );
    let r = wiki.get(&format!("/rest.php/mws/v1/app-token/verify/{app}"));
    assert_eq!(r.status, 200, "{store:?}: {r}");
    assert_eq!(r.json()["app"], true, "{store:?}: {r}");
    let user_token = wiki.user_token(&alice);
    let r = wiki.get(&format!("/rest.php/mws/v1/app-token/verify/{user_token}"));
    assert_eq!(
        r.status, 400,
        "{store:?}: a user token as an app token: {r}"
    );

    // A JWT logs in once; its replay is refused.
    let token = jwt("Jwt user");
    let r = jwt_login(&wiki, &token);
    assert_eq!(r.status, 302, "{store:?}: {r}");
    let r = jwt_login(&wiki, &token);
    assert_eq!(r.status, 401, "{store:?}: {r}");
    assert!(r.body.contains("already used"), "{store:?}: {r}");

    // A session-verification token in single-use mode: once.
    let sv = sv_token(&wiki, &alice, store);
    assert_eq!(sv_check(&wiki, &sv)["success"], 1, "{store:?}: first use");
    assert!(
        sv_check(&wiki, &sv)["success"].is_null(),
        "{store:?}: replay"
    );

    // Only hashes reach the cache server: a live token's SHA-256 is there,
    // the token is not.
    if let Some(server) = &server {
        let live = wiki.user_token(&alice);
        let dump = server.dump();
        assert!(
            dump.contains(&sha256_hex(live.as_bytes())),
            "{store:?}: the hash is stored"
        );
        for secret in [live.as_str(), app.as_str(), APPS, token.as_str()] {
            assert!(
                !dump.contains(secret),
                "{store:?}: a token or secret is stored"
            );
        }
    }
}

#[test]
fn database_store() {
    the_same_cases(Store::Database);
}

#[test]
fn stash_store() {
    the_same_cases(Store::Stash);
}

#[test]
fn redis_store() {
    the_same_cases(Store::Redis);
}

#[test]
fn memcached_store() {
    the_same_cases(Store::Memcached);
}

/// The cache server crashes (SIGKILL) under a running wiki: every route and
/// credential that needs a token answers 503 JSON, no token is accepted,
/// and nothing falls back to the database. Restarted (empty), it serves new
/// tokens; those minted before the crash are gone.
fn server_crash(store: Store) {
    let stats = StatsReceiver::start();
    let (wiki, server) = wiki_on(store, Some(&stats));
    let mut server = server.unwrap();
    let alice = wiki.login("Alice", "alice-password-123");
    let before = wiki.user_token(&alice);
    let r = app_token_response(&wiki, APPS);
    let app = token_in_envelope(r.json()["value"].as_str().unwrap_or_else(|| panic!("{r}")));

    server.kill();
    let r = verify(&wiki, &before);
    assert_outage_answer(&r, &format!("{store:?}: verify"));
    assert_eq!(
        r.json()["errorKey"],
        "tokenauthenticator-error-token-store-unavailable",
        "{r}"
    );
    let r = get(&alice, &wiki.url("/rest.php/mws/v1/user-token/generate"));
    assert_outage_answer(&r, &format!("{store:?}: generate"));
    assert_outage_answer(
        &app_token_response(&wiki, APPS),
        &format!("{store:?}: app-token generate"),
    );
    let r = wiki.get(&format!("/rest.php/mws/v1/app-token/verify/{app}"));
    assert_outage_answer(&r, &format!("{store:?}: app-token verify"));
    let r = wiki.api(
        Some(&format!("AppToken {app}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(r.status, 503, "{store:?}: AppToken session: {r}");
    assert_eq!(api_error(&r), "tokenauthenticator-error-unavailable", "{r}");
    assert!(
        r.json()["query"].is_null(),
        "{store:?}: no answer as anyone: {r}"
    );
    // The wiki itself keeps serving.
    assert_eq!(wiki.get("/index.php?title=Main_Page").status, 200);
    stats.expect(&["MediaWiki.TokenAuthenticator.outages_total.token_store:1|c"]);

    server.restart();
    assert_eq!(
        verify(&wiki, &before).status,
        400,
        "{store:?}: forgotten, not accepted"
    );
    let after = wiki.user_token(&alice);
    assert_eq!(verify(&wiki, &after).status, 200, "{store:?}: works again");
    assert_eq!(verify(&wiki, &after).status, 400, "{store:?}: and once");
}

#[test]
fn redis_crash() {
    server_crash(Store::Redis);
}

#[test]
fn memcached_crash() {
    server_crash(Store::Memcached);
}

/// Regression (#24, low): replay records were kept in the token store, so a
/// cache server that restarts (or evicts) forgot them: a used JWT logged in
/// again, and a single-use session-verification token verified again. They
/// are kept in the database whatever the token store: JWT login works while
/// the cache is down, and nothing is accepted twice after it comes back
/// empty.
fn replays_outlive_the_cache(store: Store) {
    let (wiki, server) = wiki_on(store, None);
    let mut server = server.unwrap();
    let alice = wiki.login("Alice", "alice-password-123");
    let used = jwt("Replay user");
    assert_eq!(jwt_login(&wiki, &used).status, 302, "{store:?}");
    let sv = sv_token(&wiki, &alice, store);
    assert_eq!(sv_check(&wiki, &sv)["success"], 1, "{store:?}");

    server.kill();
    let r = jwt_login(&wiki, &jwt("Outage user"));
    assert_eq!(
        r.status, 302,
        "{store:?}: JWT login needs no cache server: {r}"
    );
    server.restart();
    let r = jwt_login(&wiki, &used);
    assert_eq!(r.status, 401, "{store:?}: a used JWT again: {r}");
    assert!(r.body.contains("already used"), "{store:?}: {r}");
    assert!(
        sv_check(&wiki, &sv)["success"].is_null(),
        "{store:?}: a used session-verification token again"
    );
}

#[test]
fn redis_replays_outlive_a_restart() {
    replays_outlive_the_cache(Store::Redis);
}

#[test]
fn memcached_replays_outlive_a_restart() {
    replays_outlive_the_cache(Store::Memcached);
}

/// Settings that name no store the promises hold on fail closed on the
/// routes that need tokens, naming the setting and what to change.
#[test]
fn unusable_stores_are_refused_naming_the_setting() {
    let mut wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorTokenStore = 'no-such-cache';")
        .start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    let cases = [
        ("'no-such-cache'", "names no entry of $wgObjectCaches"),
        ("true", "must be 'database', 'stash'"),
        ("CACHE_NONE", "stores nothing"),
        ("'hash'", "local to one PHP process or server"),
        ("'apcu'", "local to one PHP process or server"),
        (
            "'two-redis'; $wgObjectCaches['two-redis'] = [ 'class' => 'RedisBagOStuff', \
             'servers' => [ '127.0.0.1:1', '127.0.0.1:2' ] ]",
            "'automaticFailover' => false",
        ),
    ];
    for (i, (value, says)) in cases.iter().enumerate() {
        if i > 0 {
            wiki.add_setting(format!("$mwsgTokenAuthenticatorTokenStore = {value};"));
            wiki.restart();
        }
        let alice = wiki.login("Alice", "alice-password-123");
        let r = get(&alice, &wiki.url("/rest.php/mws/v1/user-token/generate"));
        assert_eq!(r.status, 500, "{value}: {r}");
        let message = r.json()["message"].as_str().unwrap_or("").to_string();
        assert!(
            message.contains("$mwsgTokenAuthenticatorTokenStore") && message.contains(says),
            "{value}: {r}"
        );
        let r = verify(&wiki, &"a".repeat(64));
        assert_eq!(r.status, 500, "{value}: verify: {r}");
        // The rest of the wiki is not affected.
        assert_eq!(
            wiki.get("/index.php?title=Main_Page").status,
            200,
            "{value}"
        );
    }
}

/// The store's own decision, without a web server in between: eight PHP
/// processes race, in the same order, for the same 300 tokens and 300
/// replay keys at the same moment (tests/stores/race.php). Each token is
/// won exactly once, each key claimed exactly once, and no call fails.
fn store_race(store: Store) {
    const TOKENS: usize = 300;
    const PROCESSES: usize = 8;
    let (wiki, _server) = wiki_on(store, None);
    let script = repo_dir().join("tests/stores/race.php");
    let out = wiki
        .php(true)
        .arg(&script)
        .args(["--mint", &TOKENS.to_string()])
        .output()
        .expect("php");
    assert!(
        out.status.success(),
        "{store:?}: mint: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tokens: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.len() == 64)
        .map(str::to_string)
        .collect();
    assert_eq!(
        tokens.len(),
        TOKENS,
        "{store:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let file = wiki.dir().join("race-tokens.txt");
    std::fs::write(&file, tokens.join("\n")).unwrap();
    // Loading MediaWiki takes a while: start together, two seconds from now.
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        + 2.5;
    let racers: Vec<_> = (0..PROCESSES)
        .map(|_| {
            wiki.php(true)
                .arg(&script)
                .arg("--race")
                .arg(&file)
                .args(["--start", &format!("{start:.3}")])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("php")
        })
        .collect();
    let mut won = std::collections::HashMap::<String, usize>::new();
    let mut errors = Vec::new();
    for racer in racers {
        let out = racer.wait_with_output().expect("php");
        assert!(
            out.status.success(),
            "{store:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if line.starts_with("error ") {
                errors.push(line.to_string());
            } else {
                *won.entry(line.to_string()).or_default() += 1;
            }
        }
    }
    assert!(errors.is_empty(), "{store:?}: {errors:?}");
    let twice: Vec<_> = won.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "{store:?}: won more than once: {twice:?}");
    for (n, token) in tokens.iter().enumerate() {
        assert_eq!(
            won.get(&format!("token {token}")),
            Some(&1),
            "{store:?}: token {n}"
        );
        assert_eq!(
            won.get(&format!("claim {n}")),
            Some(&1),
            "{store:?}: claim {n}"
        );
    }
}

#[test]
fn database_race() {
    store_race(Store::Database);
}

#[test]
fn stash_race() {
    store_race(Store::Stash);
}

#[test]
fn redis_race() {
    store_race(Store::Redis);
}

#[test]
fn memcached_race() {
    store_race(Store::Memcached);
}
