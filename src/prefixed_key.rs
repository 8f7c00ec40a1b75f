//! Keys that secret scanners recognise, as GitHub's `ghp_…` tokens:
//! `<prefix><body><checksum>`.
//!
//! - prefix: 2 to 8 lower-case ASCII letters and `_` (the callers use
//!   `mwpk_` for personal access keys and `mwsk_` for service keys);
//! - body: [`BODY_LEN`] base62 characters (`0-9A-Za-z`), each drawn uniformly
//!   from the OS CSPRNG by rejection sampling (about 214 bits);
//! - checksum: CRC-32 (IEEE, as GitHub uses) of the prefix and body bytes,
//!   as [`CHECKSUM_LEN`] base62 characters, most significant first and
//!   zero-padded (62^6 > 2^32).
//!
//! The checksum is no secret and no signature: it lets a scanner, or the
//! wiki before any database lookup, tell a key from a typo. CRC-32 changes
//! with every change of one character and every swap of two neighbours, so
//! [`prefix_of`] refuses those always; other changes pass with a chance of
//! about 2^-32.
//!
//! As in `token`, each key's bytes are read from the OS (`getrandom(2)`, one
//! call per key but in about 10^-26 of keys) when it is minted: no random
//! bytes are kept between calls, so a forked php-fpm or mod_php worker can
//! never repeat its parent's.

use crate::error::printable;

/// Base62 characters of a key's random body: 36 × log2(62) ≈ 214 bits.
pub const BODY_LEN: usize = 36;
/// Base62 characters of the checksum: 62^6 ≈ 5.7 × 10^10 holds any CRC-32.
pub const CHECKSUM_LEN: usize = 6;
/// Fewest letters of a prefix (without its `_`).
pub const MIN_PREFIX_LETTERS: usize = 2;
/// Most letters of a prefix (without its `_`).
pub const MAX_PREFIX_LETTERS: usize = 8;
/// The base62 alphabet, in the order of its values.
pub const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Random bytes read per key: 36 are needed, each byte is kept with a chance
/// of 248/256, so 64 fall short with a chance of about 10^-26 (and then more
/// are read).
const RANDOM_BYTES: usize = 64;
/// Bytes below this are kept (as `byte % 62`): 248 = 4 × 62, so every base62
/// value has exactly four bytes, and the draw has no modulo bias.
const ACCEPT_BELOW: u8 = 248;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A prefix that is not 2 to 8 lower-case ASCII letters and `_`.
    #[error("the key prefix \"{}\" is not 2 to 8 lower-case ASCII letters followed by \"_\"", printable(.0))]
    Prefix(String),
    /// The operating system's random source failed.
    #[error("the system random source failed: {0}")]
    Random(String),
}

type Result<T> = std::result::Result<T, KeyError>;

/// The length of every key with a prefix of `prefix_len` bytes (`_`
/// included): 45 to 51.
pub const fn key_len(prefix_len: usize) -> usize {
    prefix_len + BODY_LEN + CHECKSUM_LEN
}

/// Whether `prefix` is 2 to 8 lower-case ASCII letters followed by `_`.
pub fn is_valid_prefix(prefix: &[u8]) -> bool {
    match prefix.split_last() {
        Some((b'_', letters)) => {
            (MIN_PREFIX_LETTERS..=MAX_PREFIX_LETTERS).contains(&letters.len())
                && letters.iter().all(u8::is_ascii_lowercase)
        }
        _ => false,
    }
}

