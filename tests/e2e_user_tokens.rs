//! User tokens end to end: REST generate and verify on a real wiki, salted
//! envelopes, expiry, single use under concurrency, bad input, rate limits.

mod common;
use common::*;

use std::sync::{Arc, Barrier};
use std::time::Duration;

const SALT: &str = "e2e-salt-\u{00e9}-with-utf8";
const INVALID: &str = "Invalid or expired token.";

fn generate(wiki: &Wiki, agent: &ureq::Agent, query: &str) -> HttpResponse {
    get(
        agent,
        &wiki.url(&format!("/rest.php/mws/v1/user-token/generate{query}")),
    )
}

fn fresh_token(wiki: &Wiki, agent: &ureq::Agent) -> String {
    let r = generate(wiki, agent, "");
    assert_eq!(r.status, 200, "{r}");
    r.json()["value"].as_str().expect("value").to_string()
}

fn verify_post(wiki: &Wiki, token: &str) -> HttpResponse {
    post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/user-token/verify"),
        &serde_json::json!({ "token": token }),
    )
}

fn verify_get(wiki: &Wiki, encoded_token: &str) -> HttpResponse {
    wiki.get(&format!(
        "/rest.php/mws/v1/user-token/verify/{encoded_token}"
    ))
}

fn post_raw(wiki: &Wiki, path: &str, content_type: &str, body: &str) -> HttpResponse {
    response(
        wiki.client()
            .post(&wiki.url(path))
            .set("Content-Type", content_type)
            .send_string(body),
    )
}

/// The refusal every bad token gets: 400, JSON, the one message.
fn assert_invalid(r: &HttpResponse) {
    assert_eq!(r.status, 400, "{r}");
    assert_eq!(r.json()["message"], INVALID, "{r}");
}

fn salted_wiki() -> Wiki {
    salted_wiki_with("")
}

fn salted_wiki_with(extra_setting: &str) -> Wiki {
    let wiki = Wiki::builder()
        .setting(extra_setting)
        .setting(format!(
            "$mwsgTokenAuthenticatorSalt = {};",
            php_str(SALT)
        ))
        .setting(
            "$wgHooks['MWStakeTokenAuthenticatorGetAuthInfo'][] = static function ( $user, array &$meta ) { $meta['checked_by'] = 'e2e:' . $user->getName(); };",
        )
        .start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    wiki
}

#[test]
fn user_tokens_on_a_salted_wiki() {
    let wiki = salted_wiki();
    let alice = wiki.login("Alice", "alice-password-123");

    // Generate, then verify by POST: who the user is comes back.
    let r = generate(&wiki, &alice, "");
    assert_eq!(r.status, 200, "{r}");
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{r}"
    );
    let token = r.json()["value"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 64, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));

    let r = verify_post(&wiki, &token);
    assert_eq!(r.status, 200, "{r}");
    let info = r.json();
    assert_eq!(info["username"], "Alice");
    assert!(info["id"].as_i64().unwrap() > 0, "{info}");
    assert_eq!(info["real_name"], "");
    assert_eq!(info["lang_code"], "en");
    assert!(info["wiki_id"].as_str().is_some_and(|w| !w.is_empty()));
    let groups = info["groups"].as_array().unwrap();
    assert!(groups.contains(&"user".into()), "{info}");
    assert!(!groups.contains(&"sysop".into()), "{info}");
    assert_eq!(
        info["meta"]["checked_by"], "e2e:Alice",
        "the hook fills meta"
    );
    assert!(
        r.header("vary").unwrap_or("").contains("Authorization"),
        "{r}"
    );

    // Single use: the second exchange fails, by either form.
    assert_invalid(&verify_post(&wiki, &token));
    assert_invalid(&verify_get(&wiki, &token));

    // The GET form, once.
    let token = fresh_token(&wiki, &alice);
    let r = verify_get(&wiki, &token);
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["username"], "Alice");
    assert_invalid(&verify_get(&wiki, &token));

    // The admin's groups come back too.
    let admin = wiki.login_admin();
    let r = verify_post(&wiki, &fresh_token(&wiki, &admin));
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["username"], ADMIN);
    assert!(r.json()["groups"]
        .as_array()
        .unwrap()
        .contains(&"sysop".into()));

    // The database holds the token's hash, never the token.
    let token = fresh_token(&wiki, &alice);
    let out = wiki.maintenance(
        "sql.php",
        &["--query", "SELECT mat_hash, mat_kind FROM mws_auth_token"],
    );
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(
        dump.contains(&openssl_dgst(&[], token.as_bytes())),
        "{dump}"
    );
    assert!(!dump.contains(&token), "{dump}");
    assert_eq!(verify_post(&wiki, &token).status, 200);
}

