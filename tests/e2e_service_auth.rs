//! Service authentication end to end: `Authorization: ApiKey` (static
//! principals) and `Authorization: AppToken` (dynamic tokens) against real
//! wikis, the whole allow and deny matrix, and a regression test for each
//! hole of the mwstake reference listed in shared/reference/anchors.md.

mod common;
use common::*;

use serde_json::json;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

const SALT: &str = "service-salt-0123456789";
const SHORTHAND: &str = "shorthand-secret-0123456789abcdef";
const READER_NEW: &str = "reader-secret-new-0123456789abcdef";
const READER_OLD: &str = "reader-secret-old-0123456789abcdef";
const FAR: &str = "far-secret-0123456789abcdef";
const APPS: &str = "apps-secret-0123456789abcdef";
const EXPIRED: &str = "expired-secret-0123456789abcdef";
const NO_APPS: &str = "no-apps-secret-0123456789abcdef";

fn settings() -> String {
    format!(
        r#"
$mwsgTokenAuthenticatorSalt = '{SALT}';
$mwsgTokenAuthenticatorServiceToken = '{SHORTHAND}';
$mwsgTokenAuthenticatorServiceAllowedAPIModules = [ 'ApiQueryUserInfo', 'ApiQueryTokens' ];
$mwsgTokenAuthenticatorServiceAllowedRestPaths = [ '/mws/v1/user-token/verify' ];
$mwsgTokenAuthenticatorServiceTokens = [
    [ 'name' => 'reader', 'user' => 'Reader bot', 'tokenHash' => '{reader_hash}',
      'apiModules' => [ 'ApiQuery' ], 'rights' => [ 'read' ] ],
    [ 'name' => 'reader-old', 'user' => 'Reader bot', 'token' => '{READER_OLD}',
      'apiModules' => [ 'ApiQuery' ], 'rights' => [ 'read' ] ],
    [ 'name' => 'far', 'user' => 'Far bot', 'token' => '{FAR}', 'cidr' => [ '10.0.0.0-10.255.255.255' ],
      'apiModules' => [ 'ApiQuery' ] ],
    [ 'name' => 'apps', 'user' => 'App bot', 'token' => '{APPS}', 'appTokens' => true ],
    [ 'name' => 'no-apps', 'user' => 'Reader bot', 'token' => '{NO_APPS}',
      'restPaths' => [ '/mws/v1/app-token' ] ],
    [ 'name' => 'expired', 'user' => 'Old bot', 'token' => '{EXPIRED}', 'expires' => '20200101000000',
      'apiModules' => [ 'ApiQuery' ] ],
];
$wgDebugLogGroups['TokenAuthenticator'] = __DIR__ . '/ta-debug.log';
$wgDebugLogGroups['session'] = __DIR__ . '/ta-debug.log';
"#,
        reader_hash = sha256_hex(READER_NEW.as_bytes()),
    )
}

fn rest_get(wiki: &Wiki, auth: &str, path: &str) -> HttpResponse {
    call(
        wiki.client()
            .get(&wiki.url(&format!("/rest.php{path}")))
            .set("Authorization", auth),
    )
}

fn rest_post(wiki: &Wiki, auth: &str, path: &str, body: &Value) -> HttpResponse {
    response(
        wiki.client()
            .post(&wiki.url(&format!("/rest.php{path}")))
            .set("Authorization", auth)
            .send_json(body),
    )
}

fn whoami(wiki: &Wiki, auth: &str) -> Value {
    let r = wiki.api(
        Some(auth),
        "action=query&meta=userinfo&uiprop=groups|rights",
    );
    assert_eq!(r.status, 200, "{r}");
    r.json()
}

/// A refusal of the REST entry point: the status, a JSON message, the key.
fn assert_rest_refused(r: &HttpResponse, status: u16, key: &str) {
    assert_eq!(r.status, status, "{r}");
    assert_eq!(r.json()["errorKey"], key, "{r}");
    assert!(r.json()["message"].is_string(), "{r}");
    if status == 401 {
        let challenge = r.header("www-authenticate").unwrap_or("");
        assert!(challenge.contains("ApiKey"), "{r}");
    }
}

