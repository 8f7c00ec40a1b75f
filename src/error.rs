//! One error type for every fallible operation of the native core.
//!
//! Errors are values, never panics: the PHP binding turns each one into a
//! `MwsTokenAuthenticator\Exception` carrying this message.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A token length outside the accepted range.
    TokenLength {
        requested: i64,
        min: usize,
        max: usize,
    },
    /// An encoding name the token generator does not know.
    UnknownEncoding(String),
    /// The operating system's random source failed.
    Random(String),
    /// A salt or HMAC key that is empty.
    EmptyKey,
    /// A signature that is not hex, or does not match.
    BadSignature,
    /// Text that must be UTF-8 is not.
    NotUtf8(&'static str),
    /// An envelope that is not base64.
    EnvelopeNotBase64,
    /// An envelope whose payload is not a JSON object.
    EnvelopeNotJson(String),
    /// An envelope without a required field.
    EnvelopeFieldMissing(&'static str),
    /// An envelope field that is present but not a string.
    EnvelopeFieldNotString(&'static str),
    /// A CIDR list entry that cannot be parsed.
    InvalidRange { index: usize, entry: String },
    /// A CIDR list entry that is not a string.
    RangeNotString { index: usize },
    /// An address to look up that is not an IP address.
    InvalidAddress(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TokenLength {
                requested,
                min,
                max,
            } => write!(
                f,
                "token length {requested} is out of range: use {min} to {max} bytes"
            ),
            Error::UnknownEncoding(name) => write!(
                f,
                "unknown token encoding \"{}\": use \"hex\" or \"base64url\"",
                printable(name)
            ),
            Error::Random(why) => write!(f, "the system random source failed: {why}"),
            Error::EmptyKey => write!(f, "the signing key (salt) is empty"),
            Error::BadSignature => write!(f, "the signature does not match"),
            Error::NotUtf8(what) => write!(f, "{what} is not valid UTF-8"),
            Error::EnvelopeNotBase64 => write!(f, "the salted token is not valid base64"),
            Error::EnvelopeNotJson(why) => {
                write!(f, "the salted token does not hold a JSON object: {why}")
            }
            Error::EnvelopeFieldMissing(field) => {
                write!(f, "the salted token has no \"{field}\" field")
            }
            Error::EnvelopeFieldNotString(field) => {
                write!(f, "the salted token's \"{field}\" field is not a string")
            }
            Error::InvalidRange { index, entry } => write!(
                f,
                "IP range entry #{index} \"{}\" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range",
                printable(entry)
            ),
            Error::RangeNotString { index } => {
                write!(f, "IP range entry #{index} is not a string")
            }
            Error::InvalidAddress(addr) => {
                write!(f, "\"{}\" is not an IP address", printable(addr))
            }
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Quotes user input in a message safely: control characters escaped, and
/// long input cut, so that an error message never becomes a log-injection
/// vector or a megabyte-long line.
pub(crate) fn printable(s: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_and_truncates() {
        assert_eq!(printable("a\nb"), "a\\nb");
        let long = "x".repeat(500);
        let p = printable(&long);
        assert!(p.chars().count() <= 81);
        assert!(p.ends_with('…'));
    }

    #[test]
    fn messages_name_the_problem() {
        let e = Error::InvalidRange {
            index: 2,
            entry: "10.0.0.0/33".into(),
        };
        assert!(e.to_string().contains("10.0.0.0/33"));
        assert!(Error::EnvelopeFieldMissing("sig")
            .to_string()
            .contains("sig"));
    }
}
