//! Special:PersonalKeys end to end, as a user's browser posts it (plain
//! HTTP forms with the session's CSRF token): a key is made, shown once,
//! listed without its secret, regenerated and revoked; other users cannot
//! see or touch it, an administrator revokes it (logged), a blocked user
//! makes none, and no secret stays in the wiki's pages, logs or database.
//! The API side of keys is in `e2e_personal_keys.rs`.

mod common;
use common::*;

use std::process::Command;
use std::time::{Duration, Instant};

const PASSWORD: &str = "personal-keys-page-password-1";
const PAGE: &str = "/index.php?title=Special:PersonalKeys";

/// GET of Special:PersonalKeys or one of its subpages ("" or "/create", ...).
fn page(wiki: &Wiki, agent: &ureq::Agent, sub: &str) -> HttpResponse {
    get(agent, &wiki.url(&format!("{PAGE}{sub}")))
}

/// The session's CSRF token, off a form of the page.
fn edit_token(r: &HttpResponse) -> String {
    form_field(&r.body, "wpEditToken").unwrap_or_else(|| panic!("no wpEditToken: {r}"))
}

/// The `Cookie` header of `agent`'s session, for a client of another kind
/// (one that does not follow redirects).
fn cookie_header(agent: &ureq::Agent) -> String {
    agent
        .cookie_store()
        .iter_unexpired()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// POSTs `form` to a subpage in `agent`'s session, without following a
/// redirect.
fn post_page(wiki: &Wiki, agent: &ureq::Agent, sub: &str, form: &[(&str, &str)]) -> HttpResponse {
    response(
        wiki.client_no_redirects()
            .post(&wiki.url(&format!("{PAGE}{sub}")))
            .set("Cookie", &cookie_header(agent))
            .send_form(form),
    )
}

/// Posts the create form (token and default expiry read off its GET) and
/// returns the answer.
fn create(wiki: &Wiki, agent: &ureq::Agent, name: &str, grants: &[&str]) -> HttpResponse {
    let form = page(wiki, agent, "/create");
    assert_eq!(form.status, 200, "{form}");
    let token = edit_token(&form);
    let expires = default_expiry(&form);
    let grants: Vec<String> = grants.iter().map(|g| format!("grant-{g}")).collect();
    let mut fields = vec![
        ("wpEditToken", token.as_str()),
        ("wpname", name),
        ("wpexpires", expires.as_str()),
        ("wpranges", ""),
    ];
    fields.extend(grants.iter().map(|g| ("wpgrants[]", g.as_str())));
    post_page(wiki, agent, "/create", &fields)
}

/// The create form's expiry, as it comes (OOUI writes its inputs with
/// single quotes, which `form_field` does not read).
fn default_expiry(form: &HttpResponse) -> String {
    let at = form
        .body
        .find("name='wpexpires'")
        .unwrap_or_else(|| panic!("no expiry field: {form}"));
    let tag = &form.body[form.body[..at].rfind('<').unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    let v = tag.find("value='").expect("a default expiry") + 7;
    tag[v..v + tag[v..].find('\'').unwrap()].to_string()
}

/// The secret of a create or regenerate answer.
fn secret_of(r: &HttpResponse) -> String {
    assert_eq!(r.status, 200, "{r}");
    let secret = form_field(&r.body, "secret").unwrap_or_else(|| panic!("no secret shown: {r}"));
    assert!(secret.starts_with("mwpk_"), "{secret}");
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "a secret must not be cached: {r}"
    );
    secret
}

/// The rows of the list: (key id, the row's HTML).
fn rows(html: &str) -> Vec<(String, String)> {
    html.split("<tr data-key=\"")
        .skip(1)
        .map(|rest| {
            let id = rest[..rest.find('"').expect("id")].to_string();
            let row = rest[..rest.find("</tr>").expect("row end")].to_string();
            (id, row)
        })
        .collect()
}

/// Whether an element of `html` has the id `id` (OOUI quotes with ', Html with ").
fn has_id(html: &str, id: &str) -> bool {
    html.contains(&format!("id='{id}'")) || html.contains(&format!("id=\"{id}\""))
}

/// The row of the key named `name` on a list page.
fn row_named(html: &str, name: &str) -> Option<(String, String)> {
    rows(html)
        .into_iter()
        .find(|(_, row)| row.contains(&format!("<td class=\"mw-tokenauth-key-name\">{name}</td>")))
}

fn whoami_with(wiki: &Wiki, key: &str) -> HttpResponse {
    wiki.api(Some(&format!("Bearer {key}")), "action=query&meta=userinfo")
}

fn assert_works_as(wiki: &Wiki, key: &str, user: &str) {
    let r = whoami_with(wiki, key);
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["query"]["userinfo"]["name"], user, "{r}");
}

