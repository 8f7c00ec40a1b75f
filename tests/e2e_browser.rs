//! The JS module in a real browser: Debian's headless Chromium, driven over
//! the WebDriver protocol by chromedriver, against a real wiki.

mod common;
use common::*;

use serde_json::json;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process with one browser session; both end on drop.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: TempDir,
}

impl Browser {
    fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver (Debian package chromium-driver)");
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = TempDir::new("mws-ta-chromium");
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            agent,
            _profile: profile,
        };
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                // This machine has no network but loopback, and traffic to
                // anywhere else is not wanted: no Google services, no name
                // resolution at all (the wiki is reached by IP address).
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--disable-breakpad",
                    "--disable-client-side-phishing-detection", "--disable-default-apps",
                    "--disable-domain-reliability", "--no-pings", "--password-store=basic",
                    "--disable-features=SafeBrowsing,PasswordLeakDetection,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    format!("--user-data-dir={}", browser._profile.path().display()),
                ],
                "prefs": {
                    "credentials_enable_service": false,
                    "profile.password_manager_enabled": false,
                    "safebrowsing.enabled": false,
                },
            },
        } } });
        let r = browser.command("POST", "/session", caps);
        browser.session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_string();
        browser
    }

    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let r = if method == "GET" {
            response(self.agent.get(&url).call())
        } else {
            response(self.agent.request(method, &url).send_json(body))
        };
        assert_eq!(r.status, 200, "WebDriver {method} {path}: {r}");
        r.json()
    }

    fn session_command(&self, method: &str, path: &str, body: Value) -> Value {
        self.command(method, &format!("/session/{}{path}", self.session), body)
    }

    fn goto(&self, url: &str) {
        self.session_command("POST", "/url", json!({ "url": url }));
    }

    /// Hands the session cookies of `agent` to the browser for the current
    /// page's origin.
    fn take_cookies(&self, agent: &ureq::Agent) {
        let cookies: Vec<(String, String)> = agent
            .cookie_store()
            .iter_unexpired()
            .map(|c| (c.name().to_string(), c.value().to_string()))
            .collect();
        assert!(!cookies.is_empty(), "the client holds no cookies");
        for (name, value) in cookies {
            self.session_command(
                "POST",
                "/cookie",
                json!({ "cookie": { "name": name, "value": value, "path": "/" } }),
            );
        }
    }

    /// Clicks the first element matching a CSS selector.
    fn click(&self, selector: &str) {
        let r = self.session_command(
            "POST",
            "/element",
            json!({ "using": "css selector", "value": selector }),
        );
        let id = r["value"]["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .unwrap_or_else(|| panic!("no element {selector}: {r}"))
            .to_string();
        self.session_command("POST", &format!("/element/{id}/click"), json!({}));
    }

    /// The page's URL.
    fn current_url(&self) -> String {
        self.session_command("GET", "/url", Value::Null)["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until the page's URL starts with `prefix`.
    fn wait_for_url(&self, prefix: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.current_url().starts_with(prefix) {
            assert!(
                Instant::now() < deadline,
                "the browser stayed at {}",
                self.current_url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs `script` as an async WebDriver script; it calls `done(value)`.
    fn run_async(&self, script: &str) -> Value {
        let r = self.execute_async(script, 30000);
        assert_eq!(r.status, 200, "WebDriver execute/async: {r}");
        r.json()["value"].clone()
    }

    /// One async script, `done` being its callback, within `timeout_ms`.
    fn execute_async(&self, script: &str, timeout_ms: u64) -> HttpResponse {
        self.session_command("POST", "/timeouts", json!({ "script": timeout_ms }));
        let wrapped = format!("var done = arguments[arguments.length - 1];\n{script}");
        let url = format!("{}/session/{}/execute/async", self.base, self.session);
        response(
            self.agent
                .post(&url)
                .send_json(json!({ "script": wrapped, "args": [] })),
        )
    }

    /// `run_async` for polling while a form submission may still be
    /// navigating: a script that the navigation cuts off never calls
    /// `done` (WebDriver answers "script timeout"), so an error is None,
    /// after at most five seconds, and the caller asks again.
    fn poll_async(&self, script: &str) -> Option<Value> {
        let r = self.execute_async(script, 5000);
        (r.status == 200).then(|| r.json()["value"].clone())
    }
}

impl Drop for Browser {
    /// Shuts the browser down gracefully before anything is killed: a
    /// Chromium killed while running takes down more than itself here.
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(&format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let pid = self.driver.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.driver.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status();
        let _ = self.driver.wait();
    }
}

const GENERATE: &str = r#"
mw.loader.using( 'mwstake.component.tokenAuthenticator' ).then( function () {
    return mws.tokenAuthenticator.generateToken( WITH_ISSUER );
} ).then(
    function ( token ) { done( { token: token } ); },
    function ( err ) { done( { error: String( err ) } ); }
);
"#;

#[test]
fn generate_token_in_a_real_browser() {
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'browser-salt';")
        .start();
    wiki.create_user("Dana", "dana-password-123", &[]);
    let browser = Browser::start();

    // Anonymous: the promise rejects with the server's message.
    browser.goto(&wiki.url("/index.php?title=Main_Page"));
    let r = browser.run_async(&GENERATE.replace("WITH_ISSUER", "false"));
    let err = r["error"].as_str().unwrap_or_else(|| panic!("{r}"));
    assert!(err.contains("logged in"), "{r}");

    // Log in: the session of an API login, handed to the browser. (Typing a
    // password into the browser would wake its password manager, which
    // wants to reach Google.)
    browser.take_cookies(&wiki.login("Dana", "dana-password-123"));
    browser.goto(&wiki.url("/index.php?title=Main_Page"));
    let user = browser.run_async("done( mw.config.get( 'wgUserName' ) );");
    assert_eq!(user, "Dana", "logged in");

    // A salted token: its inner token verifies to Dana.
    let r = browser.run_async(&GENERATE.replace("WITH_ISSUER", "true"));
    let value = r["token"].as_str().unwrap_or_else(|| panic!("{r}"));
    let json = base64_decode(value);
    let envelope: Value = serde_json::from_slice(&json).unwrap();
    let inner = envelope["token"].as_str().unwrap();
    let verified = post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/user-token/verify"),
        &json!({ "token": inner }),
    );
    assert_eq!(verified.status, 200, "{verified}");
    assert_eq!(verified.json()["username"], "Dana");

    // A plain token too.
    let r = browser.run_async(&GENERATE.replace("WITH_ISSUER", "false"));
    let plain = r["token"].as_str().unwrap_or_else(|| panic!("{r}"));
    let verified = post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/user-token/verify"),
        &json!({ "token": plain }),
    );
    assert_eq!(verified.json()["username"], "Dana", "{verified}");
}

/// ThirdPartySessionVerification's own snippet, `new mw.Api().get( {
/// action: 'session_verification' } )`, in the browser; the token verified
/// from outside. Errors nest in the module, so mw.Api resolves with them.
#[test]
fn session_verification_with_mw_api_in_a_real_browser() {
    let wiki = Wiki::start();
    wiki.create_user("Sven", "sven-password-123", &[]);
    let browser = Browser::start();
    const SNIPPET: &str = r#"
        mw.loader.using( 'mediawiki.api' ).then( function () {
            return new mw.Api().get( { action: 'session_verification', format: 'json' } );
        } ).then(
            function ( data ) { done( { data: data } ); },
            function ( code, data ) { done( { rejected: code, data: data } ); }
        );
    "#;
    browser.goto(&wiki.url("/index.php?title=Main_Page"));
    let r = browser.run_async(SNIPPET);
    assert_eq!(
        r["data"]["session_verification"]["error"], "No user",
        "anonymous: mw.Api resolves with the reference's answer: {r}"
    );

    browser.take_cookies(&wiki.login("Sven", "sven-password-123"));
    browser.goto(&wiki.url("/index.php?title=Main_Page"));
    let r = browser.run_async(SNIPPET);
    let token = r["data"]["session_verification"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    let verified = post_form(
        &wiki.client(),
        &wiki.url("/api.php"),
        &[
            ("action", "session_verification"),
            ("format", "json"),
            ("token", &token),
        ],
    );
    assert_eq!(
        verified.json()["session_verification"]["success"],
        1,
        "{verified}"
    );
    let id = wiki.userinfo(&wiki.login("Sven", "sven-password-123"), "")["id"].clone();
    assert_eq!(
        verified.json()["session_verification"]["userID"],
        id.to_string(),
        "{verified}"
    );
}

/// JWTAuth's README form, posted from a page of another origin in a real
/// browser, with a token signed by `jsonwebtoken` and JWTAuth's settings:
/// the visitor lands logged in on the wiki (under /w, pages at /wiki/).
#[test]
fn jwtauth_form_posted_from_another_origin() {
    const KEY: &str = "browser-jwtauth-secret-0123456789";
    let wiki = Wiki::builder()
        .under_path("/w")
        .setting(format!(
            "$wgJWTAuthAlgorithm = 'HS256';\n$wgJWTAuthKey = '{KEY}';\n\
             $wgJWTGroupMapping = [ 'customgroup1' => 'bureaucrat' ];\n\
             $mwsgTokenAuthenticatorJWTIssuer = 'https://idp.example.org';\n\
             $mwsgTokenAuthenticatorJWTAudience = 'browser-wiki';"
        ))
        .start();
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let jwt = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({
            "sub": "form-sub", "aud": "browser-wiki", "iss": "https://idp.example.org",
            "preferred_username": "Form user", "groups": "customgroup1",
            "iat": t, "nbf": t, "exp": t + 300,
        }),
        &jsonwebtoken::EncodingKey::from_secret(KEY.as_bytes()),
    )
    .unwrap();
    // The identity provider's page, on another origin (another port).
    let form = format!(
        "<!DOCTYPE html><html><body>\
         <form method=\"post\" action=\"{}/wiki/Special:JWTLogin\">\
         <input type=\"text\" name=\"Authorization\" value=\"Bearer: {jwt}\">\
         <input type=\"submit\"></form></body></html>",
        wiki.base()
    );
    let idp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let idp_url = format!(
        "http://127.0.0.1:{}/login",
        idp.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in idp.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
                form.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });

    let browser = Browser::start();
    browser.goto(&idp_url);
    browser.click("input[type=submit]");
    browser.wait_for_url(&format!("{}/wiki/", wiki.base()));
    let user = browser.run_async("done( mw.config.get( 'wgUserName' ) );");
    assert_eq!(user, "Form user", "logged in at {}", browser.current_url());
    let groups = browser.run_async("done( mw.config.get( 'wgUserGroups' ) );");
    assert!(
        groups.as_array().unwrap().contains(&"bureaucrat".into()),
        "{groups}"
    );
}

/// Where `make screenshots` wants the pictures of Special:ServiceKeys
/// (MWS_TA_SCREENSHOTS=dir); none are written otherwise.
fn screenshot(browser: &Browser, name: &str) {
    let Ok(dir) = std::env::var("MWS_TA_SCREENSHOTS") else {
        return;
    };
    browser.session_command(
        "POST",
        "/window/rect",
        json!({ "width": 1400, "height": 1000 }),
    );
    let png = browser.session_command("GET", "/screenshot", Value::Null)["value"]
        .as_str()
        .expect("a screenshot")
        .to_string();
    std::fs::create_dir_all(&dir).unwrap();
    // Through stdin: a screenshot is too long for base64_decode's argument.
    let mut child = Command::new("base64")
        .args(["-d"])
        .stdin(Stdio::piped())
        .stdout(std::fs::File::create(format!("{dir}/{name}.png")).unwrap())
        .spawn()
        .expect("base64");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(png.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "screenshot {name}");
}

/// A bureaucrat creates a key on Special:ServiceKeys in Chromium; the secret
/// read off the page works with a plain HTTP client for the allowed module
/// only, and the key's last use appears on the list.
#[test]
fn service_keys_page_in_a_real_browser() {
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorSalt = 'browser-salt';")
        .start();
    let browser = Browser::start();
    browser.goto(&wiki.url("/index.php?title=Main_Page"));
    browser.take_cookies(&wiki.login_admin());

    browser.goto(&wiki.url("/index.php?title=Special:ServiceKeys/create"));
    let filled = browser.run_async(
        "var set = function ( name, value ) {
            var el = document.querySelector( '[name=\"' + name + '\"]' );
            if ( el.type === 'checkbox' ) { el.checked = value; } else { el.value = value; }
        };
        set( 'wpname', 'wiki-sync' );
        set( 'wpuser', 'Sync bot' );
        set( 'wpcreateuser', true );
        set( 'wpapimodules', 'ApiQuery' );
        set( 'wprestpaths', '/v1/page' );
        set( 'wpapptokens', true );
        done( document.querySelectorAll( '#mw-tokenauth-create-form input, #mw-tokenauth-create-form textarea' ).length );",
    );
    assert!(filled.as_u64().unwrap_or(0) > 5, "no form: {filled}");
    screenshot(&browser, "service-keys-create");
    browser.click("#mw-tokenauth-create-form button[type=submit], #mw-tokenauth-create-form input[type=submit]");
    let secret = shown_secret(&browser);

    let ok = wiki.api(
        Some(&format!("ApiKey {secret}")),
        "action=query&meta=userinfo",
    );
    assert_eq!(ok.json()["query"]["userinfo"]["name"], "Sync bot", "{ok}");
    assert_api_key_may_not_parse(&wiki, &secret);

    browser.goto(&wiki.url("/index.php?title=Special:ServiceKeys"));
    let used = browser.run_async(
        "var row = document.querySelector( 'tr[data-key=\"wiki-sync\"] .mw-tokenauth-last-used' );
        done( row ? row.textContent : null );",
    );
    assert!(
        used.as_str().unwrap_or("").contains("127.0.0.1"),
        "no last use: {used}"
    );
    let html = browser.run_async("done( document.body.innerHTML );");
    assert!(
        !html.as_str().unwrap_or("").contains(&secret),
        "the secret is on the list"
    );
    screenshot(&browser, "service-keys-list");

    // An app token minted with the key is listed and revoked with its button.
    let app_auth = format!("AppToken {}", mint_app_token(&wiki, &secret));
    let as_app = |auth: &str| wiki.api(Some(auth), "action=query&meta=userinfo").status;
    assert_eq!(as_app(&app_auth), 200);
    browser.goto(&wiki.url("/index.php?title=Special:ServiceKeys"));
    browser.click("tr[data-key=\"wiki-sync\"] .mw-tokenauth-revoke-app-token");
    wait_until(
        &browser,
        "done( document.querySelector( '.mw-tokenauth-done' ) !== null );",
    );
    assert_eq!(as_app(&app_auth), 401, "the revoked app token still works");

    // Rotation: the old secret works until the chosen time, the new one too.
    browser.goto(&wiki.url("/index.php?title=Special:ServiceKeys/rotate/wiki-sync"));
    browser.run_async(
        "document.querySelector( '[name=\"wpuntil\"]' ).value = '2099-01-01T00:00:00Z'; done( 1 );",
    );
    browser.click("#mw-tokenauth-rotate-form button[type=submit], #mw-tokenauth-rotate-form input[type=submit]");
    wait_until(
        &browser,
        "done( document.getElementById( 'mw-tokenauth-secret' ) !== null );",
    );
    let rotated =
        browser.run_async("done( document.getElementById( 'mw-tokenauth-secret' ).value );");
    let rotated = rotated.as_str().expect("a new secret").to_string();
    assert_ne!(rotated, secret);
    let as_key = |s: &str| as_app(&format!("ApiKey {s}"));
    assert_eq!(as_key(&rotated), 200);
    assert_eq!(
        as_key(&secret),
        200,
        "the old secret must work until its time"
    );

    // Revoke: both refused at once.
    browser.goto(&wiki.url("/index.php?title=Special:ServiceKeys/revoke/wiki-sync"));
    browser.click("#mw-tokenauth-revoke-form button[type=submit], #mw-tokenauth-revoke-form input[type=submit]");
    wait_until(
        &browser,
        "done( document.querySelector( '.mw-tokenauth-done' ) !== null );",
    );
    assert_eq!(as_key(&rotated), 401);
    assert_eq!(as_key(&secret), 401);
}

/// Waits until `script` (an async WebDriver script) answers true.
/// The secret a key page shows once (`#mw-tokenauth-secret`), once it is there.
fn shown_secret(browser: &Browser) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = browser.poll_async(
            "var f = document.getElementById( 'mw-tokenauth-secret' ); done( f ? f.value : null );",
        );
        if let Some(s) = v.as_ref().and_then(Value::as_str) {
            return s.to_string();
        }
        assert!(Instant::now() < deadline, "no secret shown");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_until(browser: &Browser, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while browser.poll_async(script) != Some(Value::Bool(true)) {
        assert!(Instant::now() < deadline, "waited in vain for: {script}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A user makes a personal access key on Special:PersonalKeys in Chromium
/// (name, the edit grant, the default expiry), copies it with the page's
/// button, and Debian's mwclient edits a page with it: the revision is the
/// user's.
#[test]
fn personal_keys_page_in_a_real_browser() {
    const USER: &str = "Pia";
    const PASSWORD: &str = "pia-password-123";
    let wiki = Wiki::start();
    wiki.create_user(USER, PASSWORD, &[]);
    wiki.edit_page("Edited through a key", "before");
    let browser = Browser::start();
    browser.goto(&wiki.url("/index.php?title=Main_Page"));
    browser.take_cookies(&wiki.login(USER, PASSWORD));

    browser.goto(&wiki.url("/index.php?title=Special:PersonalKeys/create"));
    let form = browser.run_async(
        "var name = document.querySelector( '[name=\"wpname\"]' );
        var expires = document.querySelector( '[name=\"wpexpires\"]' );
        if ( name ) { name.value = 'mwclient on my laptop'; }
        done( { name: !!name, expires: expires ? expires.value : null,
            edit: !!document.querySelector( 'input[name=\"wpgrants[]\"][value=\"grant-editpage\"]' ) } );",
    );
    assert_eq!(form["name"], true, "no name field: {form}");
    assert_eq!(form["edit"], true, "no edit grant: {form}");
    assert!(
        form["expires"].as_str().unwrap_or("").len() == 10,
        "no default expiry: {form}"
    );
    // A real click on the grant's checkbox.
    browser.click("input[name=\"wpgrants[]\"][value=\"grant-editpage\"]");
    let ticked = browser.run_async(
        "done( document.querySelector( 'input[name=\"wpgrants[]\"][value=\"grant-editpage\"]' ).checked );",
    );
    assert_eq!(ticked, true, "the edit grant is not ticked");
    screenshot(&browser, "personal-keys-create");
    browser.click(
        "#mw-tokenauth-personalkeys-create-form button[type=submit], \
         #mw-tokenauth-personalkeys-create-form input[type=submit]",
    );
    let secret = shown_secret(&browser);
    assert!(secret.starts_with("mwpk_"), "{secret}");

    // The copy button: once the page's module is there, a click selects the
    // key and puts it on the clipboard (the button then says so).
    wait_until(
        &browser,
        "done( mw.loader.getState( 'ext.tokenAuthenticator.serviceKeys' ) === 'ready' );",
    );
    let _ = browser.session_command(
        "POST",
        "/permissions",
        json!({ "descriptor": { "name": "clipboard-read" }, "state": "granted" }),
    );
    browser.click(".mw-tokenauth-copy");
    wait_until(
        &browser,
        "var f = document.getElementById( 'mw-tokenauth-secret' );
        done( document.activeElement === f && f.selectionStart === 0
            && f.selectionEnd === f.value.length );",
    );
    wait_until(
        &browser,
        "done( document.querySelector( '.mw-tokenauth-copy' ).textContent === 'Copied' );",
    );
    let copied = browser.run_async(
        "navigator.clipboard.readText().then( done, function ( e ) { done( { error: String( e ) } ); } );",
    );
    assert_eq!(
        copied.as_str(),
        Some(secret.as_str()),
        "the clipboard holds {copied}"
    );
    screenshot(&browser, "personal-keys-created");

    // mwclient edits with the key, without logging in.
    let user = mwclient_edit(
        &wiki,
        &secret,
        "Edited through a key",
        "written by mwclient",
        "personal key from the browser",
    );
    assert_eq!(user, USER);
    let r = wiki.api(
        None,
        "action=query&prop=revisions&titles=Edited_through_a_key&rvprop=user|comment|content&rvslots=main",
    );
    let revision = &r.json()["query"]["pages"][0]["revisions"][0];
    assert_eq!(revision["user"], USER, "{r}");
    assert_eq!(revision["comment"], "personal key from the browser", "{r}");
    assert_eq!(
        revision["slots"]["main"]["content"], "written by mwclient",
        "{r}"
    );

    // The list in the browser: the key, its last use, never its secret.
    browser.goto(&wiki.url("/index.php?title=Special:PersonalKeys"));
    let html = browser.run_async("done( document.body.innerHTML );");
    let html = html.as_str().unwrap_or("");
    assert!(html.contains("mwclient on my laptop"), "not listed");
    assert!(!html.contains(&secret), "the secret is on the list");
    screenshot(&browser, "personal-keys-list");
}

/// The pages BlueSpice's mostly German wikis show, in German: the
/// translations are loaded (`uselang=de`, and `de-formal`, which falls back
/// to `de` for messages that address nobody).
#[test]
fn pages_render_in_german() {
    let wiki = Wiki::builder()
        .setting("$mwsgTokenAuthenticatorJWTAlgorithm = 'HS256';")
        .setting("$mwsgTokenAuthenticatorJWTKey = 'german-pages-secret-0123456789abcdef';")
        .setting("$mwsgTokenAuthenticatorJWTIssuer = 'https://idp.example.org';")
        .setting("$mwsgTokenAuthenticatorJWTAudience = 'wiki';")
        .start();
    let browser = Browser::start();
    let text = |url: &str| {
        browser.goto(url);
        browser
            .run_async("done( document.body.innerText );")
            .as_str()
            .unwrap_or("")
            .to_string()
    };

    let page = text(&wiki.url("/index.php?title=Special:JWTLogin&uselang=de"));
    for german in ["JWT-Anmeldung", "um dich damit anzumelden", "Anmelden"] {
        assert!(page.contains(german), "{german}: {page}");
    }
    let page = text(&wiki.url("/index.php?title=Special:JWTLogin&uselang=de-formal"));
    assert!(page.contains("um sich damit anzumelden"), "formal: {page}");
    assert!(page.contains("JWT-Anmeldung"), "falls back to de: {page}");

    browser.goto(&wiki.url("/index.php?title=Main_Page"));
    browser.take_cookies(&wiki.login_admin());
    let page = text(&wiki.url("/index.php?title=Special:ServiceKeys&uselang=de"));
    for german in ["Dienstschlüssel", "Einen Schlüssel erstellen"] {
        assert!(page.contains(german), "{german}: {page}");
    }
    let page = text(&wiki.url("/index.php?title=Special:PersonalKeys&uselang=de"));
    assert!(page.contains("Persönliche Zugriffsschlüssel"), "{page}");
}
