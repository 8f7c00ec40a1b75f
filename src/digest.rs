//! HMAC-SHA256 signatures and SHA-256 hashes: the one HMAC and the one hash
//! of the crate. Signatures are checked in constant time by the `hmac`
//! crate; other secrets are compared in `constant_time`.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// A failure of a signature check, for callers that report why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// A signature that is not hex, or does not match.
    #[error("the signature does not match")]
    BadSignature,
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], message: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac
}

/// Raw HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    mac(key, message).finalize().into_bytes().into()
}

/// HMAC-SHA256 as lower-case hex, identical to PHP's `hash_hmac('sha256', …)`.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    crate::hex::encode(&hmac_sha256(key, message))
}

/// Checks a hex signature in constant time. Hex of either case is accepted;
/// anything that is not 64 hex digits is simply a mismatch.
pub fn hmac_sha256_verify_hex(key: &[u8], message: &[u8], signature_hex: &[u8]) -> bool {
    match crate::hex::decode(signature_hex) {
        Some(sig) => mac(key, message).verify_slice(&sig).is_ok(),
        None => false,
    }
}

/// Checks a raw signature in constant time (a JWT's HS256, a session
/// verification token's decoded hex).
pub fn hmac_sha256_verify(key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    mac(key, message).verify_slice(signature).is_ok()
}

/// Like [`hmac_sha256_verify_hex`], but an error that says the signature is
/// bad, for callers that report why.
pub fn require_signature(
    key: &[u8],
    message: &[u8],
    signature_hex: &[u8],
) -> Result<(), DigestError> {
    if hmac_sha256_verify_hex(key, message, signature_hex) {
        Ok(())
    } else {
        Err(DigestError::BadSignature)
    }
}

/// SHA-256 as lower-case hex: the form in which tokens are stored.
pub fn sha256_hex(data: &[u8]) -> String {
    crate::hex::encode(&Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231 test cases 1, 2, 4, 6 and 7 (case 5 is truncated output).
    const RFC4231: &[(&[u8], &[u8], &str)] = &[
        (
            &[0x0b; 20],
            b"Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            &[
                0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
                0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
            ],
            &[0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            &[0xaa; 131],
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];

    #[test]
    fn rfc4231_vectors() {
        for (key, msg, want) in RFC4231 {
            assert_eq!(hmac_sha256_hex(key, msg), *want);
            assert!(hmac_sha256_verify_hex(key, msg, want.as_bytes()));
            assert!(hmac_sha256_verify_hex(
                key,
                msg,
                want.to_uppercase().as_bytes()
            ));
        }
    }

    #[test]
    fn verify_rejects_tampering_and_junk() {
        let sig = hmac_sha256_hex(b"k", b"m");
        assert!(!hmac_sha256_verify_hex(b"k", b"m2", sig.as_bytes()));
        assert!(!hmac_sha256_verify_hex(b"k2", b"m", sig.as_bytes()));
        assert!(!hmac_sha256_verify_hex(b"k", b"m", &sig.as_bytes()[..62]));
        assert!(!hmac_sha256_verify_hex(b"k", b"m", b""));
        assert!(!hmac_sha256_verify_hex(b"k", b"m", b"zz"));
        assert_eq!(
            require_signature(b"k", b"x", sig.as_bytes()),
            Err(DigestError::BadSignature)
        );
    }

    #[test]
    fn binary_keys_and_messages() {
        let key = [0u8, 0xff, 0x00, 0x80];
        let msg = [0xc3u8, 0x28, 0x00];
        let sig = hmac_sha256_hex(&key, &msg);
        assert!(hmac_sha256_verify_hex(&key, &msg, sig.as_bytes()));
        assert_ne!(sig, hmac_sha256_hex(&key[..1], &msg));
    }

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
