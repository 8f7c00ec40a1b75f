//! Personal access keys end to end: `Authorization: Bearer mwpk_…` on
//! api.php and rest.php of a real wiki, limited by grants, refused when
//! malformed, unknown, expired or blocked, and revoked by whoever holds a
//! leaked key. mwclient (Debian's python3-mwclient), a third-party API
//! client, edits with a key.

mod common;
use common::*;

use serde_json::json;

const PASSWORD: &str = "personal-keys-password-1";

/// A key for `user` with a name of its own; returns the secret.
fn make_key(wiki: &Wiki, user: &str, grants: &[&str], ranges: &[&str], lifetime: i64) -> String {
    let name = format!("key {}", random_hex(4));
    make_personal_key(wiki, user, &name, grants, ranges, lifetime)
}

/// Moves a key's expiry into the past, as if time had passed.
fn set_expired_days_ago(wiki: &Wiki, key: &str, days: i64) {
    wiki.maintenance_with_input(
        "eval.php",
        &[],
        &format!(
            "$db = MediaWiki\\MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnection( DB_PRIMARY ); \
             $db->update( 'mws_personal_key', [ 'pk_expires' => $db->timestamp( time() - {days} * 86400 ) ], \
             [ 'pk_hash' => mws_ta_sha256( {key} ) ], 'test' );\n",
            key = php_str(key),
        ),
    );
}

