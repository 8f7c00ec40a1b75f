//! JWT login with the identity provider's key set (JWKS) end to end: a JWKS
//! server on loopback (tests/common/idp.rs) that rotates its keys, tokens
//! signed by jsonwebtoken (a third-party JOSE library) for RS256, PS256,
//! ES256 and EdDSA, posted to Special:JWTLogin of a real wiki.
//!
//! The wikis keep their main cache in the database (`CACHE_DB`), so that a
//! maintenance script sees the set the web server cached, and can age it:
//! waiting out a max-age of five minutes or a day would not fit a test.

mod common;
use common::*;

use serde_json::json;

const ISSUER: &str = "https://idp.example.org";
const AUDIENCE: &str = "wiki-jwks";
const ALL_ALGORITHMS: &str = "[ 'RS256', 'PS256', 'ES256', 'EdDSA' ]";

fn keyset_wiki(key_set: &str, extra: &[&str]) -> Wiki {
    let mut builder = Wiki::builder()
        .setting("$wgMainCacheType = CACHE_DB;")
        .setting(format!(
            "$mwsgTokenAuthenticatorJWTAlgorithm = {ALL_ALGORITHMS};"
        ))
        .setting(format!(
            "$mwsgTokenAuthenticatorJWTKeySet = {};",
            php_str(key_set)
        ))
        .setting(format!("$mwsgTokenAuthenticatorJWTIssuer = '{ISSUER}';"))
        .setting(format!(
            "$mwsgTokenAuthenticatorJWTAudience = '{AUDIENCE}';"
        ));
    for setting in extra {
        builder = builder.setting(*setting);
    }
    builder.start()
}

fn token_for(key: &IdpKey, user: &str) -> String {
    key.sign(&claims(ISSUER, AUDIENCE, user, 300, json!({})))
}

/// Posts a JWT to Special:JWTLogin; the answer and the client.
fn login(wiki: &Wiki, jwt: &str) -> (HttpResponse, ureq::Agent) {
    let agent = wiki.client_no_redirects();
    let r = post_form(
        &agent,
        &wiki.url("/index.php?title=Special:JWTLogin"),
        &[
            ("Authorization", &format!("Bearer {jwt}")),
            ("returnto", "Special:Version"),
        ],
    );
    (r, agent)
}

fn assert_logs_in(wiki: &Wiki, jwt: &str, user: &str, what: &str) {
    let (r, agent) = login(wiki, jwt);
    assert_eq!(r.status, 302, "{what}: {r}");
    assert_eq!(wiki.whoami(&agent), user, "{what}");
}

fn assert_refused(wiki: &Wiki, jwt: &str, status: u16, says: &str, what: &str) {
    let (r, agent) = login(wiki, jwt);
    assert_eq!(r.status, status, "{what}: {r}");
    assert!(r.body.contains(says), "{what}: expected \"{says}\": {r}");
    assert_eq!(wiki.whoami_id(&agent), 0, "{what}: logged in");
}

const UNKNOWN_KEY: &str = "signed with a key the identity provider does not publish";
const KEY_REFUSED: &str = "this wiki does not accept it";

/// Moves the cached set of `url` in time: past its freshness, or past its
/// hard expiry too (`expired`), as max-age and a day would; and past the
/// minute after the last refresh.
fn age_cached_set(wiki: &Wiki, url: &str, expired: bool) {
    let php = format!(
        "$s = MediaWiki\\MediaWikiServices::getInstance(); $c = method_exists( $s, 'getObjectCacheFactory' ) ? $s->getObjectCacheFactory()->getLocalClusterInstance() : ObjectCache::getLocalClusterInstance(); \
         $k = $c->makeKey( 'tokenauthenticator-jwks', sha1( {url} ) ); $e = $c->get( $k ); \
         if ( is_array( $e ) ) {{ $e['refresh'] = time() - 1; if ( {expired} ) {{ $e['expires'] = time() - 1; }} \
         $c->set( $k, $e, 3600 ); echo 'aged'; }} else {{ echo 'nothing cached'; }} \
         $c->delete( $c->makeKey( 'tokenauthenticator-jwks-fetch', sha1( {url} ), 'age' ) );\n",
        url = php_str(url),
        expired = if expired { "true" } else { "false" },
    );
    let out = wiki.maintenance_with_input("eval.php", &[], &php);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("aged"), "eval.php: {said}");
}

