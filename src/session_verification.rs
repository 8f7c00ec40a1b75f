//! Tokens for MediaWiki's `action=session_verification`:
//! `v1.<user id>.<issued at>.<signature>`, where the signature is the
//! lower-case hex HMAC-SHA256 of `v1.<user id>.<issued at>` under a key per
//! user. [`Verifier`] is where the rules are: the key derivation, the age
//! limit and the clock leeway.
//!
//! Parsing is strict: exactly that shape, decimal numbers without signs or
//! leading zeros, so that one (user, time) pair has exactly one token text.
//! Both numbers fit a PHP int (at most `i64::MAX`); the user id is at least 1.

use crate::digest::{self, DigestError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionVerificationError {
    /// An empty session verification key.
    #[error("the session verification key is empty")]
    EmptyKey,
    /// A user id to sign outside 1 to `i64::MAX`.
    #[error("user id {id} cannot be signed: use 1 to {max}", id = .0, max = i64::MAX)]
    UserId(i128),
    /// A negative issue time to sign.
    #[error("issue time {0} cannot be signed: it must not be negative")]
    IssuedAt(i64),
    /// A negative maximum age or leeway.
    #[error("the session verification maximum age and leeway must not be negative")]
    TimeSetting,
    /// A token longer than the cap.
    #[error("the session verification token is longer than {max} bytes")]
    TooLong { max: usize },
    /// Not `v1.<user id>.<issued at>.<signature>`.
    #[error(
        "the session verification token is not of the form v1.<user id>.<issued at>.<signature>"
    )]
    Shape,
    /// A number field that is not plain decimal digits.
    #[error("the session verification token's {0} is not a decimal number")]
    NotDecimal(&'static str),
    /// A number field with a leading zero.
    #[error("the session verification token's {0} has a leading zero")]
    LeadingZero(&'static str),
    /// A number field too large.
    #[error("the session verification token's {0} is out of range")]
    OutOfRange(&'static str),
    /// A user id of 0.
    #[error("the session verification token's user id is 0")]
    ZeroUserId,
    /// A signature that is not 64 lower-case hex digits.
    #[error("the session verification token's signature is not 64 lower-case hex digits")]
    SignatureForm,
    /// A token issued further in the future than the leeway allows.
    #[error("the session verification token was issued in the future")]
    FromTheFuture,
    /// A token older than the maximum age.
    #[error("the session verification token is older than {max} seconds")]
    TooOld { max: i64 },
    /// A well-formed token whose signature does not match.
    #[error(transparent)]
    Signature(#[from] DigestError),
}

use SessionVerificationError as Error;
type Result<T> = std::result::Result<T, Error>;

/// Longest token accepted, in bytes. A real one is at most 3 + 19 + 1 + 19 +
/// 1 + 64 = 107.
pub const MAX_TOKEN_BYTES: usize = 256;

const VERSION: &str = "v1";

/// The signed fields of a token. Parsing alone proves nothing: see [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub user_id: u64,
    pub issued_at: i64,
}

fn signed_text(user_id: u64, issued_at: i64) -> String {
    format!("{VERSION}.{user_id}.{issued_at}")
}

/// Mints the token for `user_id` at `issued_at` (seconds since the epoch).
pub fn sign(key: &[u8], user_id: u64, issued_at: i64) -> Result<String> {
    if key.is_empty() {
        return Err(Error::EmptyKey);
    }
    if user_id == 0 || i64::try_from(user_id).is_err() {
        return Err(Error::UserId(user_id.into()));
    }
    if issued_at < 0 {
        return Err(Error::IssuedAt(issued_at));
    }
    let text = signed_text(user_id, issued_at);
    let sig = digest::hmac_sha256_hex(key, text.as_bytes());
    Ok(format!("{text}.{sig}"))
}

/// A decimal field: digits only, no leading zero (but "0" itself), at most
/// `i64::MAX`.
fn decimal(field: &[u8], name: &'static str) -> Result<u64> {
    if field.is_empty() || !field.iter().all(u8::is_ascii_digit) {
        return Err(Error::NotDecimal(name));
    }
    if field.len() > 1 && field[0] == b'0' {
        return Err(Error::LeadingZero(name));
    }
    // Digits only, so this is ASCII; it fails only on overflow.
    let n: u64 = std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(Error::OutOfRange(name))?;
    if i64::try_from(n).is_err() {
        return Err(Error::OutOfRange(name));
    }
    Ok(n)
}

/// Splits a token into its fields and its signature bytes, strictly.
fn split(token: &[u8]) -> Result<(Parsed, &[u8], &[u8])> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::TooLong {
            max: MAX_TOKEN_BYTES,
        });
    }
    let mut parts = token.split(|&b| b == b'.');
    let (Some(version), Some(user), Some(time), Some(sig), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Error::Shape);
    };
    if version != VERSION.as_bytes() {
        return Err(Error::Shape);
    }
    let user_id = decimal(user, "user id")?;
    if user_id == 0 {
        return Err(Error::ZeroUserId);
    }
    let issued_at = decimal(time, "issue time")? as i64;
    if sig.len() != 64 || !sig.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(Error::SignatureForm);
    }
    let signed = &token[..token.len() - sig.len() - 1];
    Ok((Parsed { user_id, issued_at }, signed, sig))
}

