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
    // The form secret scanners know: mwsk_, base62, a checksum.
    assert!(
        secret.starts_with("mwsk_")
            && secret.len() == 47
            && secret[5..].bytes().all(|b| b.is_ascii_alphanumeric()),
        "{secret}"
    );
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

// ---------------------------------------------------------------------------
// Service accounts (#24): a key acts only as an account created as a service
// account, or named by an administrator; never as one a person could use.

const JWT_KEY: &str = "accounts-jwt-secret-0123456789abcdef";
const JWT_ISSUER: &str = "https://idp.example.org";
const JWT_AUDIENCE: &str = "wiki-accounts";

fn jwt_settings() -> String {
    format!(
        "$mwsgTokenAuthenticatorJWTAlgorithm = 'HS256';\n\
         $mwsgTokenAuthenticatorJWTKey = '{JWT_KEY}';\n\
         $mwsgTokenAuthenticatorJWTIssuer = '{JWT_ISSUER}';\n\
         $mwsgTokenAuthenticatorJWTAudience = '{JWT_AUDIENCE}';"
    )
}

/// A JWT of the identity provider for `user`, with an e-mail claim when given.
fn jwt_for(user: &str, email: Option<&str>) -> String {
    let extra = email.map_or(serde_json::json!({}), |e| serde_json::json!({ "email": e }));
    hs256_jwt(JWT_KEY, JWT_ISSUER, JWT_AUDIENCE, user, extra)
}

