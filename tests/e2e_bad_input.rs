//! The bad-input matrix: malformed headers, bodies, parameters and settings.
//! Each row must give a clear error (4xx/5xx with a message) and never open
//! access: no service session, no anonymous success where a credential was
//! sent, no PHP fatal.

mod common;
use common::*;

use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const SECRET: &str = "bad-input-secret-0123456789abcdef";

fn wiki() -> Wiki {
    Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'bad-input-salt';")
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'svc', 'user' => 'Svc bot', 'token' => '{SECRET}', \
             'apiModules' => [ 'ApiQuery' ], 'restPaths' => [ '/mws/v1/user-token/verify', '/v1/page' ], \
             'appTokens' => true ] ];"
        ))
        .start()
}

/// Sends `head` (request line and headers, CRLF-separated, without the
/// final blank line) and `body` as raw bytes; returns status and body.
fn raw(wiki: &Wiki, head: &[u8], body: &[u8]) -> (u16, String) {
    let addr = format!("127.0.0.1:{}", wiki.port());
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = head.to_vec();
    req.extend_from_slice(
        format!(
            "\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    req.extend_from_slice(body);
    s.write_all(&req).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1)
        .unwrap_or("")
        .to_string();
    (status, body)
}

fn with_auth(path: &str, auth: &[u8]) -> Vec<u8> {
    let mut h = format!("GET {path} HTTP/1.1\r\nAuthorization: ").into_bytes();
    h.extend_from_slice(auth);
    h
}

/// The request carried something that is no valid credential: it must be
/// refused with a message, or (for a scheme that is not ours) stay anonymous.
fn assert_not_authenticated(wiki: &Wiki, what: &str, auth: &[u8]) {
    let (status, body) = raw(
        wiki,
        &with_auth(
            "/api.php?action=query&meta=userinfo&format=json&formatversion=2",
            auth,
        ),
        b"",
    );
    assert!(
        !body.contains("Svc bot"),
        "{what}: API gave a service session: {status} {body}"
    );
    if status == 200 {
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{what}: {body}"));
        assert!(
            v["error"]["code"].is_string() || v["query"]["userinfo"]["id"] == 0,
            "{what}: {body}"
        );
    } else {
        assert!(
            status < 500 || status == 500 && !body.is_empty(),
            "{what}: {status} {body}"
        );
    }
    let (status, body) = raw(wiki, &with_auth("/rest.php/v1/page/Main_Page", auth), b"");
    assert!(!body.contains("Svc bot"), "{what}: {status} {body}");
    assert!(status != 0, "{what}: no answer");
    assert!(status < 500, "{what}: REST {status} {body}");
}

#[test]
fn malformed_authorization_headers() {
    let wiki = wiki();
    // The well-formed header works, so the rows below fail for their fault.
    let (status, body) = raw(
        &wiki,
        &with_auth(
            "/api.php?action=query&meta=userinfo&format=json&formatversion=2",
            format!("ApiKey {SECRET}").as_bytes(),
        ),
        b"",
    );
    assert_eq!(status, 200);
    assert!(body.contains("Svc bot"), "{body}");
    // Extra spaces and tabs between scheme and token are accepted (RFC 7235
    // allows several), and still only for the right secret.
    for spaced in [
        format!("ApiKey    {SECRET}"),
        format!("ApiKey\t{SECRET}"),
        format!("ApiKey {SECRET}  "),
    ] {
        let (_, body) = raw(
            &wiki,
            &with_auth(
                "/api.php?action=query&meta=userinfo&format=json",
                spaced.as_bytes(),
            ),
            b"",
        );
        assert!(body.contains("Svc bot"), "{spaced:?}: {body}");
    }

    let big = format!("ApiKey {}", "a".repeat(64 * 1024));
    let rows: Vec<(&str, Vec<u8>)> = vec![
        ("no token after the scheme", b"ApiKey".to_vec()),
        ("only spaces after the scheme", b"ApiKey   ".to_vec()),
        ("two words", format!("ApiKey {SECRET} extra").into_bytes()),
        ("a tab inside", format!("ApiKey {SECRET}\tx").into_bytes()),
        ("64 KB", big.into_bytes()),
        ("non-UTF-8", b"ApiKey \xff\xfe\xfd".to_vec()),
        (
            "an unknown scheme with our secret",
            format!("Token {SECRET}").into_bytes(),
        ),
        ("Basic", b"Basic dXNlcjpwYXNz".to_vec()),
        ("AppToken of garbage", b"AppToken ../../etc/passwd".to_vec()),
        ("ApiKey with a wrong secret", b"ApiKey wrong".to_vec()),
    ];
    for (what, auth) in rows {
        assert_not_authenticated(&wiki, what, &auth);
    }

    // Two Authorization headers: whatever the server makes of them, never
    // a session the headers do not unambiguously name.
    for (first, second) in [
        (format!("ApiKey {SECRET}"), "ApiKey wrong".to_string()),
        ("ApiKey wrong".to_string(), format!("ApiKey {SECRET}")),
    ] {
        let head = format!(
            "GET /api.php?action=query&meta=userinfo&format=json&formatversion=2 HTTP/1.1\r\nAuthorization: {first}\r\nAuthorization: {second}"
        );
        let (status, body) = raw(&wiki, head.as_bytes(), b"");
        let v: Value = serde_json::from_str(&body).unwrap_or(json!({}));
        let ok_as_service = v["query"]["userinfo"]["name"] == "Svc bot";
        let refused = v["error"]["code"].is_string();
        assert!(
            refused || ok_as_service && second.contains(SECRET),
            "two headers ({first} / {second}): {status} {body}"
        );
        assert_ne!(
            v["query"]["userinfo"]["id"], 0,
            "anonymous fallback: {body}"
        );
    }
}

#[test]
fn malformed_bodies_and_garbage_parameters() {
    let wiki = wiki();
    wiki.create_user("Gina", "gina-password-123", &[]);
    let gina = wiki.login("Gina", "gina-password-123");

    // A 1 MB body and other bodies that are not {"token": "<string>"}.
    let mega = format!("{{\"token\": \"{}\"}}", "a".repeat(1024 * 1024));
    for body in [
        mega.as_str(),
        "[1,2,3]",
        "42",
        "null",
        r#"{"token": {"nested": true}}"#,
        r#"{"token": 1e999}"#,
        "\u{feff}{}",
    ] {
        let r = response(
            wiki.client()
                .post(&wiki.url("/rest.php/mws/v1/user-token/verify"))
                .set("Content-Type", "application/json")
                .send_string(body),
        );
        assert_eq!(r.status, 400, "{}: {r}", &body[..body.len().min(40)]);
        assert!(r.json()["message"].is_string(), "{r}");
    }
    // A member named twice is refused, not decided by the last one (a proxy
    // reading the first would see another token), and spends nothing.
    let token = wiki.user_token(&gina);
    let r = response(
        wiki.client()
            .post(&wiki.url("/rest.php/mws/v1/user-token/verify"))
            .set("Content-Type", "application/json")
            .send_string(&format!(r#"{{"token": "{token}", "token": "{token}"}}"#)),
    );
    assert_eq!(r.status, 400, "{r}");
    assert_eq!(
        r.json()["errorKey"],
        "tokenauthenticator-error-body-not-object",
        "{r}"
    );
    let r = post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/user-token/verify"),
        &json!({ "token": token }),
    );
    assert_eq!(r.status, 200, "the refused body spent the token: {r}");
    let (status, body) = raw(
        &wiki,
        b"POST /rest.php/mws/v1/user-token/verify HTTP/1.1\r\nContent-Type: application/json",
        b"{\"token\": \"\xff\xfe\"}",
    );
    assert_eq!(status, 400, "non-UTF-8 JSON: {body}");

    // Garbage parameters on every route.
    let cases: Vec<(String, u16)> = vec![
        (
            "/rest.php/mws/v1/user-token/generate?withIssuer=%00".into(),
            400,
        ),
        (
            "/rest.php/mws/v1/user-token/generate?withIssuer[]=1".into(),
            400,
        ),
        (
            "/rest.php/mws/v1/user-token/generate?withIssuer=2".into(),
            400,
        ),
        ("/rest.php/mws/v1/user-token/verify/%00%ff".into(), 400),
        ("/rest.php/mws/v1/user-token/verify/a%2Fb".into(), 400),
        ("/rest.php/mws/v1/app-token/generate?junk=%ff".into(), 401),
        (
            "/api.php?action=session_verification&token[]=x&format=json".into(),
            200,
        ),
        (
            "/api.php?action=session_verification&token=%ff%fe&format=json".into(),
            200,
        ),
    ];
    for (path, want) in cases {
        let r = get(&gina, &wiki.url(&path));
        assert_eq!(r.status, want, "{path}: {r}");
        let v = r.json();
        assert!(
            v["message"].is_string()
                || v["session_verification"]["error"].is_string()
                || v["error"]["code"].is_string()
                // The Action API drops token[]=x with a warning that says so.
                || v["warnings"]["main"].is_object(),
            "{path}: {r}"
        );
    }
    // Special:JWTLogin without configuration, with garbage.
    let r = post_form(
        &wiki.client(),
        &wiki.url("/index.php?title=Special:JWTLogin"),
        &[("Authorization", "Bearer: \u{0}\u{1}garbage")],
    );
    assert!(r.status >= 400 && r.status < 600, "{r}");
    let log = wiki.server_log() + &wiki.mw_error_log();
    assert!(
        !log.contains("PHP Fatal") && !log.contains("PHP Warning"),
        "{log}"
    );
}

#[test]
fn invalid_settings_fail_closed_and_name_the_setting() {
    // Each configuration error's message: mediawiki-extension/tests/phpunit/unit/ServiceKey/ServiceKeyLookupTest.php.
    let rows = [(
        "$mwsgTokenAuthenticatorServiceTokens = 'not a list';",
        "ApiKey anything-at-all-0123456789",
        "$mwsgTokenAuthenticatorServiceTokens",
    )];
    for (setting, auth, named) in rows {
        let wiki = Wiki::builder().setting(setting).start();
        let r = call(
            wiki.client()
                .get(&wiki.url("/api.php?action=query&meta=userinfo&format=json"))
                .set("Authorization", auth),
        );
        assert_eq!(
            r.json()["error"]["code"],
            "tokenauthenticator-error-config",
            "{setting}: {r}"
        );
        assert!(r.body.contains(named), "{setting}: {r}");
    }

    // The salt missing where it is needed: app tokens.
    let wiki = Wiki::builder()
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'user' => 'Svc bot', 'token' => '{SECRET}', 'appTokens' => true ] ];"
        ))
        .start();
    let r = call(
        wiki.client()
            .get(&wiki.url("/rest.php/mws/v1/app-token/generate"))
            .set("Authorization", &format!("ApiKey {SECRET}")),
    );
    assert_eq!(r.status, 500, "{r}");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("$mwsgTokenAuthenticatorSalt"),
        "{r}"
    );
}