/// Reads a token's fields without checking its signature; the error says
/// what is wrong with its form.
pub fn parse(token: &[u8]) -> Result<Parsed> {
    split(token).map(|(parsed, _, _)| parsed)
}

/// Where session verification tokens are signed and checked, built once from
/// the configuration.
///
/// A user's key is the hex HMAC-SHA256, under the secret, of
/// `mws-session-verification\0<user id>\0<user token>`; the user token is
/// MediaWiki's `user_token`, replaced when the user logs out everywhere or
/// changes their password, which so revokes every token issued before.
pub struct Verifier {
    secret: Vec<u8>,
    max_age: i64,
    future_leeway: i64,
}

/// What a valid token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub user_id: u64,
    /// Seconds since it was issued, at least 0.
    pub age: i64,
}

impl Verifier {
    /// `max_age`: seconds a token is valid, 0 for no limit. `future_leeway`:
    /// seconds a token may seem to come from the future (clock skew).
    pub fn new(secret: &[u8], max_age: i64, future_leeway: i64) -> Result<Verifier> {
        if secret.is_empty() {
            return Err(Error::EmptyKey);
        }
        if max_age < 0 || future_leeway < 0 {
            return Err(Error::TimeSetting);
        }
        Ok(Verifier {
            secret: secret.to_vec(),
            max_age,
            future_leeway,
        })
    }

    fn key(&self, user_id: u64, user_token: &[u8]) -> String {
        let mut message = format!("mws-session-verification\0{user_id}\0").into_bytes();
        message.extend_from_slice(user_token);
        digest::hmac_sha256_hex(&self.secret, &message)
    }

    /// The token of `user_id` (whose `user_token` is given) issued at `now`.
    pub fn sign(&self, user_id: u64, user_token: &[u8], now: i64) -> Result<String> {
        sign(self.key(user_id, user_token).as_bytes(), user_id, now)
    }

    /// Checks a token of the user it names (whose `user_token` the caller
    /// looked up by [`parse`]), its signature in constant time, and its age.
    pub fn verify(&self, token: &[u8], user_token: &[u8], now: i64) -> Result<Verified> {
        let parsed = parse(token)?;
        if !verify(self.key(parsed.user_id, user_token).as_bytes(), token) {
            return Err(DigestError::BadSignature.into());
        }
        let age = now.saturating_sub(parsed.issued_at);
        if age < -self.future_leeway {
            return Err(Error::FromTheFuture);
        }
        if self.max_age > 0 && age > self.max_age {
            return Err(Error::TooOld { max: self.max_age });
        }
        Ok(Verified {
            user_id: parsed.user_id,
            age: age.max(0),
        })
    }
}

