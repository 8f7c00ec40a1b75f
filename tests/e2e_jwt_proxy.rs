//! Single sign-on behind an identity-aware proxy, end to end: nginx on
//! loopback (tests/common/header_proxy.rs) in front of a real wiki puts the
//! user's JWT into a header the way Pomerium, Cloudflare Access and
//! oauth2-proxy do (overwriting whatever the client sent), from its own
//! address 127.0.0.2; direct clients come from 127.0.0.1.

mod common;
use common::*;

use serde_json::json;

const ISSUER: &str = "https://idp.example.org";
const AUDIENCE: &str = "wiki-sso";
const HEADER: &str = "X-Pomerium-Jwt-Assertion";

struct Sso {
    wiki: Wiki,
    proxy: HeaderProxy,
    key: IdpKey,
    _idp: JwksServer,
    log: TempDir,
}

impl Sso {
    fn start(header: &str, bearer: bool, ranges: Option<&str>) -> Sso {
        let key = IdpKey::generate(Alg::Es256, "es-proxy");
        let idp = JwksServer::start(&[&key]);
        let log = TempDir::new("mws-ta-sso-log");
        let ranges = match ranges {
            Some(r) => format!("$mwsgTokenAuthenticatorJWTProxyRanges = {r};"),
            // Unset: $wgCdnServers names the proxy.
            None => "$wgCdnServers = [ '127.0.0.2' ];".to_string(),
        };
        let wiki = Wiki::builder()
            .setting("$mwsgTokenAuthenticatorJWTAlgorithm = [ 'ES256', 'RS256' ];")
            .setting(format!(
                "$mwsgTokenAuthenticatorJWTKeySet = {};",
                php_str(&idp.jwks_url())
            ))
            .setting(format!("$mwsgTokenAuthenticatorJWTIssuer = '{ISSUER}';"))
            .setting(format!(
                "$mwsgTokenAuthenticatorJWTAudience = '{AUDIENCE}';"
            ))
            .setting(format!(
                "$mwsgTokenAuthenticatorJWTProxyHeader = {};",
                php_str(header)
            ))
            .setting(ranges)
            .setting("$mwsgTokenAuthenticatorJWTGroupMapping = [ 'staff' => 'sysop' ];")
            .setting(format!(
                "$wgDebugLogGroups['TokenAuthenticator'] = {};",
                php_str(log.path().join("ta.log").to_str().unwrap())
            ))
            .start();
        let proxy = HeaderProxy::start(wiki.port(), "127.0.0.2", header, bearer);
        Sso {
            wiki,
            proxy,
            key,
            _idp: idp,
            log,
        }
    }

    fn jwt(&self, user: &str, lifetime: i64, extra: serde_json::Value) -> String {
        self.key
            .sign(&claims(ISSUER, AUDIENCE, user, lifetime, extra))
    }

    /// `path` of the wiki (e.g. "/api.php?...") through the proxy.
    fn via_proxy(&self, path: &str) -> String {
        format!("{}{}{}", self.proxy.base(), self.wiki.script_path(), path)
    }

    /// GET through the proxy, signed in at the proxy with `jwt`.
    fn get(&self, path: &str, jwt: &str) -> HttpResponse {
        call(
            ureq::AgentBuilder::new()
                .redirects(0)
                .build()
                .get(&self.via_proxy(path))
                .set(TEST_ASSERTION_HEADER, jwt),
        )
    }

    /// meta=userinfo straight from the wiki, not through the proxy, with a
    /// header `name` that only the proxy should set.
    fn direct_userinfo(&self, name: &str, value: &str) -> HttpResponse {
        call(
            ureq::AgentBuilder::new()
                .build()
                .get(
                    &self
                        .wiki
                        .url("/api.php?action=query&meta=userinfo&format=json"),
                )
                .set(name, value),
        )
    }

    /// POST of `form` to api.php through the proxy, signed in with `jwt`.
    fn post_api(&self, jwt: &str, form: &[(&str, &str)]) -> HttpResponse {
        response(
            ureq::AgentBuilder::new()
                .build()
                .post(&self.via_proxy("/api.php"))
                .set(TEST_ASSERTION_HEADER, jwt)
                .send_form(form),
        )
    }

    fn userinfo(&self, jwt: &str) -> (HttpResponse, Value) {
        let r = self.get(
            "/api.php?action=query&meta=userinfo&uiprop=groups&format=json",
            jwt,
        );
        let info = r.json()["query"]["userinfo"].clone();
        (r, info)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path().join("ta.log")).unwrap_or_default()
    }
}

