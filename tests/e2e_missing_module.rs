//! A wiki whose PHP runs without the native module keeps serving: only what
//! needs the module refuses, with HTTP 503 and a message naming the module
//! and the README section that installs it, and a credential of ours is
//! never served anonymously or as anyone.

mod common;

use common::*;

/// The error code, message key and REST errorKey of every refusal.
const KEY: &str = "tokenauthenticator-native-missing";
/// Where the message sends the admin (a heading of README.md).
const README_SECTION: &str = "README.md, section \"Install on an existing wiki\"";
/// The part of the message that says what is wrong.
const NOT_LOADED: &str = "\"mws_token_authenticator\" is not loaded";

/// A service principal that would be valid with the module.
const SECRET: &str = "missing-module-secret-0123456789";

fn settings() -> String {
    format!(
        "$mwsgTokenAuthenticatorSalt = 'missing-module-salt-0123456789';\n\
         $mwsgTokenAuthenticatorServiceTokens = [ [ 'user' => 'Module bot', 'token' => '{SECRET}', \
         'cidr' => [ '127.0.0.1/32' ], 'appTokens' => true ] ];\n\
         $wgNetworkSessionProviderUsers = [ [ 'username' => 'Network bot', 'token' => 'network-token-0123456789' ] ];"
    )
}

fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_names_the_fix(text: &str, what: &str) {
    assert!(
        text.contains(NOT_LOADED) && text.contains(README_SECTION),
        "{what}: the message does not name the module and the README section: {text}"
    );
}

/// How many times the message is in the server's log (PHP's error log).
fn logged(wiki: &Wiki) -> usize {
    wiki.server_log().matches(NOT_LOADED).count()
}

/// A 503 JSON error of the REST API, in the shape of the extension's others.
fn assert_rest_503(r: &HttpResponse, what: &str) {
    assert_eq!(r.status, 503, "{what}: {r}");
    assert_eq!(
        r.header("content-type"),
        Some("application/json"),
        "{what}: {r}"
    );
    assert_eq!(
        r.header("cache-control"),
        Some("no-store, private"),
        "{what}: {r}"
    );
    let body = r.json();
    assert_eq!(body["httpCode"], 503, "{what}: {r}");
    assert_eq!(body["httpReason"], "Service Unavailable", "{what}: {r}");
    assert_eq!(body["errorKey"], KEY, "{what}: {r}");
    assert_names_the_fix(body["message"].as_str().unwrap_or_default(), what);
    assert!(body.get("value").is_none(), "{what}: {r}");
}

/// A 503 error of the Action API with the stable code.
fn assert_api_503(r: &HttpResponse, what: &str) {
    assert_eq!(r.status, 503, "{what}: {r}");
    assert_eq!(r.header("mediawiki-api-error"), Some(KEY), "{what}: {r}");
    let cache = r.header("cache-control").unwrap_or("");
    assert!(
        cache.contains("private") && !cache.contains("public"),
        "{what}: {r}"
    );
    let body = r.json();
    assert_eq!(body["error"]["code"], KEY, "{what}: {r}");
    let info = body["error"]["info"].as_str().unwrap_or_default();
    assert_names_the_fix(info, what);
    assert!(
        body.get("query").is_none() && body.get("session_verification").is_none(),
        "{what}: {r}"
    );
}

/// The extension's REST routes, as its route file declares them: (method, path).
fn rest_routes() -> Vec<(String, String)> {
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(extension_dir().join("rest-routes.json")).unwrap(),
    )
    .unwrap();
    let mut routes = Vec::new();
    for route in file.as_array().expect("a list of routes") {
        let path = route["path"]
            .as_str()
            .unwrap()
            .replace("{token}", "abc0123");
        let methods = match &route["method"] {
            // MediaWiki's default.
            Value::Null => vec!["GET".to_string()],
            Value::String(m) => vec![m.clone()],
            Value::Array(ms) => ms.iter().map(|m| m.as_str().unwrap().to_string()).collect(),
            other => panic!("method of {path}: {other}"),
        };
        for method in methods {
            routes.push((method, path.clone()));
        }
    }
    assert!(routes.len() >= 7, "{routes:?}");
    routes
}

fn rest_call(
    wiki: &Wiki,
    agent: &ureq::Agent,
    method: &str,
    path: &str,
    auth: Option<&str>,
) -> HttpResponse {
    let mut req = agent.request(method, &wiki.url(&format!("/rest.php{path}")));
    if let Some(auth) = auth {
        req = req.set("Authorization", auth);
    }
    if method == "POST" {
        response(req.send_json(serde_json::json!({ "token": "abc0123", "withIssuer": 1 })))
    } else {
        call(req)
    }
}

