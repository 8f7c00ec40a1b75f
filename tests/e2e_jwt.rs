//! JWT login end to end: tokens made and signed by the openssl command (keys
//! generated in the test), posted to Special:JWTLogin of a real wiki.

mod common;
use common::*;

use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

const ISSUER: &str = "https://idp.example.org";
const AUDIENCE: &str = "wiki-e2e";
const HS_SECRET: &str = "jwt-shared-secret-0123456789abcdef";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn openssl(args: &[&str], input: &[u8]) -> Vec<u8> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A key pair made by openssl in `dir`: (private key path, public key PEM).
fn keypair(dir: &Path, kind: &str) -> (String, String) {
    let private = dir.join(format!("{kind}.key"));
    let private = private.to_str().unwrap().to_string();
    let gen: Vec<&str> = match kind {
        "rsa" => vec![
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            &private,
        ],
        _ => vec!["genpkey", "-algorithm", "ed25519", "-out", &private],
    };
    openssl(&gen, b"");
    let public = openssl(&["pkey", "-in", &private, "-pubout"], b"");
    (private, String::from_utf8(public).unwrap())
}

enum Signer<'a> {
    Hs256(&'a str),
    Rs256(&'a str),
    EdDsa(&'a str, &'a Path),
    None,
}

fn jwt(header: &Value, claims: &Value, signer: &Signer) -> String {
    jwt_raw(&header.to_string(), &claims.to_string(), signer)
}

/// A JWT of header and payload text exactly as given (for JSON that
/// `serde_json` would not write, like an integer beyond `u64`).
fn jwt_raw(header: &str, claims: &str, signer: &Signer) -> String {
    let input = format!(
        "{}.{}",
        base64url(header.as_bytes()),
        base64url(claims.as_bytes())
    );
    let sig = match signer {
        Signer::Hs256(secret) => {
            let key = format!("hexkey:{}", hex(secret.as_bytes()));
            unhex(&openssl_dgst(
                &["-mac", "HMAC", "-macopt", &key],
                input.as_bytes(),
            ))
        }
        Signer::Rs256(key) => openssl(&["dgst", "-sha256", "-sign", key], input.as_bytes()),
        Signer::EdDsa(key, dir) => {
            // Ed25519 signs the raw message; pkeyutl needs it in a file.
            let file = dir.join("signing-input");
            std::fs::write(&file, &input).unwrap();
            openssl(
                &[
                    "pkeyutl",
                    "-sign",
                    "-inkey",
                    key,
                    "-rawin",
                    "-in",
                    file.to_str().unwrap(),
                ],
                b"",
            )
        }
        Signer::None => Vec::new(),
    };
    format!("{input}.{}", base64url(&sig))
}

fn claims(user: &str, extra: Value) -> Value {
    let t = now();
    let mut c = json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": format!("sub-{user}"),
        "preferred_username": user, "iat": t, "nbf": t, "exp": t + 300,
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn jwt_wiki(alg: &str, key: &str) -> Wiki {
    jwt_wiki_with(alg, key, &[])
}

fn jwt_wiki_with(alg: &str, key: &str, extra: &[&str]) -> Wiki {
    let mut builder = Wiki::builder();
    for setting in extra {
        builder = builder.setting(*setting);
    }
    builder
        .setting(format!("$mwsgTokenAuthenticatorJWTAlgorithm = '{alg}';"))
        .setting(format!("$mwsgTokenAuthenticatorJWTKey = {};", php_str(key)))
        .setting(format!("$mwsgTokenAuthenticatorJWTIssuer = '{ISSUER}';"))
        .setting(format!("$mwsgTokenAuthenticatorJWTAudience = '{AUDIENCE}';"))
        .setting("$mwsgTokenAuthenticatorJWTLeeway = 30;")
        .setting(
            "$mwsgTokenAuthenticatorJWTGroupMapping = [ 'staff' => [ 'sysop', 'bureaucrat' ], 'helpers' => 'bot' ];",
        )
        .start()
}

/// Posts `field` as the Authorization field; returns the response and the
/// client, which holds the session cookies on success.
fn post_login(wiki: &Wiki, field: &str) -> (HttpResponse, ureq::Agent) {
    let agent = wiki.client_no_redirects();
    let r = post_form(
        &agent,
        &wiki.url("/index.php?title=Special:JWTLogin"),
        &[("Authorization", field), ("returnto", "Special:Version")],
    );
    (r, agent)
}

fn assert_logged_in(wiki: &Wiki, field: &str, user: &str) -> ureq::Agent {
    let (r, agent) = post_login(wiki, field);
    assert_eq!(r.status, 302, "{r}");
    assert!(
        r.header("location")
            .unwrap_or("")
            .contains("Special:Version"),
        "{r}"
    );
    assert_eq!(wiki.whoami(&agent), user);
    agent
}

fn assert_refused(wiki: &Wiki, field: &str, status: u16, says: &str) {
    let (r, agent) = post_login(wiki, field);
    assert_eq!(r.status, status, "{says}: {r}");
    assert!(
        r.body.contains(says),
        "expected \"{says}\" in the page: {r}"
    );
    assert_eq!(wiki.whoami_id(&agent), 0, "{says}: not logged in");
}

#[test]
fn hs256_login_groups_profile_and_refusals() {
    let wiki = jwt_wiki("HS256", HS_SECRET);
    let header = json!({ "alg": "HS256", "typ": "JWT" });
    let signer = Signer::Hs256(HS_SECRET);

    let token = jwt(
        &header,
        &claims(
            "Jwt user",
            json!({ "groups": "staff,unknown", "email": "jwt.user@example.org",
                    "given_name": "Jay", "family_name": "Doe", "jti": "jti-1" }),
        ),
        &signer,
    );
    let agent = assert_logged_in(&wiki, &format!("Bearer: {token}"), "Jwt user");
    let info = wiki.userinfo(&agent, "groups|realname|email");
    let groups = info["groups"].as_array().unwrap();
    assert!(
        groups.contains(&"sysop".into()) && groups.contains(&"bureaucrat".into()),
        "{info}"
    );
    assert!(!groups.contains(&"bot".into()), "{info}");
    assert_eq!(info["realname"], "Jay Doe", "{info}");
    assert_eq!(info["email"], "jwt.user@example.org", "{info}");

    // A replayed jti is refused, even inside a differently signed token.
    assert_refused(&wiki, &format!("Bearer: {token}"), 401, "already used");
    let same_jti = jwt(
        &header,
        &claims("Jwt user", json!({ "jti": "jti-1", "x": 1 })),
        &signer,
    );
    assert_refused(&wiki, &format!("Bearer {same_jti}"), 401, "already used");

    // Without jti a token is still single use (keyed by its hash). "Bearer"
    // without the colon works too. Groups no longer claimed are removed.
    let token = jwt(
        &header,
        &claims("Jwt user", json!({ "groups": "helpers" })),
        &signer,
    );
    let agent = assert_logged_in(&wiki, &format!("Bearer {token}"), "Jwt user");
    let groups = wiki.userinfo(&agent, "groups")["groups"].clone();
    let groups = groups.as_array().unwrap();
    assert!(groups.contains(&"bot".into()), "{groups:?}");
    assert!(
        !groups.contains(&"sysop".into()),
        "mapped groups not claimed are removed: {groups:?}"
    );
    assert_refused(&wiki, &format!("Bearer {token}"), 401, "already used");

    // Refusals, each with a clear message.
    let t = now();
    let cases: Vec<(Value, Value, &str)> = vec![
        (
            header.clone(),
            claims("Late user", json!({ "exp": t - 3600 })),
            "expired",
        ),
        (
            header.clone(),
            claims("Early user", json!({ "nbf": t + 3600 })),
            "not valid yet",
        ),
        (
            header.clone(),
            claims("Iss user", json!({ "iss": "https://evil.example" })),
            "does not trust",
        ),
        (
            header.clone(),
            claims("Aud user", json!({ "aud": "another-wiki" })),
            "audience",
        ),
        (
            header.clone(),
            claims("Bad|name[x]", json!({})),
            "not a valid user name",
        ),
        (
            json!({ "alg": "RS256" }),
            claims("Alg user", json!({})),
            "algorithm this wiki does not accept",
        ),
    ];
    for (h, c, says) in cases {
        assert_refused(
            &wiki,
            &format!("Bearer: {}", jwt(&h, &c, &signer)),
            if says == "not a valid user name" {
                400
            } else {
                401
            },
            says,
        );
    }
    // alg "none", with and without a signature.
    let none = jwt(
        &json!({ "alg": "none" }),
        &claims("None user", json!({})),
        &Signer::None,
    );
    assert_refused(&wiki, &format!("Bearer: {none}"), 401, "algorithm");
    // A tampered payload.
    let good = jwt(&header, &claims("Tamper user", json!({})), &signer);
    let parts: Vec<&str> = good.split('.').collect();
    let evil = base64url(claims("Admin", json!({})).to_string().as_bytes());
    assert_refused(
        &wiki,
        &format!("Bearer: {}.{evil}.{}", parts[0], parts[2]),
        401,
        "signature",
    );
    // No token at all, and garbage.
    assert_refused(&wiki, "", 400, "No JWT was sent");
    assert_refused(&wiki, "Bearer: not-a-jwt", 401, "malformed");

    // The audit log has the logins, without the token or personal claims.
    let admin = wiki.login_admin();
    let r = get(
        &admin,
        &wiki.url(
            "/api.php?action=query&list=logevents&letype=tokenauth&format=json&formatversion=2",
        ),
    );
    let events = r.json()["query"]["logevents"].as_array().unwrap().clone();
    assert_eq!(events.len(), 2, "{r}");
    assert!(events.iter().all(|e| e["action"] == "jwtlogin"), "{r}");
    assert!(
        !r.body.contains("jwt.user@example.org") && !r.body.contains(&token),
        "{r}"
    );
    let logs = wiki.server_log() + &wiki.mw_error_log();
    assert!(!logs.contains("jwt.user@example.org") && !logs.contains(&token[..40]));
}

#[test]
fn rs256_and_eddsa_logins_and_key_confusion() {
    let dir = TempDir::new("mws-ta-jwt-keys");
    let (rsa_key, rsa_pub) = keypair(dir.path(), "rsa");
    let (ed_key, ed_pub) = keypair(dir.path(), "ed25519");

    let wiki = jwt_wiki("RS256", &rsa_pub);
    let token = jwt(
        &json!({ "alg": "RS256", "typ": "JWT" }),
        &claims("Rsa user", json!({ "groups": "staff" })),
        &Signer::Rs256(&rsa_key),
    );
    let agent = assert_logged_in(&wiki, &format!("Bearer: {token}"), "Rsa user");
    let groups = wiki.userinfo(&agent, "groups")["groups"].clone();
    assert!(
        groups.as_array().unwrap().contains(&"sysop".into()),
        "{groups}"
    );
    // The classic confusion: an HS256 token whose HMAC key is the RS256
    // public key. The pinned algorithm refuses it.
    let confused = jwt(
        &json!({ "alg": "HS256" }),
        &claims("Confused user", json!({})),
        &Signer::Hs256(&rsa_pub),
    );
    assert_refused(&wiki, &format!("Bearer: {confused}"), 401, "algorithm");
    // An EdDSA token on the RS256 wiki, too.
    let ed_token = jwt(
        &json!({ "alg": "EdDSA" }),
        &claims("Ed user", json!({})),
        &Signer::EdDsa(&ed_key, dir.path()),
    );
    assert_refused(&wiki, &format!("Bearer: {ed_token}"), 401, "algorithm");
    drop(wiki);

    let wiki = jwt_wiki("EdDSA", &ed_pub);
    let token = jwt(
        &json!({ "alg": "EdDSA", "typ": "JWT" }),
        &claims("Ed user", json!({ "groups": "helpers" })),
        &Signer::EdDsa(&ed_key, dir.path()),
    );
    let agent = assert_logged_in(&wiki, &format!("Bearer: {token}"), "Ed user");
    let groups = wiki.userinfo(&agent, "groups")["groups"].clone();
    assert!(
        groups.as_array().unwrap().contains(&"bot".into()),
        "{groups}"
    );
    // A token signed by another Ed25519 key is refused.
    let (other_key, _) = keypair(dir.path(), "ed25519-other");
    let forged = jwt(
        &json!({ "alg": "EdDSA" }),
        &claims("Ed user", json!({})),
        &Signer::EdDsa(&other_key, dir.path()),
    );
    assert_refused(&wiki, &format!("Bearer: {forged}"), 401, "signature");
}

#[test]
fn unconfigured_jwt_login_says_which_setting_is_missing() {
    let wiki = Wiki::start();
    let token = jwt(
        &json!({ "alg": "HS256" }),
        &claims("Nobody", json!({})),
        &Signer::Hs256(HS_SECRET),
    );
    assert_refused(
        &wiki,
        &format!("Bearer: {token}"),
        500,
        "$mwsgTokenAuthenticatorJWTAlgorithm",
    );
    // A GET shows the form.
    let r = wiki.get("/index.php?title=Special:JWTLogin");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("name=\"Authorization\""), "{r}");
}

#[test]
fn clock_skew_within_the_leeway_is_accepted_beyond_it_refused() {
    // The wiki's leeway is 30 s: a JWT from a clock 20 s off logs in, one
    // from a clock 120 s off does not.
    let wiki = jwt_wiki("HS256", HS_SECRET);
    let header = json!({ "alg": "HS256" });
    let signer = Signer::Hs256(HS_SECRET);
    let t = now();
    for (user, extra) in [
        ("Ahead user", json!({ "iat": t + 20, "nbf": t + 20 })),
        (
            "Behind user",
            json!({ "iat": t - 400, "nbf": t - 400, "exp": t - 20 }),
        ),
    ] {
        let token = jwt(&header, &claims(user, extra), &signer);
        assert_logged_in(&wiki, &format!("Bearer: {token}"), user);
    }
    for (user, extra, says) in [
        ("Far ahead", json!({ "iat": t + 120 }), "not valid yet"),
        ("Not yet", json!({ "nbf": t + 120 }), "not valid yet"),
        (
            "Far behind",
            json!({ "iat": t - 400, "nbf": t - 400, "exp": t - 120 }),
            "expired",
        ),
    ] {
        let token = jwt(&header, &claims(user, extra), &signer);
        assert_refused(&wiki, &format!("Bearer: {token}"), 401, says);
    }
}

// --- Regression tests of the security review (issue 13) -------------------

const SECRET_MARKER: &str = "SECRET-MARKER-7b1c";

/// Finding 1: text of the request (a header's alg, member names, the
/// issuer, preferred_username) was a message parameter rendered with
/// parse(): `{{:Secret page}}` printed a page to an anonymous visitor, and
/// markup drew a phishing overlay. Now refusals are keyed by their kind, and
/// what is quoted is plaintext.
#[test]
fn refusals_never_render_request_text_as_wikitext() {
    const READER: &str = "reader-secret-0123456789abcdef";
    let wiki = jwt_wiki_with(
        "HS256",
        HS_SECRET,
        &[&format!(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'user' => 'Reader bot', 'token' => '{READER}', \
             'apiModules' => [ 'ApiQueryUserInfo' ] ] ];"
        )],
    );
    wiki.edit_page("Secret page", SECRET_MARKER);
    assert!(wiki
        .get("/index.php?title=Secret_page&action=raw")
        .body
        .contains(SECRET_MARKER));
    let signer = Signer::Hs256(HS_SECRET);
    let overlay = r#"<div style="position:fixed;top:0;left:0">[//evil.example Log in]</div>"#;

    let garbage =
        |header: &str| format!("{}.{}.c2ln", base64url(header.as_bytes()), base64url(b"{}"));
    let cases = vec![
        ("alg transclusion", garbage(r#"{"alg":"{{:Secret page}}"}"#)),
        (
            "alg markup",
            garbage(&json!({ "alg": overlay }).to_string()),
        ),
        (
            "duplicate member",
            garbage(r#"{"alg":"HS256","{{:Secret page}}":1,"{{:Secret page}}":2}"#),
        ),
        (
            "issuer",
            jwt(
                &json!({ "alg": "HS256" }),
                &claims("Iss user", json!({ "iss": "{{:Secret page}}" })),
                &signer,
            ),
        ),
        (
            "preferred_username",
            jwt(
                &json!({ "alg": "HS256" }),
                &claims("{{:Secret page}}", json!({})),
                &signer,
            ),
        ),
        (
            "preferred_username markup",
            jwt(
                &json!({ "alg": "HS256" }),
                &claims(overlay, json!({})),
                &signer,
            ),
        ),
    ];
    for (what, token) in cases {
        let (r, _) = post_login(&wiki, &format!("Bearer: {token}"));
        assert!(r.status == 400 || r.status == 401, "{what}: {r}");
        assert!(
            !r.body.contains(SECRET_MARKER),
            "{what}: the page was transcluded: {r}"
        );
        assert!(
            !r.body.contains("<div style=\"position:fixed")
                && !r.body.contains("href=\"//evil.example"),
            "{what}: markup was rendered: {r}"
        );
        assert!(
            r.body.contains("mw-message-box-error") || r.body.contains("cdx-message--error"),
            "{what}: {r}"
        );
    }
    // A quoted name is shown as the text it is.
    let (r, _) = post_login(
        &wiki,
        &format!(
            "Bearer: {}",
            jwt(
                &json!({ "alg": "HS256" }),
                &claims("{{:Secret page}}", json!({})),
                &signer
            )
        ),
    );
    assert!(r.body.contains("{{:Secret page}}"), "{r}");

    // The Action API renders errors as HTML with errorformat=html: a module
    // name of the request is quoted as plaintext there too.
    let auth = format!("ApiKey {READER}");
    for query in [
        "action=query&list=%7B%7B%3ASecret_page%7D%7D&errorformat=html",
        "action=query&meta=%7B%7B%3ASecret_page%7D%7D&errorformat=wikitext",
    ] {
        let r = wiki.api(Some(&auth), query);
        assert!(!r.body.contains(SECRET_MARKER), "{query}: {r}");
        assert_eq!(
            r.json()["errors"][0]["code"],
            "tokenauthenticator-error-module-unknown",
            "{query}: {r}"
        );
    }
}

/// Finding 2: the account was chosen by preferred_username after
/// normalisation, so "admin", " Admin ", "Admin_" and "User:Admin" all
/// logged in as Admin (uid 1). Now accounts are linked by (iss, sub).
#[test]
fn accounts_are_linked_by_subject_never_chosen_by_name() {
    let wiki = jwt_wiki("HS256", HS_SECRET);
    let header = json!({ "alg": "HS256" });
    let signer = Signer::Hs256(HS_SECRET);
    let token = |sub: &str, name: &str| {
        format!(
            "Bearer: {}",
            jwt(
                &header,
                &claims(name, json!({ "sub": sub, "jti": random_hex(8) })),
                &signer
            )
        )
    };
    for name in ["Admin", "admin", " Admin ", "Admin_", "User:Admin"] {
        assert_refused(
            &wiki,
            &token(&format!("idp-{name}"), name),
            403,
            "has never logged in with a JWT",
        );
    }

    // A subject's first login creates its account; later ones land there
    // whatever name the token carries.
    assert_logged_in(&wiki, &token("sub-a", "Alice"), "Alice");
    assert_logged_in(&wiki, &token("sub-a", "Mallory"), "Alice");
    assert_logged_in(&wiki, &token("sub-a", "Admin"), "Alice");
    // Another subject cannot have the name, in any spelling.
    for name in ["Alice", "alice", "Alice_", "User:Alice"] {
        assert_refused(
            &wiki,
            &token("sub-b", name),
            403,
            "belongs to another account",
        );
    }
    assert_logged_in(&wiki, &token("sub-b", "Bob"), "Bob");
    // A look-alike spelling (Cyrillic А, Latin "lice") is not created.
    assert_refused(
        &wiki,
        &token("sub-c", "\u{0410}lice"),
        400,
        "mixes letters of different scripts",
    );
    assert_logged_in(
        &wiki,
        &token("sub-c", "\u{0410}\u{043b}\u{0438}\u{0441}\u{0430}"),
        "\u{0410}\u{043b}\u{0438}\u{0441}\u{0430}",
    );
    // The same subject from another issuer is another subject (refused by
    // the issuer check before any account is looked at).
    assert_refused(
        &wiki,
        &format!(
            "Bearer: {}",
            jwt(
                &header,
                &claims(
                    "Alice",
                    json!({ "sub": "sub-a", "iss": "https://other.example" })
                ),
                &signer
            )
        ),
        401,
        "does not trust",
    );
    drop(wiki);

    // With $mwsgTokenAuthenticatorJWTLinkExistingAccounts, an existing account
    // is linked on its first JWT login, once.
    let wiki = jwt_wiki_with(
        "HS256",
        HS_SECRET,
        &["$mwsgTokenAuthenticatorJWTLinkExistingAccounts = true;"],
    );
    let agent = assert_logged_in(&wiki, &token("sub-admin", "admin"), "Admin");
    assert_eq!(wiki.whoami_id(&agent), 1);
    assert_logged_in(&wiki, &token("sub-admin", "Renamed"), "Admin");
    assert_refused(
        &wiki,
        &token("sub-evil", "Admin"),
        403,
        "belongs to another account",
    );
}

/// Finding 3: every mapped group not claimed was removed, also one granted
/// by hand (Admin lost sysop), and a JSON array `groups` read as none.
#[test]
fn group_sync_removes_only_groups_it_added_and_reads_arrays() {
    let wiki = jwt_wiki_with(
        "HS256",
        HS_SECRET,
        &["$mwsgTokenAuthenticatorJWTLinkExistingAccounts = true;"],
    );
    let header = json!({ "alg": "HS256" });
    let signer = Signer::Hs256(HS_SECRET);
    let login = |sub: &str, name: &str, groups: Value| {
        let mut extra = json!({ "sub": sub, "jti": random_hex(8) });
        if !groups.is_null() {
            extra["groups"] = groups;
        }
        let token = jwt(&header, &claims(name, extra), &signer);
        let agent = assert_logged_in(&wiki, &format!("Bearer: {token}"), name);
        let info = wiki.userinfo(&agent, "groups");
        info["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let has = |groups: &[String], g: &str| groups.iter().any(|x| x == g);

    // Admin's sysop and bureaucrat were granted by the installer, not by JWT.
    let g = login("sub-admin", "Admin", Value::Null);
    assert!(has(&g, "sysop") && has(&g, "bureaucrat"), "{g:?}");
    let g = login("sub-admin", "Admin", json!(["staff"]));
    assert!(has(&g, "sysop"), "{g:?}");
    let g = login("sub-admin", "Admin", json!(""));
    assert!(
        has(&g, "sysop") && has(&g, "bureaucrat"),
        "claimed before is not added by JWT: {g:?}"
    );

    // A JSON array is read as a list of groups.
    let g = login("sub-carol", "Carol", json!(["staff", "unknown"]));
    assert!(has(&g, "sysop") && has(&g, "bureaucrat"), "{g:?}");
    // Granted by hand: bot (also a mapped group, of "helpers").
    wiki.create_user("Carol", "carol-password-123", &["bot"]);
    let g = login("sub-carol", "Carol", Value::Null);
    assert!(
        !has(&g, "sysop") && !has(&g, "bureaucrat"),
        "groups JWT added are removed: {g:?}"
    );
    assert!(has(&g, "bot"), "a group granted by hand stays: {g:?}");
    let g = login("sub-carol", "Carol", json!("helpers"));
    assert!(has(&g, "bot"), "{g:?}");
    let g = login("sub-carol", "Carol", json!([]));
    assert!(
        has(&g, "bot"),
        "JWT did not add bot, so it never removes it: {g:?}"
    );
}

/// Finding 8: a cross-site POST switched a logged-in visitor into the
/// attacker's account. Now a visitor logged in as someone else is asked,
/// in a form with a CSRF token.
#[test]
fn login_csrf_asks_before_switching_accounts() {
    let wiki = jwt_wiki("HS256", HS_SECRET);
    let token = jwt(
        &json!({ "alg": "HS256" }),
        &claims("Dave", json!({ "jti": "dave-1" })),
        &Signer::Hs256(HS_SECRET),
    );
    let admin = wiki.login_admin();
    let url = wiki.url("/index.php?title=Special:JWTLogin");
    let field = format!("Bearer: {token}");

    let r = post_form(
        &admin,
        &url,
        &[("Authorization", &field), ("returnto", "Special:Version")],
    );
    assert_eq!(r.status, 200, "{r}");
    assert!(r.body.contains("You are logged in as Admin"), "{r}");
    assert_eq!(wiki.whoami(&admin), "Admin", "no silent switch");
    let csrf = form_field(&r.body, "wpEditToken").expect("a CSRF token in the form");

    // The attacker's page can post the confirmation too, but not the token.
    for bad in ["", "+\\", "0123456789abcdef0123456789abcdef+\\"] {
        let r = post_form(
            &admin,
            &url,
            &[
                ("Authorization", &field),
                ("wpConfirm", "1"),
                ("wpEditToken", bad),
            ],
        );
        assert_eq!(r.status, 200, "{r}");
        assert!(r.body.contains("did not come from this session"), "{r}");
        assert_eq!(wiki.whoami(&admin), "Admin");
    }
    // The visitor confirms: the token was not used up by the questions.
    let r = post_form(
        &admin,
        &url,
        &[
            ("Authorization", &field),
            ("wpConfirm", "1"),
            ("wpEditToken", &csrf),
            ("returnto", "Special:Version"),
        ],
    );
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(wiki.whoami(&admin), "Dave");

    // Logged in as the same user: no question.
    let again = jwt(
        &json!({ "alg": "HS256" }),
        &claims("Dave", json!({ "jti": "dave-2" })),
        &Signer::Hs256(HS_SECRET),
    );
    let r = post_form(
        &admin,
        &url,
        &[
            ("Authorization", &format!("Bearer {again}")),
            ("returnto", "Special:Version"),
        ],
    );
    assert_eq!(r.status, 200, "{r}");
    assert!(!r.body.contains("You are logged in as"), "{r}");
    assert!(
        r.body.contains("Installed software"),
        "redirected to returnto: {r}"
    );
    assert_eq!(wiki.whoami(&admin), "Dave");
}

/// Finding 9: `exp: 1e19` wrapped negative in the replay record (the same
/// JWT logged in again after a purge), `exp: 99999999999999999999999` was an
/// HTTP 500 TimestampException. Now lifetimes beyond
/// $mwsgTokenAuthenticatorJWTMaxLifetime are refused.
#[test]
fn lifetimes_beyond_the_limit_are_refused_and_never_overflow() {
    let wiki = jwt_wiki("HS256", HS_SECRET);
    let signer = Signer::Hs256(HS_SECRET);
    let t = now();
    for (what, exp) in [
        ("1e19", "1e19".to_string()),
        ("beyond u64", "99999999999999999999999".to_string()),
        ("i64 max", i64::MAX.to_string()),
        ("two days", (t + 2 * 86_400).to_string()),
    ] {
        let text = claims("Far user", json!({ "exp": 424_242_424_242i64 }))
            .to_string()
            .replace("424242424242", &exp);
        assert!(text.contains(&exp), "{text}");
        let token = jwt_raw(r#"{"alg":"HS256"}"#, &text, &signer);
        assert_refused(
            &wiki,
            &format!("Bearer: {token}"),
            401,
            "longer than this wiki accepts",
        );
        assert!(
            !wiki.mw_error_log().contains("TimestampException"),
            "{what}"
        );
    }
    assert!(
        !wiki.mw_error_log().contains("TimestampException"),
        "{}",
        wiki.mw_error_log()
    );
    // Just inside the limit (exp - iat = 86400) is accepted.
    let token = jwt(
        &json!({ "alg": "HS256" }),
        &claims(
            "Near user",
            json!({ "iat": t - 10, "exp": t - 10 + 86_400 }),
        ),
        &signer,
    );
    assert_logged_in(&wiki, &format!("Bearer: {token}"), "Near user");
}

// --- JWTAuth's settings, form and links, unchanged (issue 14) --------------

const JWTAUTH_KEY: &str = "jwtauth-shared-secret-0123456789abcdef";

/// A JWT made by `jsonwebtoken`, the library identity providers use, with
/// JWTAuth's required claims (its README's example, with our iss and aud).
fn library_jwt(name: &str, sub: &str, extra: Value) -> String {
    let t = now();
    let mut claims = json!({
        "sub": sub, "aud": AUDIENCE, "iss": ISSUER, "preferred_username": name,
        "iat": t, "nbf": t, "exp": t + 300, "jti": random_hex(8),
    });
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWTAUTH_KEY.as_bytes()),
    )
    .expect("jsonwebtoken")
}

fn jwtauth_settings() -> String {
    format!(
        "$wgJWTAuthAlgorithm = 'HS256';\n$wgJWTAuthKey = '{JWTAUTH_KEY}';\n\
         $wgJWTGroupMapping = [ 'customgroup1' => [ 'sysop', 'bureaucrat' ], 'customgroup2' => 'sysop' ];\n\
         $wgJWTGroupsClaimName = 'roles';\n$wgJWTAuthDebugMode = true;\n\
         $wgDebugLogGroups['TokenAuthenticator'] = __DIR__ . '/ta.log';"
    )
}

/// JWTAuth's $wgJWT… settings work as they are; only iss and aud must be
/// added, and until they are, every token is refused naming both settings.
/// The JWT may come as the Authorization header, and as "Bearer:<jwt>".
#[test]
fn jwtauth_settings_header_and_names() {
    let mut wiki = Wiki::builder().setting(jwtauth_settings()).start();
    let token = library_jwt("John Doe", "sub-john", json!({ "roles": "customgroup1" }));
    let (r, _) = post_login(&wiki, &format!("Bearer: {token}"));
    assert_eq!(r.status, 500, "{r}");
    assert!(
        r.body.contains("$mwsgTokenAuthenticatorJWTIssuer")
            && r.body.contains("$mwsgTokenAuthenticatorJWTAudience"),
        "names both settings: {r}"
    );

    wiki.add_setting(format!(
        "$mwsgTokenAuthenticatorJWTIssuer = '{ISSUER}';\n$mwsgTokenAuthenticatorJWTAudience = '{AUDIENCE}';"
    ));
    wiki.restart();
    let agent = assert_logged_in(&wiki, &format!("Bearer: {token}"), "John Doe");
    let groups = wiki.userinfo(&agent, "groups")["groups"].clone();
    assert!(
        groups.as_array().unwrap().contains(&"sysop".into()),
        "the groups claim of $wgJWTGroupsClaimName: {groups}"
    );

    // "Bearer:<jwt>", no space, as JWTAuth accepts it.
    let token = library_jwt("John Doe", "sub-john", json!({}));
    assert_logged_in(&wiki, &format!("Bearer:{token}"), "John Doe");
    // The Authorization HTTP header, read first (a GET will do: no site can
    // make a browser send that header cross-site).
    let token = library_jwt("John Doe", "sub-john", json!({}));
    let agent = wiki.client_no_redirects();
    let r = call(
        agent
            .get(&wiki.url("/index.php?title=Special:JWTLogin&returnto=Special:Version"))
            .set("Authorization", &format!("Bearer {token}")),
    );
    assert_eq!(r.status, 302, "{r}");
    assert_eq!(wiki.whoami(&agent), "John Doe");

    // A name JWTAuth accepts and MediaWiki can hold: an e-mail address.
    let token = library_jwt("jdoe@example.org", "sub-jdoe", json!({}));
    assert_logged_in(&wiki, &format!("Bearer: {token}"), "Jdoe@example.org");

    let log = std::fs::read_to_string(wiki.dir().join("ta.log")).unwrap_or_default();
    assert!(log.contains("$wgJWTAuthDebugMode is ignored"), "{log}");
    assert!(!log.contains(&token[..30]), "nothing of a token is logged");
}

/// On a private wiki Special:JWTLogin stays reachable, as JWTAuth makes it.
#[test]
fn jwt_login_works_on_a_private_wiki() {
    let wiki = jwt_wiki_with(
        "HS256",
        HS_SECRET,
        &["$wgGroupPermissions['*']['read'] = false;"],
    );
    let r = wiki.get("/index.php?title=Main_Page");
    assert!(
        r.body.contains("Login required") || r.status == 401 || r.status == 403,
        "private: {r}"
    );
    let r = wiki.get("/index.php?title=Special:JWTLogin");
    assert_eq!(r.status, 200, "{r}");
    assert!(r.body.contains("name=\"Authorization\""), "{r}");
    let token = jwt(
        &json!({ "alg": "HS256" }),
        &claims("Private user", json!({})),
        &Signer::Hs256(HS_SECRET),
    );
    assert_logged_in(&wiki, &format!("Bearer: {token}"), "Private user");
}

/// JWTAuth 2.x's table jwtauth (jwtauth_user, jwtauth_subject,
/// jwtauth_issuer) imported into our links: its users keep their accounts.
#[test]
fn jwtauth_account_links_are_imported() {
    let wiki = Wiki::builder()
        .setting(jwtauth_settings())
        .setting(format!(
            "$mwsgTokenAuthenticatorJWTIssuer = '{ISSUER}';\n$mwsgTokenAuthenticatorJWTAudience = '{AUDIENCE}';"
        ))
        .start();
    wiki.create_user("Legacy user", "legacy-password-123", &[]);
    let legacy = wiki.login("Legacy user", "legacy-password-123");
    let legacy_id = wiki.whoami_id(&legacy);
    // JWTAuth's schema (sql/JWTAuth.json), in SQLite.
    for query in [
        "CREATE TABLE jwtauth (jwtauth_user INTEGER UNSIGNED NOT NULL PRIMARY KEY, \
         jwtauth_subject BLOB NOT NULL, jwtauth_issuer BLOB NOT NULL)"
            .to_string(),
        format!("INSERT INTO jwtauth VALUES ({legacy_id}, 'legacy-sub', '{ISSUER}')"),
        format!("INSERT INTO jwtauth VALUES (9999, 'ghost-sub', '{ISSUER}')"),
    ] {
        let out = wiki.maintenance("sql.php", &["--query", &query]);
        assert!(
            out.status.success(),
            "{query}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let script = format!(
        "{}/mediawiki-extension/maintenance/importJWTAuthLinks.php",
        env!("CARGO_MANIFEST_DIR")
    );
    let run = || {
        let out = wiki
            .php(true)
            .env("MW_INSTALL_PATH", MW_DIR)
            .arg(&script)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (ok, text) = run();
    assert!(!ok, "a row it cannot import fails the run: {text}");
    assert!(
        text.contains("1 link(s) imported") && text.contains("account does not exist"),
        "{text}"
    );
    let (_, text) = run();
    assert!(
        text.contains("0 link(s) imported, 1 already present"),
        "{text}"
    );

    // The subject lands in its account, whatever name the token carries.
    let token = library_jwt("Someone else", "legacy-sub", json!({}));
    assert_logged_in(&wiki, &format!("Bearer: {token}"), "Legacy user");
}

/// Regression (#24): when a store JWT login writes to could not be written
/// (the token store then; the database now, where replay records are
/// kept), Special:JWTLogin answered MediaWiki's generic 500 with a
/// backtrace. It answers 503 with the extension's outage message and
/// Retry-After, and logs nobody in. A read-only database stands in for
/// the outage: every write fails with a database error.
#[test]
fn a_store_that_cannot_be_written_is_a_503_outage_page() {
    let mut wiki = jwt_wiki("HS256", HS_SECRET);
    wiki.add_setting("$wgReadOnly = 'e2e: the database takes no writes';");
    wiki.restart();
    let token = jwt(
        &json!({ "alg": "HS256", "typ": "JWT" }),
        &claims("Outage user", json!({})),
        &Signer::Hs256(HS_SECRET),
    );
    let (r, agent) = post_login(&wiki, &format!("Bearer {token}"));
    assert_eq!(r.status, 503, "{r}");
    assert_eq!(r.header("retry-after"), Some("10"), "{r}");
    assert!(r.body.contains("database is unavailable right now"), "{r}");
    assert!(!r.body.contains("Backtrace"), "{r}");
    assert_eq!(wiki.whoami_id(&agent), 0, "logged in");
}
