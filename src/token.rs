//! Where every token is minted, and where client text becomes the hash a
//! token is looked up by.
//!
//! Each token's bytes are read from the OS CSPRNG (`getrandom(2)`) as it is
//! minted: no random bytes are kept between calls, so a forked php-fpm or
//! mod_php worker can never repeat its parent's.

use crate::error::printable;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub const DEFAULT_BYTES: usize = 32;
pub const MIN_BYTES: usize = 16;
pub const MAX_BYTES: usize = 1024;
/// Longest token text ever minted: `MAX_BYTES` as hex. Longer client text
/// cannot be a token and is refused before it is hashed.
pub const MAX_TEXT: usize = 2 * MAX_BYTES;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// A token length outside the accepted range.
    #[error("token length {requested} is out of range: use {min} to {max} bytes")]
    Length {
        requested: i64,
        min: usize,
        max: usize,
    },
    /// An encoding name the token generator does not know.
    #[error("unknown token encoding \"{}\": use \"hex\" or \"base64url\"", printable(.0))]
    UnknownEncoding(String),
    /// The operating system's random source failed.
    #[error("the system random source failed: {0}")]
    Random(String),
    /// Client text that no minted token can be.
    #[error("the token is not 1 to {max} characters of hex or base64url")]
    Text { max: usize },
}

type Result<T> = std::result::Result<T, TokenError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Hex,
    Base64Url,
}

impl Encoding {
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "hex" => Ok(Encoding::Hex),
            "base64url" => Ok(Encoding::Base64Url),
            other => Err(TokenError::UnknownEncoding(other.to_string())),
        }
    }
}

/// `bytes` random bytes from the OS, encoded. Lengths outside
/// `MIN_BYTES..=MAX_BYTES` are refused: shorter tokens can be guessed, longer
/// ones only waste space.
pub fn random_token(bytes: i64, encoding: Encoding) -> Result<String> {
    let n = usize::try_from(bytes)
        .ok()
        .filter(|n| (MIN_BYTES..=MAX_BYTES).contains(n))
        .ok_or(TokenError::Length {
            requested: bytes,
            min: MIN_BYTES,
            max: MAX_BYTES,
        })?;
    let mut storage = [0u8; MAX_BYTES];
    let buf = &mut storage[..n];
    getrandom::getrandom(buf).map_err(|e| TokenError::Random(e.to_string()))?;
    let token = match encoding {
        Encoding::Hex => crate::hex::encode(&*buf),
        Encoding::Base64Url => URL_SAFE_NO_PAD.encode(&*buf),
    };
    buf.fill(0);
    Ok(token)
}

/// The one way client text becomes the hash a token is stored and looked up
/// by: text a minted token can be (hex or base64url, 1 to [`MAX_TEXT`]
/// characters) gives its hex SHA-256; anything else is refused before hashing.
pub fn lookup_hash(text: &[u8]) -> Result<String> {
    if text.is_empty()
        || text.len() > MAX_TEXT
        || !text
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    {
        return Err(TokenError::Text { max: MAX_TEXT });
    }
    Ok(crate::digest::sha256_hex(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn default_is_64_hex_chars() {
        let t = random_token(DEFAULT_BYTES as i64, Encoding::Hex).unwrap();
        assert_eq!(t.len(), 64);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn base64url_has_no_padding_or_unsafe_chars() {
        let t = random_token(32, Encoding::Base64Url).unwrap();
        assert_eq!(t.len(), 43);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn bounds_are_enforced() {
        assert!(random_token(16, Encoding::Hex).is_ok());
        assert!(random_token(1024, Encoding::Hex).is_ok());
        for bad in [15, 1025, 0, -1, i64::MIN, i64::MAX] {
            assert!(matches!(
                random_token(bad, Encoding::Hex),
                Err(TokenError::Length { .. })
            ));
        }
    }

    #[test]
    fn tokens_do_not_repeat() {
        let set: HashSet<_> = (0..1000)
            .map(|_| random_token(16, Encoding::Hex).unwrap())
            .collect();
        assert_eq!(set.len(), 1000);
    }

    #[test]
    fn encoding_names() {
        assert_eq!(Encoding::parse("hex").unwrap(), Encoding::Hex);
        assert_eq!(Encoding::parse("base64url").unwrap(), Encoding::Base64Url);
        assert!(Encoding::parse("HEX").is_err());
        assert!(Encoding::parse("").is_err());
    }

    #[test]
    fn lookup_hash_takes_token_text_only() {
        let t = random_token(32, Encoding::Hex).unwrap();
        assert_eq!(
            lookup_hash(t.as_bytes()).unwrap(),
            crate::digest::sha256_hex(t.as_bytes())
        );
        let b = random_token(1024, Encoding::Base64Url).unwrap();
        assert!(lookup_hash(b.as_bytes()).is_ok());
        let longest = random_token(1024, Encoding::Hex).unwrap();
        assert_eq!(longest.len(), MAX_TEXT);
        assert!(lookup_hash(longest.as_bytes()).is_ok());
        let too_long = "a".repeat(MAX_TEXT + 1);
        for bad in [
            &b""[..],
            b"a b",
            b"a.b",
            b"a+b",
            b"%41",
            b"\0",
            too_long.as_bytes(),
        ] {
            assert_eq!(
                lookup_hash(bad),
                Err(TokenError::Text { max: MAX_TEXT }),
                "{bad:?}"
            );
        }
    }
}
