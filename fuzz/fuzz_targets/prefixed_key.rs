//! Prefixed keys from untrusted input: `prefix_of` never panics, and what
//! it accepts is exactly one well-formed key of the documented length whose
//! every single-byte change is refused.
//!
//! First byte even: the rest is the text, as a client sends it. Odd: the
//! rest is taken as prefix and body and sealed with its checksum, so that
//! the fuzzer reaches acceptance; then the text is accepted exactly when its
//! form is right.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mws_token_authenticator::prefixed_key::{
    checksum, key_len, prefix_of, BODY_LEN, CHECKSUM_LEN, MAX_PREFIX_LETTERS, MIN_PREFIX_LETTERS,
};

/// The documented form, written apart from the crate's parser: 2 to 8
/// lower-case letters, `_`, 36 base62 characters, 6 base62 characters.
fn well_formed(text: &[u8]) -> Option<usize> {
    let underscore = text.iter().position(|&b| b == b'_')?;
    let (letters, rest) = (&text[..underscore], &text[underscore + 1..]);
    (letters.len() >= MIN_PREFIX_LETTERS
        && letters.len() <= MAX_PREFIX_LETTERS
        && letters.iter().all(u8::is_ascii_lowercase)
        && rest.len() == BODY_LEN + CHECKSUM_LEN
        && rest
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b.is_ascii_lowercase()))
    .then_some(underscore + 1)
}

fn check(text: &[u8]) {
    let Some(prefix) = prefix_of(text) else {
        return;
    };
    assert_eq!(well_formed(text), Some(prefix.len()), "{text:?}");
    assert_eq!(text.len(), key_len(prefix.len()));
    assert!((45..=51).contains(&text.len()));
    assert_eq!(text[..prefix.len()], *prefix.as_bytes());
    assert_eq!(prefix_of(text), Some(prefix), "accepted text re-validates");
    let (signed, sum) = text.split_at(text.len() - CHECKSUM_LEN);
    assert_eq!(checksum(signed), sum);
    let mut changed = text.to_vec();
    for i in 0..changed.len() {
        for flip in [0x01, 0x20, 0x80] {
            changed[i] ^= flip;
            assert_eq!(prefix_of(&changed), None, "byte {i} ^ {flip:#x}");
            changed[i] ^= flip;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        check(rest);
    } else {
        let mut sealed = rest.to_vec();
        sealed.extend_from_slice(&checksum(rest));
        assert_eq!(
            prefix_of(&sealed).is_some(),
            well_formed(&sealed).is_some(),
            "{sealed:?}"
        );
        check(&sealed);
    }
});
