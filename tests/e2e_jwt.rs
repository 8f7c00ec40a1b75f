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

fn b64url(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
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
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
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
    format!("{input}.{}", b64url(&sig))
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
    Wiki::builder()
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
            "issuer",
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
            "RS256",
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
    assert_refused(&wiki, &format!("Bearer: {none}"), 401, "none");
    // A tampered payload.
    let good = jwt(&header, &claims("Tamper user", json!({})), &signer);
    let parts: Vec<&str> = good.split('.').collect();
    let evil = b64url(claims("Admin", json!({})).to_string().as_bytes());
    assert_refused(
        &wiki,
        &format!("Bearer: {}.{evil}.{}", parts[0], parts[2]),
        401,
        "signature",
    );
    // No token at all, and garbage.
    assert_refused(&wiki, "", 400, "No JWT was sent");
    assert_refused(&wiki, "Bearer: not-a-jwt", 401, "refused");

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
    assert_refused(&wiki, &format!("Bearer: {confused}"), 401, "HS256");
    // An EdDSA token on the RS256 wiki, too.
    let ed_token = jwt(
        &json!({ "alg": "EdDSA" }),
        &claims("Ed user", json!({})),
        &Signer::EdDsa(&ed_key, dir.path()),
    );
    assert_refused(&wiki, &format!("Bearer: {ed_token}"), 401, "EdDSA");
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
        ("Far ahead", json!({ "iat": t + 120 }), "future"),
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