#[test]
fn every_algorithm_rotation_floods_and_an_unreachable_provider() {
    let rs = IdpKey::generate(Alg::Rs256, "rs-1");
    let ps = IdpKey::generate(Alg::Ps256, "ps-1");
    let es = IdpKey::generate(Alg::Es256, "es-1");
    let ed = IdpKey::generate(Alg::EdDsa, "ed-1");
    let idp = JwksServer::start(&[&rs, &ps, &es, &ed]);
    idp.set_max_age(Some(3600));
    let wiki = keyset_wiki(&idp.jwks_url(), &[]);

    // Each algorithm, its key chosen by kid; the set is fetched once.
    for (key, user) in [
        (&rs, "Rsa user"),
        (&ps, "Pss user"),
        (&es, "Ecdsa user"),
        (&ed, "Eddsa user"),
    ] {
        assert_logs_in(&wiki, &token_for(key, user), user, key.alg().name());
    }
    assert_eq!(idp.hits("/jwks.json"), 1, "one fetch for all logins");
    // Without kid: the one key that fits EdDSA.
    let no_kid = ed.sign_without_kid(&claims(ISSUER, AUDIENCE, "Eddsa user", 300, json!({})));
    assert_logs_in(&wiki, &no_kid, "Eddsa user", "EdDSA without kid");

    // Rotation: the provider publishes a new key and signs with it. The
    // wiki fetches the set again for the kid it does not know.
    let rs2 = IdpKey::generate(Alg::Rs256, "rs-2");
    idp.set_keys(&[&rs, &rs2, &ps, &es, &ed]);
    assert_logs_in(
        &wiki,
        &token_for(&rs2, "Rotated user"),
        "Rotated user",
        "new key",
    );
    assert_eq!(idp.hits("/jwks.json"), 2, "one refetch for the new kid");

    // A flood of made-up kids costs the provider nothing more this minute.
    for i in 0..12 {
        let forged = rs2.sign_with_kid(
            &claims(ISSUER, AUDIENCE, "Flood user", 300, json!({})),
            &format!("made-up-{i}"),
        );
        assert_refused(&wiki, &forged, 401, UNKNOWN_KEY, "made-up kid");
    }
    assert_eq!(idp.hits("/jwks.json"), 2, "no refetch within the minute");

    // Without kid, with two RSA keys for RS256 in the set: no key is chosen.
    let ambiguous = rs2.sign_without_kid(&claims(ISSUER, AUDIENCE, "Rotated user", 300, json!({})));
    assert_refused(
        &wiki,
        &ambiguous,
        401,
        UNKNOWN_KEY,
        "no kid, two RS256 keys",
    );

    // The old key is removed: still accepted from the cached set, refused
    // once the set is refreshed (its max-age passed).
    idp.set_keys(&[&rs2, &ps, &es, &ed]);
    assert_logs_in(
        &wiki,
        &token_for(&rs, "Rsa user"),
        "Rsa user",
        "removed key, cached set",
    );
    age_cached_set(&wiki, &idp.jwks_url(), false);
    assert_refused(
        &wiki,
        &token_for(&rs, "Rsa user"),
        401,
        UNKNOWN_KEY,
        "removed key after refresh",
    );
    assert_eq!(idp.hits("/jwks.json"), 3, "refreshed once");
    assert_logs_in(
        &wiki,
        &token_for(&rs2, "Rotated user"),
        "Rotated user",
        "current key",
    );

    // The provider cannot be reached: the cached set serves until its hard
    // expiry, then login fails closed with the outage answer.
    idp.down();
    age_cached_set(&wiki, &idp.jwks_url(), false);
    assert_logs_in(
        &wiki,
        &token_for(&es, "Ecdsa user"),
        "Ecdsa user",
        "provider down, stale set",
    );
    age_cached_set(&wiki, &idp.jwks_url(), true);
    let (r, agent) = login(&wiki, &token_for(&es, "Ecdsa user"));
    assert_eq!(r.status, 503, "{r}");
    assert_eq!(r.header("retry-after"), Some("10"), "{r}");
    assert!(
        r.body.contains("$mwsgTokenAuthenticatorJWTKeySet"),
        "names the setting: {r}"
    );
    assert!(!r.body.contains("Backtrace"), "{r}");
    assert_eq!(wiki.whoami_id(&agent), 0);
}

