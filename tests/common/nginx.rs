//! Debian's nginx as a test server: the one way the proxies of the tests
//! (`tls_proxy.rs`, `header_proxy.rs`) start, wait for and stop it.

use std::fs;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::process::{stop_with_watchdog, watchdog, START_TIMEOUT};
use super::tempdir::TempDir;

/// nginx in the foreground, in its own process group with a watchdog, its
/// files in `dir`; stopped (process group) and `dir` deleted on drop.
pub struct Nginx {
    port: u16,
    child: Option<Child>,
    watchdog: Option<Child>,
    dir: TempDir,
}

impl Nginx {
    /// Starts nginx with `http` as the body of its `http {}` block (the
    /// servers), of which one listens on 127.0.0.1:`port`, and waits until
    /// that port answers.
    pub fn start(dir: TempDir, port: u16, http: &str) -> Nginx {
        let d = dir.path().display();
        let conf = format!(
            "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\ndaemon off;\nuser root root;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/client_body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n{http}}}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        fs::write(&conf_path, conf).expect("write nginx.conf");
        let nginx = ["/usr/sbin/nginx", "nginx"]
            .into_iter()
            .find(|n| Path::new(n).is_file())
            .unwrap_or("nginx");
        let child = Command::new(nginx)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("nginx (Debian package nginx)");
        let watchdog = watchdog(child.id(), dir.path());
        let mut server = Nginx {
            port,
            child: Some(child),
            watchdog: Some(watchdog),
            dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(Ok(Some(status))) = server.child.as_mut().map(|c| c.try_wait()) {
                panic!("nginx exited ({status}): {}", server.error_log());
            }
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(25));
        }
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// nginx's error log so far (for assertion messages).
    pub fn error_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        stop_with_watchdog(&mut self.child, &mut self.watchdog);
    }
}
