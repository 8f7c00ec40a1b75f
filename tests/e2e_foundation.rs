//! Foundation: the extension registers on a real wiki, the harness and the
//! router work, and the wiki refuses to run without the native extension.

mod common;

use common::*;

/// The message of core's `requires` check (ExtensionDependencyError).
const CORE_REFUSAL: &str =
    "TokenAuthenticator requires mws_token_authenticator PHP extension to be installed";

/// Entry points probed without the native extension.
const ENTRY_POINTS: [(&str, &str); 4] = [
    ("index", "/index.php?title=Main_Page"),
    ("api", "/api.php?action=query&meta=siteinfo&format=json"),
    ("rest", "/rest.php/v1/page/Main_Page"),
    ("load", "/load.php?modules=startup&only=scripts"),
];

fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn extension_is_registered_and_harness_works() {
    let mut wiki = Wiki::start();

    // The server really runs with the native extension.
    let out = wiki
        .php(true)
        .args([
            "-r",
            "echo extension_loaded('mws_token_authenticator') ? 'yes' : 'no';",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "yes");

    // Special:Version lists the extension.
    let r = wiki.get("/index.php?title=Special:Version");
    assert_eq!(r.status, 200, "{r}");
    assert!(r.body.contains("TokenAuthenticator"), "{r}");
    assert!(
        r.body.contains("GPL-3.0-or-later"),
        "license not shown on Special:Version"
    );

    // So does the Action API.
    let r = wiki.get("/api.php?action=query&meta=siteinfo&siprop=extensions&format=json");
    assert_eq!(r.status, 200, "{r}");
    let extensions = r.json()["query"]["extensions"].clone();
    let ours = extensions
        .as_array()
        .expect("extensions list")
        .iter()
        .find(|e| e["name"] == "TokenAuthenticator")
        .unwrap_or_else(|| panic!("TokenAuthenticator not in {extensions}"))
        .clone();
    assert_eq!(ours["type"], "other", "{ours}");
    assert_eq!(ours["license-name"], "GPL-3.0-or-later", "{ours}");
    assert_eq!(ours["descriptionmsg"], "tokenauthenticator-desc", "{ours}");

    // The router: rest.php with PATH_INFO, index.php with PATH_INFO.
    let r = wiki.get("/rest.php/v1/page/Main_Page");
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["key"], "Main_Page", "{r}");
    let r = wiki.get("/index.php/Main_Page");
    assert_eq!(r.status, 200, "{r}");

    // The router serves the extension's static files, and only those.
    let r = wiki.get("/extensions/TokenAuthenticator/i18n/en.json");
    assert_eq!(r.status, 200, "{r}");
    assert!(r.json()["tokenauthenticator-desc"].is_string(), "{r}");
    let r = wiki.raw_get("/extensions/TokenAuthenticator/i18n/qqq.json");
    assert_eq!(r.status, 200, "{r}");
    for path in [
        "/extensions/TokenAuthenticator/includes/Setup.php",
        "/extensions/TokenAuthenticator/extension.json/",
        "/extensions/TokenAuthenticator/i18n",
        "/extensions/TokenAuthenticator/../scripts/router.php",
        "/extensions/TokenAuthenticator/%2e%2e/scripts/router.php",
        "/extensions/TokenAuthenticator/i18n/../../Cargo.toml",
        "/extensions/TokenAuthenticator/i18n/%2E%2E/%2E%2E/.gitignore",
        "/extensions/TokenAuthenticator/nonexistent.js",
    ] {
        let r = wiki.raw_get(path);
        assert_eq!(r.status, 404, "{path}: {r}");
        assert!(
            !r.body.contains("<?php") && !r.body.contains("[package]"),
            "{path}: {r}"
        );
    }

    // Logins through the Action API, for the admin and for a new user.
    let admin = wiki.login(wiki.admin_name(), wiki.admin_password());
    assert_eq!(wiki.whoami(&admin), ADMIN);
    wiki.create_user("Alice", "alice-password-1234", &["bot"]);
    let alice = wiki.login("Alice", "alice-password-1234");
    assert_eq!(wiki.whoami(&alice), "Alice");
    let anonymous = wiki.client();
    assert_eq!(wiki.whoami(&anonymous), "127.0.0.1");
    // Sessions are per client.
    assert_eq!(wiki.whoami(&admin), ADMIN);

    // Settings changed later take effect after a restart.
    wiki.add_setting("$wgSitename = 'Renamed Wiki';");
    wiki.restart();
    let r = wiki.get("/api.php?action=query&meta=siteinfo&format=json&formatversion=2");
    assert_eq!(
        r.json()["query"]["general"]["sitename"],
        "Renamed Wiki",
        "{r}"
    );
}