#[test]
fn sets_given_as_text_or_file_and_the_keys_they_refuse() {
    let rs_a = IdpKey::generate(Alg::Rs256, "rs-a");
    let rs_b = IdpKey::generate(Alg::Rs256, "rs-b");
    let es = IdpKey::generate(Alg::Es256, "es-1");
    let short = IdpKey::rsa_with_bits(1024, "rs-short");

    // JSON text in LocalSettings.php.
    let wiki = keyset_wiki(&jwks(&[&rs_a, &es]), &[]);
    assert_logs_in(
        &wiki,
        &token_for(&rs_a, "Text user"),
        "Text user",
        "JSON text",
    );
    assert_logs_in(
        &wiki,
        &token_for(&es, "Text user"),
        "Text user",
        "JSON text, ES256",
    );
    drop(wiki);

    // A file, read on each login: its keys change without a restart.
    let dir = TempDir::new("mws-ta-jwks");
    let file = dir.path().join("jwks.json");
    let write = |body: String| std::fs::write(&file, body).unwrap();
    write(jwks(&[&rs_a, &rs_b]));
    let wiki = keyset_wiki(file.to_str().unwrap(), &[]);
    assert_logs_in(&wiki, &token_for(&rs_b, "File user"), "File user", "file");
    let no_kid = rs_a.sign_without_kid(&claims(ISSUER, AUDIENCE, "File user", 300, json!({})));
    assert_refused(&wiki, &no_kid, 401, UNKNOWN_KEY, "no kid, two keys fit");

    // Keys the strict reader refuses, next to a good one: the good one
    // still works, and a JWT naming a refused key is refused for it.
    let mut oct =
        json!({ "kty": "oct", "kid": "oct-1", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0" });
    let mut bad_curve = es.jwk();
    bad_curve["kid"] = json!("es-bad");
    // 48-byte coordinates (P-384's size) under crv P-256.
    bad_curve["x"] = json!(format!(
        "{}AAAAAAAAAAAAAAAAAAAAAA",
        bad_curve["x"].as_str().unwrap()
    ));
    bad_curve["y"] = json!(format!(
        "{}AAAAAAAAAAAAAAAAAAAAAA",
        bad_curve["y"].as_str().unwrap()
    ));
    let keys = json!({ "keys": [rs_a.jwk(), short.jwk(), oct.take(), bad_curve] });
    write(keys.to_string());
    assert_logs_in(
        &wiki,
        &token_for(&rs_a, "File user"),
        "File user",
        "good key next to refused ones",
    );
    for kid in ["rs-short", "oct-1", "es-bad"] {
        let jwt = rs_a.sign_with_kid(&claims(ISSUER, AUDIENCE, "File user", 300, json!({})), kid);
        assert_refused(&wiki, &jwt, 401, KEY_REFUSED, kid);
    }

    // A set with a member named twice is refused whole: a misconfiguration
    // (500, the reason in the log), never a login.
    let twice = format!(
        "{{\"keys\":[{{\"kty\":\"RSA\",\"kid\":\"rs-a\",\"kid\":\"rs-b\",\"n\":{},\"e\":{}}}]}}",
        rs_a.jwk()["n"],
        rs_a.jwk()["e"]
    );
    write(twice);
    assert_refused(
        &wiki,
        &token_for(&rs_a, "File user"),
        500,
        "misconfigured",
        "duplicate member",
    );
    // A set of nothing but refused keys likewise.
    write(json!({ "keys": [short.jwk()] }).to_string());
    assert_refused(
        &wiki,
        &token_for(&rs_a, "File user"),
        500,
        "misconfigured",
        "no usable key",
    );
}

#[test]
fn a_fetched_set_that_is_refused_is_an_outage_and_http_needs_loopback() {
    let rs = IdpKey::generate(Alg::Rs256, "rs-1");
    let idp = JwksServer::start_with_body(format!("{{\"keys\":[{}],\"keys\":[]}}", rs.jwk()));
    let log = TempDir::new("mws-ta-jwks-log");
    let log_file = log.path().join("ta.log");
    let mut wiki = keyset_wiki(
        &idp.jwks_url(),
        &[&format!(
            "$wgDebugLogGroups['TokenAuthenticator'] = {};",
            php_str(log_file.to_str().unwrap())
        )],
    );
    assert_refused(
        &wiki,
        &token_for(&rs, "Fetch user"),
        503,
        "$mwsgTokenAuthenticatorJWTKeySet",
        "duplicate member",
    );
    // Once the provider serves a good set, it is fetched at the next chance
    // (a failed fetch waits a minute: the lock is aged away here).
    idp.set_keys(&[&rs]);
    let forget = "$s = MediaWiki\\MediaWikiServices::getInstance(); $c = method_exists( $s, 'getObjectCacheFactory' ) ? $s->getObjectCacheFactory()->getLocalClusterInstance() : ObjectCache::getLocalClusterInstance(); \
                  $c->delete( $c->makeKey( 'tokenauthenticator-jwks-fetch', sha1( URL ), 'age' ) ); echo 'aged';\n"
        .replace("URL", &php_str(&idp.jwks_url()));
    let out = wiki.maintenance_with_input("eval.php", &[], &forget);
    assert!(String::from_utf8_lossy(&out.stdout).contains("aged"));
    assert_logs_in(
        &wiki,
        &token_for(&rs, "Fetch user"),
        "Fetch user",
        "good set",
    );

    // http:// only to loopback; https:// to anywhere (here: nowhere).
    wiki.add_setting("$mwsgTokenAuthenticatorJWTKeySet = 'http://idp.example.org/jwks.json';");
    wiki.restart();
    assert_refused(
        &wiki,
        &token_for(&rs, "Fetch user"),
        503,
        "$mwsgTokenAuthenticatorJWTKeySet",
        "http to a host name",
    );
    let said = std::fs::read_to_string(&log_file).unwrap_or_default();
    assert!(
        said.contains("only https:// URLs are fetched"),
        "the log says why: {said}"
    );
    assert!(
        said.contains("more than once"),
        "the log says why the first set was refused: {said}"
    );
}

fn discovery_wiki(issuer: &str) -> Wiki {
    Wiki::builder()
        .setting("$wgMainCacheType = CACHE_DB;")
        .setting("$mwsgTokenAuthenticatorJWTAlgorithm = 'ES256';")
        .setting("$mwsgTokenAuthenticatorJWTDiscovery = true;")
        .setting(format!(
            "$mwsgTokenAuthenticatorJWTIssuer = {};",
            php_str(issuer)
        ))
        .setting(format!(
            "$mwsgTokenAuthenticatorJWTAudience = '{AUDIENCE}';"
        ))
        .start()
}

#[test]
fn discovery_finds_the_set_from_the_issuer() {
    let es = IdpKey::generate(Alg::Es256, "es-d");
    let idp = JwksServer::start(&[&es]);
    let issuer = idp.base();
    let wiki = discovery_wiki(&issuer);
    let jwt = es.sign(&claims(
        &issuer,
        AUDIENCE,
        "Discovered user",
        300,
        json!({}),
    ));
    let (r, agent) = login(&wiki, &jwt);
    assert_eq!(r.status, 302, "{r}");
    assert_eq!(wiki.whoami(&agent), "Discovered user");
    assert_eq!(idp.hits("/.well-known/openid-configuration"), 1);
    assert_eq!(idp.hits("/jwks.json"), 1);
    drop(wiki);

    // A document naming another issuer is refused: no key from it is used.
    idp.set_discovery_issuer("https://attacker.example".into());
    let wiki = discovery_wiki(&issuer);
    assert_refused(
        &wiki,
        &jwt,
        503,
        "$mwsgTokenAuthenticatorJWTDiscovery",
        "issuer mismatch",
    );
}

#[test]
fn a_key_and_a_key_set_together_are_refused_by_name() {
    let rs = IdpKey::generate(Alg::Rs256, "rs-1");
    let wiki = keyset_wiki(
        &jwks(&[&rs]),
        &[&format!(
            "$mwsgTokenAuthenticatorJWTKey = {};",
            php_str(&rs.public_pem())
        )],
    );
    assert_refused(
        &wiki,
        &token_for(&rs, "Both user"),
        500,
        "$mwsgTokenAuthenticatorJWTKey",
        "key and key set",
    );
}