#[test]
fn salted_envelope_names_the_wiki_and_is_signed() {
    let wiki = salted_wiki();
    let alice = wiki.login("Alice", "alice-password-123");
    for (how, r) in [
        ("GET", generate(&wiki, &alice, "?withIssuer=1")),
        (
            // Core answers 415 to a POST without Content-Type, even an empty one.
            "POST query",
            response(
                alice
                    .post(&wiki.url("/rest.php/mws/v1/user-token/generate?withIssuer=true"))
                    .set("Content-Type", "application/json")
                    .send_string(""),
            ),
        ),
        (
            "POST JSON",
            post_json(
                &alice,
                &wiki.url("/rest.php/mws/v1/user-token/generate"),
                &serde_json::json!({ "withIssuer": true }),
            ),
        ),
    ] {
        assert_eq!(r.status, 200, "{how}: {r}");
        let value = r.json()["value"].as_str().unwrap().to_string();
        let decoded: Value = serde_json::from_slice(&base64_decode(&value)).unwrap();
        let url = decoded["verifyCallback"].as_str().unwrap();
        let inner = decoded["token"].as_str().unwrap();
        let sig = decoded["sig"].as_str().unwrap();
        assert_eq!(
            url,
            format!("{}/rest.php", wiki.script_path()),
            "{how}: the REST entry point, wfScript( 'rest' ), as the reference writes it"
        );
        let key = format!("hexkey:{}", hex(SALT.as_bytes()));
        let want = openssl_dgst(
            &["-mac", "HMAC", "-macopt", &key],
            format!("{url}{inner}").as_bytes(),
        );
        assert_eq!(sig, want, "{how}: signature");
        // The inner token verifies, the whole envelope does not.
        assert_invalid(&verify_post(&wiki, &value));
        let r = verify_post(&wiki, inner);
        assert_eq!(r.status, 200, "{how}: {r}");
        assert_eq!(r.json()["username"], "Alice");
    }

    // withIssuer=0 gives a plain token; a value that is no boolean is refused.
    let plain = generate(&wiki, &alice, "?withIssuer=0");
    assert_eq!(plain.json()["value"].as_str().unwrap().len(), 64);
    let r = generate(&wiki, &alice, "?withIssuer=banana");
    assert_eq!(r.status, 400, "{r}");
    assert!(r.json()["message"].is_string(), "{r}");
}

#[test]
fn bad_input_gets_400_json_never_500() {
    let wiki = salted_wiki();
    let alice = wiki.login("Alice", "alice-password-123");
    let envelope = generate(&wiki, &alice, "?withIssuer=1").json()["value"]
        .as_str()
        .unwrap()
        .to_string();
    let big = "a".repeat(10 * 1024);
    let garbage = [
        "",
        big.as_str(),
        "ünïcödé-\u{1F600}",
        "../../../etc/passwd",
        "%00",
        "' OR 1=1 --",
        envelope.as_str(),
        &"f".repeat(64),
    ];
    for g in garbage {
        assert_invalid(&verify_post(&wiki, g));
        if !g.is_empty() {
            assert_invalid(&verify_get(&wiki, &percent_encode(g)));
        }
    }
    // Path forms that reach the route with an empty or odd segment.
    assert_invalid(&verify_get(&wiki, ""));
    assert_invalid(&wiki.raw_get("/rest.php/mws/v1/user-token/verify/..%2F..%2Fetc"));

    // Bodies that are not {"token": "<string>"}.
    for body in [
        r#"{"token": 5}"#,
        r#"{"token": null}"#,
        r#"{"token": ["a"]}"#,
        r#"{"other": "x"}"#,
        r#"["token"]"#,
        r#""token""#,
        "not json",
        r#"{"token": "#,
    ] {
        let r = post_raw(
            &wiki,
            "/rest.php/mws/v1/user-token/verify",
            "application/json",
            body,
        );
        assert_eq!(r.status, 400, "{body}: {r}");
        assert!(r.json()["message"].is_string(), "{body}: {r}");
    }
    let r = post_raw(
        &wiki,
        "/rest.php/mws/v1/user-token/verify",
        "application/json",
        "",
    );
    assert_eq!(r.status, 400, "{r}");
}