/// How many rows the database holds for a key's secret.
fn key_rows(wiki: &Wiki, key: &str) -> usize {
    let out = wiki.maintenance_with_input(
        "eval.php",
        &[],
        &format!(
            "echo 'ROWS=' . MediaWiki\\MediaWikiServices::getInstance()->getDBLoadBalancer()\
             ->getConnection( DB_PRIMARY )->selectRowCount( 'mws_personal_key', '*', \
             [ 'pk_hash' => mws_ta_sha256( {key} ) ] ) . \"\\n\";\n",
            key = php_str(key),
        ),
    );
    let said = String::from_utf8_lossy(&out.stdout);
    said.lines()
        .find_map(|l| l.strip_prefix("ROWS="))
        .unwrap_or_else(|| panic!("{said} {}", String::from_utf8_lossy(&out.stderr)))
        .trim()
        .parse()
        .expect("a count")
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

fn get_with(wiki: &Wiki, path: &str, key: &str) -> HttpResponse {
    call(
        ureq::AgentBuilder::new()
            .build()
            .get(&wiki.url(path))
            .set("Authorization", &bearer(key)),
    )
}

fn post_api(wiki: &Wiki, key: &str, form: &[(&str, &str)]) -> HttpResponse {
    response(
        ureq::AgentBuilder::new()
            .build()
            .post(&wiki.url("/api.php"))
            .set("Authorization", &bearer(key))
            .send_form(form),
    )
}

fn userinfo(wiki: &Wiki, key: &str) -> HttpResponse {
    get_with(
        wiki,
        "/api.php?action=query&meta=userinfo&uiprop=rights&format=json",
        key,
    )
}

fn csrf(wiki: &Wiki, key: &str) -> String {
    let r = get_with(wiki, "/api.php?action=query&meta=tokens&format=json", key);
    r.json()["query"]["tokens"]["csrftoken"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {r}"))
        .to_string()
}

fn edit(wiki: &Wiki, key: &str, title: &str, text: &str) -> HttpResponse {
    let token = csrf(wiki, key);
    post_api(
        wiki,
        key,
        &[
            ("action", "edit"),
            ("title", title),
            ("text", text),
            ("token", &token),
            ("format", "json"),
        ],
    )
}

/// Changes one character in the middle of a key (its checksum then fails).
fn typo(key: &str) -> String {
    let mut chars: Vec<char> = key.chars().collect();
    let i = chars.len() / 2;
    chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

fn assert_refused(r: &HttpResponse, status: u16, says: &str) {
    assert_eq!(r.status, status, "{r}");
    assert!(r.body.contains(says), "expected \"{says}\": {r}");
    if status == 401 {
        let challenge = r.header("www-authenticate").unwrap_or("");
        assert!(challenge.contains("Bearer"), "WWW-Authenticate: {r}");
    }
}

#[test]
fn a_key_acts_as_its_user_within_its_grants() {
    let wiki = Wiki::start();
    wiki.create_user("Alice", PASSWORD, &[]);
    let editor = make_key(
        &wiki,
        "Alice",
        &["editpage", "createeditmovepage"],
        &[],
        3600,
    );
    assert!(editor.starts_with("mwpk_"), "{editor}");

    // The key is Alice, with her rights cut to its grants; no cookie.
    let r = userinfo(&wiki, &editor);
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Alice", "{r}");
    let rights = r.json()["query"]["userinfo"]["rights"].to_string();
    assert!(rights.contains("\"edit\""), "{r}");
    assert!(!rights.contains("\"upload\""), "not granted: {r}");
    assert!(
        r.header("vary").unwrap_or("").contains("Authorization"),
        "{r}"
    );
    assert!(
        r.headers_named("set-cookie")
            .iter()
            .all(|c| !c.contains("_session=")),
        "no session cookie: {r}"
    );
    let r = edit(&wiki, &editor, "Written with a key", "by a program");
    assert_eq!(r.json()["edit"]["result"], "Success", "{r}");

    // REST: a page is created without any CSRF token.
    let r = response(
        ureq::AgentBuilder::new()
            .build()
            .post(&wiki.url("/rest.php/v1/page"))
            .set("Authorization", &bearer(&editor))
            .send_json(json!({
                "source": "made over REST", "title": "Rest page by key", "comment": "key"
            })),
    );
    assert_eq!(r.status, 201, "{r}");

    // A key without the edit grant cannot edit, whatever Alice may do.
    let reader = make_key(&wiki, "Alice", &[], &[], 3600);
    let r = userinfo(&wiki, &reader);
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Alice", "{r}");
    let r = edit(&wiki, &reader, "Written with a key", "not allowed");
    assert_eq!(api_error(&r), "permissiondenied", "{r}");

    // Address ranges: a key for another network is refused here.
    let elsewhere = make_key(&wiki, "Alice", &["editpage"], &["192.0.2.0/24"], 3600);
    assert_refused(
        &userinfo(&wiki, &elsewhere),
        403,
        "may not be used from your address",
    );

    // mwclient, as a bot or an AI agent's tool would use it.
    let user = mwclient_edit(
        &wiki,
        &editor,
        "Edited by mwclient",
        "text from mwclient",
        "personal key",
    );
    assert_eq!(user, "Alice");
    let r = wiki.api(
        None,
        "action=query&prop=revisions&titles=Edited_by_mwclient&rvprop=user&format=json",
    );
    assert!(r.body.contains("\"user\":\"Alice\""), "{r}");
}

#[test]
fn malformed_unknown_expired_blocked_and_foreign_bearers() {
    let wiki = Wiki::start();
    wiki.create_user("Bob", PASSWORD, &[]);
    let key = make_key(&wiki, "Bob", &["editpage"], &[], 3600);

    // A typo is refused by its checksum.
    assert_refused(&userinfo(&wiki, &typo(&key)), 401, "malformed");
    // Well-formed, but no such key (revoked through the leak route).
    let gone = make_key(&wiki, "Bob", &[], &[], 3600);
    let r = post_json(
        &ureq::AgentBuilder::new().build(),
        &wiki.url("/rest.php/mws/v1/personal-key/revoke"),
        &json!({ "key": gone }),
    );
    assert_eq!(r.status, 200, "{r}");
    assert_refused(&userinfo(&wiki, &gone), 401, "not valid");
    // On rest.php too, with the REST error shape.
    let r = get_with(&wiki, "/rest.php/v1/page/Main_Page", &gone);
    assert_refused(&r, 401, "not valid");

    // Expired.
    let short = make_key(&wiki, "Bob", &[], &[], 2);
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_refused(&userinfo(&wiki, &short), 401, "expired");

    // Expired keys stay listed for a while, then a new key's creation
    // deletes them.
    let recent = make_key(&wiki, "Bob", &[], &[], 3600);
    set_expired_days_ago(&wiki, &short, 31);
    set_expired_days_ago(&wiki, &recent, 29);
    make_key(&wiki, "Bob", &[], &[], 3600);
    assert_eq!(
        [key_rows(&wiki, &short), key_rows(&wiki, &recent)],
        [0, 1],
        "a key expired 31 days ago is deleted, one expired 29 days ago kept"
    );

    // Other Bearer values are not ours: anonymous, as without a header.
    let r = call(
        ureq::AgentBuilder::new()
            .build()
            .get(&wiki.url("/api.php?action=query&meta=userinfo&format=json"))
            .set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
    );
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["query"]["userinfo"]["id"], 0, "{r}");

    // A blocked user's keys are refused.
    assert_eq!(
        userinfo(&wiki, &key).json()["query"]["userinfo"]["name"],
        "Bob"
    );
    wiki.block_user("Bob");
    assert_refused(&userinfo(&wiki, &key), 403, "blocked");
}

#[test]
fn a_leaked_key_is_revoked_by_whoever_holds_it() {
    let wiki = Wiki::start();
    wiki.create_user("Carol", PASSWORD, &[]);
    let key = make_key(&wiki, "Carol", &["editpage"], &[], 3600);
    assert_eq!(
        userinfo(&wiki, &key).json()["query"]["userinfo"]["name"],
        "Carol"
    );
    let revoke = |body: Value| {
        post_json(
            &ureq::AgentBuilder::new().build(),
            &wiki.url("/rest.php/mws/v1/personal-key/revoke"),
            &body,
        )
    };
    // The same answer for a key that exists and one that does not.
    let r = revoke(json!({ "key": key }));
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json(), json!({ "revoked": true }), "{r}");
    let r = revoke(json!({ "key": key }));
    assert_eq!(r.json(), json!({ "revoked": true }), "already revoked: {r}");
    assert_refused(&userinfo(&wiki, &key), 401, "not valid");
    // Not a key at all: 400, saying nothing of any key.
    let r = revoke(json!({ "key": typo(&key) }));
    assert_eq!(r.status, 400, "{r}");
    let r = revoke(json!({ "token": key }));
    assert_eq!(r.status, 400, "{r}");

    // The owner reads it on Special:PersonalKeys.
    let carol = wiki.login("Carol", PASSWORD);
    let page = get(&carol, &wiki.url("/index.php?title=Special:PersonalKeys"));
    assert!(page.body.contains("reported it as leaked"), "{page}");

    // Special:Log says so, naming the key and its owner.
    let admin = wiki.login_admin();
    let r = get(
        &admin,
        &wiki.url("/api.php?action=query&list=logevents&letype=tokenauth&format=json"),
    );
    let events = r.json()["query"]["logevents"].to_string();
    assert!(events.contains("personalkey-leaked"), "{r}");
    assert!(events.contains("Carol"), "{r}");
}

#[test]
fn a_user_without_a_password_uses_keys_and_no_secret_is_stored() {
    let secret = "jwt-shared-secret-for-personal-keys-0123";
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorJWTAlgorithm = 'HS256';")
        .setting(format!("$mwsgTokenAuthenticatorJWTKey = '{secret}';"))
        .setting("$mwsgTokenAuthenticatorJWTIssuer = 'https://idp.example.org';")
        .setting("$mwsgTokenAuthenticatorJWTAudience = 'wiki';")
        .start();
    // An account made by JWT login: it has no password.
    let r = jwt_login(
        &wiki,
        &hs256_jwt(
            secret,
            "https://idp.example.org",
            "wiki",
            "Sso only",
            json!({}),
        ),
    );
    assert_eq!(r.status, 302, "{r}");
    let key = make_key(
        &wiki,
        "Sso only",
        &["editpage", "createeditmovepage"],
        &[],
        3600,
    );
    let r = edit(&wiki, &key, "Written by an SSO user's program", "ok");
    assert_eq!(r.json()["edit"]["result"], "Success", "{r}");

    // Neither the database nor any log holds the secret.
    let mut files = vec![wiki.dir().to_path_buf()];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                "{} holds the secret",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 3, "the wiki's files were read");
}