fn groups(info: &Value) -> Vec<String> {
    info["groups"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_proxys_jwt_signs_in_on_every_entry_point_and_only_from_the_proxy() {
    let sso = Sso::start(HEADER, false, Some("[ '127.0.0.2/32' ]"));

    // api.php: the first request creates the account; its groups follow
    // the JWT's.
    let staff = sso.jwt("Sso user", 300, json!({ "groups": ["staff"] }));
    let (r, info) = sso.userinfo(&staff);
    assert_eq!(info["name"], "Sso user", "{r}");
    assert!(info["id"].as_i64().unwrap_or(0) > 0, "{r}");
    assert!(groups(&info).contains(&"sysop".to_string()), "{r}");
    let vary = r.header("vary").unwrap_or("").to_ascii_lowercase();
    assert!(vary.contains(&HEADER.to_ascii_lowercase()), "Vary: {r}");
    assert!(
        r.header("set-cookie").is_none_or(|c| !c.contains("UserID")),
        "no login cookie: {r}"
    );

    // index.php.
    let page = sso.get("/index.php?title=Special:BlankPage", &staff);
    assert_eq!(page.status, 200, "{page}");
    assert!(page.body.contains("\"wgUserName\":\"Sso user\""), "{page}");
    let vary = page.header("vary").unwrap_or("").to_ascii_lowercase();
    assert!(vary.contains(&HEADER.to_ascii_lowercase()), "Vary: {page}");

    // rest.php: a user token is minted for the signed-in user only.
    let minted = sso.get("/rest.php/mws/v1/user-token/generate", &staff);
    assert_eq!(minted.status, 200, "{minted}");

    // A renewed JWT without the group: the group goes (it was given by
    // the JWT), the account stays the same.
    let plain = sso.jwt("Sso user", 300, json!({ "groups": [] }));
    let (r, info) = sso.userinfo(&plain);
    assert_eq!(info["name"], "Sso user", "{r}");
    assert!(!groups(&info).contains(&"sysop".to_string()), "{r}");

    // Writes need the session's CSRF token (browsers' cross-site requests
    // pass the proxy too), and it holds when the proxy renews the JWT.
    let r = sso.get("/api.php?action=query&meta=tokens&format=json", &plain);
    let csrf = r.json()["query"]["tokens"]["csrftoken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(csrf, "+\\", "{r}");
    let renewed = sso.jwt("Sso user", 300, json!({}));
    let edit = sso.post_api(
        &renewed,
        &[
            ("action", "edit"),
            ("title", "Sso page"),
            ("text", "written through the proxy"),
            ("token", &csrf),
            ("format", "json"),
        ],
    );
    assert_eq!(edit.json()["edit"]["result"], "Success", "{edit}");
    let forged = sso.post_api(
        &renewed,
        &[
            ("action", "edit"),
            ("title", "Sso page"),
            ("text", "no token"),
            ("token", "+\\"),
            ("format", "json"),
        ],
    );
    assert_eq!(api_error(&forged), "badtoken", "{forged}");

    // Straight to the wiki, not through the proxy: the header is ignored
    // (anonymous), and a warning says so.
    let direct = sso.direct_userinfo(HEADER, &staff);
    assert_eq!(direct.json()["query"]["userinfo"]["id"], 0, "{direct}");
    assert!(sso.log().contains("not a trusted proxy"), "{}", sso.log());

    // Without the header, through the proxy: anonymous as usual.
    let r = call(
        ureq::AgentBuilder::new()
            .build()
            .get(&sso.via_proxy("/api.php?action=query&meta=userinfo&format=json")),
    );
    assert_eq!(r.json()["query"]["userinfo"]["id"], 0, "{r}");

    // An expired JWT (beyond the leeway) is refused, never anonymous.
    let expired = sso.key.sign(&claims(
        ISSUER,
        AUDIENCE,
        "Sso user",
        300,
        json!({ "iat": 1_000_000_000, "nbf": 1_000_000_000, "exp": 1_000_000_300 }),
    ));
    let r = sso.get("/api.php?action=query&meta=userinfo&format=json", &expired);
    assert_eq!(r.status, 401, "{r}");
    let r = sso.get("/index.php?title=Special:BlankPage", &expired);
    assert_eq!(r.status, 401, "{r}");
    assert!(r.body.contains("expired"), "{r}");
    // A forged one too.
    let forged_sig = format!("{}AAAA", &staff[..staff.len() - 4]);
    let r = sso.get("/rest.php/mws/v1/user-token/generate", &forged_sig);
    assert_eq!(r.status, 401, "{r}");

    // Cloudflare Access sends no preferred_username: the account is named
    // by the e-mail address.
    let cf = sso.jwt(
        "Cf user",
        300,
        json!({ "preferred_username": null, "email": "cf.user@example.org" }),
    );
    let (r, info) = sso.userinfo(&cf);
    assert_eq!(info["name"], "Cf.user@example.org", "{r}");

    // Logging out is the proxy's business: MediaWiki says it cannot.
    let logout = sso.post_api(
        &plain,
        &[("action", "logout"), ("token", &csrf), ("format", "json")],
    );
    assert_eq!(api_error(&logout), "cannotlogout", "{logout}");
    let (r, info) = sso.userinfo(&plain);
    assert_eq!(info["name"], "Sso user", "{r}");
}

#[test]
fn authorization_bearer_from_a_proxy_in_cdn_servers() {
    // As oauth2-proxy and ingress controllers pass it; the proxy's address
    // comes from $wgCdnServers.
    let sso = Sso::start("Authorization", true, None);
    let jwt = sso.jwt("Bearer user", 300, json!({}));
    let (r, info) = sso.userinfo(&jwt);
    assert_eq!(info["name"], "Bearer user", "{r}");

    // The same Authorization sent directly: ignored.
    let direct = sso.direct_userinfo("Authorization", &format!("Bearer {jwt}"));
    assert_eq!(direct.json()["query"]["userinfo"]["id"], 0, "{direct}");
}