/// Whether `token` is well-formed and signed under `key`. The signature is
/// compared in constant time; an empty key or any malformation is `false`.
pub fn verify(key: &[u8], token: &[u8]) -> bool {
    if key.is_empty() {
        return false;
    }
    let Ok((_, signed, sig_hex)) = split(token) else {
        return false;
    };
    digest::hmac_sha256_verify_hex(key, signed, sig_hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"per-user derived key";

    #[test]
    fn sign_parse_verify_round_trip() {
        for (user, at) in [
            (1u64, 0i64),
            (42, 1_700_000_000),
            (i64::MAX as u64, i64::MAX),
        ] {
            let t = sign(KEY, user, at).unwrap();
            assert!(t.starts_with(&format!("v1.{user}.{at}.")));
            assert_eq!(
                parse(t.as_bytes()).unwrap(),
                Parsed {
                    user_id: user,
                    issued_at: at
                }
            );
            assert!(verify(KEY, t.as_bytes()));
            assert!(t.len() <= MAX_TOKEN_BYTES);
        }
    }

    #[test]
    fn signature_is_hmac_sha256_of_the_prefix() {
        let t = sign(KEY, 7, 1_700_000_000).unwrap();
        let want = digest::hmac_sha256_hex(KEY, b"v1.7.1700000000");
        assert_eq!(t, format!("v1.7.1700000000.{want}"));
        // Binary keys work.
        let bin = b"\0\xff\x80";
        let t = sign(bin, 7, 5).unwrap();
        assert!(verify(bin, t.as_bytes()));
        assert!(!verify(b"\0", t.as_bytes()));
    }

    #[test]
    fn sign_refuses_bad_input() {
        assert_eq!(sign(b"", 1, 0), Err(Error::EmptyKey));
        assert_eq!(sign(KEY, 0, 0), Err(Error::UserId(0)));
        assert_eq!(sign(KEY, u64::MAX, 0), Err(Error::UserId(u64::MAX.into())));
        assert_eq!(sign(KEY, 1, -1), Err(Error::IssuedAt(-1)));
        assert_eq!(sign(KEY, 1, i64::MIN), Err(Error::IssuedAt(i64::MIN)));
    }

    #[test]
    fn tampering_and_wrong_keys_fail() {
        let t = sign(KEY, 42, 1_700_000_000).unwrap();
        assert!(!verify(b"other key", t.as_bytes()));
        assert!(!verify(b"", t.as_bytes()));
        let sig = t.rsplit('.').next().unwrap();
        for forged in [
            format!("v1.43.1700000000.{sig}"),
            format!("v1.42.1700000001.{sig}"),
            format!("v2.42.1700000000.{sig}"),
        ] {
            assert!(!verify(KEY, forged.as_bytes()), "{forged}");
        }
        // One hex digit changed.
        let mut b = t.clone().into_bytes();
        let last = b.last_mut().unwrap();
        *last = if *last == b'0' { b'1' } else { b'0' };
        assert!(!verify(KEY, &b));
        // Upper-case hex is another text for the same signature: refused.
        let upper = format!("v1.42.1700000000.{}", sig.to_uppercase());
        if upper != t {
            assert!(!verify(KEY, upper.as_bytes()));
            assert_eq!(parse(upper.as_bytes()), Err(Error::SignatureForm));
        }
    }

    #[test]
    fn malformed_tokens_say_what_is_wrong() {
        let sig = "a".repeat(64);
        let cases: Vec<(Vec<u8>, Error)> = vec![
            (b"".to_vec(), Error::Shape),
            (b"v1".to_vec(), Error::Shape),
            (b"v1.1.2".to_vec(), Error::Shape),
            (format!("v1.1.2.{sig}.").into_bytes(), Error::Shape),
            (format!("v1.1.2.3.{sig}").into_bytes(), Error::Shape),
            (format!("v2.1.2.{sig}").into_bytes(), Error::Shape),
            (format!("V1.1.2.{sig}").into_bytes(), Error::Shape),
            (format!(".v1.1.2.{sig}").into_bytes(), Error::Shape),
            (
                format!("v1..2.{sig}").into_bytes(),
                Error::NotDecimal("user id"),
            ),
            (
                format!("v1.-1.2.{sig}").into_bytes(),
                Error::NotDecimal("user id"),
            ),
            (
                format!("v1.+1.2.{sig}").into_bytes(),
                Error::NotDecimal("user id"),
            ),
            (
                format!("v1. 1.2.{sig}").into_bytes(),
                Error::NotDecimal("user id"),
            ),
            (
                format!("v1.1e3.2.{sig}").into_bytes(),
                Error::NotDecimal("user id"),
            ),
            (
                format!("v1.0x1.2.{sig}").into_bytes(),
                Error::NotDecimal("user id"),
            ),
            (
                format!("v1.١.2.{sig}").into_bytes(),
                Error::NotDecimal("user id"),
            ),
            (
                format!("v1.1.-2.{sig}").into_bytes(),
                Error::NotDecimal("issue time"),
            ),
            (
                format!("v1.1..{sig}").into_bytes(),
                Error::NotDecimal("issue time"),
            ),
            (
                format!("v1.01.2.{sig}").into_bytes(),
                Error::LeadingZero("user id"),
            ),
            (
                format!("v1.00.2.{sig}").into_bytes(),
                Error::LeadingZero("user id"),
            ),
            (
                format!("v1.1.02.{sig}").into_bytes(),
                Error::LeadingZero("issue time"),
            ),
            (format!("v1.0.2.{sig}").into_bytes(), Error::ZeroUserId),
            (
                format!("v1.9223372036854775808.2.{sig}").into_bytes(),
                Error::OutOfRange("user id"),
            ),
            (
                format!("v1.18446744073709551616.2.{sig}").into_bytes(),
                Error::OutOfRange("user id"),
            ),
            (
                format!("v1.1.9223372036854775808.{sig}").into_bytes(),
                Error::OutOfRange("issue time"),
            ),
            (
                format!("v1.1.{}.{sig}", "9".repeat(100)).into_bytes(),
                Error::OutOfRange("issue time"),
            ),
            (b"v1.1.2.".to_vec(), Error::SignatureForm),
            (
                format!("v1.1.2.{}", &sig[..63]).into_bytes(),
                Error::SignatureForm,
            ),
            (format!("v1.1.2.{sig}0").into_bytes(), Error::SignatureForm),
            (
                format!("v1.1.2.{}", "A".repeat(64)).into_bytes(),
                Error::SignatureForm,
            ),
            (
                format!("v1.1.2.{}", "g".repeat(64)).into_bytes(),
                Error::SignatureForm,
            ),
            (format!("v1.1.2.{sig}\n").into_bytes(), Error::SignatureForm),
            (
                [b"v1.1.2.".as_slice(), &[0xffu8; 64]].concat(),
                Error::SignatureForm,
            ),
            (b"v1.\xff.2.x".to_vec(), Error::NotDecimal("user id")),
            (
                vec![b'v'; MAX_TOKEN_BYTES + 1],
                Error::TooLong {
                    max: MAX_TOKEN_BYTES,
                },
            ),
            (
                format!("v1.1.{}.{sig}", "1".repeat(300)).into_bytes(),
                Error::TooLong {
                    max: MAX_TOKEN_BYTES,
                },
            ),
        ];
        for (token, want) in cases {
            let label = String::from_utf8_lossy(&token).into_owned();
            assert_eq!(parse(&token), Err(want), "{label}");
            assert!(!verify(KEY, &token), "{label}");
        }
        // "0" alone is a valid issue time.
        assert_eq!(
            parse(format!("v1.1.0.{sig}").as_bytes()),
            Ok(Parsed {
                user_id: 1,
                issued_at: 0
            })
        );
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(
            Error::LeadingZero("user id").to_string(),
            "the session verification token's user id has a leading zero"
        );
        assert!(Error::Shape.to_string().contains("v1.<user id>"));
        assert_eq!(
            Error::UserId(0).to_string(),
            "user id 0 cannot be signed: use 1 to 9223372036854775807"
        );
    }

    #[test]
    fn verifier_derives_keys_and_checks_age() {
        let v = Verifier::new(b"secret", 3600, 60).unwrap();
        let t = v.sign(7, b"user-token-a", 1_000_000).unwrap();
        assert_eq!(
            v.verify(t.as_bytes(), b"user-token-a", 1_000_045),
            Ok(Verified {
                user_id: 7,
                age: 45
            })
        );
        // The key is the one PHP derived before (tokens survive the upgrade).
        let key =
            digest::hmac_sha256_hex(b"secret", b"mws-session-verification\x007\x00user-token-a");
        assert_eq!(sign(key.as_bytes(), 7, 1_000_000).unwrap(), t);
        // Another user_token (logged out everywhere): refused.
        assert_eq!(
            v.verify(t.as_bytes(), b"user-token-b", 1_000_045),
            Err(DigestError::BadSignature.into())
        );
        assert_eq!(
            v.verify(t.as_bytes(), b"user-token-a", 1_003_601),
            Err(Error::TooOld { max: 3600 })
        );
        assert!(v.verify(t.as_bytes(), b"user-token-a", 1_003_600).is_ok());
        assert_eq!(
            v.verify(t.as_bytes(), b"user-token-a", 1_000_000 - 61),
            Err(Error::FromTheFuture)
        );
        assert_eq!(
            v.verify(t.as_bytes(), b"user-token-a", 1_000_000 - 60),
            Ok(Verified { user_id: 7, age: 0 })
        );
        let forever = Verifier::new(b"secret", 0, 60).unwrap();
        assert!(forever
            .verify(t.as_bytes(), b"user-token-a", i64::MAX)
            .is_ok());
        assert_eq!(Verifier::new(b"", 1, 1).err(), Some(Error::EmptyKey));
        assert_eq!(Verifier::new(b"s", -1, 1).err(), Some(Error::TimeSetting));
    }
}