#[test]
fn the_wiki_keeps_serving_and_special_version_shows_the_problem() {
    let wiki = Wiki::builder().native(false).setting(settings()).start();

    let out = wiki
        .php(false)
        .args([
            "-r",
            "echo extension_loaded('mws_token_authenticator') ? 'yes' : 'no';",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no");

    // Maintenance scripts of core run (edit.php, without the module too).
    wiki.edit_page("Module test", "Served '''without''' the module.");

    let r = wiki.get("/index.php?title=Main_Page");
    assert_eq!(r.status, 200, "{r}");
    let r = wiki.get("/index.php?title=Module_test");
    assert_eq!(r.status, 200, "{r}");
    assert!(r.body.contains("Served <b>without</b> the module."), "{r}");
    let r = wiki.get("/api.php?action=query&meta=siteinfo&format=json&formatversion=2");
    assert_eq!(r.status, 200, "{r}");
    assert!(r.json()["query"]["general"]["sitename"].is_string(), "{r}");
    for page in ["Main_Page", "Module_test"] {
        let r = wiki.get(&format!("/rest.php/v1/page/{page}/bare"));
        assert_eq!(r.status, 200, "{page}: {r}");
        assert_eq!(r.json()["key"], page, "{r}");
    }
    let r = wiki.get("/load.php?modules=startup&only=scripts");
    assert_eq!(r.status, 200, "{r}");
    // Other Authorization schemes are not ours: left alone.
    let r = wiki.api(Some("Basic dXNlcjpwYXNz"), "action=query&meta=userinfo");
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["query"]["userinfo"]["id"], 0, "{r}");
    // A core login and a logged-in page view work.
    let admin = wiki.login_admin();
    assert_eq!(wiki.whoami(&admin), ADMIN);
    let r = get(&admin, &wiki.url("/index.php?title=Special:Preferences"));
    assert_eq!(r.status, 200, "{r}");

    // Special:Version names the module as missing, in its software table.
    let r = wiki.get("/index.php?title=Special:Version");
    assert_eq!(r.status, 200, "{r}");
    let table = r
        .body
        .split("id=\"sv-software\"")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("no software table: {r}"));
    assert!(
        table.contains("TokenAuthenticator: mws_token_authenticator"),
        "{table}"
    );
    let text = table.replace("&quot;", "\"");
    assert_names_the_fix(&text, "Special:Version");

    // Requests that need nothing of the extension leave no trace in the log.
    assert_eq!(logged(&wiki), 0, "{}", wiki.server_log());
}

