//! session_verification tokens from untrusted input: parse and verify never
//! panic, verify implies parse, and sign/parse round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mws_token_authenticator::session_verification as sv;

fuzz_target!(|data: &[u8]| {
    let key = b"fuzz-key";
    let parsed = sv::parse(data);
    if sv::verify(key, data) {
        assert!(parsed.is_ok());
    }
    if let Ok(p) = parsed {
        let token = sv::sign(key, p.user_id, p.issued_at).unwrap();
        let back = sv::parse(token.as_bytes()).unwrap();
        assert_eq!((back.user_id, back.issued_at), (p.user_id, p.issued_at));
        assert!(sv::verify(key, token.as_bytes()));
    }
});
