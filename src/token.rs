//! Where every token is minted: bytes from the operating system's CSPRNG.
//!
//! `OsRng` reads the kernel's generator on every call. A user-space RNG
//! seeded once per process would hand the same stream to every php-fpm
//! worker forked from one parent.

use crate::error::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;

pub const DEFAULT_BYTES: usize = 32;
pub const MIN_BYTES: usize = 16;
pub const MAX_BYTES: usize = 1024;

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
            other => Err(Error::UnknownEncoding(other.to_string())),
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
        .ok_or(Error::TokenLength {
            requested: bytes,
            min: MIN_BYTES,
            max: MAX_BYTES,
        })?;
    let mut storage = [0u8; MAX_BYTES];
    let buf = &mut storage[..n];
    OsRng
        .try_fill_bytes(buf)
        .map_err(|e| Error::Random(e.to_string()))?;
    Ok(match encoding {
        Encoding::Hex => crate::hex::encode(buf),
        Encoding::Base64Url => URL_SAFE_NO_PAD.encode(buf),
    })
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
                Err(Error::TokenLength { .. })
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
}
