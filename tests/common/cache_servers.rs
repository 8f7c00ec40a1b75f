//! Cache servers (Redis, memcached) for `$mwsgTokenAuthenticatorTokenStore`.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::process::{free_port, stop_with_watchdog, watchdog, START_TIMEOUT};
use super::tempdir::TempDir;

/// A token store the extension can use, as its tests name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// The default: the wiki's database.
    Database,
    /// `$wgMainStash` (SqlBagOStuff on the wiki's database here).
    Stash,
    /// Debian's redis-server, through php-redis (RedisBagOStuff).
    Redis,
    /// Debian's memcached, through php-memcached (MemcachedPeclBagOStuff).
    Memcached,
}

impl Store {
    pub const ALL: [Store; 4] = [
        Store::Database,
        Store::Stash,
        Store::Redis,
        Store::Memcached,
    ];

    /// The value of `$mwsgTokenAuthenticatorTokenStore` for this store.
    pub fn setting_value(self) -> &'static str {
        match self {
            Store::Database => "database",
            Store::Stash => "stash",
            Store::Redis => "ta-redis",
            Store::Memcached => "ta-memcached",
        }
    }
}

impl Store {
    /// The server this store needs (Redis, memcached; none for the others),
    /// started, and the LocalSettings.php lines that make it the token store.
    pub fn start(self) -> (Option<CacheServer>, String) {
        match self {
            Store::Redis | Store::Memcached => {
                let server = CacheServer::start(self);
                let settings = server.settings();
                (Some(server), settings)
            }
            _ => (
                None,
                format!(
                    "$mwsgTokenAuthenticatorTokenStore = '{}';",
                    self.setting_value()
                ),
            ),
        }
    }
}

/// A Redis or memcached server on a free port of 127.0.0.1, in its own
/// process group, killed on drop (and by the watchdog should the test die).
/// Redis runs without persistence, as the README says token stores should:
/// a restart forgets every token, like memcached's.
pub struct CacheServer {
    store: Store,
    port: u16,
    child: Option<Child>,
    watchdog: Option<Child>,
    dir: TempDir,
}

impl CacheServer {
    pub fn start(store: Store) -> CacheServer {
        assert!(
            matches!(store, Store::Redis | Store::Memcached),
            "no server for {store:?}"
        );
        let mut server = CacheServer {
            store,
            port: free_port(),
            child: None,
            watchdog: None,
            dir: TempDir::new("mws-ta-cache"),
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let port = self.port.to_string();
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("server.log"))
            .expect("open the cache server's log");
        let mut cmd = match self.store {
            Store::Redis => {
                let mut c = Command::new("/usr/bin/redis-server");
                c.args([
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    &port,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .args(["--daemonize", "no", "--protected-mode", "yes", "--dir"])
                .arg(self.dir.path());
                c
            }
            _ => {
                let mut c = Command::new("/usr/bin/memcached");
                c.args([
                    "-l",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "0",
                    "-m",
                    "64",
                    "-u",
                    "root",
                ]);
                c
            }
        };
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("dup log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {:?} (Debian packages redis-server, memcached): {e}",
                    self.store
                )
            });
        self.watchdog = Some(watchdog(child.id(), self.dir.path()));
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("{:?} exited ({status}): {}", self.store, self.log());
            }
            assert!(Instant::now() < deadline, "{:?} did not start", self.store);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Kills the server with SIGKILL (its whole process group), as a crash.
    pub fn kill(&mut self) {
        stop_with_watchdog(&mut self.child, &mut self.watchdog);
    }

    /// Starts it again on the same port, empty.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// LocalSettings.php lines that make this server the wiki's token store.
    pub fn settings(&self) -> String {
        let name = self.store.setting_value();
        let entry = match self.store {
            Store::Redis => format!(
                "[ 'class' => 'RedisBagOStuff', 'servers' => [ '127.0.0.1:{}' ], 'persistent' => false, \
                 'automaticFailover' => false, 'connectTimeout' => 0.5 ]",
                self.port
            ),
            _ => format!(
                "[ 'class' => 'MemcachedPeclBagOStuff', 'servers' => [ '127.0.0.1:{}' ], 'persistent' => false, \
                 'connect_timeout' => 0.5, 'timeout' => 500000, 'retry_timeout' => 1 ]",
                self.port
            ),
        };
        format!(
            "$wgObjectCaches['{name}'] = {entry};\n$mwsgTokenAuthenticatorTokenStore = '{name}';"
        )
    }

    /// Every key and value the server holds, as text (for "no token is
    /// stored" checks): Redis through redis-cli, memcached through its
    /// metadump and gets.
    pub fn dump(&self) -> String {
        match self.store {
            Store::Redis => {
                let cli = |args: &[&str]| {
                    let out = Command::new("/usr/bin/redis-cli")
                        .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                        .args(args)
                        .stdin(Stdio::null())
                        .output()
                        .expect("redis-cli (Debian package redis-tools)");
                    String::from_utf8_lossy(&out.stdout).into_owned()
                };
                let keys = cli(&["--scan"]);
                let mut all = keys.clone();
                for key in keys.lines().filter(|k| !k.is_empty()) {
                    all.push_str(&cli(&["--no-raw", "GET", key]));
                }
                all
            }
            _ => {
                let ask = |command: &str| -> String {
                    let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("memcached");
                    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
                    s.write_all(command.as_bytes()).expect("write to memcached");
                    let mut out = Vec::new();
                    let mut buf = [0u8; 65536];
                    loop {
                        let n = s.read(&mut buf).unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        out.extend_from_slice(&buf[..n]);
                        if out.ends_with(b"END\r\n") || out.ends_with(b"ERROR\r\n") {
                            break;
                        }
                    }
                    String::from_utf8_lossy(&out).into_owned()
                };
                let meta = ask("lru_crawler metadump all\r\n");
                let mut all = meta.clone();
                for line in meta.lines() {
                    if let Some(key) = line.strip_prefix("key=").and_then(|l| l.split(' ').next()) {
                        // Keys come URL-encoded; ours have no characters that need it.
                        all.push_str(&ask(&format!("get {key}\r\n")));
                    }
                }
                all
            }
        }
    }
}

impl Drop for CacheServer {
    fn drop(&mut self) {
        self.kill();
    }
}