/// Regression (#24): `Authorization: NetworkSession` without a token, or
/// with a tab instead of the one space, was served as anonymous. A scheme of
/// ours with a malformed value is refused, on both entry points.
#[test]
fn networksession_scheme_without_its_token_is_refused() {
    let wiki = wiki();
    for auth in [
        b"NetworkSession" as &[u8],
        b"networksession",
        b"NetworkSession\tsome-token-0123456789",
    ] {
        let what = String::from_utf8_lossy(auth).into_owned();
        let (status, body) = raw(
            &wiki,
            &with_auth(
                "/api.php?action=query&meta=userinfo&format=json&formatversion=2",
                auth,
            ),
            b"",
        );
        assert_eq!(status, 401, "{what:?}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{what:?}: {body}"));
        assert_eq!(
            v["error"]["code"], "tokenauthenticator-error-malformed-networksession",
            "{what:?}: {body}"
        );
        let (status, body) = raw(&wiki, &with_auth("/rest.php/v1/page/Main_Page", auth), b"");
        assert_eq!(status, 401, "{what:?}: REST {body}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{what:?}: {body}"));
        assert_eq!(
            v["errorKey"], "tokenauthenticator-error-malformed-networksession",
            "{what:?}: {body}"
        );
    }
}

/// Regression (#24): some error answers of the credential routes had no
/// `Cache-Control: no-store` (401 on an anonymous generate, 400 on a bad
/// body or an unknown app token), nor had the errors of core's checks before
/// a handler runs (415 for a body without a type). Every answer of the
/// extension's routes carries it, and varies with Authorization.
#[test]
fn every_error_of_the_routes_is_no_store() {
    let mut wiki = wiki();
    let rest = |path: &str| wiki.url(&format!("/rest.php/mws/v1{path}"));
    let admin = wiki.login_admin();
    let cases = [
        (
            "anonymous generate",
            wiki.get("/rest.php/mws/v1/user-token/generate"),
        ),
        (
            "bad withIssuer",
            get(&admin, &rest("/user-token/generate?withIssuer=maybe")),
        ),
        (
            "body not JSON",
            response(
                wiki.client()
                    .post(&rest("/user-token/verify"))
                    .set("Content-Type", "application/json")
                    .send_string("["),
            ),
        ),
        (
            "no token field",
            post_json(
                &wiki.client(),
                &rest("/user-token/verify"),
                &serde_json::json!({ "value": "x" }),
            ),
        ),
        (
            "unknown user token",
            wiki.get("/rest.php/mws/v1/user-token/verify/abc"),
        ),
        (
            "unknown app token",
            wiki.get("/rest.php/mws/v1/app-token/verify/abc"),
        ),
        (
            "app token body",
            post_json(
                &wiki.client(),
                &rest("/app-token/verify"),
                &serde_json::json!({ "token": 5 }),
            ),
        ),
        (
            "app token without a key",
            wiki.get("/rest.php/mws/v1/app-token/generate"),
        ),
        (
            "a body without a type (core's 415 on 1.39, before the handler runs)",
            response(
                wiki.client()
                    .post(&rest("/user-token/verify"))
                    .send_bytes(b"{\"token\":\"abc\"}"),
            ),
        ),
    ];
    for (what, r) in cases {
        assert!(r.status >= 400, "{what}: {r}");
        if what.contains("415") {
            // MediaWiki 1.39 refuses it before the handler runs; 1.43 leaves
            // it to the handler, which finds no such token.
            assert!(matches!(r.status, 415 | 400), "{what}: {r}");
        }
        assert!(
            r.header("cache-control").unwrap_or("").contains("no-store"),
            "{what}: no no-store: {r}"
        );
        assert!(
            r.headers_named("vary")
                .iter()
                .any(|v| v.to_ascii_lowercase().contains("authorization")),
            "{what}: no Vary: Authorization: {r}"
        );
    }

    // Conditional headers do not turn an answer into core's 304 or 412.
    let r = call(
        admin
            .get(&rest("/user-token/generate"))
            .set("If-None-Match", "*")
            .set("If-Match", "\"nothing\""),
    );
    assert_eq!(r.status, 200, "{r}");
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{r}"
    );
    // A private wiki's refusal is the extension's, no-store too.
    wiki.add_setting("$wgGroupPermissions['*']['read'] = false;");
    wiki.restart();
    let r = wiki.get("/rest.php/mws/v1/user-token/generate");
    assert_eq!(r.status, 403, "{r}");
    assert_eq!(
        r.json()["errorKey"],
        "tokenauthenticator-error-read-denied",
        "{r}"
    );
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{r}"
    );
}
