//! Special:ServiceKeys on a real wiki, driven over HTTP as a browser without
//! JavaScript would: forms posted with the session's CSRF token, the secret
//! read from the page once, then used by a plain HTTP client.

mod common;

use common::*;

fn page(wiki: &Wiki, agent: &ureq::Agent, sub: &str) -> HttpResponse {
    get(
        agent,
        &wiki.url(&format!("/index.php?title=Special:ServiceKeys/{sub}")),
    )
}

/// Posts the form of Special:ServiceKeys/`sub` with `fields`, taking the CSRF
/// token from the form itself.
fn submit(wiki: &Wiki, agent: &ureq::Agent, sub: &str, fields: &[(&str, &str)]) -> HttpResponse {
    let form = page(wiki, agent, sub);
    assert_eq!(form.status, 200, "{sub}: {form}");
    let token = form_field(&form.body, "wpEditToken").expect("a CSRF token in the form");
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("wpEditToken", &token));
    post_form(
        agent,
        &wiki.url(&format!("/index.php?title=Special:ServiceKeys/{sub}")),
        &all,
    )
}

fn key_fields<'a>(name: &'a str, user: &'a str, modules: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("wpname", name),
        ("wpuser", user),
        ("wpcreateuser", "1"),
        ("wpcidr", "127.0.0.1/32\n::1/128"),
        ("wpapimodules", modules),
        ("wprestpaths", "/v1/page"),
        ("wprights", "read"),
        ("wpapptokens", "1"),
        ("wpexpires", ""),
    ]
}

fn secret_of(r: &HttpResponse) -> String {
    form_field(&r.body, "secret").unwrap_or_else(|| panic!("no secret shown: {r}"))
}

fn userinfo_as(wiki: &Wiki, secret: &str) -> HttpResponse {
    wiki.api(
        Some(&format!("ApiKey {secret}")),
        "action=query&meta=userinfo",
    )
}

