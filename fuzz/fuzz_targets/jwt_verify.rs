//! JWT verification on untrusted tokens and keys. Mode 1 signs the fuzzed
//! header and payload with the right secret, so that JSON and claim checks
//! behind the signature are reached too. Nothing may panic, and a verified
//! token always has the configured issuer and a subject.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use mws_token_authenticator::digest;
use mws_token_authenticator::jwt::{self, Algorithm, Expectations};

const SECRET: &[u8] = b"fuzz-shared-secret-0123456789abcdef";
const NOW: i64 = 1_800_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let expect = Expectations {
        issuer: "https://idp.example",
        audience: "wiki",
        leeway: 60,
        max_lifetime: 86_400,
    };
    let result = match mode % 4 {
        0 => jwt::verify(rest, Algorithm::Hs256, SECRET, &expect, NOW),
        1 => {
            let cut = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let (header, payload) = rest.split_at(cut);
            let input = format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(payload.get(1..).unwrap_or(&[]))
            );
            let sig = digest::hmac_sha256(SECRET, input.as_bytes());
            let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig));
            jwt::verify(token.as_bytes(), Algorithm::Hs256, SECRET, &expect, NOW)
        }
        2 => jwt::verify(b"e30.e30.AAAA", Algorithm::Rs256, rest, &expect, NOW),
        _ => jwt::verify(b"e30.e30.AAAA", Algorithm::EdDsa, rest, &expect, NOW),
    };
    if let Ok(claims) = result {
        assert_eq!(claims["iss"], "https://idp.example");
        assert!(claims["sub"].as_str().is_some_and(|s| !s.is_empty()));
    }
});