fn assert_refused(wiki: &Wiki, key: &str) {
    let r = whoami_with(wiki, key);
    assert_eq!(r.status, 401, "the key still works: {r}");
}

/// `date -u +%F` `days` from now: the create form's dates (UTC).
fn utc_date_in(days: u32) -> String {
    let out = Command::new("date")
        .args(["-u", "-d", &format!("+{days} days"), "+%F"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn keys_are_made_listed_regenerated_and_revoked_on_the_page() {
    let wiki = Wiki::start();
    wiki.create_user("Dana", PASSWORD, &[]);
    let dana = wiki.login("Dana", PASSWORD);

    // Nothing yet; the form offers grants and expires in 30 days by default.
    let list = page(&wiki, &dana, "");
    assert_eq!(list.status, 200, "{list}");
    assert!(list.body.contains("mw-tokenauth-none"), "{list}");
    let form = page(&wiki, &dana, "/create");
    assert!(form.body.contains("name='wpname'"), "{form}");
    assert!(form.body.contains("grant-editpage"), "{form}");
    assert_eq!(
        default_expiry(&form),
        utc_date_in(30),
        "default expiry: {form}"
    );

    let made = create(
        &wiki,
        &dana,
        "backup script",
        &["editpage", "createeditmovepage"],
    );
    let secret = secret_of(&made);
    assert!(
        made.body.contains("mw-tokenauth-copy"),
        "copy button: {made}"
    );
    assert!(
        made.body
            .contains(&format!("Authorization: Bearer {secret}")),
        "curl example: {made}"
    );
    assert_works_as(&wiki, &secret, "Dana");

    // The list: name, grants, "never"... no secret. (The use above may
    // already be recorded: the row is checked for "never" on a second key.)
    let plain = secret_of(&create(&wiki, &dana, "reader", &[]));
    let list = page(&wiki, &dana, "");
    assert!(!list.body.contains(&secret), "the secret is on the list");
    assert!(!list.body.contains(&plain), "the secret is on the list");
    assert!(
        !list.body.contains("mwpk_"),
        "a secret is on the list: {list}"
    );
    let (id, row) = row_named(&list.body, "backup script").unwrap_or_else(|| panic!("{list}"));
    assert!(row.contains("Edit existing pages"), "{row}");
    assert!(row.contains("Create, edit, and move pages"), "{row}");
    assert!(row.contains("any address"), "{row}");
    let (_, reader) = row_named(&list.body, "reader").unwrap_or_else(|| panic!("{list}"));
    assert!(reader.contains("basic rights only"), "{reader}");
    assert!(
        reader.contains("<td class=\"mw-tokenauth-last-used\">never</td>"),
        "{reader}"
    );
    for action in ["regenerate", "revoke"] {
        assert!(
            has_id(&row, &format!("mw-tokenauth-personalkeys-{action}-{id}")),
            "{action} form: {row}"
        );
        assert!(
            row.contains(&format!("PersonalKeys/{action}/{id}")),
            "{action} posts to its subpage: {row}"
        );
    }

    // One use of the reader key: its row shows when and from where (written
    // after the response; at most once a minute, this is the first).
    assert_works_as(&wiki, &plain, "Dana");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = page(&wiki, &dana, "");
        let (_, reader) = row_named(&list.body, "reader").unwrap_or_else(|| panic!("{list}"));
        if reader.contains("127.0.0.1") {
            assert!(!reader.contains(">never<"), "{reader}");
            break;
        }
        assert!(Instant::now() < deadline, "no last use: {reader}");
        std::thread::sleep(Duration::from_millis(250));
    }

    // Regenerate: a new secret, the old one refused at once.
    let token = edit_token(&list);
    let regenerated = post_page(
        &wiki,
        &dana,
        &format!("/regenerate/{id}"),
        &[("wpEditToken", &token)],
    );
    let renewed = secret_of(&regenerated);
    assert_ne!(renewed, secret);
    assert_works_as(&wiki, &renewed, "Dana");
    assert_refused(&wiki, &secret);
    let list = page(&wiki, &dana, "");
    assert!(
        !list.body.contains(&renewed),
        "the new secret is on the list"
    );
    assert_eq!(
        row_named(&list.body, "backup script").map(|(i, _)| i),
        Some(id.clone()),
        "the same key, with a new secret"
    );

    // Revoke: back to the list, which says so; the key is refused, its row gone.
    let revoked = post_page(
        &wiki,
        &dana,
        &format!("/revoke/{id}"),
        &[("wpEditToken", &token)],
    );
    assert_eq!(revoked.status, 302, "{revoked}");
    let to = revoked.header("location").unwrap_or("");
    assert!(
        to.contains("Special:PersonalKeys") && !to.contains("revoke"),
        "{revoked}"
    );
    assert_refused(&wiki, &renewed);
    let list = page(&wiki, &dana, "");
    assert!(list.body.contains("mw-tokenauth-done"), "{list}");
    assert!(row_named(&list.body, "backup script").is_none(), "{list}");
    assert!(rows(&list.body).iter().all(|(i, _)| *i != id), "{list}");
    assert!(row_named(&list.body, "reader").is_some(), "{list}");
    // Shown once: the next visit has no message.
    let list = page(&wiki, &dana, "");
    assert!(!list.body.contains("mw-tokenauth-done"), "{list}");
    // A revoked key is no longer there to act on.
    let again = post_page(
        &wiki,
        &dana,
        &format!("/revoke/{id}"),
        &[("wpEditToken", &token)],
    );
    assert_eq!(again.status, 404, "{again}");
    assert_works_as(&wiki, &plain, "Dana");
}

#[test]
fn csrf_and_other_users() {
    const NAME: &str = "zebra sync of Dana";
    let wiki = Wiki::start();
    wiki.create_user("Dana", PASSWORD, &[]);
    wiki.create_user("Eve", PASSWORD, &[]);
    let dana = wiki.login("Dana", PASSWORD);
    let eve = wiki.login("Eve", PASSWORD);

    // Without the session's token, nothing is made.
    let form = page(&wiki, &dana, "/create");
    let expires = default_expiry(&form);
    let eves_token = edit_token(&page(&wiki, &eve, "/create"));
    for token in [
        None,
        Some("0123456789abcdef0123456789abcdef+\\"),
        Some(eves_token.as_str()),
    ] {
        let mut fields = vec![
            ("wpname", "forged"),
            ("wpexpires", expires.as_str()),
            ("wpgrants[]", "grant-editpage"),
        ];
        if let Some(token) = token {
            fields.push(("wpEditToken", token));
        }
        let r = post_page(&wiki, &dana, "/create", &fields);
        assert!(
            !r.body.contains("mwpk_"),
            "a secret without a valid token ({token:?}): {r}"
        );
        assert!(form_field(&r.body, "secret").is_none(), "{r}");
        let list = page(&wiki, &dana, "");
        assert!(
            rows(&list.body).is_empty(),
            "a key without a valid token ({token:?}): {list}"
        );
        assert!(!list.body.contains("forged"), "{list}");
    }

    let secret = secret_of(&create(&wiki, &dana, NAME, &["editpage"]));
    let list = page(&wiki, &dana, "");
    let (id, _) = row_named(&list.body, NAME).unwrap_or_else(|| panic!("{list}"));

    // Eve sees none of Dana's keys, and cannot reach them by name or id.
    let eves = page(&wiki, &eve, "");
    assert_eq!(eves.status, 200, "{eves}");
    assert!(rows(&eves.body).is_empty(), "{eves}");
    assert!(!eves.body.contains(NAME), "{eves}");
    for sub in ["/user/Dana", "/Dana"] {
        let r = page(&wiki, &eve, sub);
        // MediaWiki 1.39 answers a PermissionsError with 200 and this page.
        assert!(
            r.body.contains("<title>Permission error"),
            "{sub} not refused: {r}"
        );
        assert!(!r.body.contains(NAME), "{sub}: {r}");
        assert!(
            !r.body.contains(&format!("data-key=\"{id}\"")),
            "{sub}: {r}"
        );
    }
    let token = edit_token(&page(&wiki, &eve, "/create"));
    for action in ["regenerate", "revoke"] {
        let sub = format!("/{action}/{id}");
        let r = page(&wiki, &eve, &sub);
        assert_eq!(r.status, 404, "GET {sub}: {r}");
        let r = post_page(&wiki, &eve, &sub, &[("wpEditToken", &token)]);
        assert_eq!(r.status, 404, "POST {sub}: {r}");
        assert!(!r.body.contains("mwpk_"), "{r}");
        assert!(!r.body.contains(NAME), "the 404 names Dana's key: {r}");
        assert_works_as(&wiki, &secret, "Dana");
    }
    // The same answer as for an id that does not exist.
    let r = page(&wiki, &eve, "/revoke/987654");
    assert_eq!(r.status, 404, "{r}");

    // Dana herself cannot regenerate without her token either.
    let r = post_page(&wiki, &dana, &format!("/regenerate/{id}"), &[]);
    assert!(!r.body.contains("mwpk_"), "{r}");
    assert_works_as(&wiki, &secret, "Dana");
    let r = post_page(
        &wiki,
        &dana,
        &format!("/revoke/{id}"),
        &[("wpEditToken", &token)],
    );
    assert_ne!(r.status, 302, "revoked with Eve's token: {r}");
    assert_works_as(&wiki, &secret, "Dana");

    // The administrator sees it, without any secret, and can only revoke it.
    let admin = wiki.login_admin();
    let theirs = page(&wiki, &admin, "/user/Dana");
    assert_eq!(theirs.status, 200, "{theirs}");
    let (_, row) = rows(&theirs.body)
        .into_iter()
        .find(|(i, _)| *i == id)
        .unwrap_or_else(|| panic!("{theirs}"));
    assert!(row.contains("Edit existing pages"), "{row}");
    assert!(!theirs.body.contains("mwpk_"), "{theirs}");
    assert!(
        !theirs
            .body
            .contains(&format!("mw-tokenauth-personalkeys-regenerate-{id}")),
        "{theirs}"
    );
    assert!(
        theirs
            .body
            .contains(&format!("mw-tokenauth-personalkeys-revoke-{id}")),
        "{theirs}"
    );
    let admin_token = edit_token(&theirs);
    let r = post_page(
        &wiki,
        &admin,
        &format!("/regenerate/{id}"),
        &[("wpEditToken", &admin_token)],
    );
    assert_eq!(
        r.status, 404,
        "an administrator regenerated another's key: {r}"
    );
    assert!(!r.body.contains("mwpk_"), "{r}");
    assert_works_as(&wiki, &secret, "Dana");
    let r = post_page(
        &wiki,
        &admin,
        &format!("/revoke/{id}"),
        &[("wpEditToken", &admin_token)],
    );
    assert_eq!(r.status, 302, "{r}");
    assert!(
        r.header("location").unwrap_or("").contains("user/Dana"),
        "{r}"
    );
    assert_refused(&wiki, &secret);
    let theirs = page(&wiki, &admin, "/user/Dana");
    assert!(rows(&theirs.body).is_empty(), "{theirs}");
    assert!(rows(&page(&wiki, &dana, "").body).is_empty());

    // The log: created by Dana, revoked by Admin, both about Dana's key.
    let r = get(
        &admin,
        &wiki.url(
            "/api.php?action=query&list=logevents&letype=tokenauth&format=json&formatversion=2",
        ),
    );
    let events = r.json()["query"]["logevents"].clone();
    let events = events.as_array().unwrap_or_else(|| panic!("{r}"));
    let revoke = events
        .iter()
        .find(|e| e["action"] == "personalkey-revoke")
        .unwrap_or_else(|| panic!("no revoke logged: {r}"));
    assert_eq!(revoke["user"], ADMIN, "{r}");
    assert!(
        revoke["title"].as_str().unwrap_or("").ends_with("/Dana"),
        "{r}"
    );
    assert!(revoke.to_string().contains(NAME), "{r}");
    let created = events
        .iter()
        .find(|e| e["action"] == "personalkey-create")
        .unwrap_or_else(|| panic!("no create logged: {r}"));
    assert_eq!(created["user"], "Dana", "{r}");
    assert!(!r.body.contains("mwpk_"), "{r}");
}

#[test]
fn a_blocked_user_cannot_make_keys_but_can_revoke() {
    let wiki = Wiki::start();
    wiki.create_user("Dana", PASSWORD, &[]);
    let dana = wiki.login("Dana", PASSWORD);
    let secret = secret_of(&create(&wiki, &dana, "before the block", &["editpage"]));
    let list = page(&wiki, &dana, "");
    let token = edit_token(&list);
    let (id, _) = row_named(&list.body, "before the block").unwrap_or_else(|| panic!("{list}"));
    let expires = default_expiry(&page(&wiki, &dana, "/create"));

    wiki.block_user("Dana");
    // The list still shows the key; creating and regenerating are refused.
    let list = page(&wiki, &dana, "");
    assert_eq!(list.status, 200, "{list}");
    assert!(
        row_named(&list.body, "before the block").is_some(),
        "{list}"
    );
    let r = page(&wiki, &dana, "/create");
    assert!(r.body.contains("<title>User is blocked"), "{r}");
    assert!(
        !r.body.contains("name='wpname'"),
        "a create form for a blocked user: {r}"
    );
    let r = post_page(
        &wiki,
        &dana,
        "/create",
        &[
            ("wpEditToken", &token),
            ("wpname", "after the block"),
            ("wpexpires", &expires),
            ("wpgrants[]", "grant-editpage"),
        ],
    );
    assert!(!r.body.contains("mwpk_"), "a blocked user got a key: {r}");
    assert!(r.body.contains("<title>User is blocked"), "{r}");
    let r = post_page(
        &wiki,
        &dana,
        &format!("/regenerate/{id}"),
        &[("wpEditToken", &token)],
    );
    assert!(
        !r.body.contains("mwpk_"),
        "a blocked user got a new secret: {r}"
    );
    assert!(r.body.contains("<title>User is blocked"), "{r}");
    let list = page(&wiki, &dana, "");
    assert_eq!(rows(&list.body).len(), 1, "{list}");
    assert!(row_named(&list.body, "after the block").is_none(), "{list}");
    // Its secret is unchanged (a regenerated one would be unknown: 401),
    // and refused while she is blocked (403).
    assert_eq!(whoami_with(&wiki, &secret).status, 403);

    // Revoking takes access away: allowed.
    let r = post_page(
        &wiki,
        &dana,
        &format!("/revoke/{id}"),
        &[("wpEditToken", &token)],
    );
    assert_eq!(r.status, 302, "{r}");
    let list = page(&wiki, &dana, "");
    assert!(rows(&list.body).is_empty(), "{list}");
    assert_refused(&wiki, &secret);
}

#[test]
fn no_secret_in_pages_logs_or_database() {
    // Sessions and the object cache in the database, so that they are
    // searched too (APCu, the default, is memory).
    let wiki = Wiki::builder()
        .setting("$wgMainCacheType = CACHE_DB;")
        .setting("$wgSessionCacheType = CACHE_DB;")
        .start();
    wiki.create_user("Dana", PASSWORD, &[]);
    let dana = wiki.login("Dana", PASSWORD);
    let first = secret_of(&create(
        &wiki,
        &dana,
        "scanned",
        &["editpage", "createeditmovepage"],
    ));
    let list = page(&wiki, &dana, "");
    let token = edit_token(&list);
    let (id, _) = row_named(&list.body, "scanned").unwrap_or_else(|| panic!("{list}"));
    // Regenerated: both the old and the new secret are looked for.
    let second = secret_of(&post_page(
        &wiki,
        &dana,
        &format!("/regenerate/{id}"),
        &[("wpEditToken", &token)],
    ));
    assert_refused(&wiki, &first);
    assert_works_as(&wiki, &second, "Dana");
    // An edit with the key, and the pages that show keys and the log.
    let csrf = wiki.api(
        Some(&format!("Bearer {second}")),
        "action=query&meta=tokens",
    );
    let csrf = csrf.json()["query"]["tokens"]["csrftoken"]
        .as_str()
        .unwrap_or_else(|| panic!("{csrf}"))
        .to_string();
    let r = response(
        wiki.client()
            .post(&wiki.url("/api.php"))
            .set("Authorization", &format!("Bearer {second}"))
            .send_form(&[
                ("action", "edit"),
                ("title", "Scanned page"),
                ("text", "written with a key"),
                ("token", &csrf),
                ("format", "json"),
            ]),
    );
    assert_eq!(r.json()["edit"]["result"], "Success", "{r}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !page(&wiki, &dana, "").body.contains("127.0.0.1") {
        assert!(Instant::now() < deadline, "no last use recorded");
        std::thread::sleep(Duration::from_millis(250));
    }
    for path in [
        PAGE.to_string(),
        format!("{PAGE}/create"),
        "/index.php?title=Special:Log&type=tokenauth".to_string(),
        "/index.php?title=Special:Preferences".to_string(),
    ] {
        let r = get(&dana, &wiki.url(&path));
        assert_eq!(r.status, 200, "{path}: {r}");
        for secret in [&first, &second] {
            assert!(!r.body.contains(secret.as_str()), "{path} shows a secret");
        }
    }

    // Neither the database, nor any log, nor anything else under the wiki's
    // directory holds either secret.
    let mut paths = vec![wiki.dir().to_path_buf()];
    let mut files = 0;
    let mut bytes_read = 0;
    while let Some(path) = paths.pop() {
        if path.is_dir() {
            paths.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            for secret in [&first, &second] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{} holds a secret",
                    path.display()
                );
            }
            files += 1;
            bytes_read += bytes.len();
        }
    }
    assert!(
        files > 3 && bytes_read > 100_000,
        "the wiki's files were read"
    );
    // The database is among them, and has the key (by its hash).
    let hash = sha256_hex(second.as_bytes());
    let mut found = false;
    let mut paths = vec![wiki.dir().to_path_buf()];
    while let Some(path) = paths.pop() {
        if path.is_dir() {
            paths.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            found |= bytes.windows(hash.len()).any(|w| w == hash.as_bytes());
        }
    }
    assert!(
        found,
        "the key's hash is stored nowhere: the scan missed the database"
    );
}
