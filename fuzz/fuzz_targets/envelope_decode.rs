//! Salted envelopes from untrusted input: decoding never panics, and what
//! decodes re-encodes to an envelope that decodes to the same fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mws_token_authenticator::envelope;

fuzz_target!(|data: &[u8]| {
    let (salt, input) = match data.split_first() {
        Some((&n, rest)) => rest.split_at((n as usize).min(rest.len())),
        None => return,
    };
    if let Ok(env) = envelope::decode(salt, input) {
        let again = envelope::encode(salt, &env.verify_callback, &env.token).unwrap();
        let back = envelope::decode(salt, again.as_bytes()).unwrap();
        assert_eq!(back, env);
    }
});