#[test]
fn anonymous_users_get_401_and_missing_salt_is_a_clear_error() {
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorUserTokenTTL = 2;")
        .start();
    wiki.create_user("Bob", "bob-password-1234", &[]);

    let r = wiki.get("/rest.php/mws/v1/user-token/generate");
    assert_eq!(r.status, 401, "{r}");
    assert!(
        r.json()["message"].as_str().unwrap().contains("logged in"),
        "{r}"
    );

    let bob = wiki.login("Bob", "bob-password-1234");
    let r = generate(&wiki, &bob, "?withIssuer=1");
    assert_eq!(r.status, 500, "{r}");
    let msg = r.json()["message"].as_str().unwrap().to_string();
    assert!(msg.contains("$mwsgTokenAuthenticatorSalt"), "{r}");
    assert!(
        !wiki.server_log().contains("Uncaught"),
        "no uncaught exception"
    );

    // Expiry: a token older than its TTL fails, and expired rows are purged
    // when the next token is minted.
    let old = fresh_token(&wiki, &bob);
    let old2 = fresh_token(&wiki, &bob);
    std::thread::sleep(Duration::from_millis(3200));
    assert_invalid(&verify_post(&wiki, &old));
    let young = fresh_token(&wiki, &bob);
    // The purge runs after the response is sent: give it a moment.
    let mut dump = String::new();
    for _ in 0..20 {
        let out = wiki.maintenance(
            "sql.php",
            // Tokens only: accounts' epochs live in the same table.
            &[
                "--query",
                "SELECT COUNT(*) AS n FROM mws_auth_token WHERE mat_kind = 'user'",
            ],
        );
        dump = String::from_utf8_lossy(&out.stdout).to_string();
        if dump.contains("[n] => 1\n") {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        dump.contains("[n] => 1\n"),
        "only the young token is left: {dump}"
    );
    assert_invalid(&verify_post(&wiki, &old2));
    assert_eq!(verify_post(&wiki, &young).status, 200);
}

#[test]
fn anonymous_tokens_and_reusable_tokens_when_configured() {
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorAllowAnonymous = true;")
        .setting("$mwsgTokenAuthenticatorSingleUse = false;")
        .start();
    let anon = wiki.client();
    let token = fresh_token(&wiki, &anon);
    for _ in 0..2 {
        let r = verify_post(&wiki, &token);
        assert_eq!(r.status, 200, "{r}");
        assert_eq!(r.json()["id"], 0);
        assert_eq!(r.json()["username"], "127.0.0.1");
    }
}

#[test]
fn fifty_concurrent_verifies_of_one_token_exactly_one_succeeds() {
    // 49 failures a round are this test's design, not an attack.
    let wiki = Arc::new(salted_wiki_with(
        "$wgRateLimits['tokenauthenticator-verify-fail']['ip'] = [ 1000, 60 ];",
    ));
    let alice = wiki.login("Alice", "alice-password-123");
    for round in 0..2 {
        let token = Arc::new(fresh_token(&wiki, &alice));
        let barrier = Arc::new(Barrier::new(50));
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let (wiki, token, barrier) = (wiki.clone(), token.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    if i % 2 == 0 {
                        verify_post(&wiki, &token)
                    } else {
                        verify_get(&wiki, &token)
                    }
                })
            })
            .collect();
        let results: Vec<HttpResponse> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let ok = results.iter().filter(|r| r.status == 200).count();
        let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 400),
            "round {round}: unexpected answers: {statuses:?}"
        );
        assert_eq!(ok, 1, "round {round}: exactly one exchange succeeds");
    }
}

#[test]
fn failed_verifies_are_rate_limited() {
    let wiki = Wiki::builder()
        .setting("$wgRateLimits['tokenauthenticator-verify-fail']['ip'] = [ 3, 300 ];")
        .start();
    wiki.create_user("Carol", "carol-password-12", &[]);
    let carol = wiki.login("Carol", "carol-password-12");
    let token = fresh_token(&wiki, &carol);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(verify_post(&wiki, &"0".repeat(64)).status);
    }
    assert_eq!(&statuses[..3], &[400, 400, 400], "{statuses:?}");
    assert!(statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");
    let r = verify_post(&wiki, &"1".repeat(64));
    assert_eq!(r.status, 429, "{r}");
    assert!(r.json()["message"].is_string());
    // Regression (security review, finding 10): a limited caller's valid
    // token used to get 429 too, so anyone who could make a consumer
    // service send bad tokens stopped it for all its users. Failures count;
    // a valid token is answered whatever the count.
    let r = verify_post(&wiki, &token);
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["username"], "Carol", "{r}");
    let r = verify_get(&wiki, &fresh_token(&wiki, &carol));
    assert_eq!(r.status, 200, "{r}");
}

/// Regression: logged-in users minting at once on SQLite got HTTP 500
/// "database is locked" (the request's read lock from loading the user could
/// not be upgraded for the write while another request wrote).
#[test]
fn logged_in_users_generating_at_once_all_succeed() {
    let wiki = Arc::new(salted_wiki_with(
        "$wgRateLimits['tokenauthenticator-verify-fail']['ip'] = [ 1000, 60 ];",
    ));
    let agents: Vec<ureq::Agent> = (0..8)
        .map(|i| {
            let name = format!("Minter {i}");
            wiki.create_user(&name, "minter-password-123", &[]);
            wiki.login(&name, "minter-password-123")
        })
        .collect();
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|i| {
            let (wiki, agent, barrier) = (wiki.clone(), agents[i % 8].clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut statuses = Vec::new();
                for _ in 0..15 {
                    let r = generate(&wiki, &agent, "");
                    statuses.push(r.status);
                    if r.status == 200 {
                        let token = r.json()["value"].as_str().unwrap().to_string();
                        statuses.push(verify_post(&wiki, &token).status);
                    }
                }
                statuses
            })
        })
        .collect();
    let statuses: Vec<u16> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let failed = statuses.iter().filter(|s| **s != 200).count();
    assert_eq!(
        failed,
        0,
        "{failed} of {} requests failed: {statuses:?}",
        statuses.len()
    );
    assert!(!wiki.mw_error_log().contains("database is locked"));
}