#[test]
fn a_bureaucrat_creates_uses_rotates_and_revokes_a_key() {
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'service-keys-test-salt-0123456789';")
        .start();
    let admin = wiki.login_admin();

    // On Special:SpecialPages, in "Users and rights".
    let specials = get(&admin, &wiki.url("/index.php?title=Special:SpecialPages"));
    let group = specials
        .body
        .find("id=\"mw-specialpagesgroup-users\"")
        .unwrap_or_else(|| panic!("no users group: {specials}"));
    let rest = &specials.body[group..];
    let end = rest.find("<h2 ").unwrap_or(rest.len());
    assert!(
        rest[..end].contains("Special:ServiceKeys"),
        "not listed under Users and rights"
    );

    // Listed, with the right in the page's restriction.
    let list = page(&wiki, &admin, "");
    assert_eq!(list.status, 200, "{list}");
    assert!(list.body.contains("mw-tokenauth-create"), "{list}");

    // Field errors: a bad range and an unknown module class, at their fields.
    let r = submit(
        &wiki,
        &admin,
        "create",
        &[
            ("wpname", "bad-one"),
            ("wpuser", "Svc bot"),
            ("wpcreateuser", "1"),
            ("wpcidr", "10.0.0.0/33"),
            ("wpapimodules", "NoSuchApiModuleClass"),
            // The first leads to routes; the second is read as the request
            // check reads it (an empty segment), and leads to none.
            ("wprestpaths", "/v1/page\n/v1//page"),
            ("wpcapped", "1"),
            ("wprights", "read\nno-such-right"),
            ("wpexpires", ""),
        ],
    );
    assert!(
        form_field(&r.body, "secret").is_none(),
        "created despite errors: {r}"
    );
    // The messages, not the values posted (the form shows those again).
    let body = r.body.replace("&quot;", "\"");
    for error in [
        "Not an address range: IP range entry #0 \"10.0.0.0/33\" is not a CIDR range",
        "Not an API module class of this wiki: NoSuchApiModuleClass",
        "No REST route of this wiki starts with /v1//page",
        "Not a right of this wiki: no-such-right",
    ] {
        assert!(body.contains(error), "no {error:?}: {r}");
    }

    // A user that does not exist, without the box ticked: no key, the offer.
    let mut fields = key_fields("no-account", "Nobody here", "ApiQuery");
    fields.retain(|(k, _)| *k != "wpcreateuser");
    let r = submit(&wiki, &admin, "create", &fields);
    assert!(form_field(&r.body, "secret").is_none(), "{r}");
    assert!(r.body.contains("tick the box to create the account"), "{r}");

    // Create: the secret is shown once, works for ApiQuery and is refused
    // for another module.
    let r = submit(
        &wiki,
        &admin,
        "create",
        &key_fields("chat-bot", "Svc bot", "ApiQuery"),
    );
    assert_eq!(r.status, 200, "{r}");
    let secret = secret_of(&r);
    assert!(
        r.body.contains("Authorization: ApiKey"),
        "no curl example: {r}"
    );
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{r}"
    );
    let ok = userinfo_as(&wiki, &secret);
    assert_eq!(ok.status, 200, "{ok}");
    assert_eq!(ok.json()["query"]["userinfo"]["name"], "Svc bot", "{ok}");
    assert_api_key_may_not_parse(&wiki, &secret);

    // Edit: the new allow-list holds at once, the secret stays.
    let mut fields = key_fields("chat-bot", "Svc bot", "ApiParse");
    fields.retain(|(k, _)| *k != "wpname");
    let r = submit(&wiki, &admin, "edit/chat-bot", &fields);
    assert_eq!(r.status, 200, "{r}");
    assert!(form_field(&r.body, "secret").is_none(), "{r}");
    let parse = wiki.api(
        Some(&format!("ApiKey {secret}")),
        "action=parse&text=x&contentmodel=wikitext",
    );
    assert!(
        parse.json()["parse"].is_object(),
        "parse not allowed after the edit: {parse}"
    );
    assert_eq!(
        api_error(&userinfo_as(&wiki, &secret)),
        "tokenauthenticator-error-module-denied"
    );
    let mut fields = key_fields("chat-bot", "Svc bot", "ApiQuery");
    fields.retain(|(k, _)| *k != "wpname");
    submit(&wiki, &admin, "edit/chat-bot", &fields);
    assert_eq!(userinfo_as(&wiki, &secret).status, 200);
    assert_api_key_may_not_parse(&wiki, &secret);

    // Create, edit and rotate posted without the CSRF token change nothing.
    let index = wiki.url("/index.php?title=Special:ServiceKeys/create");
    let r = post_form(&admin, &index, &key_fields("forged", "Svc bot", "ApiQuery"));
    assert!(
        form_field(&r.body, "secret").is_none(),
        "created without a token: {r}"
    );
    let mut fields = key_fields("chat-bot", "Svc bot", "ApiParse");
    fields.retain(|(k, _)| *k != "wpname");
    post_form(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys/edit/chat-bot"),
        &fields,
    );
    assert_eq!(
        userinfo_as(&wiki, &secret).status,
        200,
        "edited without a token"
    );
    let r = post_form(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys/rotate/chat-bot"),
        &[("wpuntil", "2000-01-01T00:00:00Z")],
    );
    assert!(
        form_field(&r.body, "secret").is_none(),
        "rotated without a token: {r}"
    );
    assert_eq!(
        userinfo_as(&wiki, &secret).status,
        200,
        "rotated without a token"
    );
    let list = page(&wiki, &admin, "");
    assert!(!list.body.contains("data-key=\"forged\""), "{list}");

    // Stored as a hash only; the list shows the key, its last use, never the secret.
    let list = page(&wiki, &admin, "");
    assert!(list.body.contains("data-key=\"chat-bot\""), "{list}");
    assert!(!list.body.contains(&secret), "the secret is on the list");
    let row_start = list.body.find("data-key=\"chat-bot\"").unwrap();
    let row = &list.body[row_start..row_start + list.body[row_start..].find("</tr>").unwrap()];
    assert!(row.contains("from 127.0.0.1"), "no last use: {row}");
    let dump = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "cat {}/*.sqlite",
            wiki.dir().join("data").display()
        ))
        .output()
        .unwrap();
    let dump = String::from_utf8_lossy(&dump.stdout);
    assert!(!dump.contains(&secret), "the secret is in the database");
    assert!(
        dump.contains(&sha256_hex(secret.as_bytes())),
        "no hash stored"
    );

    // An app token minted with the key is listed, revoked from the page, refused.
    let app_token = mint_app_token(&wiki, &secret);
    let as_app = wiki.api(
        Some(&format!("AppToken {app_token}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(
        as_app.json()["query"]["userinfo"]["name"],
        "Svc bot",
        "{as_app}"
    );
    let list = page(&wiki, &admin, "");
    let id = form_field(&list.body, "id").expect("a live app token on the list");
    // Without the CSRF token nothing changes.
    let forged = post_form(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys/revoke-app-token/chat-bot"),
        &[("id", &id)],
    );
    assert_eq!(forged.status, 400, "{forged}");
    let still = wiki.api(
        Some(&format!("AppToken {app_token}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(still.status, 200, "{still}");
    let token = form_field(&list.body, "wpEditToken").unwrap();
    let revoked = post_form(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys/revoke-app-token/chat-bot"),
        &[("id", &id), ("wpEditToken", &token)],
    );
    assert_eq!(revoked.status, 200, "{revoked}");
    let refused = wiki.api(
        Some(&format!("AppToken {app_token}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(refused.status, 401, "{refused}");

    // Rotate: the old secret works until the chosen time, the new one at once.
    let until = "2099-01-01T00:00:00Z";
    let r = submit(&wiki, &admin, "rotate/chat-bot", &[("wpuntil", until)]);
    let new_secret = secret_of(&r);
    assert_ne!(new_secret, secret);
    assert_eq!(userinfo_as(&wiki, &new_secret).status, 200);
    assert_eq!(
        userinfo_as(&wiki, &secret).status,
        200,
        "old secret refused during the overlap"
    );
    // Rotated again with the overlap ending now: the secret before that is refused.
    let r = submit(
        &wiki,
        &admin,
        "rotate/chat-bot",
        &[("wpuntil", "2000-01-01T00:00:00Z")],
    );
    let third = secret_of(&r);
    assert_eq!(userinfo_as(&wiki, &third).status, 200);
    assert_eq!(userinfo_as(&wiki, &new_secret).status, 401);
    assert_eq!(userinfo_as(&wiki, &secret).status, 401);

    // A POST without the CSRF token changes nothing.
    let forged = post_form(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys/revoke/chat-bot"),
        &[],
    );
    assert_eq!(forged.status, 200, "{forged}");
    assert_eq!(
        userinfo_as(&wiki, &third).status,
        200,
        "revoked without a CSRF token"
    );

    // Revoke: refused at once, and so are its app tokens.
    let second_app_token = mint_app_token(&wiki, &third);
    let as_app = |token: &str| {
        wiki.api(
            Some(&format!("AppToken {token}")),
            "action=query&meta=userinfo",
        )
    };
    assert_eq!(as_app(&second_app_token).status, 200);
    let r = submit(&wiki, &admin, "revoke/chat-bot", &[]);
    assert_eq!(r.status, 200, "{r}");
    let after = userinfo_as(&wiki, &third);
    assert_eq!(after.status, 401, "{after}");
    let after = as_app(&second_app_token);
    assert_eq!(after.status, 401, "an app token outlived its key: {after}");

    // Every change is in Special:Log, naming the key, never a secret.
    let log = get(
        &admin,
        &wiki.url(
            "/api.php?action=query&list=logevents&letype=tokenauth&format=json&formatversion=2",
        ),
    );
    let entries = log.json()["query"]["logevents"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for action in [
        "keycreate",
        "keyedit",
        "keyrotate",
        "keyrevoke",
        "apptokenrevoke",
    ] {
        let entry = entries
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in the log: {log}"));
        assert_eq!(entry["user"], ADMIN, "{action}: {log}");
        assert_eq!(entry["params"]["key"], "chat-bot", "{action}: {log}");
        assert!(
            entry["title"]
                .as_str()
                .is_some_and(|t| t.ends_with("ServiceKeys/chat-bot")),
            "{action}: {log}"
        );
    }
    for s in [&secret, &new_secret, &third, &app_token, &second_app_token] {
        assert!(!log.body.contains(s.as_str()), "a secret is in the log");
    }
    // The log page renders the entries (their messages exist).
    let page_log = get(&admin, &wiki.url("/index.php?title=Special:Log/tokenauth"));
    assert!(
        !page_log.body.contains("logentry-tokenauth-"),
        "a raw message key: {page_log}"
    );
    assert!(page_log.body.contains("chat-bot"), "{page_log}");

    // Names are unique, revoked ones included.
    let r = submit(
        &wiki,
        &admin,
        "create",
        &key_fields("chat-bot", "Svc bot", "ApiQuery"),
    );
    assert!(form_field(&r.body, "secret").is_none(), "{r}");
    assert!(r.body.contains("is taken"), "{r}");
}

#[test]
fn managers_are_checked_and_sysops_refused() {
    // update.php makes "Admin bot" a service account (no password) in sysop,
    // as the user of a configured principal with app tokens.
    let wiki = Wiki::builder()
        .setting(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'apps', 'user' => 'Admin bot', \
             'token' => 'configured-apps-secret-0123456789', 'appTokens' => true ] ];",
        )
        .start();
    // A sysop lacks tokenauthenticator-manage: the permission error.
    wiki.create_user("Plain sysop", "sysop-password-1234", &["sysop"]);
    let sysop = wiki.login("Plain sysop", "sysop-password-1234");
    let r = page(&wiki, &sysop, "");
    // MediaWiki's permission error page (its status differs between versions).
    assert!(r.body.contains("permissions-errors"), "{r}");
    assert!(!r.body.contains("mw-tokenauth-create"), "{r}");

    // A bureaucrat who is not a sysop may not create a key acting as a sysop
    // without a cap: the form lists the missing rights.
    wiki.create_user(
        "Only bureaucrat",
        "bureaucrat-password-1234",
        &["bureaucrat"],
    );
    let manager = wiki.login("Only bureaucrat", "bureaucrat-password-1234");
    // A person's account (it has a password) is never a key's.
    let mut fields = key_fields("as-a-person", "Plain sysop", "ApiQuery");
    fields.push(("wpcapped", "1"));
    let r = submit(&wiki, &manager, "create", &fields);
    assert!(
        form_field(&r.body, "secret").is_none(),
        "a key acting as a person: {r}"
    );
    assert!(r.body.contains("can log in with a password"), "{r}");
    let mut fields = key_fields("escalate", "Admin bot", "ApiQuery");
    fields.retain(|(k, _)| *k != "wpcreateuser");
    let r = submit(&wiki, &manager, "create", &fields);
    assert!(form_field(&r.body, "secret").is_none(), "escalated: {r}");
    let missing = r
        .body
        .split_once("Missing: ")
        .and_then(|(_, rest)| rest.split_once('.'))
        .map(|(list, _)| list.to_string())
        .unwrap_or_else(|| panic!("no list of missing rights: {r}"));
    assert!(
        missing.split(", ").any(|right| right == "delete"),
        "delete not among the missing rights: {missing}"
    );

    // The name of a key from LocalSettings.php is taken too.
    let mut taken = key_fields("apps", "Admin bot", "ApiQuery");
    taken.retain(|(k, _)| *k != "wpcreateuser");
    taken.push(("wpcapped", "1"));
    let r = submit(&wiki, &manager, "create", &taken);
    assert!(form_field(&r.body, "secret").is_none(), "{r}");
    assert!(r.body.contains("is taken"), "{r}");

    // With a cap to rights the manager holds, it works.
    fields.push(("wpcapped", "1"));
    let r = submit(&wiki, &manager, "create", &fields);
    let secret = secret_of(&r);
    let ok = wiki.api(
        Some(&format!("ApiKey {secret}")),
        "action=query&meta=userinfo&uiprop=rights",
    );
    assert_eq!(ok.json()["query"]["userinfo"]["name"], "Admin bot", "{ok}");
    let rights = ok.json()["query"]["userinfo"]["rights"].clone();
    assert!(
        rights
            .as_array()
            .is_some_and(|r| r.contains(&"read".into())),
        "{ok}"
    );
    assert!(
        !rights.as_array().unwrap().contains(&"delete".into()),
        "the cap does not hold: {ok}"
    );
}

fn script(wiki: &Wiki, name: &str, args: &[&str]) -> (bool, String) {
    let out = wiki
        .php(true)
        .env("MW_INSTALL_PATH", MW_DIR)
        .arg(format!(
            "{}/mediawiki-extension/maintenance/{name}",
            repo_dir().display()
        ))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Farms provision by script: the same rules and lookup as the page.
#[test]
fn maintenance_scripts_create_list_and_revoke() {
    let wiki = Wiki::start();
    let (ok, text) = script(
        &wiki,
        "createServiceKey.php",
        &[
            "--name",
            "farm-bot",
            "--user",
            "Farm bot",
            "--cidr",
            "10.0.0.0/33",
        ],
    );
    assert!(!ok, "created with a bad range: {text}");
    assert!(text.contains("Not an address range"), "{text}");

    let (ok, text) = script(
        &wiki,
        "createServiceKey.php",
        &[
            "--name",
            "farm-bot",
            "--user",
            "Farm bot",
            "--create-user",
            "--api-module",
            "ApiQuery",
        ],
    );
    assert!(ok, "{text}");
    let secret = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Send it as:  Authorization: ApiKey "))
        .unwrap_or_else(|| panic!("no secret printed: {text}"))
        .to_string();
    let r = userinfo_as(&wiki, &secret);
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Farm bot", "{r}");

    let (ok, text) = script(&wiki, "listServiceKeys.php", &["--json"]);
    assert!(ok, "{text}");
    let list: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let key = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "farm-bot")
        .unwrap_or_else(|| panic!("not listed: {text}"));
    assert_eq!(key["source"], "page", "{text}");
    assert_eq!(key["lastAddress"], "127.0.0.1", "{text}");
    assert!(!text.contains(&secret));

    let (ok, text) = script(&wiki, "revokeServiceKey.php", &["--name", "farm-bot"]);
    assert!(ok, "{text}");
    assert_eq!(userinfo_as(&wiki, &secret).status, 401);
    let (ok, _) = script(&wiki, "revokeServiceKey.php", &["--name", "farm-bot"]);
    assert!(!ok, "revoked twice");
}

/// Regression: app tokens of a principal of LocalSettings.php are listed
/// with a Revoke button too, and that button must work (it answered "no
/// such key" while only created keys were looked up).
#[test]
fn app_tokens_of_configured_principals_are_revoked_from_the_page() {
    const CONF_SECRET: &str = "configured-secret-0123456789abcdef";
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'service-keys-test-salt-0123456789';")
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens[] = [ 'name' => 'conf-bot', 'user' => 'Conf bot', \
             'token' => '{CONF_SECRET}', 'appTokens' => true ];"
        ))
        .start();
    let app_token = mint_app_token(&wiki, CONF_SECRET);
    let auth = format!("AppToken {app_token}");
    assert_eq!(
        wiki.api(Some(&auth), "action=query&meta=userinfo").status,
        200
    );

    let admin = wiki.login_admin();
    let list = page(&wiki, &admin, "");
    assert!(
        list.body.contains("read-only (LocalSettings.php)"),
        "{list}"
    );
    let id = form_field(&list.body, "id").expect("the app token on the list");
    let token = form_field(&list.body, "wpEditToken").unwrap();
    let r = post_form(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys/revoke-app-token/conf-bot"),
        &[("id", &id), ("wpEditToken", &token)],
    );
    assert_eq!(r.status, 200, "{r}");
    assert!(r.body.contains("was revoked"), "{r}");
    let refused = wiki.api(Some(&auth), "action=query&meta=userinfo");
    assert_eq!(refused.status, 401, "{refused}");
    // The configured key itself stays.
    assert_eq!(userinfo_as(&wiki, CONF_SECRET).status, 200);
}
