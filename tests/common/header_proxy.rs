//! An identity-aware reverse proxy (oauth2-proxy, Pomerium, a cloud load
//! balancer…) imitated by Debian's nginx in front of a wiki.

use super::nginx::Nginx;
use super::process::free_port;
use super::tempdir::TempDir;

/// The request header in which a test tells the proxy which assertion (e.g.
/// a JWT) the logged-in user's request carries; the proxy never passes it on.
pub const TEST_ASSERTION_HEADER: &str = "X-Test-Assertion";

/// nginx on a free port of 127.0.0.1 (plain HTTP) passing to a wiki's server
/// from another loopback address (`upstream_from`, e.g. 127.0.0.2, so that
/// the wiki tells the proxy apart from direct clients on 127.0.0.1), with
/// `Host` and `X-Forwarded-For`, and setting the assertion header `header`
/// as identity-aware proxies do: whatever the client sent in `header` is
/// always replaced by the proxy's own value. The proxy's value is the
/// client's [`TEST_ASSERTION_HEADER`] (the test plays the user who logged
/// in at the proxy), prefixed with `Bearer ` when `bearer` (an
/// `Authorization` header, as oauth2-proxy sends); without that request
/// header, `header` is not sent at all. Stopped (process group) and deleted
/// on drop.
pub struct HeaderProxy {
    nginx: Nginx,
}

impl HeaderProxy {
    pub fn start(
        upstream_port: u16,
        upstream_from: &str,
        header: &str,
        bearer: bool,
    ) -> HeaderProxy {
        assert!(
            !header.is_empty()
                && header
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "not a header name: {header:?}"
        );
        assert!(
            !header.eq_ignore_ascii_case(TEST_ASSERTION_HEADER),
            "the assertion header cannot be {TEST_ASSERTION_HEADER}"
        );
        let dir = TempDir::new("mws-ta-header-proxy");
        let port = free_port();
        // nginx omits a header whose value is empty: no X-Test-Assertion, no
        // assertion header (not even a bare "Bearer ").
        let value = if bearer {
            "\"Bearer $http_x_test_assertion\""
        } else {
            "$http_x_test_assertion"
        };
        let http = format!(
            "  map $http_x_test_assertion $mws_ta_assertion {{\n    \"\" \"\";\n    default {value};\n  }}\n\
             server {{\n    listen 127.0.0.1:{port};\n    server_name localhost;\n\
             location / {{\n      proxy_pass http://127.0.0.1:{upstream_port};\n      proxy_bind {upstream_from};\n\
             proxy_set_header Host $http_host;\n      proxy_set_header X-Forwarded-For $remote_addr;\n\
             proxy_set_header {header} $mws_ta_assertion;\n      proxy_set_header X-Test-Assertion \"\";\n\
             proxy_pass_request_headers on;\n    }}\n  }}\n",
        );
        HeaderProxy {
            nginx: Nginx::start(dir, port, &http),
        }
    }

    pub fn port(&self) -> u16 {
        self.nginx.port()
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.nginx.port())
    }

    /// nginx's error log so far (for assertion messages).
    pub fn error_log(&self) -> String {
        self.nginx.error_log()
    }
}
