//! Drop-in for the reference systems: their clients and their admins'
//! settings, unchanged, against this extension (issue 14). What a reference's
//! client does is written here as that client does it (read from the
//! reference's code), never by calling this extension's own code.

mod common;
use common::*;

use serde_json::json;
use std::net::TcpListener;
use std::process::Command;
use std::thread::JoinHandle;

const SALT: &str = "websocket-salt-0123456789abcdef";

/// `$wgDBname`-based wiki id of a test wiki, as siteinfo reports it.
fn wiki_id(wiki: &Wiki) -> String {
    let r = wiki.api(None, "action=query&meta=siteinfo");
    r.json()["query"]["general"]["wikiid"]
        .as_str()
        .unwrap_or_else(|| panic!("no wikiid: {r}"))
        .to_string()
}

/// A consumer of salted tokens in the way of BlueSpice's WebSocket service:
/// for each connection it reads the envelope, checks `sig` with the shared
/// salt, then asks `<configured wiki base URL> + verifyCallback +
/// '/mws/v1/user-token/verify/' + token` with a plain GET and no
/// credentials, and needs `username` and this wiki's `wiki_id`. It answers
/// "welcome <username>" or "refused: <why>". Serves `connections`
/// connections, then ends.
fn websocket_consumer(
    wiki_base: String,
    expected_wiki: String,
    connections: usize,
) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let mut ws = tungstenite::accept(stream.expect("accept")).expect("WebSocket handshake");
            let envelope = ws
                .read()
                .expect("the envelope")
                .into_text()
                .expect("text")
                .to_string();
            let answer = consume(&wiki_base, &expected_wiki, &envelope);
            ws.send(tungstenite::Message::text(answer)).expect("answer");
            let _ = ws.close(None);
            // Let the client read the close frame.
            while ws.read().is_ok() {}
        }
    });
    (port, handle)
}

fn consume(wiki_base: &str, expected_wiki: &str, envelope: &str) -> String {
    let fields: Value = match serde_json::from_slice(&base64_decode(envelope)) {
        Ok(v) => v,
        Err(_) => return "refused: not an envelope".into(),
    };
    let (Some(callback), Some(token), Some(sig)) = (
        fields["verifyCallback"].as_str(),
        fields["token"].as_str(),
        fields["sig"].as_str(),
    ) else {
        return "refused: fields missing".into();
    };
    let key = format!("hexkey:{}", hex(SALT.as_bytes()));
    let expected = openssl_dgst(
        &["-mac", "HMAC", "-macopt", &key],
        format!("{callback}{token}").as_bytes(),
    );
    if expected != sig {
        return "refused: signature".into();
    }
    let url = format!("{wiki_base}{callback}/mws/v1/user-token/verify/{token}");
    let r = response(ureq::AgentBuilder::new().build().get(&url).call());
    if r.status != 200 {
        return format!("refused: verify answered {}", r.status);
    }
    let info = r.json();
    match (info["username"].as_str(), info["wiki_id"].as_str()) {
        (Some(name), Some(id)) if id == expected_wiki => format!("welcome {name}"),
        _ => format!("refused: answer {info}"),
    }
}

fn connect_and_send(port: u16, envelope: &str) -> String {
    let (mut ws, _) =
        tungstenite::connect(format!("ws://127.0.0.1:{port}/")).expect("connect to the consumer");
    ws.send(tungstenite::Message::text(envelope.to_string()))
        .expect("send");
    let answer = ws
        .read()
        .expect("answer")
        .into_text()
        .expect("text")
        .to_string();
    let _ = ws.close(None);
    answer
}

fn generate_salted(wiki: &Wiki, agent: &ureq::Agent) -> String {
    let r = get(
        agent,
        &wiki.url("/rest.php/mws/v1/user-token/generate?withIssuer=1"),
    );
    assert_eq!(r.status, 200, "{r}");
    r.json()["value"].as_str().unwrap().to_string()
}