#[test]
fn api_keys_allow_and_deny() {
    let wiki = Wiki::builder().setting(settings()).start();
    let key = |s: &str| format!("ApiKey {s}");

    // update.php created the service users, and put the app principal's user
    // in sysop before any request was made.
    let admin = wiki.login_admin();
    let r = get(
        &admin,
        &wiki.url("/api.php?action=query&list=users&ususers=App_bot|ChatBot_service_user|Reader_bot&usprop=groups&format=json&formatversion=2"),
    );
    let users = r.json()["query"]["users"].clone();
    assert_eq!(users[0]["name"], "App bot", "{r}");
    assert!(
        users[0]["groups"]
            .as_array()
            .unwrap()
            .contains(&"sysop".into()),
        "{r}"
    );
    assert!(users[1]["userid"].as_i64().unwrap() > 0, "{r}");
    assert!(
        !users[2]["groups"]
            .as_array()
            .unwrap()
            .contains(&"sysop".into()),
        "{r}"
    );

    // The right key from the right address: the service user, and a session
    // that is not persisted.
    let r = wiki.api(Some(&key(SHORTHAND)), "action=query&meta=userinfo");
    assert_eq!(
        r.json()["query"]["userinfo"]["name"],
        "ChatBot service user",
        "{r}"
    );
    assert!(r.header("set-cookie").is_none(), "no Set-Cookie: {r}");
    assert!(
        r.header("vary").unwrap_or("").contains("Authorization"),
        "{r}"
    );
    // Scheme names in any case (the header forms: mediawiki-extension/tests/phpunit/unit/ServiceKey/CredentialTest.php).
    let who = whoami(&wiki, &format!("APIKEY {SHORTHAND}"));
    assert_eq!(who["query"]["userinfo"]["name"], "ChatBot service user");
    // The header's name in any case too (HTTP header names are).
    let userinfo = wiki.url("/api.php?action=query&meta=userinfo&format=json&formatversion=2");
    for name in ["authorization", "AUTHORIZATION"] {
        let r = call(wiki.client().get(&userinfo).set(name, &key(SHORTHAND)));
        assert_eq!(
            r.json()["query"]["userinfo"]["name"],
            "ChatBot service user",
            "{name}: {r}"
        );
        let r = call(
            wiki.client()
                .get(&userinfo)
                .set(name, &key("wrong-secret-0123456789")),
        );
        assert_eq!(r.status, 401, "{name}: {r}");
        let r = call(
            wiki.client()
                .get(&wiki.url("/rest.php/v1/page/Main_Page"))
                .set(name, &key("wrong-secret-0123456789")),
        );
        assert_rest_refused(&r, 401, "tokenauthenticator-error-invalid-credential");
    }
    // Another scheme is not ours to judge: an anonymous answer, still
    // varying on the header.
    let r = call(
        wiki.client()
            .get(&userinfo)
            .set("Authorization", "Bearer abc.def.ghi"),
    );
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["query"]["userinfo"]["anon"], true, "{r}");
    assert!(
        r.header("vary").unwrap_or("").contains("Authorization"),
        "{r}"
    );

    // A wrong key fails closed: an API error, never an anonymous answer.
    let r = wiki.api(
        Some(&key("wrong-secret-0123456789")),
        "action=query&meta=userinfo",
    );
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-invalid-credential",
        "{r}"
    );
    assert_eq!(r.status, 401, "{r}");
    assert!(
        r.header("www-authenticate")
            .unwrap_or("")
            .contains("ApiKey"),
        "{r}"
    );
    assert!(r.json()["query"].is_null(), "{r}");
    let r = rest_get(&wiki, &key("wrong-secret-0123456789"), "/v1/page/Main_Page");
    assert_rest_refused(&r, 401, "tokenauthenticator-error-invalid-credential");
    assert!(
        r.header("vary").unwrap_or("").contains("Authorization"),
        "{r}"
    );

    // A malformed header, on both entry points (the forms: CredentialTest).
    let r = wiki.api(Some("ApiKey two words"), "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-malformed-header",
        "{r}"
    );
    let r = rest_get(&wiki, "AppToken", "/v1/page/Main_Page");
    assert_rest_refused(&r, 401, "tokenauthenticator-error-malformed-header");

    // An expired principal.
    let r = wiki.api(Some(&key(EXPIRED)), "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-expired-credential",
        "{r}"
    );

    // The wrong address, and a spoofed X-Forwarded-For without a trusted
    // proxy: both are the loopback client they really are.
    let r = wiki.api(Some(&key(FAR)), "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-address-denied",
        "{r}"
    );
    assert_eq!(r.status, 403, "{r}");
    let r = call(
        wiki.client()
            .get(&wiki.url("/api.php?action=query&meta=userinfo&format=json"))
            .set("Authorization", &key(FAR))
            .set("X-Forwarded-For", "10.1.2.3"),
    );
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-address-denied",
        "{r}"
    );
    let r = rest_get(&wiki, &key(FAR), "/v1/page/Main_Page");
    assert_rest_refused(&r, 403, "tokenauthenticator-error-address-denied");

    // Action API allow-list: submodules by class.
    let r = wiki.api(Some(&key(SHORTHAND)), "action=query&meta=userinfo|tokens");
    assert!(r.json()["query"]["tokens"]["csrftoken"].is_string(), "{r}");
    for (query, denied) in [
        ("action=query&list=allpages", "query+allpages"),
        ("action=query&meta=userinfo|siteinfo", "query+siteinfo"),
        ("action=query&generator=allpages", "query+allpages"),
        ("action=query&prop=info&titles=Main_Page", "query+info"),
        ("action=parse&text=x", "parse"),
    ] {
        let r = wiki.api(Some(&key(SHORTHAND)), query);
        assert_eq!(
            api_error(&r),
            "tokenauthenticator-error-module-denied",
            "{query}: {r}"
        );
        assert!(r.body.contains(denied), "{query}: {r}");
    }
    // ApiQuery allows every query submodule, and nothing else.
    let r = wiki.api(
        Some(&key(READER_NEW)),
        "action=query&list=allpages&meta=siteinfo",
    );
    assert!(r.json()["query"]["allpages"].is_array(), "{r}");
    let r = wiki.api(Some(&key(READER_NEW)), "action=parse&text=x");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-module-denied",
        "{r}"
    );

    // REST allow-list: whole segments of the routed path (the matching:
    // ServiceKeyLookupTest); here, that the router's path is what is matched.
    let alice_agent = {
        wiki.create_user("Alice", "alice-password-123", &[]);
        wiki.login("Alice", "alice-password-123")
    };
    let token = wiki.user_token(&alice_agent);
    // A body field named "token" under a header session (core's
    // rest-extraneous-csrf-token trap) works.
    let r = rest_post(
        &wiki,
        &key(SHORTHAND),
        "/mws/v1/user-token/verify",
        &json!({ "token": token }),
    );
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["username"], "Alice");
    let r = rest_get(&wiki, &key(SHORTHAND), "/mws/v1/user-token/verify/abc");
    assert_eq!(r.status, 400, "allowed path, invalid token: {r}");
    for denied in ["/mws/v1/user-token/verifyX", "/v1/page/Main_Page"] {
        let r = rest_get(&wiki, &key(SHORTHAND), denied);
        assert_rest_refused(&r, 403, "tokenauthenticator-error-path-denied");
    }
    // Dot segments never match an allow-list entry.
    let r = wiki.raw_get_with(
        "/rest.php/mws/v1/user-token/verify/../../../../v1/page/Main_Page",
        &[("Authorization", &key(SHORTHAND))],
    );
    assert_eq!(r.status, 403, "{r}");

    // Rights cap: the reader principal has "read" and nothing more.
    let who = whoami(&wiki, &key(READER_NEW));
    assert_eq!(who["query"]["userinfo"]["name"], "Reader bot");
    assert_eq!(who["query"]["userinfo"]["rights"], json!(["read"]), "{who}");

    // Rotation: the old and the new secret of one user both work.
    let who = whoami(&wiki, &key(READER_OLD));
    assert_eq!(who["query"]["userinfo"]["name"], "Reader bot");

    // Bearer is not ours (it belongs to OAuth): no service session.
    let who = whoami(&wiki, &format!("Bearer {SHORTHAND}"));
    assert_eq!(who["query"]["userinfo"]["id"], 0, "{who}");

    // Only api.php and rest.php: index.php gives no service session.
    let r = call(
        wiki.client()
            .get(&wiki.url("/index.php?title=Main_Page"))
            .set("Authorization", &key(SHORTHAND)),
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("\"wgUserName\":null"),
        "anonymous page view"
    );

    // No secret in any log, after all these failures and successes.
    let logs = format!(
        "{}{}{}",
        wiki.server_log(),
        wiki.mw_error_log(),
        std::fs::read_to_string(wiki.dir().join("ta-debug.log")).unwrap_or_default()
    );
    for secret in [
        SHORTHAND,
        READER_NEW,
        READER_OLD,
        FAR,
        EXPIRED,
        "wrong-secret-0123456789",
    ] {
        assert!(!logs.contains(secret), "a secret was logged");
    }

    // A blocked service user is refused.
    let csrf = wiki.token(&admin, "csrf");
    let r = post_form(
        &admin,
        &wiki.url("/api.php"),
        &[
            ("action", "block"),
            ("user", "Reader bot"),
            ("reason", "e2e"),
            ("token", &csrf),
            ("format", "json"),
        ],
    );
    assert!(r.json()["block"].is_object(), "{r}");
    let r = wiki.api(Some(&key(READER_NEW)), "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-user-blocked",
        "{r}"
    );

    // preventSessionsForUser doesn't throw for our provider.
    let mut cmd = wiki.php(true);
    cmd.arg(format!("{MW_DIR}/maintenance/eval.php"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"MediaWiki\\Session\\SessionManager::singleton()->preventSessionsForUser( 'App bot' ); echo \"prevented\\n\";\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("prevented"), "{text}");
}

#[test]
fn app_tokens() {
    let wiki = Wiki::builder()
        .setting(settings())
        .setting("$mwsgTokenAuthenticatorAppTokenTTL = 4;")
        .start();
    let mint = |secret: &str| {
        response(
            wiki.client()
                .post(&wiki.url("/rest.php/mws/v1/app-token/generate"))
                .set("Authorization", &format!("ApiKey {secret}"))
                .set("Content-Type", "application/json")
                .send_string(""),
        )
    };

    // Minting needs an ApiKey, of a principal with appTokens.
    let r = wiki.get("/rest.php/mws/v1/app-token/generate");
    assert_eq!(r.status, 401, "the CIDR alone does not guard minting: {r}");
    assert!(r.header("www-authenticate").is_some(), "{r}");
    let r = mint(NO_APPS);
    assert_eq!(r.status, 403, "{r}");
    assert_eq!(
        r.json()["errorKey"],
        "tokenauthenticator-error-apptoken-not-allowed"
    );
    let r = mint(SHORTHAND);
    assert_rest_refused(&r, 403, "tokenauthenticator-error-path-denied");

    // The app principal gets a salted envelope naming this wiki.
    let r = mint(APPS);
    assert_eq!(r.status, 200, "{r}");
    let envelope: Value =
        serde_json::from_slice(&base64_decode(r.json()["value"].as_str().unwrap())).unwrap();
    let inner = envelope["token"].as_str().unwrap().to_string();
    let callback = envelope["verifyCallback"].as_str().unwrap();
    assert_eq!(
        callback, "/rest.php",
        "the REST entry point, as for user tokens"
    );
    let key = format!("hexkey:{}", hex(SALT.as_bytes()));
    assert_eq!(
        envelope["sig"].as_str().unwrap(),
        openssl_dgst(
            &["-mac", "HMAC", "-macopt", &key],
            format!("{callback}{inner}").as_bytes()
        )
    );

    // Used as an AppToken it is a full session as the service user...
    let auth = format!("AppToken {inner}");
    let who = whoami(&wiki, &auth);
    assert_eq!(who["query"]["userinfo"]["name"], "App bot", "{who}");
    assert!(who["query"]["userinfo"]["groups"]
        .as_array()
        .unwrap()
        .contains(&"sysop".into()));
    // ...that can edit, with a CSRF token fetched through meta=tokens.
    let r = wiki.api(Some(&auth), "action=query&meta=tokens");
    let csrf = r.json()["query"]["tokens"]["csrftoken"]
        .as_str()
        .unwrap()
        .to_string();
    let r = response(
        wiki.client()
            .post(&wiki.url("/api.php"))
            .set("Authorization", &auth)
            .send_form(&[
                ("action", "edit"),
                ("title", "Edited by an app token"),
                ("text", "Hello from a service."),
                ("token", &csrf),
                ("format", "json"),
            ]),
    );
    assert_eq!(r.json()["edit"]["result"], "Success", "{r}");
    let r = wiki.get("/rest.php/v1/page/Edited_by_an_app_token");
    assert!(r.json()["latest"]["id"].as_i64().is_some(), "{r}");

    // Kinds never mix: an app token is no user token, a user token no app token.
    let r = post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/user-token/verify"),
        &json!({ "token": inner }),
    );
    assert_eq!(r.status, 400, "{r}");
    let admin = wiki.login_admin();
    let user_token = wiki.user_token(&admin);
    let r = wiki.api(
        Some(&format!("AppToken {user_token}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-invalid-credential",
        "a user token must never act as an app token: {r}"
    );
    let r = rest_get(
        &wiki,
        &format!("AppToken {user_token}"),
        "/v1/page/Main_Page",
    );
    assert_rest_refused(&r, 401, "tokenauthenticator-error-invalid-credential");

    // Special:Log names the principal, never the secret or the token.
    let r = get(
        &admin,
        &wiki.url(
            "/api.php?action=query&list=logevents&letype=tokenauth&format=json&formatversion=2",
        ),
    );
    let events = r.json()["query"]["logevents"].clone();
    assert_eq!(events.as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(events[0]["action"], "apptoken");
    assert_eq!(events[0]["user"], "App bot");
    assert!(r.body.contains("apps"), "{r}");
    assert!(!r.body.contains(&inner) && !r.body.contains(APPS), "{r}");
    // The log is restricted.
    let r = wiki.get("/api.php?action=query&list=logevents&letype=tokenauth&format=json");
    assert!(
        r.json()["error"].is_object() || r.json()["query"]["logevents"] == json!([]),
        "{r}"
    );

    // After its TTL the app token is refused.
    std::thread::sleep(Duration::from_millis(4500));
    let r = wiki.api(Some(&auth), "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-invalid-credential",
        "{r}"
    );
}

#[test]
fn trusted_proxy_and_app_token_cidr() {
    let wiki = Wiki::builder()
        .setting(format!("$mwsgTokenAuthenticatorSalt = '{SALT}';"))
        .setting("$wgCdnServers = [ '127.0.0.1' ];")
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'remote-apps', 'user' => 'Remote bot', \
             'token' => '{APPS}', 'cidr' => [ '10.0.0.0/8' ], 'appTokens' => true, \
             'apiModules' => [ 'ApiQuery' ] ] ];"
        ))
        .start();
    let from = |ip: &str, auth: &str, query: &str| {
        call(
            wiki.client()
                .get(&wiki.url(&format!("/api.php?format=json&formatversion=2&{query}")))
                .set("Authorization", auth)
                .set("X-Forwarded-For", ip),
        )
    };
    let key = format!("ApiKey {APPS}");

    // Behind a trusted proxy, X-Forwarded-For is the client.
    let r = from("10.1.2.3", &key, "action=query&meta=userinfo");
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Remote bot", "{r}");
    let r = from("192.168.1.1", &key, "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-address-denied",
        "{r}"
    );
    let r = wiki.api(Some(&key), "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-address-denied",
        "{r}"
    );

    // An app token is bound to its principal's CIDR.
    let r = response(
        wiki.client()
            .get(&wiki.url("/rest.php/mws/v1/app-token/generate"))
            .set("Authorization", &key)
            .set("X-Forwarded-For", "10.9.9.9")
            .call(),
    );
    assert_eq!(r.status, 200, "{r}");
    let envelope: Value =
        serde_json::from_slice(&base64_decode(r.json()["value"].as_str().unwrap())).unwrap();
    let auth = format!("AppToken {}", envelope["token"].as_str().unwrap());
    let r = from("10.2.2.2", &auth, "action=query&meta=userinfo");
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Remote bot", "{r}");
    let r = from("192.168.1.1", &auth, "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-address-denied",
        "{r}"
    );
    let r = wiki.api(Some(&auth), "action=query&meta=userinfo");
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-address-denied",
        "{r}"
    );
}

