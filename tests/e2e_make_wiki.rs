//! `make wiki`'s script, as the README tells a new admin to run it: it
//! installs a wiki, prints a login that works, serves the extension, and a
//! second run reuses the wiki (same login, new port).

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `scripts/make-wiki.sh` in its own process group, killed on drop.
struct DevServer {
    child: Child,
    password: String,
}

impl DevServer {
    fn start(dir: &std::path::Path, port: u16) -> DevServer {
        let mut child = Command::new(repo_dir().join("scripts/make-wiki.sh"))
            .env("WIKI_DIR", dir)
            .env("WIKI_PORT", port.to_string())
            .env("MWS_TA_SO", native_so())
            .env_remove("MW_CONFIG_FILE")
            .env_remove("MW_INSTALL_PATH")
            .env_remove("PHP_INI_SCAN_DIR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("cannot run scripts/make-wiki.sh");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = DevServer {
            child,
            password: String::new(),
        };
        let mut said = Vec::new();
        while server.password.is_empty() {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    if let Some(p) = line.trim().strip_prefix("Password:") {
                        server.password = p.trim().to_string();
                    }
                    said.push(line);
                }
                Err(_) => panic!("make-wiki.sh printed no password:\n{}", said.join("\n")),
            }
        }
        assert!(
            said.iter()
                .any(|l| l.contains(&format!("http://127.0.0.1:{port}/"))),
            "no address printed: {said:?}"
        );
        server
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn wait_for(base: &str) {
    for _ in 0..200 {
        if ureq::get(&format!("{base}/api.php")).call().is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{base} does not answer");
}

/// Logs in with the printed password and exchanges a user token.
fn login_and_exchange(base: &str, password: &str) {
    let agent = ureq::AgentBuilder::new()
        .timeout(HTTP_TIMEOUT)
        .cookie_store(Default::default())
        .build();
    let r = get(
        &agent,
        &format!("{base}/api.php?action=query&meta=tokens&type=login&format=json&formatversion=2"),
    );
    let login_token = r.json()["query"]["tokens"]["logintoken"]
        .as_str()
        .unwrap_or_else(|| panic!("no login token: {r}"))
        .to_string();
    let r = post_form(
        &agent,
        &format!("{base}/api.php"),
        &[
            ("action", "clientlogin"),
            ("format", "json"),
            ("formatversion", "2"),
            ("username", ADMIN),
            ("password", password),
            ("logintoken", &login_token),
            ("loginreturnurl", &format!("{base}/")),
        ],
    );
    assert_eq!(r.json()["clientlogin"]["status"], "PASS", "{r}");
    let r = get(
        &agent,
        &format!("{base}/rest.php/mws/v1/user-token/generate"),
    );
    assert_eq!(r.status, 200, "{r}");
    let token = r.json()["value"].as_str().expect("value").to_string();
    let r = post_json(
        &ureq::agent(),
        &format!("{base}/rest.php/mws/v1/user-token/verify"),
        &serde_json::json!({ "token": token }),
    );
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["username"], ADMIN, "{r}");
}

#[test]
fn make_wiki_prints_a_working_login_and_reuses_its_wiki() {
    let dir = TempDir::new("mws-ta-make-wiki");
    let wiki_dir = dir.path().join("wiki");

    let port = free_port();
    let first = DevServer::start(&wiki_dir, port);
    let base = format!("http://127.0.0.1:{port}");
    wait_for(&base);
    login_and_exchange(&base, &first.password);
    let password = first.password.clone();
    drop(first);

    // Again, on another port: the same wiki, the same login.
    let port = free_port();
    let second = DevServer::start(&wiki_dir, port);
    assert_eq!(second.password, password, "the second run made a new login");
    let base = format!("http://127.0.0.1:{port}");
    wait_for(&base);
    login_and_exchange(&base, &second.password);
}
