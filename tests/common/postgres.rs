//! A PostgreSQL server of Debian's `postgresql` package for wikis on
//! PostgreSQL ([`WikiBuilder::postgres`](super::WikiBuilder::postgres)).

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::encoding::random_hex;
use super::process::{
    check_output, free_port, stop_leader_then_group, watchdog_signalling, START_TIMEOUT,
};
use super::tempdir::TempDir;

/// The superuser initdb makes; wikis are installed as it.
const PG_SUPERUSER: &str = "postgres";

/// The binaries of the newest PostgreSQL installed: Debian keeps them under
/// /usr/lib/postgresql/<major>/bin, and the major differs per release.
fn pg_bin_dir() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").is_file().then_some((major, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .expect("no /usr/lib/postgresql/*/bin/postgres (Debian package postgresql; `make deps`)")
}

/// A PostgreSQL server on a free port of 127.0.0.1 with its own data
/// directory, run as the `postgres` user (it refuses root) in its own
/// process group. Dropping it shuts it down at once (SIGQUIT: the server
/// ends its backends, which leave its process group), then kills the group;
/// a watchdog does the same should the test process die first.
pub struct PostgresServer {
    port: u16,
    password: String,
    bin: PathBuf,
    child: Option<Child>,
    watchdog: Option<Child>,
    // Last: removed after the server was stopped.
    dir: TempDir,
}

impl PostgresServer {
    pub fn start() -> PostgresServer {
        let bin = pg_bin_dir();
        let dir = TempDir::new("mws-ta-postgres");
        let password = random_hex(16);
        let pwfile = dir.path().join("superuser-password");
        fs::write(&pwfile, &password).expect("write the superuser password");
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown");
        assert!(
            status.success(),
            "chown postgres (Debian package postgresql)"
        );

        // Passwords on TCP as on a real server, trust only on the socket in
        // the server's own directory.
        let out = as_postgres(&bin.join("initdb"), dir.path())
            .arg("-D")
            .arg(data_dir(dir.path()))
            .args(["-U", PG_SUPERUSER, "-E", "UTF8", "--no-locale", "--no-sync"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("cannot run initdb");
        check_output("initdb", &out);

        let mut server = PostgresServer {
            port: 0,
            password,
            bin,
            child: None,
            watchdog: None,
            dir,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        for _ in 0..5 {
            self.port = free_port();
            let log = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.path().join("server.log"))
                .expect("open the server's log");
            let log_len = log.metadata().map(|m| m.len()).unwrap_or(0);
            // A test server: durability is not what is tested here.
            let child = as_postgres(&self.bin.join("postgres"), self.dir.path())
                .arg("-D")
                .arg(data_dir(self.dir.path()))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-k"])
                .arg(self.dir.path())
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off", "-c", "max_connections=200"])
                .stdout(log.try_clone().expect("dup log"))
                .stderr(log)
                .process_group(0)
                .spawn()
                .expect("cannot start postgres");
            self.watchdog = Some(watchdog_signalling(child.id(), self.dir.path(), "QUIT"));
            self.child = Some(child);
            match self.wait_until_ready() {
                Ok(()) => return,
                Err(exited) => {
                    self.stop();
                    let log = self.log();
                    let new = log.get(log_len as usize..).unwrap_or("");
                    if exited && new.contains("could not bind") {
                        continue;
                    }
                    panic!("postgres did not start on port {}:\n{new}", self.port);
                }
            }
        }
        panic!("postgres could not find a free port");
    }

    /// Ok once it accepts connections; Err(true) if it exited.
    fn wait_until_ready(&mut self) -> Result<(), bool> {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(Ok(Some(_))) = self.child.as_mut().map(|c| c.try_wait()) {
                return Err(true);
            }
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .stdin(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(false)
    }

    fn stop(&mut self) {
        stop_leader_then_group(&mut self.child, &mut self.watchdog, "QUIT");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The superuser's password (for TCP connections).
    pub fn superuser_password(&self) -> &str {
        &self.password
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Runs `sql` with psql as the superuser over TCP, in `database`;
    /// returns the rows as psql's unaligned output (`|` between columns).
    pub fn query(&self, database: &str, sql: &str) -> String {
        let out = self.psql(database, sql);
        check_output(&format!("psql {sql}"), &out);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// psql's answer to `sql`, whether it succeeded or not.
    pub fn psql(&self, database: &str, sql: &str) -> Output {
        Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", PG_SUPERUSER, "-d", database, "-c", sql])
            .env("PGPASSWORD", &self.password)
            .env_remove("PGSERVICE")
            .stdin(Stdio::null())
            .output()
            .expect("cannot run psql")
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        self.stop();
        if std::thread::panicking() {
            let log = self.log();
            let tail: Vec<&str> = log.lines().collect();
            eprintln!(
                "--- PostgreSQL log (last lines) ---\n{}",
                tail[tail.len().saturating_sub(30)..].join("\n")
            );
        }
    }
}

fn data_dir(dir: &Path) -> PathBuf {
    dir.join("data")
}

/// `program` as the `postgres` user, exec'd in place (setpriv forks no
/// child), so that the child's id is the server's own; in `dir`, since the
/// test's own directory may be closed to that user.
fn as_postgres(program: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new("setpriv");
    cmd.args([
        "--reuid=postgres",
        "--regid=postgres",
        "--init-groups",
        "--reset-env",
        "--",
    ])
    .arg(program)
    .current_dir(dir)
    .stdin(Stdio::null());
    cmd
}