/// mwstake: the salted envelope's verifyCallback is the REST entry point
/// (wfScript( 'rest' ), "/w/rest.php" on a wiki under /w), which a real
/// consumer prefixes with its configured wiki base URL.
#[test]
fn websocket_consumer_of_salted_tokens_on_a_wiki_under_a_path() {
    let mut wiki = Wiki::builder()
        .under_path("/w")
        .setting(format!("$mwsgTokenAuthenticatorSalt = '{SALT}';"))
        .start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    let alice = wiki.login("Alice", "alice-password-123");
    // Pages are at /wiki/<title>, the entry points under /w.
    let page = get(&alice, &wiki.site_url("/wiki/Main_Page"));
    assert_eq!(page.status, 200, "{page}");
    assert!(
        page.body.contains("\"wgPageName\":\"Main_Page\"")
            && page.body.contains("src=\"/w/load.php"),
        "{page}"
    );

    let id = wiki_id(&wiki);
    let (port, consumer) = websocket_consumer(wiki.base(), id.clone(), 3);
    let envelope = generate_salted(&wiki, &alice);
    let fields: Value = serde_json::from_slice(&base64_decode(&envelope)).unwrap();
    assert_eq!(fields["verifyCallback"], "/w/rest.php", "{fields}");

    assert_eq!(connect_and_send(port, &envelope), "welcome Alice");
    // The same token again: used up.
    assert_eq!(
        connect_and_send(port, &envelope),
        "refused: verify answered 400"
    );
    // A forged envelope never reaches the wiki.
    let forged =
        json!({ "verifyCallback": "/w/rest.php", "token": "0".repeat(64), "sig": "0".repeat(64) });
    let forged = String::from_utf8(
        Command::new("sh")
            .arg("-c")
            .arg("printf '%s' \"$0\" | base64 -w0")
            .arg(forged.to_string())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(connect_and_send(port, &forged), "refused: signature");
    consumer.join().unwrap();

    // For services that serve several wikis: the absolute URL, as in 1.0.5.
    wiki.add_setting("$mwsgTokenAuthenticatorAbsoluteVerifyCallback = true;");
    wiki.restart();
    let alice = wiki.login("Alice", "alice-password-123");
    let fields: Value =
        serde_json::from_slice(&base64_decode(&generate_salted(&wiki, &alice))).unwrap();
    assert_eq!(
        fields["verifyCallback"],
        format!("{}/w/rest.php", wiki.base()),
        "{fields}"
    );
}

/// mwstake: an admin's settings mean what they meant there, the verify
/// answer has the reference's shape, and the reference's app-token line exists.
#[test]
fn mwstake_settings_answers_and_app_token_verify() {
    const SERVICE: &str = "mwstake-service-token-0123456789";
    const APPS: &str = "mwstake-apps-secret-0123456789";
    let mut wiki = Wiki::builder()
        .setting(format!("$mwsgTokenAuthenticatorSalt = '{SALT}';"))
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceToken = '{SERVICE}';"
        ))
        .setting("$mwsgTokenAuthenticatorServiceAllowedAPIModules = [ 'ApiQueryUserInfo' ];")
        .setting("$mwsgTokenAuthenticatorServiceCIDR = [ '10.0.0.0/8' ];")
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'apps', 'user' => 'App bot', \
             'token' => '{APPS}', 'appTokens' => true ] ];"
        ))
        .setting("$mwsgTokenAuthenticatorAllowAnonymous = true;")
        .setting("$wgDebugLogGroups['TokenAuthenticator'] = __DIR__ . '/ta.log';")
        .start();
    let key = format!("ApiKey {SERVICE}");
    let userinfo = "action=query&meta=userinfo";

    // A list is used exactly as given: loopback is not added to it.
    let r = wiki.api(Some(&key), userinfo);
    assert_eq!(
        api_error(&r),
        "tokenauthenticator-error-address-denied",
        "{r}"
    );
    // '' (and null), as in the reference: any address, with a warning.
    wiki.add_setting("$mwsgTokenAuthenticatorServiceCIDR = '';");
    wiki.restart();
    let r = wiki.api(Some(&key), userinfo);
    assert_eq!(
        r.json()["query"]["userinfo"]["name"],
        "ChatBot service user",
        "{r}"
    );
    let log = std::fs::read_to_string(wiki.dir().join("ta.log")).unwrap_or_default();
    assert!(log.contains("accepted from any address"), "{log}");
    // Unset: loopback.
    wiki.add_setting("unset( $mwsgTokenAuthenticatorServiceCIDR );");
    wiki.restart();
    let r = wiki.api(Some(&key), userinfo);
    assert_eq!(
        r.json()["query"]["userinfo"]["name"],
        "ChatBot service user",
        "{r}"
    );

    // The verify answer: meta [] when empty (the reference's PHP array),
    // {"anon": true} for an anonymous token.
    wiki.create_user("Alice", "alice-password-123", &[]);
    let alice = wiki.login("Alice", "alice-password-123");
    let token = wiki.user_token(&alice);
    let r = wiki.get(&format!("/rest.php/mws/v1/user-token/verify/{token}"));
    assert_eq!(r.json()["meta"], json!([]), "{r}");
    assert_eq!(r.json()["lang_code"], "en", "{r}");
    let anon_token = wiki.user_token(&wiki.client());
    let r = wiki.get(&format!("/rest.php/mws/v1/user-token/verify/{anon_token}"));
    assert_eq!(r.json()["meta"], json!({ "anon": true }), "{r}");
    assert_eq!(r.json()["id"], 0, "{r}");

    // /mws/v1/app-token/verify/{token}: the reference's answer for a live
    // app token; a user token is no app token.
    let r = response(
        wiki.client()
            .post(&wiki.url("/rest.php/mws/v1/app-token/generate"))
            .set("Authorization", &format!("ApiKey {APPS}"))
            .set("Content-Type", "application/json")
            .send_string(""),
    );
    assert_eq!(r.status, 200, "{r}");
    let envelope: Value =
        serde_json::from_slice(&base64_decode(r.json()["value"].as_str().unwrap())).unwrap();
    assert_eq!(envelope["verifyCallback"], "/rest.php", "{envelope}");
    let inner = envelope["token"].as_str().unwrap();
    let r = wiki.get(&format!("/rest.php/mws/v1/app-token/verify/{inner}"));
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(
        r.json(),
        json!({ "wiki": wiki_id(&wiki), "app": true }),
        "{r}"
    );
    let again = wiki.get(&format!("/rest.php/mws/v1/app-token/verify/{inner}"));
    assert_eq!(
        again.status, 200,
        "app tokens are reusable until they expire: {again}"
    );
    let user = wiki.user_token(&alice);
    for bad in [user.as_str(), "abc", "0000"] {
        let r = wiki.get(&format!("/rest.php/mws/v1/app-token/verify/{bad}"));
        assert_eq!(r.status, 400, "{bad}: {r}");
        assert_eq!(r.json()["message"], "Invalid or expired token.", "{r}");
    }
    // The user token was not used up by being tried as an app token.
    let r = wiki.get(&format!("/rest.php/mws/v1/user-token/verify/{user}"));
    assert_eq!(r.status, 200, "{r}");
}

