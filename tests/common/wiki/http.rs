//! HTTP to a wiki: clients, raw requests, login, tokens and the Action API.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::Value;

use super::{Wiki, ADMIN};
use crate::common::http::{call, get, post_form, HttpResponse, HTTP_TIMEOUT};

impl Wiki {
    /// An anonymous HTTP client with its own cookie jar. It follows redirects.
    pub fn client(&self) -> ureq::Agent {
        ureq::AgentBuilder::new()
            .timeout(HTTP_TIMEOUT)
            .user_agent("mws-ta-e2e")
            .build()
    }

    /// An HTTP client that does not follow redirects.
    pub fn client_no_redirects(&self) -> ureq::Agent {
        ureq::AgentBuilder::new()
            .timeout(HTTP_TIMEOUT)
            .user_agent("mws-ta-e2e")
            .redirects(0)
            .build()
    }

    /// Anonymous GET of `path`.
    pub fn get(&self, path: &str) -> HttpResponse {
        get(&self.client(), &self.url(path))
    }

    /// GET `target` exactly as given (no URL normalisation, unlike ureq, which
    /// resolves `..` and `%2e%2e`), over a raw HTTP/1.0 connection.
    pub fn raw_get(&self, target: &str) -> HttpResponse {
        self.raw_get_with(target, &[])
    }

    /// [`Wiki::raw_get`] with extra request headers.
    pub fn raw_get_with(&self, target: &str, headers: &[(&str, &str)]) -> HttpResponse {
        let addr = format!("127.0.0.1:{}", self.port);
        let mut stream = TcpStream::connect(&addr).expect("connect");
        stream
            .set_read_timeout(Some(HTTP_TIMEOUT))
            .expect("timeout");
        let extra: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        // In one write: php -S rejects a request line that arrives in pieces.
        let request = format!(
            "GET {target} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: mws-ta-e2e\r\n{extra}\r\n"
        );
        stream.write_all(request.as_bytes()).expect("send request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read response");
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw.as_str(), ""));
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {raw}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        HttpResponse {
            status,
            headers,
            body: body.to_string(),
        }
    }

    /// Logs in through the Action API (`clientlogin`) and returns the client
    /// holding the session cookies. Panics unless the login succeeds.
    pub fn login(&self, name: &str, password: &str) -> ureq::Agent {
        let agent = self.client();
        let token = self.token(&agent, "login");
        let r = post_form(
            &agent,
            &self.url("/api.php"),
            &[
                ("action", "clientlogin"),
                ("format", "json"),
                ("formatversion", "2"),
                ("username", name),
                ("password", password),
                ("logintoken", &token),
                ("loginreturnurl", &self.url("/")),
            ],
        );
        let status = r.json()["clientlogin"]["status"].clone();
        assert_eq!(status, "PASS", "login as {name} failed: {r}");
        agent
    }

    /// Logs in as the administrator.
    pub fn login_admin(&self) -> ureq::Agent {
        self.login(ADMIN, &self.admin_password)
    }

    /// An Action API token (`csrf`, `login`, ...) for the client's session.
    pub fn token(&self, agent: &ureq::Agent, kind: &str) -> String {
        let r = get(
            agent,
            &self.url(&format!(
                "/api.php?action=query&meta=tokens&type={kind}&format=json&formatversion=2"
            )),
        );
        r.json()["query"]["tokens"][format!("{kind}token")]
            .as_str()
            .unwrap_or_else(|| panic!("no {kind} token: {r}"))
            .to_string()
    }

    /// The user name the client's session belongs to (an IP when anonymous).
    pub fn whoami(&self, agent: &ureq::Agent) -> String {
        let r = get(
            agent,
            &self.url("/api.php?action=query&meta=userinfo&format=json&formatversion=2"),
        );
        r.json()["query"]["userinfo"]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("no userinfo: {r}"))
            .to_string()
    }

    /// `meta=userinfo` of the client's session, with `uiprop` (e.g. "groups|realname|email").
    pub fn userinfo(&self, agent: &ureq::Agent, uiprop: &str) -> Value {
        let r = get(
            agent,
            &self.url(&format!(
                "/api.php?action=query&meta=userinfo&uiprop={uiprop}&format=json&formatversion=2"
            )),
        );
        r.json()["query"]["userinfo"].clone()
    }

    /// The user id the client's session belongs to (0 when anonymous).
    pub fn whoami_id(&self, agent: &ureq::Agent) -> i64 {
        self.userinfo(agent, "")["id"]
            .as_i64()
            .expect("userinfo id")
    }

    /// A user token of the client's session, from `user-token/generate`.
    pub fn user_token(&self, agent: &ureq::Agent) -> String {
        let r = get(agent, &self.url("/rest.php/mws/v1/user-token/generate"));
        assert_eq!(r.status, 200, "{r}");
        r.json()["value"].as_str().expect("value").to_string()
    }

    /// An Action API GET (`format=json&formatversion=2` added) with an
    /// optional `Authorization` header.
    pub fn api(&self, auth: Option<&str>, query: &str) -> HttpResponse {
        let mut req = self
            .client()
            .get(&self.url(&format!("/api.php?format=json&formatversion=2&{query}")));
        if let Some(auth) = auth {
            req = req.set("Authorization", auth);
        }
        call(req)
    }
}