/// The checksum of a key's prefix and body: CRC-32 (IEEE) in base62.
pub fn checksum(prefix_and_body: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut n = crc32fast::hash(prefix_and_body);
    let mut out = [b'0'; CHECKSUM_LEN];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// A new key with `prefix` (e.g. `"mwpk_"`), its body from the OS CSPRNG.
pub fn mint(prefix: &str) -> Result<String> {
    if !is_valid_prefix(prefix.as_bytes()) {
        return Err(KeyError::Prefix(prefix.to_string()));
    }
    let mut body = [0u8; BODY_LEN];
    fill_body(&mut body, |buf| {
        getrandom::getrandom(buf).map_err(|e| KeyError::Random(e.to_string()))
    })?;
    let mut key = Vec::with_capacity(key_len(prefix.len()));
    key.extend_from_slice(prefix.as_bytes());
    key.extend_from_slice(&body);
    body.fill(0);
    let sum = checksum(&key);
    key.extend_from_slice(&sum);
    // Prefix, base62 and base62: ASCII throughout.
    String::from_utf8(key).map_err(|_| KeyError::Prefix(prefix.to_string()))
}

/// Fills `body` with base62 characters drawn uniformly from the bytes that
/// `random` fills a buffer with: a byte below [`ACCEPT_BELOW`] gives
/// `ALPHABET[byte % 62]`, any other is dropped. `random` is called once, and
/// again only when too many bytes were dropped.
fn fill_body(
    body: &mut [u8; BODY_LEN],
    mut random: impl FnMut(&mut [u8]) -> Result<()>,
) -> Result<()> {
    let mut buf = [0u8; RANDOM_BYTES];
    let mut filled = 0;
    while filled < BODY_LEN {
        random(&mut buf)?;
        for &b in buf.iter().filter(|&&b| b < ACCEPT_BELOW) {
            if filled == BODY_LEN {
                break;
            }
            body[filled] = ALPHABET[usize::from(b % 62)];
            filled += 1;
        }
    }
    buf.fill(0);
    Ok(())
}

/// The prefix (e.g. `"mwpk_"`) of `text` when it is exactly one well-formed
/// key whose checksum matches; `None` for anything else (any bytes).
pub fn prefix_of(text: &[u8]) -> Option<&str> {
    // The prefix ends at the first byte that is not a lower-case letter; the
    // body and the checksum never hold a `_`.
    let letters = text.iter().take_while(|b| b.is_ascii_lowercase()).count();
    let (prefix, rest) = text.split_at_checked(letters + 1)?;
    if !is_valid_prefix(prefix) || rest.len() != BODY_LEN + CHECKSUM_LEN {
        return None;
    }
    if !rest.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let (signed, sum) = text.split_at(text.len() - CHECKSUM_LEN);
    if checksum(signed) != sum {
        return None;
    }
    std::str::from_utf8(prefix).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn is_base62(b: u8) -> bool {
        b.is_ascii_alphanumeric()
    }

    #[test]
    fn format_length_and_alphabet() {
        for prefix in ["mwpk_", "mwsk_", "ab_", "abcdefgh_"] {
            for _ in 0..50 {
                let key = mint(prefix).unwrap();
                assert_eq!(key.len(), key_len(prefix.len()));
                assert!(key.starts_with(prefix));
                assert!(key[prefix.len()..].bytes().all(is_base62), "{key}");
                assert_eq!(prefix_of(key.as_bytes()), Some(prefix));
            }
        }
        assert_eq!(key_len(3), 45);
        assert_eq!(key_len(9), 51);
    }

    #[test]
    fn checksum_is_crc32_in_base62() {
        // Pinned against Python's zlib.crc32 and a base62 written there.
        assert_eq!(crc32fast::hash(b"123456789"), 0xcbf4_3926);
        assert_eq!(&checksum(b""), b"000000");
        let zeros = format!("mwpk_{}", "0".repeat(36));
        assert_eq!(crc32fast::hash(zeros.as_bytes()), 0x1d4c_59df);
        assert_eq!(&checksum(zeros.as_bytes()), b"0XGSn1");
        assert_eq!(
            prefix_of(format!("{zeros}0XGSn1").as_bytes()),
            Some("mwpk_")
        );
        let mixed = format!("mwsk_{}", "aZ09".repeat(9));
        assert_eq!(&checksum(mixed.as_bytes()), b"0lQrO6");
        assert_eq!(
            prefix_of(format!("{mixed}0lQrO6").as_bytes()),
            Some("mwsk_")
        );
    }

    #[test]
    fn checksum_encoding_covers_every_crc() {
        // The largest CRC-32 still fits six characters: "4gfFC3".
        let mut n = u32::MAX;
        let mut s = [b'0'; CHECKSUM_LEN];
        for c in s.iter_mut().rev() {
            *c = ALPHABET[(n % 62) as usize];
            n /= 62;
        }
        assert_eq!(n, 0);
        assert_eq!(&s, b"4gfFC3");
    }

    /// Every change of one byte, at any position, to any other byte value,
    /// is refused; so is every swap of two different neighbours.
    #[test]
    fn every_single_change_is_refused() {
        for prefix in ["mwpk_", "mwsk_", "ab_", "abcdefgh_"] {
            for _ in 0..20 {
                let key = mint(prefix).unwrap().into_bytes();
                for i in 0..key.len() {
                    for b in 0..=255u8 {
                        if b == key[i] {
                            continue;
                        }
                        let mut changed = key.clone();
                        changed[i] = b;
                        assert_eq!(prefix_of(&changed), None, "{i} {b}");
                    }
                    if i + 1 < key.len() && key[i] != key[i + 1] {
                        let mut swapped = key.clone();
                        swapped.swap(i, i + 1);
                        assert_eq!(prefix_of(&swapped), None, "swap {i}");
                    }
                }
            }
        }
    }

    #[test]
    fn wrong_length_is_refused() {
        let key = mint("mwpk_").unwrap();
        let b = key.as_bytes();
        for n in 0..b.len() {
            assert_eq!(prefix_of(&b[..n]), None, "{n}");
            assert_eq!(prefix_of(&b[b.len() - n..]), None, "{n}");
        }
        for extra in [" ", "\n", "\0", "0", "A", "_"] {
            assert_eq!(prefix_of(format!("{key}{extra}").as_bytes()), None);
            assert_eq!(prefix_of(format!("{extra}{key}").as_bytes()), None);
        }
        assert_eq!(prefix_of(format!("{key}{key}").as_bytes()), None);
        // A character dropped and another added elsewhere: same length.
        let mut moved = b[1..].to_vec();
        moved.push(b'0');
        assert_eq!(prefix_of(&moved), None);
    }

    #[test]
    fn case_matters() {
        for _ in 0..20 {
            let key = mint("mwpk_").unwrap();
            assert_eq!(prefix_of(key.to_uppercase().as_bytes()), None);
            // The body and checksum swapped in case: a different key.
            let swapped: String = key[5..]
                .chars()
                .map(|c| {
                    if c.is_ascii_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            if swapped != key[5..] {
                assert_eq!(prefix_of(format!("mwpk_{swapped}").as_bytes()), None);
            }
            assert_eq!(
                prefix_of(format!("MWPK_{}", &key[5..]).as_bytes()),
                None,
                "an upper-case prefix is never one"
            );
        }
        assert!(mint("MWPK_").is_err());
        assert!(mint("Mwpk_").is_err());
    }

    #[test]
    fn non_ascii_and_binary_are_refused() {
        // Sealed with a matching checksum: the form alone refuses them.
        for bad in ["é", "\u{0}", "\u{ff}", "ｍ", " ", "-", "_", "+", "/"] {
            let body = format!("{bad}{}", "x".repeat(BODY_LEN - bad.len()));
            let mut text = format!("mwsk_{body}").into_bytes();
            assert_eq!(text.len(), 5 + BODY_LEN, "{bad}");
            let sum = checksum(&text);
            text.extend_from_slice(&sum);
            assert_eq!(prefix_of(&text), None, "{bad:?}");
        }
        let mut bytes = b"mwsk_".to_vec();
        bytes.extend_from_slice(&[0xc3; BODY_LEN]);
        let sum = checksum(&bytes);
        bytes.extend_from_slice(&sum);
        assert_eq!(prefix_of(&bytes), None);
        for text in [&b""[..], b"_", b"\xff", b"mwpk_", &[0u8; 47], &[0xffu8; 47]] {
            assert_eq!(prefix_of(text), None);
        }
    }

    /// The one rule for prefixes, in mint and prefix_of alike.
    #[test]
    fn prefix_rules() {
        for good in ["ab_", "mwpk_", "mwsk_", "abcdefgh_", "zz_"] {
            assert!(is_valid_prefix(good.as_bytes()), "{good}");
            assert!(mint(good).is_ok());
        }
        for bad in [
            "",
            "_",
            "a_",
            "abcdefghi_",
            "mwpk",
            "mwpk-",
            "mw_k_",
            "mw1_",
            "mwpk__",
            "Mwpk_",
            "mwpk_\0",
            "mwpé_",
            " mwpk_",
            "mwpk_ ",
        ] {
            assert!(!is_valid_prefix(bad.as_bytes()), "{bad:?}");
            assert_eq!(mint(bad), Err(KeyError::Prefix(bad.to_string())));
        }
        // A key sealed with a prefix that breaks the rules is still refused.
        for bad in ["a_", "abcdefghi_", "mw1_", "MW_"] {
            let mut text = format!("{bad}{}", "x".repeat(BODY_LEN)).into_bytes();
            let sum = checksum(&text);
            text.extend_from_slice(&sum);
            assert_eq!(prefix_of(&text), None, "{bad}");
        }
        // The longest and the shortest prefix, sealed by hand.
        for good in ["ab_", "abcdefgh_"] {
            let mut text = format!("{good}{}", "x".repeat(BODY_LEN)).into_bytes();
            let sum = checksum(&text);
            text.extend_from_slice(&sum);
            assert_eq!(prefix_of(&text), Some(good));
        }
    }

    #[test]
    fn keys_do_not_repeat() {
        let set: HashSet<_> = (0..2000).map(|_| mint("mwpk_").unwrap()).collect();
        assert_eq!(set.len(), 2000);
    }

    /// 4000 keys give 144,000 body characters, about 2323 of each (standard
    /// deviation about 48); a biased draw (`byte % 62` without rejection)
    /// would give the first eight about 2812. The bounds are about 7
    /// standard deviations.
    #[test]
    fn body_characters_are_uniform() {
        let mut counts = [0usize; 128];
        let keys = 4000;
        for _ in 0..keys {
            let key = mint("mwpk_").unwrap();
            for b in key[5..5 + BODY_LEN].bytes() {
                counts[usize::from(b)] += 1;
            }
        }
        let expected = keys * BODY_LEN / 62;
        for &c in ALPHABET {
            let n = counts[usize::from(c)];
            assert!(
                (expected - 330..=expected + 330).contains(&n),
                "{} appears {n} times, expected about {expected}",
                c as char
            );
        }
        assert_eq!(
            ALPHABET
                .iter()
                .map(|&c| counts[usize::from(c)])
                .sum::<usize>(),
            keys * BODY_LEN
        );
    }

    /// Each base62 value has exactly four byte values, and the bytes 248 to
    /// 255 are dropped; a source that runs short is read again.
    #[test]
    fn rejection_sampling_is_exact() {
        let mut per_char = [0usize; 62];
        for b in 0..ACCEPT_BELOW {
            per_char[usize::from(b % 62)] += 1;
        }
        assert!(per_char.iter().all(|&n| n == 4));

        // A source that gives 60 rejected bytes, then 0, 1, 2, …: two reads.
        let mut calls = 0;
        let mut next = 0u8;
        let mut body = [0u8; BODY_LEN];
        fill_body(&mut body, |buf| {
            calls += 1;
            for (i, b) in buf.iter_mut().enumerate() {
                *b = if calls == 1 && i < 60 {
                    ACCEPT_BELOW + (i % 8) as u8
                } else {
                    next = next.wrapping_add(1);
                    next - 1
                };
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(&body[..4], b"0123");
        assert_eq!(&body[4..], &ALPHABET[4..BODY_LEN]);

        // Bytes 244 to 255, then 0 onwards: 62 × 3 + 58 = 244 gives "w".
        let mut body = [0u8; BODY_LEN];
        fill_body(&mut body, |buf| {
            for (i, b) in buf.iter_mut().enumerate() {
                *b = if i < 12 {
                    244 + i as u8
                } else {
                    (i - 12) as u8
                };
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(&body[..4], b"wxyz");
        assert_eq!(&body[4..], &ALPHABET[..BODY_LEN - 4]);

        // A failing source is the error.
        let mut body = [0u8; BODY_LEN];
        assert_eq!(
            fill_body(&mut body, |_| Err(KeyError::Random("boom".into()))),
            Err(KeyError::Random("boom".into()))
        );
    }
}