#[test]
fn invalid_configuration_fails_closed_naming_the_setting() {
    // Every configuration error and its message: mediawiki-extension/tests/phpunit/unit/ServiceKey/ServiceKeyLookupTest.php.
    // Here, that one fails the requests that carry a credential, on both
    // entry points, and no other request.
    let wiki = Wiki::builder()
        .setting(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'user' => 'A bot', 'token' => 'same-secret-0123456789' ], \
             [ 'user' => 'B bot', 'token' => 'same-secret-0123456789' ] ];",
        )
        .start();
    let r = wiki.api(
        Some("ApiKey same-secret-0123456789"),
        "action=query&meta=userinfo",
    );
    assert_eq!(api_error(&r), "tokenauthenticator-error-config", "{r}");
    assert!(
        r.body.contains("$mwsgTokenAuthenticatorServiceTokens[1]"),
        "{r}"
    );
    let r = rest_get(&wiki, "ApiKey same-secret-0123456789", "/v1/page/Main_Page");
    assert_rest_refused(&r, 500, "tokenauthenticator-error-config");
    let r = wiki.api(None, "action=query&meta=userinfo");
    assert_eq!(r.json()["query"]["userinfo"]["id"], 0, "{r}");
}

#[test]
fn create_service_key_script_prints_a_config_entry() {
    let wiki = Wiki::builder()
        .setting(format!("$mwsgTokenAuthenticatorSalt = '{SALT}';"))
        .start();
    let script = format!(
        "{}/mediawiki-extension/maintenance/createServiceKey.php",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = wiki
        .php(true)
        .env("MW_INSTALL_PATH", MW_DIR)
        .args([
            script.as_str(),
            "--config",
            "--user",
            "Script bot",
            "--app-tokens",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = text
        .lines()
        .skip_while(|l| !l.starts_with("Secret of the new key"))
        .nth(2)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(secret.len(), 64, "{text}");
    let hash = sha256_hex(secret.as_bytes());
    assert!(text.contains(&format!("'tokenHash' => '{hash}'")), "{text}");
    assert!(
        text.contains("created the service account \"Script bot\""),
        "{text}"
    );

    // The printed entry, as printed, works.
    let entry = text
        .split("$mwsgTokenAuthenticatorServiceTokens[] = ")
        .nth(1)
        .unwrap();
    let mut wiki = wiki;
    wiki.add_setting(format!(
        "$mwsgTokenAuthenticatorServiceTokens[] = {}",
        entry.trim()
    ));
    wiki.add_setting(
        "$mwsgTokenAuthenticatorServiceTokens[array_key_last( $mwsgTokenAuthenticatorServiceTokens )]['apiModules'] = [ 'ApiQuery' ];",
    );
    wiki.restart();
    let who = whoami(&wiki, &format!("ApiKey {secret}"));
    assert_eq!(who["query"]["userinfo"]["name"], "Script bot", "{who}");
    assert!(who["query"]["userinfo"]["groups"]
        .as_array()
        .unwrap()
        .contains(&"sysop".into()));
}
