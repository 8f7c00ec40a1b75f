//! The salted token of the mwstake reference:
//! `base64(json({"verifyCallback": URL, "token": T, "sig": S}))` with
//! `S = hex(HMAC-SHA256(key = salt, message = URL . T))`.
//!
//! The encoder writes JSON byte for byte as PHP's `json_encode` does with its
//! default flags (`\/` for slashes, `\uXXXX` for non-ASCII), so envelopes are
//! identical to the ones the reference implementation mints.

use crate::digest::{self, DigestError};
use crate::json::{self, Problem};
use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde_json::Value;

/// Standard alphabet; encodes with padding, decodes with or without it.
const B64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// A salt that is empty.
    #[error("the signing key (salt) is empty")]
    EmptyKey,
    /// An envelope that is not base64.
    #[error("the salted token is not valid base64")]
    NotBase64,
    /// An envelope whose payload is not a JSON object.
    #[error("the salted token does not hold a JSON object: {0}")]
    NotJson(Problem),
    /// An envelope without a required field.
    #[error("the salted token has no \"{0}\" field")]
    FieldMissing(&'static str),
    /// An envelope field that is present but not a string.
    #[error("the salted token's \"{0}\" field is not a string")]
    FieldNotString(&'static str),
    /// A signature that is not hex, or does not match.
    #[error(transparent)]
    Signature(#[from] DigestError),
}

type Result<T> = std::result::Result<T, EnvelopeError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub verify_callback: String,
    pub token: String,
    pub sig: String,
}

fn signed_message(verify_callback: &str, token: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(verify_callback.len() + token.len());
    m.extend_from_slice(verify_callback.as_bytes());
    m.extend_from_slice(token.as_bytes());
    m
}

/// Signs `token` for the wiki at `verify_callback` and wraps both.
pub fn encode(salt: &[u8], verify_callback: &str, token: &str) -> Result<String> {
    if salt.is_empty() {
        return Err(EnvelopeError::EmptyKey);
    }
    let sig = digest::hmac_sha256_hex(salt, &signed_message(verify_callback, token));
    let mut json = String::with_capacity(verify_callback.len() + token.len() + 120);
    json.push_str("{\"verifyCallback\":");
    php_json_string(&mut json, verify_callback);
    json.push_str(",\"token\":");
    php_json_string(&mut json, token);
    json.push_str(",\"sig\":");
    php_json_string(&mut json, &sig);
    json.push('}');
    Ok(B64.encode(json.as_bytes()))
}

/// Unwraps an envelope and checks its signature; the error says which part
/// is wrong.
pub fn decode(salt: &[u8], envelope: &[u8]) -> Result<Envelope> {
    if salt.is_empty() {
        return Err(EnvelopeError::EmptyKey);
    }
    let trimmed = envelope.trim_ascii();
    let json = B64.decode(trimmed).map_err(|_| EnvelopeError::NotBase64)?;
    // The one strict reader, as for JWTs: a second member of the same name
    // must not decide which callback or token counts.
    let map = json::object(&json).map_err(EnvelopeError::NotJson)?;
    let field = |name: &'static str| -> Result<String> {
        match map.get(name) {
            None => Err(EnvelopeError::FieldMissing(name)),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(EnvelopeError::FieldNotString(name)),
        }
    };
    let env = Envelope {
        verify_callback: field("verifyCallback")?,
        token: field("token")?,
        sig: field("sig")?,
    };
    digest::require_signature(
        salt,
        &signed_message(&env.verify_callback, &env.token),
        env.sig.as_bytes(),
    )?;
    // Hex of either case verifies; hand back the canonical (PHP) form, so
    // equal envelopes decode to equal fields.
    Ok(Envelope {
        sig: env.sig.to_ascii_lowercase(),
        ..env
    })
}