#[test]
fn the_extensions_entries_and_credentials_answer_503() {
    let wiki = Wiki::builder().native(false).setting(settings()).start();
    let anonymous = wiki.client();
    let admin = wiki.login_admin();

    // Every REST route, anonymous and logged in: no token is ever minted.
    for (method, path) in rest_routes() {
        for (who, agent) in [("anonymous", &anonymous), ("admin", &admin)] {
            let r = rest_call(&wiki, agent, &method, &path, None);
            assert_rest_503(&r, &format!("{method} {path} ({who})"));
        }
    }

    // The API module, to get and to check a token.
    for (who, agent) in [("anonymous", &anonymous), ("admin", &admin)] {
        for query in ["", "&token=v1.1.1700000000.0123abcd"] {
            let r = get(
                agent,
                &wiki.url(&format!(
                    "/api.php?action=session_verification&format=json{query}"
                )),
            );
            assert_api_503(&r, &format!("session_verification{query} ({who})"));
        }
        let r = post_form(
            agent,
            &wiki.url("/api.php"),
            &[
                ("action", "session_verification"),
                ("format", "json"),
                ("token", "v1.1.1700000000.0123abcd"),
            ],
        );
        assert_api_503(&r, &format!("POST session_verification ({who})"));
    }

    // Special:JWTLogin: an error page, for the form and for a login attempt.
    let r = wiki.get("/index.php?title=Special:JWTLogin");
    let page_503 = |r: &HttpResponse, what: &str| {
        assert_eq!(r.status, 503, "{what}: {r}");
        assert!(
            r.header("content-type")
                .unwrap_or("")
                .starts_with("text/html"),
            "{what}: {r}"
        );
        assert!(
            r.header("cache-control").unwrap_or("").contains("no-store"),
            "{what}: {r}"
        );
        // The error page's own title, not only the message.
        assert!(
            r.body
                .contains("<title>TokenAuthenticator is not available"),
            "{what}: {r}"
        );
        assert_names_the_fix(&r.body.replace("&quot;", "\""), what);
        assert!(!r.body.contains("name=\"Authorization\""), "{what}: {r}");
    };
    page_503(&r, "GET Special:JWTLogin");
    let jwt_client = wiki.client();
    let r = post_form(
        &jwt_client,
        &wiki.url("/index.php?title=Special:JWTLogin"),
        &[("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln")],
    );
    page_503(&r, "POST Special:JWTLogin");
    assert_eq!(wiki.whoami(&jwt_client), "127.0.0.1");

    // Special:ServiceKeys says so to its managers, and offers no form.
    let r = get(&admin, &wiki.url("/index.php?title=Special:ServiceKeys"));
    page_503(&r, "Special:ServiceKeys");
    assert!(!r.body.contains("mw-tokenauth-create"), "{r}");
    let r = get(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys/create"),
    );
    page_503(&r, "Special:ServiceKeys/create");
    assert!(
        !r.body.contains("wpEditToken"),
        "a form without the module: {r}"
    );

    // Credentials of ours, also a valid secret, on api.php and rest.php:
    // refused, never anonymous and never the service user.
    for auth in [
        format!("ApiKey {SECRET}"),
        "ApiKey x0123456789".to_string(),
        "apikey x0123456789".to_string(),
        "ApiKey".to_string(),
        "AppToken x0123456789".to_string(),
        "NetworkSession network-token-0123456789".to_string(),
        "NetworkSession x".to_string(),
    ] {
        let r = wiki.api(Some(&auth), "action=query&meta=userinfo");
        assert_api_503(&r, &format!("api.php with {auth}"));
        let r = wiki.raw_get_with(
            &format!(
                "{}/api.php?action=query&meta=siteinfo&format=json",
                wiki.script_path()
            ),
            &[("Authorization", &auth)],
        );
        assert_api_503(&r, &format!("raw api.php with {auth}"));
        for path in ["/v1/page/Main_Page/bare", "/mws/v1/app-token/generate"] {
            let r = rest_call(&wiki, &anonymous, "GET", path, Some(&auth));
            assert_rest_503(&r, &format!("rest.php{path} with {auth}"));
        }
        let r = wiki.raw_get_with(
            &format!("{}/rest.php/v1/page/Main_Page/bare", wiki.script_path()),
            &[("Authorization", &auth)],
        );
        assert_rest_503(&r, &format!("raw rest.php with {auth}"));
    }

    // The reason is in PHP's error log, once for each refused request.
    let before = logged(&wiki);
    assert!(before > 0, "not in the server log:\n{}", wiki.server_log());
    let r = wiki.get("/rest.php/mws/v1/user-token/generate");
    assert_rest_503(&r, "one more request");
    assert_eq!(logged(&wiki), before + 1, "{}", wiki.server_log());
}

#[test]
fn update_php_completes_and_our_scripts_refuse() {
    let wiki = Wiki::builder().native(false).setting(settings()).start();

    // update.php creates the tables without the module, and says it is missing.
    let out = wiki.maintenance("sql.php", &["--query", "DROP TABLE mws_jwt_link"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let out = wiki.maintenance_with(false, "update.php", &["--quick"]);
    let text = output_text(&out);
    assert!(
        out.status.success(),
        "update.php failed without the module:\n{text}"
    );
    assert_names_the_fix(&text, "update.php");
    assert!(
        text.contains("service users were not set up"),
        "update.php:\n{text}"
    );
    assert!(text.contains("mws_jwt_link"), "update.php:\n{text}");
    assert!(!text.contains("PHP Fatal error"), "update.php:\n{text}");
    let out = wiki.maintenance(
        "sql.php",
        &["--query", "SELECT COUNT(*) AS n FROM mws_jwt_link"],
    );
    assert!(out.status.success(), "{}", output_text(&out));

    // With the module, update.php says nothing of it.
    let out = wiki.maintenance_with(true, "update.php", &["--quick"]);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains(NOT_LOADED), "{text}");

    // A script of ours that needs the module stops with the message.
    let script = format!(
        "{}/mediawiki-extension/maintenance/createServiceKey.php",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = wiki
        .php(false)
        .env("MW_INSTALL_PATH", MW_DIR)
        .args([script.as_str(), "--config", "--user", "Script bot"])
        .output()
        .unwrap();
    let text = output_text(&out);
    assert!(!out.status.success(), "ran without the module:\n{text}");
    assert_names_the_fix(&text, "createServiceKey.php");
    assert!(
        !text.contains("PHP Fatal error") && !text.contains("Call to undefined function"),
        "{text}"
    );
    assert!(!text.contains("Secret of the new key"), "{text}");
}
