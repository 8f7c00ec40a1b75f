//! HTTP responses of any status, ureq helpers, and checks of answers.

use std::fmt;
use std::io::Read;
use std::time::Duration;

use serde_json::Value;

/// Timeout of one HTTP request made by [`Wiki::client`](super::Wiki::client).
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// An HTTP response of any status, body read as (lossy) UTF-8.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names in lowercase, in order, repeated headers kept.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All headers named `name` (case-insensitive).
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as JSON, or `None` when it is not JSON.
    pub fn json_opt(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The body as JSON; panics (showing the response) if it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {self}"))
    }
}

impl fmt::Display for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "HTTP {}", self.status)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        let body: String = self.body.chars().take(4000).collect();
        write!(f, "\n{body}")
    }
}

/// Turns ureq's result into an [`HttpResponse`], whatever the status
/// (ureq 2 reports 4xx/5xx as `Err(Status)`). Panics on transport errors.
pub fn response(result: Result<ureq::Response, ureq::Error>) -> HttpResponse {
    let resp = match result {
        Ok(resp) => resp,
        Err(ureq::Error::Status(_, resp)) => resp,
        Err(ureq::Error::Transport(t)) => panic!("HTTP transport error: {t}"),
    };
    let status = resp.status();
    let mut headers = Vec::new();
    for name in resp.headers_names() {
        for value in resp.all(&name) {
            headers.push((name.to_ascii_lowercase(), value.to_string()));
        }
    }
    let mut bytes = Vec::new();
    resp.into_reader()
        .read_to_end(&mut bytes)
        .expect("cannot read the response body");
    HttpResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Sends a prepared request without a body (`agent.get(url).set(...)`).
pub fn call(request: ureq::Request) -> HttpResponse {
    response(request.call())
}

pub fn get(agent: &ureq::Agent, url: &str) -> HttpResponse {
    call(agent.get(url))
}

pub fn post_form(agent: &ureq::Agent, url: &str, form: &[(&str, &str)]) -> HttpResponse {
    response(agent.post(url).send_form(form))
}

pub fn post_json(agent: &ureq::Agent, url: &str, body: &Value) -> HttpResponse {
    response(agent.post(url).send_json(body))
}

/// The `error.code` of an Action API answer; panics when it has none.
pub fn api_error(r: &HttpResponse) -> String {
    r.json()["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no API error: {r}"))
        .to_string()
}

/// A 503 answer of an outage: JSON, not cacheable, with Retry-After.
pub fn assert_outage_answer(r: &HttpResponse, what: &str) {
    assert_eq!(r.status, 503, "{what}: {r}");
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .starts_with("application/json"),
        "{what}: {r}"
    );
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{what}: {r}"
    );
    assert_eq!(r.header("retry-after"), Some("10"), "{what}: {r}");
}

/// The value of the form field `name` in an HTML page (attributes in any
/// order), entities decoded.
pub fn form_field(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let start = page[..at].rfind('<')?;
    let end = at + page[at..].find('>')?;
    let tag = &page[start..end];
    let v = tag.find("value=\"")? + 7;
    let value = &tag[v..v + tag[v..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#039;", "'")
            .replace("&amp;", "&"),
    )
}
