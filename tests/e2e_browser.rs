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

    /// Runs `script` as an async WebDriver script; it calls `done(value)`.
    fn run_async(&self, script: &str) -> Value {
        self.session_command("POST", "/timeouts", json!({ "script": 30000 }));
        let wrapped = format!("var done = arguments[arguments.length - 1];\n{script}");
        self.session_command(
            "POST",
            "/execute/async",
            json!({ "script": wrapped, "args": [] }),
        )["value"]
            .clone()
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