/// Without the native extension every entry point answers HTTP 500 and the
/// reason names the extension: in the body where MediaWiki lets us answer,
/// else (core's uncached `requires` check on 1.39) on the server's stderr.
#[test]
fn refuses_to_run_without_native_extension() {
    let wiki = Wiki::builder().native(false).start();

    let out = wiki
        .php(false)
        .args([
            "-r",
            "echo extension_loaded('mws_token_authenticator') ? 'yes' : 'no';",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no");

    for (entry, path) in ENTRY_POINTS {
        let r = wiki.get(path);
        assert_eq!(r.status, 500, "{entry}: {r}");
        if r.body.is_empty() {
            // MediaWiki refuses before any code of ours runs and before its
            // exception handler exists: PHP logs the fatal error only. (1.43
            // names the class MediaWiki\Registration\ExtensionDependencyError.)
            let log = wiki.server_log();
            let logged = log.lines().any(|line| {
                line.contains(&format!("[500]: GET {path} - Uncaught "))
                    && line.contains(&format!("ExtensionDependencyError: {CORE_REFUSAL}"))
            });
            assert!(
                logged,
                "{entry}: no 500 with ExtensionDependencyError: {CORE_REFUSAL} in the server log:\n{log}"
            );
        } else {
            assert!(r.body.contains(NATIVE_EXTENSION), "{entry}: {r}");
        }
    }

    let out = wiki.maintenance("update.php", &["--quick"]);
    assert!(
        !out.status.success(),
        "update.php ran without the native extension"
    );
    let text = output_text(&out);
    assert!(
        text.contains("TokenAuthenticator") && text.contains(NATIVE_EXTENSION),
        "update.php output does not name the extension:\n{text}"
    );
}

/// `Setup::onRegistration` refuses clearly when MediaWiki's registry skips the
/// `requires` check (a cached registry); simulated by a manifest without the
/// platform requirement.
#[test]
fn registration_guard_answers_in_the_entry_points_format() {
    let wiki = Wiki::builder()
        .native(false)
        .patch_manifest(|manifest| {
            manifest["requires"]["platform"]
                .as_object_mut()
                .expect("requires.platform")
                .remove("ext-mws_token_authenticator")
                .expect("extension.json declares ext-mws_token_authenticator");
        })
        .start();

    for (entry, path) in ENTRY_POINTS {
        let r = wiki.get(path);
        assert_eq!(r.status, 500, "{entry}: {r}");
        assert_eq!(
            r.header("cache-control"),
            Some("no-store, private"),
            "{entry}: {r}"
        );
        let message = match entry {
            "api" => {
                assert_eq!(
                    r.header("content-type"),
                    Some("application/json; charset=utf-8"),
                    "{r}"
                );
                assert_eq!(
                    r.header("mediawiki-api-error"),
                    Some("tokenauthenticator-native-missing"),
                    "{r}"
                );
                let body = r.json();
                assert_eq!(
                    body["error"]["code"], "tokenauthenticator-native-missing",
                    "{r}"
                );
                body["error"]["info"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            }
            "rest" => {
                assert_eq!(r.header("content-type"), Some("application/json"), "{r}");
                let body = r.json();
                assert_eq!(body["httpCode"], 500, "{r}");
                body["message"].as_str().unwrap_or_default().to_string()
            }
            _ => {
                assert_eq!(
                    r.header("content-type"),
                    Some("text/plain; charset=utf-8"),
                    "{entry}: {r}"
                );
                r.body.clone()
            }
        };
        assert!(
            message.contains(&format!("\"{NATIVE_EXTENSION}\" is not loaded"))
                && message.contains("extension="),
            "{entry}: unclear message: {message}"
        );
    }
    assert!(
        wiki.server_log().contains("is not loaded"),
        "the refusal is not in the server log"
    );

    let out = wiki.maintenance("update.php", &["--quick"]);
    assert!(
        !out.status.success(),
        "update.php ran without the native extension"
    );
    let text = output_text(&out);
    assert!(
        text.contains("RuntimeException")
            && text.contains(&format!("\"{NATIVE_EXTENSION}\" is not loaded")),
        "update.php output:\n{text}"
    );
}

/// A wiki installed before JWT account links and app-token binding (0.1)
/// gets the table and the column from update.php, and both work after it.
#[test]
fn update_php_brings_an_older_schema_up_to_date() {
    let mut wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'upgrade-salt-0123456789';")
        .setting(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'user' => 'App bot', \
             'token' => 'upgrade-secret-0123456789', 'appTokens' => true ] ];",
        )
        .start();
    for query in [
        "DROP TABLE mws_jwt_link",
        "ALTER TABLE mws_auth_token DROP COLUMN mat_binding",
    ] {
        let out = wiki.maintenance("sql.php", &["--query", query]);
        assert!(out.status.success(), "{query}: {}", output_text(&out));
    }
    let out = wiki.maintenance("sql.php", &["--query", "SELECT name FROM sqlite_master"]);
    assert!(
        !output_text(&out).contains("mws_jwt_link"),
        "{}",
        output_text(&out)
    );

    let out = wiki.maintenance("update.php", &["--quick"]);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("mws_jwt_link"),
        "update.php created the table: {text}"
    );
    assert!(
        text.contains("mat_binding"),
        "update.php added the column: {text}"
    );
    wiki.restart();

    // App tokens are minted with their binding, and accepted.
    let r = response(
        wiki.client()
            .post(&wiki.url("/rest.php/mws/v1/app-token/generate"))
            .set("Authorization", "ApiKey upgrade-secret-0123456789")
            .set("Content-Type", "application/json")
            .send_string(""),
    );
    assert_eq!(r.status, 200, "{r}");
    let envelope: Value =
        serde_json::from_slice(&base64_decode(r.json()["value"].as_str().unwrap())).unwrap();
    let token = envelope["token"].as_str().unwrap();
    let r = wiki.api(
        Some(&format!("AppToken {token}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(r.json()["query"]["userinfo"]["name"], "App bot", "{r}");
    let out = wiki.maintenance(
        "sql.php",
        &["--query", "SELECT COUNT(*) AS n FROM mws_jwt_link"],
    );
    assert!(out.status.success(), "{}", output_text(&out));
}