/// Runs PHP lines in the wiki with `eval.php` (MediaWiki loaded, as a script would).
fn eval(wiki: &Wiki, lines: &str) -> String {
    let out = wiki.maintenance_with_input("eval.php", &[], lines);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The Action API error code and info of an answer.
fn error_of(r: &HttpResponse) -> (String, String) {
    let body = r.json();
    (
        body["error"]["code"].as_str().unwrap_or("").to_string(),
        body["error"]["info"].as_str().unwrap_or("").to_string(),
    )
}

/// Regression (#24, high): the only test of a "service account" was that it
/// cannot log in with a password, which the accounts of JWT login, of SSO
/// autocreation and MediaWiki's system users all pass. A bureaucrat made a
/// key for a JWT user, read her e-mail address with uiprop=email and edited
/// as her. Now the page refuses every account that was not created as a
/// service account, saying why at the field; a key of LocalSettings.php or
/// one stored before the fix that names such an account is refused on every
/// request; and no JWT signs in to a service account.
#[test]
fn a_key_never_acts_as_a_person() {
    const CONFIGURED: &str = "configured-for-dana-0123456789";
    const LEGACY: &str = "legacy-key-for-dana-0123456789";
    let mut wiki = Wiki::builder()
        .setting(jwt_settings())
        .setting("$mwsgTokenAuthenticatorJWTLinkExistingAccounts = true;")
        .setting("$mwsgTokenAuthenticatorSalt = 'service-keys-test-salt-0123456789';")
        .start();
    // Dana signs in with a JWT: no password, an e-mail address, a JWT link.
    let r = jwt_login(&wiki, &jwt_for("Dana", Some("dana@example.org")));
    assert_eq!(r.status, 302, "{r}");
    let r = jwt_login(&wiki, &jwt_for("Jules", None));
    assert_eq!(r.status, 302, "{r}");
    // An account of an SSO provider (autocreated: no password, no e-mail),
    // and one made by other code (no password, no e-mail, no log entry).
    let said = eval(
        &wiki,
        "$s = MediaWiki\\MediaWikiServices::getInstance()->getAuthManager()->autoCreateUser( \
         User::newFromName( 'Sso person' ), MediaWiki\\Auth\\AuthManager::AUTOCREATE_SOURCE_MAINT, false ); \
         echo $s->isOK() ? \"sso ok\\n\" : \"sso failed\\n\";\n\
         echo User::createNew( 'Bare account' ) ? \"bare ok\\n\" : \"bare failed\\n\";\n",
    );
    assert!(
        said.contains("sso ok") && said.contains("bare ok"),
        "{said}"
    );

    // A bureaucrat, not a sysop.
    wiki.create_user("Key manager", "manager-password-1234", &["bureaucrat"]);
    let manager = wiki.login("Key manager", "manager-password-1234");
    for (user, why) in [
        ("Dana", "it has an e-mail address"),
        ("Jules", "it is linked to a JWT sign-in"),
        ("MediaWiki default", "it is one of MediaWiki's system users"),
        ("Sso person", "it was created by a sign-in"),
        ("Bare account", "it was not created as one"),
    ] {
        // Also with the box ticked: an existing account is never made one here.
        let name = format!("as-{}", user.replace(' ', "-").to_lowercase());
        let r = submit(
            &wiki,
            &manager,
            "create",
            &key_fields(&name, user, "ApiQuery"),
        );
        assert!(
            form_field(&r.body, "secret").is_none(),
            "a key acting as {user}: {r}"
        );
        let body = r.body.replace("&#039;", "'").replace("&quot;", "\"");
        assert!(
            body.contains(&format!("\"{user}\" is not a service account: {why}")),
            "{user}: no {why:?} at the field: {r}"
        );
    }

    // A key of LocalSettings.php naming her, and one stored by the page
    // before the fix: refused on every request, nothing of her answered.
    eval(
        &wiki,
        &format!(
            "MediaWiki\\Extension\\TokenAuthenticator\\Setup\\Services::container()->getService( \
             'TokenAuthenticator.StoredServiceKeys' )->create( 'legacy', User::newFromName( 'Dana' ), \
             hash( 'sha256', '{LEGACY}' ), [ 'cidr' => [ '127.0.0.1/32' ], 'apiModules' => [ 'ApiQuery' ], \
             'restPaths' => [ '/v1/page' ], 'rights' => null, 'appTokens' => false, 'expires' => null ] );\n"
        ),
    );
    wiki.add_setting(format!(
        "$mwsgTokenAuthenticatorServiceTokens[] = [ 'name' => 'dana-conf', 'user' => 'Dana', \
         'token' => '{CONFIGURED}', 'apiModules' => [ 'ApiQuery' ] ];"
    ));
    let out = wiki.maintenance("update.php", &["--quick"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"Dana\" was left unchanged and its service keys are refused")
            && text.contains("markServiceAccount.php --user \"Dana\""),
        "update.php: {text}"
    );
    // The page's key is a manager's choice: said, never taken.
    assert!(
        text.contains("the service key \"legacy\" (Special:ServiceKeys) is refused"),
        "update.php: {text}"
    );
    wiki.restart();
    for secret in [CONFIGURED, LEGACY] {
        let r = wiki.api(
            Some(&format!("ApiKey {secret}")),
            "action=query&meta=userinfo&uiprop=email",
        );
        assert_eq!(r.status, 403, "{r}");
        let (code, info) = error_of(&r);
        assert_eq!(code, "tokenauthenticator-error-not-service-account", "{r}");
        assert!(info.contains("markServiceAccount.php"), "{r}");
        assert!(!r.body.contains("dana@example.org"), "her address: {r}");
        let edit = response(
            wiki.client()
                .post(&wiki.url("/rest.php/v1/page"))
                .set("Authorization", &format!("ApiKey {secret}"))
                .send_json(serde_json::json!({
                    "title": "Written as Dana", "source": "x", "comment": "as her"
                })),
        );
        assert_eq!(edit.status, 403, "{edit}");
    }
    assert_eq!(
        wiki.get("/index.php?title=Written_as_Dana").status,
        404,
        "a page was saved as her"
    );

    // What works: an account the page creates as a service account, logged
    // as core logs accounts made for others. (The restart ended the session.)
    let manager = wiki.login("Key manager", "manager-password-1234");
    // The list says which keys are refused so.
    let list = page(&wiki, &manager, "");
    for key in ["dana-conf", "legacy"] {
        let row = list
            .body
            .split("<tr ")
            .find(|row| row.starts_with(&format!("data-key=\"{key}\"")))
            .unwrap_or_else(|| panic!("{key} not listed: {list}"));
        assert!(
            row.contains("not a service account: the key is refused"),
            "{key}: {row}"
        );
    }
    let r = submit(
        &wiki,
        &manager,
        "create",
        &key_fields("svc", "Svc bot", "ApiQuery"),
    );
    let secret = secret_of(&r);
    assert_eq!(
        userinfo_as(&wiki, &secret).json()["query"]["userinfo"]["name"],
        "Svc bot"
    );
    let log = wiki.api(
        None,
        "action=query&list=logevents&letype=newusers&letitle=User:Svc_bot",
    );
    let entry = &log.json()["query"]["logevents"][0];
    assert_eq!(entry["action"], "create2", "{log}");
    assert_eq!(entry["user"], "Key manager", "{log}");

    // An account that stops being a service account (the mark removed in
    // the database here) ends its keys' app tokens too, verify included.
    let app_token = mint_app_token(&wiki, &secret);
    let verify = |token: &str| wiki.get(&format!("/rest.php/mws/v1/app-token/verify/{token}"));
    assert_eq!(verify(&app_token).status, 200);
    eval(
        &wiki,
        "MediaWiki\\MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnection( DB_PRIMARY )\
         ->delete( 'mws_service_account', \
         [ 'sa_user' => User::newFromName( 'Svc bot' )->getId() ], 'e2e' );\n",
    );
    assert_eq!(
        verify(&app_token).status,
        400,
        "a refused account's app token"
    );
    let r = wiki.api(
        Some(&format!("AppToken {app_token}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(
        error_of(&r).0,
        "tokenauthenticator-error-not-service-account",
        "{r}"
    );
    eval(
        &wiki,
        "MediaWiki\\Extension\\TokenAuthenticator\\Setup\\Services::getServiceAccounts()->mark( \
         User::newFromName( 'Svc bot' ), 'admin' );\n",
    );

    // No JWT signs in to a service account, also not by naming it.
    let r = jwt_login(&wiki, &jwt_for("Svc bot", None));
    assert_eq!(r.status, 403, "{r}");
    assert!(
        r.body
            .contains("is a service account of service keys: nobody signs in to it"),
        "{r}"
    );
}

/// The groups of `user`, as the API lists them.
fn groups(wiki: &Wiki, user: &str) -> Value {
    wiki.api(
        None,
        &format!(
            "action=query&list=users&ususers={}&usprop=groups",
            percent_encode(user)
        ),
    )
    .json()["query"]["users"][0]["groups"]
        .clone()
}

/// Regression (#24, medium): update.php put any existing account of a
/// configured key with app tokens into $mwsgTokenAuthenticatorAppTokenGroups,
/// so whoever registered the name of a planned service account became a
/// sysop. Now update.php takes an existing account only when no person
/// could use it (as the reference's own set-up made it: no password) and
/// leaves any other unchanged, saying why; an administrator may name it to
/// markServiceAccount.php, which shows the account first.
#[test]
fn update_php_takes_only_accounts_nobody_uses() {
    const PLANNED: &str = "planned-secret-0123456789abcdef";
    const LEGACY: &str = "legacy-secret-0123456789abcdef";
    let mut wiki = Wiki::start();
    // Someone registers the planned name first.
    wiki.create_user("Planned bot", "planned-password-1234", &[]);
    // The mwstake reference's update step made its account without a password.
    eval(&wiki, "User::createNew( 'Legacy bot' );\n");
    wiki.add_setting(format!(
        "$mwsgTokenAuthenticatorServiceTokens = [\n\
         [ 'name' => 'planned', 'user' => 'Planned bot', 'token' => '{PLANNED}', 'appTokens' => true, \
         'apiModules' => [ 'ApiQuery' ] ],\n\
         [ 'name' => 'legacy', 'user' => 'Legacy bot', 'token' => '{LEGACY}', 'appTokens' => true, \
         'apiModules' => [ 'ApiQuery' ] ] ];"
    ));
    let out = wiki.maintenance("update.php", &["--quick"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("\"Planned bot\" was left unchanged")
            && text.contains("it can log in with a password"),
        "{text}"
    );
    assert!(
        text.contains("\"Legacy bot\" is now a service account"),
        "{text}"
    );
    assert!(text.contains("added \"Legacy bot\" to sysop"), "{text}");
    assert!(!text.contains("added \"Planned bot\""), "{text}");
    wiki.restart();

    assert!(
        !groups(&wiki, "Planned bot")
            .as_array()
            .unwrap()
            .contains(&"sysop".into()),
        "the registered account became a sysop"
    );
    let planned = |wiki: &Wiki| {
        wiki.api(
            Some(&format!("ApiKey {PLANNED}")),
            "action=query&meta=userinfo",
        )
    };
    let r = planned(&wiki);
    assert_eq!(
        error_of(&r).0,
        "tokenauthenticator-error-not-service-account",
        "{r}"
    );
    let r = wiki.api(
        Some(&format!("ApiKey {LEGACY}")),
        "action=query&meta=userinfo&uiprop=groups",
    );
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Legacy bot", "{r}");

    // The admin looks at the account, then names it.
    let (ok, text) = script(&wiki, "markServiceAccount.php", &["--user", "Planned bot"]);
    assert!(ok, "{text}");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for line in [
        "Can log in with a password: yes",
        "Service account: no",
        "Not marked.",
    ] {
        assert!(words.contains(line), "no {line:?}: {text}");
    }
    assert_eq!(planned(&wiki).status, 403, "marked without --confirm");
    let (ok, text) = script(
        &wiki,
        "markServiceAccount.php",
        &["--user", "Planned bot", "--confirm"],
    );
    assert!(ok, "{text}");
    assert!(text.contains("is now a service account"), "{text}");
    let r = planned(&wiki);
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Planned bot", "{r}");
    let out = wiki.maintenance("update.php", &["--quick"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("added \"Planned bot\" to sysop"), "{text}");
    let admin = wiki.login_admin();
    let log = get(
        &admin,
        &wiki.url(
            "/api.php?action=query&list=logevents&letype=tokenauth&format=json&formatversion=2",
        ),
    );
    assert!(
        log.json()["query"]["logevents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "accountmark" && e["title"] == "User:Planned bot"),
        "{log}"
    );
    // MediaWiki's system users never get a session: never marked.
    let (ok, text) = script(
        &wiki,
        "markServiceAccount.php",
        &["--user", "MediaWiki default", "--confirm"],
    );
    assert!(!ok && text.contains("system users"), "{text}");

    // A manager makes a key for a new account; an admin later names that
    // account in a configured key with app tokens: update.php must not make
    // it a sysop, or the manager's key would be one.
    let admin = wiki.login_admin();
    let mut fields = key_fields("early", "Future bot", "ApiQuery");
    fields.push(("wpcapped", "1"));
    secret_of(&submit(&wiki, &admin, "create", &fields));
    wiki.add_setting(
        "$mwsgTokenAuthenticatorServiceTokens[] = [ 'name' => 'future', 'user' => 'Future bot', \
         'token' => 'future-secret-0123456789abcdef', 'appTokens' => true ];",
    );
    // Without the log of account creations, no existing account is taken.
    eval(&wiki, "User::createNew( 'Unlogged bot' );\n");
    wiki.add_setting(
        "$wgNewUserLog = false;\n$mwsgTokenAuthenticatorServiceTokens[] = [ 'name' => 'unlogged', \
         'user' => 'Unlogged bot', 'token' => 'unlogged-secret-0123456789abcdef' ];",
    );
    let out = wiki.maintenance("update.php", &["--quick"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("\"Future bot\" was not added to sysop: keys created on Special:ServiceKeys act as it (early)"),
        "{text}"
    );
    assert!(
        !groups(&wiki, "Future bot")
            .as_array()
            .unwrap()
            .contains(&"sysop".into()),
        "a manager's key became a sysop's"
    );
    assert!(
        text.contains("\"Unlogged bot\" was left unchanged")
            && text.contains("does not log account creations"),
        "{text}"
    );
}

/// Regression (#24, medium): Special:ServiceKeys checked the right but not
/// blocks, and created accounts with User::createNew(), past AuthManager:
/// a sitewide-blocked manager still created accounts and keys. Now create,
/// edit and rotate refuse a sitewide-blocked manager as core's pages do
/// (revoking, which takes access away, stays open), and accounts pass
/// AuthManager's checks (here: a reserved name).
#[test]
fn blocked_managers_create_edit_and_rotate_nothing() {
    let wiki = Wiki::builder()
        .setting("$wgReservedUsernames[] = 'Reserved bot';")
        .start();
    wiki.create_user("Block manager", "manager-password-1234", &["bureaucrat"]);
    let manager = wiki.login("Block manager", "manager-password-1234");
    let r = submit(
        &wiki,
        &manager,
        "create",
        &key_fields("before", "Before bot", "ApiQuery"),
    );
    let secret = secret_of(&r);

    // AuthManager's checks of a new account: a reserved name is refused,
    // and nothing is left behind.
    let r = submit(
        &wiki,
        &manager,
        "create",
        &key_fields("reserved", "Reserved bot", "ApiQuery"),
    );
    assert!(form_field(&r.body, "secret").is_none(), "{r}");
    assert!(r.body.contains("not specified a valid username"), "{r}");
    let users = wiki.api(None, "action=query&list=users&ususers=Reserved%20bot");
    assert!(
        users.json()["query"]["users"][0]["missing"] == true,
        "{users}"
    );

    wiki.block_user("Block manager");
    let csrf = wiki.token(&manager, "csrf");
    let blocked = |r: &HttpResponse, what: &str| {
        assert!(
            r.body.contains("You are blocked") || r.body.contains("blocked from"),
            "{what}: not refused as blocked: {r}"
        );
        assert!(form_field(&r.body, "secret").is_none(), "{what}: {r}");
    };
    blocked(&page(&wiki, &manager, "create"), "the create form");
    let mut fields = key_fields("after", "After bot", "ApiQuery");
    fields.push(("wpEditToken", &csrf));
    let r = post_form(
        &manager,
        &wiki.url("/index.php?title=Special:ServiceKeys/create"),
        &fields,
    );
    blocked(&r, "create");
    let users = wiki.api(None, "action=query&list=users&ususers=After%20bot");
    assert!(
        users.json()["query"]["users"][0]["missing"] == true,
        "a blocked manager created an account: {users}"
    );
    let mut fields = key_fields("before", "Before bot", "ApiParse");
    fields.retain(|(k, _)| *k != "wpname");
    fields.push(("wpEditToken", &csrf));
    let r = post_form(
        &manager,
        &wiki.url("/index.php?title=Special:ServiceKeys/edit/before"),
        &fields,
    );
    blocked(&r, "edit");
    assert_eq!(
        userinfo_as(&wiki, &secret).status,
        200,
        "the allow-list changed"
    );
    let r = post_form(
        &manager,
        &wiki.url("/index.php?title=Special:ServiceKeys/rotate/before"),
        &[("wpuntil", "2000-01-01T00:00:00Z"), ("wpEditToken", &csrf)],
    );
    blocked(&r, "rotate");
    assert_eq!(userinfo_as(&wiki, &secret).status, 200, "rotated");

    // Revoking takes access away: still possible.
    let r = submit(&wiki, &manager, "revoke/before", &[]);
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(userinfo_as(&wiki, &secret).status, 401);
}

/// Unix time as MediaWiki's datetime fields take it.
fn iso_time(unix: u64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{unix}"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Regression (#24, medium): an app token minted with the secret before a
/// rotation was bound to the key's current secret, so it outlived the
/// overlap. It is bound to the secret that was sent and ends with it.
#[test]
fn app_tokens_end_with_the_secret_that_minted_them() {
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'service-keys-test-salt-0123456789';")
        .start();
    let admin = wiki.login_admin();
    let r = submit(
        &wiki,
        &admin,
        "create",
        &key_fields("rotating", "Rotating bot", "ApiQuery"),
    );
    let old = secret_of(&r);
    let overlap_end = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 8;
    let r = submit(
        &wiki,
        &admin,
        "rotate/rotating",
        &[("wpuntil", &iso_time(overlap_end))],
    );
    let new = secret_of(&r);
    let by_old = format!("AppToken {}", mint_app_token(&wiki, &old));
    let by_new = format!("AppToken {}", mint_app_token(&wiki, &new));
    let as_app = |auth: &str| wiki.api(Some(auth), "action=query&meta=userinfo");
    assert_eq!(as_app(&by_old).status, 200, "during the overlap");
    assert_eq!(as_app(&by_new).status, 200);

    while std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        <= overlap_end
    {
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(userinfo_as(&wiki, &old).status, 401, "the old secret");
    let r = as_app(&by_old);
    assert_eq!(
        r.status, 401,
        "an app token of the old secret outlived the overlap: {r}"
    );
    assert_eq!(as_app(&by_new).status, 200, "the new secret's token");
}

/// Regression (#24, low): the Revoke button of an app token posted to
/// revoke-app-token/<key name>, which arrives with a title's changes
/// (spaces as underscores): for a configured key whose name has a space,
/// the answer was 404. The name is now a form field. And the list's
/// success box showed for any ?done=…&key=… in the URL: now only after the
/// action itself.
#[test]
fn app_tokens_of_keys_with_any_name_are_revoked_from_the_page() {
    const NAMED: &str = "named-secret-0123456789abcdef";
    const UNNAMED: &str = "unnamed-secret-0123456789abcdef";
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'service-keys-test-salt-0123456789';")
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens = [\n\
             [ 'name' => 'Chat bot: wiki & sync', 'user' => 'Conf bot', 'token' => '{NAMED}', \
             'appTokens' => true ],\n\
             [ 'user' => 'Conf bot', 'token' => '{UNNAMED}', 'appTokens' => true ] ];"
        ))
        .start();
    let admin = wiki.login_admin();
    let forged = get(
        &admin,
        &wiki.url("/index.php?title=Special:ServiceKeys&done=revoke&key=anything"),
    );
    assert!(
        !forged.body.contains("mw-tokenauth-done") && !forged.body.contains("was revoked"),
        "a success box for an action nobody took: {forged}"
    );

    let unnamed = format!("Conf bot/{}", &sha256_hex(UNNAMED.as_bytes())[..8]);
    for (name, secret) in [
        ("Chat bot: wiki & sync", NAMED),
        (unnamed.as_str(), UNNAMED),
    ] {
        let auth = format!("AppToken {}", mint_app_token(&wiki, secret));
        assert_eq!(
            wiki.api(Some(&auth), "action=query&meta=userinfo").status,
            200
        );
        let list = get(&admin, &wiki.url("/index.php?title=Special:ServiceKeys"));
        let escaped = name.replace('&', "&amp;");
        let row = list
            .body
            .split("<tr ")
            .find(|row| row.starts_with(&format!("data-key=\"{escaped}\" data-token=")))
            .unwrap_or_else(|| panic!("{name}: no app token row: {list}"));
        let action = row
            .split_once("action=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(action, _)| action.replace("&amp;", "&"))
            .expect("the button's form");
        // What the button posts: every hidden field of its form.
        let fields: Vec<(String, String)> = row
            .split("<input ")
            .skip(1)
            .filter(|input| input.contains("type=\"hidden\""))
            .filter_map(|input| {
                let field = input.split_once("name=\"")?.1.split_once('"')?.0;
                Some((field.to_string(), form_field(row, field)?))
            })
            .collect();
        assert!(
            fields.iter().any(|(f, _)| f == "wpEditToken"),
            "{name}: {row}"
        );
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = post_form(&admin, &wiki.site_url(&action), &fields);
        assert_eq!(r.status, 200, "{name}: {r}");
        assert!(
            r.body.contains("mw-tokenauth-done") && r.body.contains("was revoked"),
            "{name}: {r}"
        );
        let refused = wiki.api(Some(&auth), "action=query&meta=userinfo");
        assert_eq!(refused.status, 401, "{name}: {refused}");
        // Said once.
        let again = get(&admin, &wiki.url("/index.php?title=Special:ServiceKeys"));
        assert!(!again.body.contains("mw-tokenauth-done"), "{name}: {again}");
    }
}

/// One set of rules for both sources (#25): a key of LocalSettings.php that
/// allows what the wiki does not have keeps working (it only grants less),
/// and the page, listServiceKeys.php and update.php say what is wrong with
/// the same messages the page uses to refuse such a key.
#[test]
fn configured_keys_are_checked_by_the_rules_of_created_ones() {
    const SECRET: &str = "configured-rules-secret-0123456789";
    let wiki = Wiki::builder()
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens[] = [ 'name' => 'typo-bot', 'user' => 'Typo bot', \
             'token' => '{SECRET}', 'apiModules' => [ 'ApiQuery', 'ApiNoSuchModule' ], \
             'restPaths' => [ '/v1/no-such-route' ], 'rights' => [ 'read', 'no-such-right' ] ];"
        ))
        .start();
    let out = wiki.maintenance("update.php", &["--quick"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("\"typo-bot\" of LocalSettings.php: Not an API module class of this wiki: ApiNoSuchModule"),
        "{text}"
    );
    assert!(
        text.contains("No REST route of this wiki starts with /v1/no-such-route"),
        "{text}"
    );
    assert!(
        text.contains("Not a right of this wiki: no-such-right"),
        "{text}"
    );

    // The key works, as far as it reaches.
    let r = userinfo_as(&wiki, SECRET);
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Typo bot", "{r}");

    let (ok, text) = script(&wiki, "listServiceKeys.php", &["--json"]);
    assert!(ok, "{text}");
    let list: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let problems = list[0]["problems"].as_array().expect("problems").clone();
    assert_eq!(problems.len(), 3, "{text}");

    let admin = wiki.login_admin();
    let list = page(&wiki, &admin, "");
    assert_eq!(list.status, 200, "{list}");
    assert_eq!(
        list.body.matches("mw-tokenauth-key-problem").count(),
        3,
        "{list}"
    );
    assert!(list.body.contains("ApiNoSuchModule"), "{list}");

    // The page refuses the same allow-list for a created key.
    let r = submit(
        &wiki,
        &admin,
        "create",
        &key_fields("page-bot", "Page bot", "ApiNoSuchModule"),
    );
    assert!(
        r.body
            .contains("Not an API module class of this wiki: ApiNoSuchModule"),
        "{r}"
    );
    assert!(form_field(&r.body, "secret").is_none(), "created: {r}");
}
