//! The key-set reader on untrusted bytes, and key choice on a parsed set.
//! The first byte picks the configured algorithms; the rest is the set.
//! Every set that parses is then asked about fixed tokens (with and without
//! a kid, of each algorithm) and about a token whose header is fuzzed too.
//! Nothing may panic, a parsed set has a usable key, and no fixed token (all
//! with bad signatures) is ever accepted.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use mws_token_authenticator::jwt::{Algorithm, Expectations, Verifier};

const NOW: i64 = 1_800_000_000;

const ALGS: [Algorithm; 4] = [
    Algorithm::Rs256,
    Algorithm::Ps256,
    Algorithm::Es256,
    Algorithm::EdDsa,
];

// Headers {"alg":A,"kid":"k"} and {"alg":A}, payload {}, signature "AAAA".
const TOKENS: &[&[u8]] = &[
    b"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.AAAA",
    b"eyJhbGciOiJQUzI1NiIsImtpZCI6ImsifQ.e30.AAAA",
    b"eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.e30.AAAA",
    b"eyJhbGciOiJFZERTQSIsImtpZCI6ImsifQ.e30.AAAA",
    b"eyJhbGciOiJSUzI1NiJ9.e30.AAAA",
    b"eyJhbGciOiJFUzI1NiJ9.e30.AAAA",
    b"eyJhbGciOiJFZERTQSJ9.e30.AAAA",
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, set)) = data.split_first() else {
        return;
    };
    // Bits 0-3 choose the algorithms (none chosen: all of them, plus a
    // chance of HS256, which must be refused with a set).
    let mut algs: Vec<Algorithm> = ALGS
        .iter()
        .enumerate()
        .filter(|(i, _)| mode & (1 << i) != 0)
        .map(|(_, &a)| a)
        .collect();
    if algs.is_empty() {
        algs = ALGS.to_vec();
    }
    if mode & 0x80 != 0 {
        algs.push(Algorithm::Hs256);
    }
    let expect = Expectations {
        issuer: "https://idp.example",
        audience: "wiki",
        leeway: 60,
        max_lifetime: 86_400,
    };
    let verifier = match Verifier::with_key_set(&algs, set, &expect) {
        Ok(v) => v,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    assert!(!algs.contains(&Algorithm::Hs256));
    assert!(verifier.skipped_keys().len() <= 100);
    for skipped in verifier.skipped_keys() {
        let _ = skipped.to_string();
    }
    let _ = verifier.key_ids();
    for token in TOKENS {
        match verifier.verify(token, NOW) {
            Ok(_) => panic!("a token with a bad signature was accepted"),
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    // The set's own bytes as a header, so that kids from the set come up.
    let header = URL_SAFE_NO_PAD.encode(set.get(..set.len().min(512)).unwrap_or(&[]));
    let token = format!("{header}.e30.AAAA");
    // Three zero bytes are no signature of any algorithm a set allows.
    assert!(verifier.verify(token.as_bytes(), NOW).is_err());
});
