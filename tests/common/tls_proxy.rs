//! A TLS-terminating reverse proxy (Debian's nginx) in front of a wiki.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::nginx::Nginx;
use super::process::{check_output, free_port};
use super::tempdir::TempDir;

/// nginx on a free port of 127.0.0.1 terminating TLS with a self-signed
/// certificate for `localhost`, passing to a wiki's server from another
/// loopback address (`upstream_from`, e.g. 127.0.0.2) with `X-Forwarded-For`
/// and `X-Forwarded-Proto: https`: the wiki lists that address in
/// `$wgCdnServers`, and a direct client (127.0.0.1) is told apart from the
/// proxy. Stopped (process group) and deleted on drop.
pub struct TlsProxy {
    cert: PathBuf,
    nginx: Nginx,
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
        let http = format!(
            "  server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name localhost;\n\
             ssl_certificate {cert};\n    ssl_certificate_key {key};\n\
             location / {{\n      proxy_pass http://127.0.0.1:{upstream_port};\n      proxy_bind {upstream_from};\n\
             proxy_set_header Host $http_host;\n      proxy_set_header X-Forwarded-For $remote_addr;\n\
             proxy_set_header X-Forwarded-Proto https;\n      proxy_pass_request_headers on;\n    }}\n  }}\n",
            cert = cert.display(),
            key = key.display(),
        );
        TlsProxy {
            cert,
            nginx: Nginx::start(dir, port, &http),
        }
    }

    pub fn port(&self) -> u16 {
        self.nginx.port()
    }

    /// The certificate, for `CURL_CA_BUNDLE` or `curl --cacert`.
    pub fn cert(&self) -> &Path {
        &self.cert
    }

    /// `https://localhost:PORT` (no trailing slash).
    pub fn base(&self) -> String {
        format!("https://localhost:{}", self.nginx.port())
    }
}
