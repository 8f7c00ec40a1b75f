//! A TLS-terminating reverse proxy (Debian's nginx) in front of a wiki.

use std::fs;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::process::{check_output, free_port, stop_with_watchdog, watchdog, START_TIMEOUT};
use super::tempdir::TempDir;

/// nginx on a free port of 127.0.0.1 terminating TLS with a self-signed
/// certificate for `localhost`, passing to a wiki's server from another
/// loopback address (`upstream_from`, e.g. 127.0.0.2) with `X-Forwarded-For`
/// and `X-Forwarded-Proto: https`: the wiki lists that address in
/// `$wgCdnServers`, and a direct client (127.0.0.1) is told apart from the
/// proxy. Stopped (process group) and deleted on drop.
pub struct TlsProxy {
    port: u16,
    cert: PathBuf,
    child: Option<Child>,
    watchdog: Option<Child>,
    dir: TempDir,
}

impl TlsProxy {
    pub fn start(upstream_port: u16, upstream_from: &str) -> TlsProxy {
        let dir = TempDir::new("mws-ta-tls");
        let cert = dir.path().join("localhost.pem");
        let key = dir.path().join("localhost.key");
        let out = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdin(Stdio::null())
            .output()
            .expect("openssl");
        check_output("openssl req", &out);
        let port = free_port();
        let d = dir.path().display();
        let conf = format!(
            "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\ndaemon off;\nuser root root;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/client_body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name localhost;\n\
             ssl_certificate {cert};\n    ssl_certificate_key {key};\n\
             location / {{\n      proxy_pass http://127.0.0.1:{upstream_port};\n      proxy_bind {upstream_from};\n\
             proxy_set_header Host $http_host;\n      proxy_set_header X-Forwarded-For $remote_addr;\n\
             proxy_set_header X-Forwarded-Proto https;\n      proxy_pass_request_headers on;\n    }}\n  }}\n}}\n",
            cert = cert.display(),
            key = key.display(),
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
        let mut proxy = TlsProxy {
            port,
            cert,
            child: Some(child),
            watchdog: Some(watchdog),
            dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(Ok(Some(status))) = proxy.child.as_mut().map(|c| c.try_wait()) {
                panic!(
                    "nginx exited ({status}): {}",
                    fs::read_to_string(proxy.dir.path().join("error.log")).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(25));
        }
        proxy
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The certificate, for `CURL_CA_BUNDLE` or `curl --cacert`.
    pub fn cert(&self) -> &Path {
        &self.cert
    }

    /// `https://localhost:PORT` (no trailing slash).
    pub fn base(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        stop_with_watchdog(&mut self.child, &mut self.watchdog);
    }
}
