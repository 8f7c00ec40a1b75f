//! The database goes away under a running wiki (its SQLite directory is moved
//! aside, so every connection attempt fails): the extension's routes, its API
//! module and its Authorization schemes answer a 5xx with one JSON document,
//! never a session and never core's HTML page. Once the directory is back,
//! everything works again and nothing was lost.
//!
//! The same fault against MariaDB, under load, is `make reliability-ci`.

mod common;
use common::*;

use serde_json::json;
use std::fs;

const SECRET: &str = "outage-secret-0123456789abcdef";

fn wiki() -> Wiki {
    Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'outage-salt';")
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'svc', 'user' => 'Svc bot', \
             'token' => '{SECRET}', 'apiModules' => [ 'ApiQuery' ], \
             'restPaths' => [ '/mws/v1/user-token/verify' ] ] ];"
        ))
        .start()
}

/// The extension's answer while the database is down: 503, JSON, the
/// outage message with the error's log ID, not cacheable.
fn assert_outage_json(r: &HttpResponse, what: &str) {
    assert_outage_answer(r, what);
    let body = r.json();
    let (key, message) = if body.get("error").is_some() {
        (&body["error"]["code"], &body["error"]["info"])
    } else {
        assert_eq!(body["httpCode"], 503, "{what}: {r}");
        (&body["errorKey"], &body["message"])
    };
    assert_eq!(
        key, "tokenauthenticator-error-database-unavailable",
        "{what}: {r}"
    );
    let message = message.as_str().unwrap_or("");
    assert!(message.contains("database"), "{what}: {r}");
    assert!(!message.contains("<"), "{what}: {r}");
}

#[test]
fn database_outage_answers_json_and_loses_nothing() {
    let wiki = wiki();
    let admin = wiki.login_admin();
    let generate = wiki.url("/rest.php/mws/v1/user-token/generate");
    let verify = wiki.url("/rest.php/mws/v1/user-token/verify");
    let before = get(&admin, &generate);
    assert_eq!(before.status, 200, "{before}");
    let kept = before.json()["value"].as_str().unwrap().to_string();

    let data = wiki.dir().join("data");
    let away = wiki.dir().join("data-away");
    fs::rename(&data, &away).expect("move the database aside");

    // A logged-in generate: the session (in APCu) names a user the wiki can
    // no longer load. Core 1.39 used to answer its HTML outage page here.
    assert_outage_json(&get(&admin, &generate), "generate with a session");
    assert_outage_json(
        &response(admin.post(&generate).send_string("")),
        "POST generate with a session",
    );
    // Anonymous verify, by POST and by GET: the token is not used up. (The
    // router used to answer its generic 500 here.)
    let anon = wiki.client();
    assert_outage_json(
        &post_json(&anon, &verify, &json!({ "token": kept })),
        "POST verify",
    );
    assert_outage_json(&get(&anon, &format!("{verify}/{kept}")), "GET verify");
    // A service credential cannot be checked: 503, no session.
    let r = response(
        anon.post(&verify)
            .set("Authorization", &format!("ApiKey {SECRET}"))
            .send_json(json!({ "token": kept })),
    );
    assert_eq!(r.status, 503, "{r}");
    assert_eq!(r.header("retry-after"), Some("10"), "{r}");
    assert_eq!(
        r.json()["errorKey"],
        "tokenauthenticator-error-unavailable",
        "{r}"
    );
    let r = call(
        anon.get(&wiki.url("/api.php?action=query&meta=userinfo&format=json&formatversion=2"))
            .set("Authorization", &format!("ApiKey {SECRET}")),
    );
    assert_eq!(r.status, 503, "{r}");
    assert_eq!(r.header("retry-after"), Some("10"), "{r}");
    assert!(r.json()["error"]["code"].is_string(), "{r}");
    // The extension's API module with a session: one JSON document (core
    // used to append its HTML page to the API's JSON).
    let r = get(
        &admin,
        &wiki.url("/api.php?action=session_verification&format=json&formatversion=2"),
    );
    assert_outage_json(&r, "action=session_verification with a session");
    assert!(r.header("mediawiki-api-error").is_some(), "{r}");

    // Core's own routes keep core's answer: a 5xx, never a success.
    let r = get(&admin, &wiki.url("/rest.php/v1/page/Main_Page"));
    assert!(r.status >= 500, "{r}");
    assert_ne!(
        r.json_opt().and_then(|v| v.get("errorKey").cloned()),
        Some(json!("tokenauthenticator-error-database-unavailable")),
        "core's routes are left to core: {r}"
    );

    fs::rename(&away, &data).expect("put the database back");

    // Everything works again; the token sent during the outage is still good.
    let r = post_json(&anon, &verify, &json!({ "token": kept }));
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["username"], ADMIN);
    let r = get(&admin, &generate);
    assert_eq!(r.status, 200, "{r}");
}
