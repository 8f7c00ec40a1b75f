//! Foundation: the extension registers on a real wiki, and the harness and
//! the router work. (A wiki without the native module: e2e_missing_module.rs.)

mod common;

use common::*;

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
    // With the module, no row says it is missing (e2e_missing_module.rs).
    assert!(
        !r.body
            .contains("TokenAuthenticator: mws_token_authenticator"),
        "{r}"
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
        "/extensions/TokenAuthenticator/includes/Registration.php",
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

/// Requests without credentials load no file of the extension but the
/// registration callback and the session provider (and, on index.php, the
/// alias file when the localisation cache is rebuilt): not the services
/// (`Services`, `ServiceWiring.php`), not the REST handlers, not
/// `ServiceRequest`. Each class loaded costs every request of the wiki
/// thousands of instructions (BENCHMARKS.md section 5).
#[test]
fn requests_without_credentials_load_only_registration_and_the_provider() {
    let ext = std::fs::canonicalize(extension_dir()).unwrap();
    let log = TempDir::new("mws-ta-included");
    let log_file = log.path().join("included.log");
    let wiki = Wiki::builder()
        .setting(format!(
            // A global's destructor: it runs at the end of the request even
            // when a shutdown function before it exits.
            "$GLOBALS['mwsTaIncludedFiles'] = new class {{ public function __destruct() {{ \
                $ours = array_filter( get_included_files(), static fn ( $f ) => str_starts_with( $f, {ext} ) ); \
                file_put_contents( {log}, ( $_SERVER['REQUEST_URI'] ?? 'cli' ) . \"\\t\" \
                    . implode( ' ', array_map( 'basename', $ours ) ) . \"\\n\", FILE_APPEND ); \
            }} }};",
            ext = php_str(&format!("{}/", ext.display())),
            log = php_str(&log_file.display().to_string()),
        ))
        .start();
    let _ = std::fs::remove_file(&log_file);
    for path in [
        "/api.php?action=query&meta=userinfo&format=json",
        "/rest.php/v1/page/Main_Page/bare",
        "/index.php?title=Main_Page",
    ] {
        let r = wiki.get(path);
        assert_eq!(r.status, 200, "{path}: {r}");
    }
    // Written at the end of each request, after its answer (post-send work).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut lines = String::new();
    while std::time::Instant::now() < deadline {
        lines = std::fs::read_to_string(&log_file).unwrap_or_default();
        if lines.lines().count() >= 3 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for (path, allowed) in [
        (
            "/api.php",
            &["Registration.php", "ServiceSessionProvider.php"][..],
        ),
        (
            "/rest.php/v1/page",
            &["Registration.php", "ServiceSessionProvider.php"][..],
        ),
        (
            "/index.php",
            // The alias file only when the localisation cache is rebuilt.
            &[
                "Registration.php",
                "ServiceSessionProvider.php",
                "TokenAuthenticator.alias.php",
            ][..],
        ),
    ] {
        let line = lines.lines().find(|l| l.contains(path)).unwrap_or_else(|| {
            panic!(
                "no line for {path} in:\n{lines}\n{}\n{}",
                wiki.server_log(),
                wiki.mw_error_log()
            )
        });
        let files: Vec<&str> = line
            .split('\t')
            .nth(1)
            .unwrap_or_default()
            .split(' ')
            .collect();
        assert!(files.contains(&"Registration.php"), "{line}");
        for f in &files {
            assert!(
                allowed.contains(f),
                "{path} loaded {f} without a credential: {line}"
            );
        }
    }
}
