//! The wiki's `php -S` server: start, readiness, stop and restart.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

use super::Wiki;
use crate::common::paths::{router_script, MW_DIR};
use crate::common::php::php_command;
use crate::common::process::{free_port, stop_with_watchdog, watchdog, START_TIMEOUT};

/// Workers of `php -S` (parallel requests).
pub const SERVER_WORKERS: u32 = 4;

impl Wiki {
    pub(super) fn start_server(&mut self) {
        assert!(self.server.is_none(), "server already running");
        for attempt in 0..5 {
            if attempt > 0 {
                // The port was taken in the meantime: take another one.
                self.port = free_port();
                self.write_settings();
            }
            let log_path = self.dir().join("server.log");
            let log = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log_path)
                .expect("open server.log");
            let log_len = log.metadata().map(|m| m.len()).unwrap_or(0);
            let ini_dir = if self.native {
                self.ini_dir.as_deref()
            } else {
                None
            };
            let mut cmd = php_command(Some(&self.local_settings_path()), ini_dir);
            cmd.arg("-S")
                .arg(format!("127.0.0.1:{}", self.port))
                .arg("-t")
                .arg(self.docroot())
                .arg(router_script())
                .env("PHP_CLI_SERVER_WORKERS", SERVER_WORKERS.to_string())
                .env("TA_SCRIPT_PATH", &self.script_path)
                .current_dir(self.dir())
                .stdout(log.try_clone().expect("dup log"))
                .stderr(log)
                .process_group(0);
            let child = cmd.spawn().expect("cannot start php -S");
            self.watchdog = Some(self.spawn_watchdog(child.id()));
            self.server = Some(child);
            match self.wait_until_ready() {
                Ok(()) => return,
                Err(exited) => {
                    self.stop_server();
                    let log = self.server_log();
                    let new = log.get(log_len as usize..).unwrap_or("");
                    if exited && new.contains("Address already in use") {
                        continue;
                    }
                    panic!("php -S did not start on port {}:\n{new}", self.port);
                }
            }
        }
        panic!("php -S could not find a free port");
    }

    /// Ok once the server answers HTTP; Err(true) if it exited.
    fn wait_until_ready(&mut self) -> Result<(), bool> {
        let deadline = Instant::now() + START_TIMEOUT;
        let addr = format!("127.0.0.1:{}", self.port);
        while Instant::now() < deadline {
            if let Some(child) = self.server.as_mut() {
                if let Ok(Some(_)) = child.try_wait() {
                    return Err(true);
                }
            }
            // Any HTTP answer will do: a static file, no PHP involved.
            if let Ok(mut stream) = TcpStream::connect(&addr) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let request = format!(
                    "HEAD {}/resources/assets/poweredby_mediawiki_88x31.png HTTP/1.0\r\nHost: {addr}\r\n\r\n",
                    self.script_path
                );
                let mut answer = [0u8; 12];
                if stream.write_all(request.as_bytes()).is_ok()
                    && stream.read_exact(&mut answer).is_ok()
                    && answer.starts_with(b"HTTP/")
                {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(false)
    }

    /// The server's document root: MediaWiki itself, or for a wiki under a
    /// path a directory where that path is a link to MediaWiki.
    fn docroot(&self) -> PathBuf {
        if self.script_path.is_empty() {
            return PathBuf::from(MW_DIR);
        }
        let docroot = self.dir().join("docroot");
        let link = docroot.join(self.script_path.trim_start_matches('/'));
        if !link.exists() {
            fs::create_dir_all(link.parent().expect("parent")).expect("create docroot");
            std::os::unix::fs::symlink(MW_DIR, &link).expect("link the script path");
        }
        docroot
    }

    /// See [`watchdog`].
    fn spawn_watchdog(&self, pgid: u32) -> Child {
        watchdog(pgid, self.dir())
    }

    /// Kills the server's process group (master and workers) and reaps it.
    pub fn stop_server(&mut self) {
        stop_with_watchdog(&mut self.server, &mut self.watchdog);
    }

    /// Restarts the server with the current settings (new LocalSettings.php
    /// and native on/off take effect; OPcache and APCu start empty).
    pub fn restart(&mut self) {
        self.stop_server();
        self.write_settings();
        self.start_server();
    }
}