/// The composer component and this extension both register
/// /mws/v1/user-token/*: a clear error naming both, not a router failure.
#[test]
fn the_composer_component_next_to_us_is_a_clear_error() {
    let mut wiki = Wiki::start();
    wiki.add_setting(
        "define( 'MWSTAKE_MEDIAWIKI_COMPONENT_TOKEN_AUTHENTICATOR_VERSION', '1.1.0' );",
    );
    wiki.restart();
    let r = wiki.get("/rest.php/mws/v1/user-token/generate");
    assert_eq!(r.status, 500, "{r}");
    let message = r.json()["message"].as_str().unwrap_or_default().to_string();
    assert!(
        message.contains("mwstake/mediawiki-component-token-authenticator")
            && message.contains("TokenAuthenticator")
            && message.contains("composer remove"),
        "{r}"
    );
    let r = wiki.get("/api.php?action=query&meta=siteinfo&format=json");
    assert_eq!(
        r.json()["error"]["code"],
        "tokenauthenticator-component-clash",
        "{r}"
    );
    let out = wiki.maintenance("update.php", &["--quick"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && text.contains("mwstake/mediawiki-component-token-authenticator"),
        "{text}"
    );
}

/// NetworkSession's README: its example configuration and its curl line,
/// unchanged, over HTTPS through a trusted proxy; plain HTTP refused, also
/// with a forged X-Forwarded-Proto (the README's "development" line).
#[test]
fn networksession_readme_example_over_https_through_a_trusted_proxy() {
    const TOKEN: &str = "@ryoEdR7p^lG1E&mMsO0tZn3Q6I&r03s";
    const ROTATED: &str = "Ih4#JyFQfyTe1iNn7eWtTry%Ye!caySS";
    let mut wiki = Wiki::builder()
        .under_path("/w")
        // NetworkSession's README, verbatim.
        .setting(
            r#"$wgNetworkSessionProviderUsers = [
	[
		'username' => 'Example bot',
		'token' => '@ryoEdR7p^lG1E&mMsO0tZn3Q6I&r03s',
		'ip_ranges' => [
			'127.0.0.1',
			'10.0.0.0-10.255.255.255',
			'192.168.0.0/28',
		]
	]
];
$wgNetworkSessionProviderAllowedUserRights = [ 'read' ];
$wgNetworkSessionProviderCanAlwaysAutocreate  = true;"#,
        )
        // The proxy, and nobody may create accounts: autocreation is the setting's.
        .setting("$wgCdnServers = [ '127.0.0.2' ];")
        .setting("$wgGroupPermissions['*']['createaccount'] = false;")
        .setting("$wgGroupPermissions['*']['autocreateaccount'] = false;")
        .start();
    let proxy = TlsProxy::start(wiki.port(), "127.0.0.2");
    let curl = |line: &str| -> Value {
        let out = Command::new("sh")
            .arg("-c")
            .arg(line)
            .env("CURL_CA_BUNDLE", proxy.cert())
            .output()
            .expect("curl");
        let body = String::from_utf8_lossy(&out.stdout).to_string();
        serde_json::from_str(&body).unwrap_or_else(|e| {
            panic!(
                "{line}: not JSON ({e}): {body} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
    };
    let https = format!("https://localhost:{}/w/api.php", proxy.port());
    let http = wiki.url("/api.php");

    // The README's curl line (with this proxy's port).
    let line = format!(
        "curl -s -H 'Authorization: NetworkSession {TOKEN}' \\\n\t'{https}?action=query&meta=userinfo&format=json'"
    );
    let v = curl(&line);
    assert_eq!(
        v["query"]["userinfo"]["name"], "Example bot",
        "autocreated: {v}"
    );
    assert!(
        v["query"]["userinfo"]["id"].as_i64().unwrap_or(0) > 0,
        "{v}"
    );
    let v = curl(&format!(
        "curl -s -H 'Authorization: networksession {TOKEN}' '{https}?action=query&meta=userinfo&uiprop=rights&format=json'"
    ));
    assert_eq!(
        v["query"]["userinfo"]["rights"],
        json!(["read"]),
        "capped, scheme in any case: {v}"
    );
    // REST too.
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H"])
        .arg(format!("Authorization: NetworkSession {TOKEN}"))
        .arg(format!(
            "https://localhost:{}/w/rest.php/v1/page/Main_Page/bare",
            proxy.port()
        ))
        .env("CURL_CA_BUNDLE", proxy.cert())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "200");

    // Refusals, with NetworkSession's error codes where its clients look.
    let v = curl(&format!(
        "curl -s -H 'Authorization: NetworkSession wrong-token' '{https}?action=query&meta=userinfo&format=json'"
    ));
    assert_eq!(v["error"]["code"], "networksession-no-token-match", "{v}");
    let v = curl(&format!(
        "curl -s -H 'Authorization: NetworkSession {TOKEN}' '{http}?action=query&meta=userinfo&format=json'"
    ));
    assert_eq!(
        v["error"]["code"], "networksession-only-https",
        "plain HTTP: {v}"
    );
    assert!(
        v["error"]["info"]
            .as_str()
            .unwrap_or("")
            .contains("$wgCdnServers"),
        "{v}"
    );
    let v = curl(&format!(
        "curl -s -H 'Authorization: NetworkSession {TOKEN}' -H 'X-Forwarded-Proto: https' \\\n\t'{http}?action=query&meta=userinfo&format=json'"
    ));
    assert_eq!(
        v["error"]["code"], "networksession-only-https",
        "a forged header: {v}"
    );
    let v = curl(&format!(
        "curl -s -H 'Authorization: NetworkSession {TOKEN}' '{}?format=json'",
        wiki.url("/rest.php/v1/page/Main_Page/bare")
    ));
    assert_eq!(v["errorKey"], "networksession-only-https", "{v}");

    // Rotation: the same username with a second token; both work.
    wiki.add_setting(format!(
        "$wgNetworkSessionProviderUsers[] = [ 'username' => 'Example bot', 'token' => '{ROTATED}', \
         'ip_ranges' => [ '127.0.0.1' ] ];"
    ));
    // A user that cannot be created: refused, saying what to change.
    wiki.add_setting(
        "$wgNetworkSessionProviderUsers[] = [ 'username' => 'Other bot', 'token' => 'other-token-0123456789', \
         'ip_ranges' => [ '127.0.0.1' ] ];\n$wgNetworkSessionProviderCanAlwaysAutocreate = false;",
    );
    wiki.restart();
    for token in [TOKEN, ROTATED] {
        let v = curl(&format!(
            "curl -s -H 'Authorization: NetworkSession {token}' '{https}?action=query&meta=userinfo&format=json'"
        ));
        assert_eq!(v["query"]["userinfo"]["name"], "Example bot", "{v}");
    }
    let v = curl(&format!(
        "curl -s -H 'Authorization: NetworkSession other-token-0123456789' '{https}?action=query&meta=userinfo&format=json'"
    ));
    assert_eq!(
        v["error"]["code"], "tokenauthenticator-error-networksession-autocreate",
        "{v}"
    );
    assert!(
        v["error"]["info"]
            .as_str()
            .unwrap_or("")
            .contains("CanAlwaysAutocreate"),
        "{v}"
    );
}

/// hallowelt's MCP component (mwstake-mediawiki-component-mcp, README): its
/// LocalSettings.php recipe allows the app-token routes for the static key,
/// and nothing else; its Node server mints an app token with that key,
/// checks it, and then writes through REST with `Authorization: AppToken`,
/// never asking for a CSRF token. In the reference, reaching the generate
/// route from the service CIDR is what lets a key mint
/// (src/Rest/GenerateAppTokenHandler.php); here the shorthand key answered
/// 403 "may not mint app tokens", so such a deployment never got its
/// AppToken (#24). Served under /w, as production wikis are.
#[test]
fn mcp_component_recipe_mints_verifies_and_edits() {
    const KEY: &str = "mcp-service-token-0123456789abcdef";
    let wiki = Wiki::builder()
        .under_path("/w")
        .setting(format!("$mwsgTokenAuthenticatorSalt = '{SALT}';"))
        .setting(format!(
            "$GLOBALS['mwsgTokenAuthenticatorServiceToken'] = '{KEY}';"
        ))
        // The component's README, verbatim.
        .setting(
            r#"$GLOBALS['mwsgTokenAuthenticatorServiceAllowedRestPaths'] = $GLOBALS['mwsgTokenAuthenticatorServiceAllowedRestPaths'] ?? [];

$GLOBALS['mwsgTokenAuthenticatorServiceAllowedRestPaths'][] = '/mws/v1/mcp/get_wiki_map';
$GLOBALS['mwsgTokenAuthenticatorServiceAllowedRestPaths'][] = '/mws/v1/app-token/generate';
$GLOBALS['mwsgTokenAuthenticatorServiceAllowedRestPaths'][] = '/mws/v1/app-token/verify';
$GLOBALS['mwsgTokenAuthenticatorServiceAllowedRestPaths'][] = '/mws/v1/mcp/list_tools';
$GLOBALS['mwsgTokenAuthenticatorServiceAllowedRestPaths'][] = '/mws/v1/mcp/get_wiki_map';"#,
        )
        .start();
    let key = format!("ApiKey {KEY}");
    let rest = |path: &str| wiki.url(&format!("/rest.php{path}"));

    // Minted with the key: by GET, and by POST with an empty JSON body.
    let r = call(
        wiki.client()
            .get(&rest("/mws/v1/app-token/generate"))
            .set("Authorization", &key),
    );
    assert_eq!(r.status, 200, "GET generate: {r}");
    token_in_envelope(r.json()["value"].as_str().unwrap());
    let r = response(
        wiki.client()
            .post(&rest("/mws/v1/app-token/generate"))
            .set("Authorization", &key)
            .set("Content-Type", "application/json")
            .send_string("{}"),
    );
    assert_eq!(r.status, 200, "POST generate: {r}");
    let token = token_in_envelope(r.json()["value"].as_str().unwrap());

    // Checked with the key: GET as the reference, POST with the token in
    // the body (out of access logs); the same answers.
    let expected = json!({ "wiki": wiki_id(&wiki), "app": true });
    let r = call(
        wiki.client()
            .get(&rest(&format!("/mws/v1/app-token/verify/{token}")))
            .set("Authorization", &key),
    );
    assert_eq!(r.status, 200, "GET verify: {r}");
    assert_eq!(r.json(), expected, "{r}");
    let post_verify = |body: Value| {
        response(
            wiki.client()
                .post(&rest("/mws/v1/app-token/verify"))
                .set("Authorization", &key)
                .send_json(body),
        )
    };
    let r = post_verify(json!({ "token": token }));
    assert_eq!(r.status, 200, "POST verify: {r}");
    assert_eq!(r.json(), expected, "{r}");
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{r}"
    );
    let r = post_verify(json!({ "token": random_hex(32) }));
    assert_eq!(r.status, 400, "{r}");
    assert_eq!(r.json()["message"], "Invalid or expired token.", "{r}");
    let r = post_verify(json!({ "value": token }));
    assert_eq!(r.status, 400, "{r}");
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{r}"
    );

    // The agent writes through REST with the app token, without a CSRF token.
    let app = format!("AppToken {token}");
    let r = response(
        wiki.client()
            .post(&rest("/v1/page"))
            .set("Authorization", &app)
            .send_json(json!({
                "title": "Agent page", "source": "Written by an agent.", "comment": "mcp createPage"
            })),
    );
    assert_eq!(r.status, 201, "create: {r}");
    let latest = r.json()["latest"]["id"].clone();
    let r = response(
        wiki.client()
            .put(&rest("/v1/page/Agent_page"))
            .set("Authorization", &app)
            .send_json(json!({
                "source": "Changed by an agent.", "comment": "mcp editPage", "latest": { "id": latest }
            })),
    );
    assert_eq!(r.status, 200, "update: {r}");
    let page = wiki.get("/rest.php/v1/page/Agent_page");
    assert_eq!(page.json()["source"], "Changed by an agent.", "{page}");
    let history = wiki.get("/rest.php/v1/page/Agent_page/history");
    assert_eq!(
        history.json()["revisions"][0]["user"]["name"],
        "ChatBot service user",
        "{history}"
    );

    // The key alone may not write: only the routes of the recipe.
    let r = response(
        wiki.client()
            .post(&rest("/v1/page"))
            .set("Authorization", &key)
            .send_json(json!({ "title": "Key page", "source": "x", "comment": "x" })),
    );
    assert_eq!(r.status, 403, "{r}");
    // Minting is logged, as every app token.
    let admin = wiki.login_admin();
    let log = get(
        &admin,
        &wiki.url(
            "/api.php?action=query&list=logevents&letype=tokenauth&format=json&formatversion=2",
        ),
    );
    let minted = log.json()["query"]["logevents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "apptoken")
        .count();
    assert_eq!(minted, 2, "{log}");
}