/// Appends `s` as a JSON string the way PHP's `json_encode` writes it by
/// default.
fn php_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://wiki.example.org/rest.php/mws/v1/user-token/verify";

    fn raw(json: &str) -> String {
        B64.encode(json.as_bytes())
    }

    #[test]
    fn round_trip() {
        let e = encode(b"salt", URL, "abc123").unwrap();
        let d = decode(b"salt", e.as_bytes()).unwrap();
        assert_eq!(d.verify_callback, URL);
        assert_eq!(d.token, "abc123");
        assert_eq!(
            d.sig,
            digest::hmac_sha256_hex(b"salt", format!("{URL}abc123").as_bytes())
        );
    }

    #[test]
    fn json_matches_php_json_encode() {
        // php -r 'echo json_encode(["verifyCallback"=>"https://a/b","token"=>"t\"é\u{1F600}\x01","sig"=>"s"]);'
        let mut s = String::new();
        php_json_string(&mut s, "https://a/b");
        assert_eq!(s, r#""https:\/\/a\/b""#);
        let mut s = String::new();
        php_json_string(&mut s, "t\"é\u{1F600}\u{1}\u{7f}<>&'");
        assert_eq!(s, "\"t\\\"\\u00e9\\ud83d\\ude00\\u0001\u{7f}<>&'\"");
    }

    #[test]
    fn padding_is_optional_and_whitespace_trimmed() {
        let e = encode(b"salt", URL, "tok").unwrap();
        let unpadded = e.trim_end_matches('=');
        assert!(decode(b"salt", unpadded.as_bytes()).is_ok());
        assert!(decode(b"salt", format!(" {e}\n").as_bytes()).is_ok());
    }

    #[test]
    fn wrong_salt_or_tampering_is_a_bad_signature() {
        let e = encode(b"salt", URL, "tok").unwrap();
        assert_eq!(
            decode(b"pepper", e.as_bytes()),
            Err(DigestError::BadSignature.into())
        );
        let sig = digest::hmac_sha256_hex(b"salt", format!("{URL}tok").as_bytes());
        let forged = raw(&format!(
            r#"{{"verifyCallback":"https://evil/","token":"tok","sig":"{sig}"}}"#
        ));
        assert_eq!(
            decode(b"salt", forged.as_bytes()),
            Err(DigestError::BadSignature.into())
        );
    }

    #[test]
    fn each_malformation_has_its_own_error() {
        assert_eq!(decode(b"s", b"!!!"), Err(EnvelopeError::NotBase64));
        assert!(matches!(
            decode(b"s", raw("nope").as_bytes()),
            Err(EnvelopeError::NotJson(_))
        ));
        assert!(matches!(
            decode(b"s", raw("[1]").as_bytes()),
            Err(EnvelopeError::NotJson(_))
        ));
        assert_eq!(
            decode(b"s", raw(r#"{"verifyCallback":"u","sig":"x"}"#).as_bytes()),
            Err(EnvelopeError::FieldMissing("token"))
        );
        assert_eq!(
            decode(
                b"s",
                raw(r#"{"verifyCallback":"u","token":5,"sig":"x"}"#).as_bytes()
            ),
            Err(EnvelopeError::FieldNotString("token"))
        );
        assert_eq!(
            decode(
                b"s",
                raw(r#"{"verifyCallback":"u","token":"t","sig":"zz"}"#).as_bytes()
            ),
            Err(DigestError::BadSignature.into())
        );
        assert_eq!(decode(b"", b"x"), Err(EnvelopeError::EmptyKey));
        assert_eq!(encode(b"", "u", "t"), Err(EnvelopeError::EmptyKey));
    }

    /// Found by fuzz/envelope_decode (kept in its corpus as
    /// regression-uppercase-sig): an upper-case signature verified, but came
    /// back as given, so decode(encode(decode(x))) differed from decode(x).
    #[test]
    fn signature_comes_back_lower_case() {
        let sig = digest::hmac_sha256_hex(b"salt", format!("{URL}tok").as_bytes());
        let upper = raw(&format!(
            r#"{{"verifyCallback":"{}","token":"tok","sig":"{}"}}"#,
            URL.replace('/', "\\/"),
            sig.to_uppercase()
        ));
        let env = decode(b"salt", upper.as_bytes()).unwrap();
        assert_eq!(env.sig, sig);
    }

    #[test]
    fn binary_salt() {
        let salt = b"\0\xff\x80s";
        let e = encode(salt, URL, "t").unwrap();
        assert!(decode(salt, e.as_bytes()).is_ok());
        assert_eq!(
            decode(b"\0", e.as_bytes()),
            Err(DigestError::BadSignature.into())
        );
    }

    #[test]
    fn duplicate_members_are_refused() {
        let salt = b"salt";
        let good = encode(salt, "/rest.php", "tok").unwrap();
        let json = String::from_utf8(B64.decode(&good).unwrap()).unwrap();
        // A second "token" after the signed one: which one would count?
        let twice = json.replace("}", ",\"token\":\"other\"}");
        assert_eq!(
            decode(salt, B64.encode(twice.as_bytes()).as_bytes()),
            Err(EnvelopeError::NotJson(Problem::Duplicate("token".into())))
        );
    }
}
