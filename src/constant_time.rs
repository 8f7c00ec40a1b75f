//! Constant-time comparison of secrets and of the hashes they are stored by.

use subtle::ConstantTimeEq;

/// Constant-time equality. Only the lengths may leak, and the lengths of
/// hashes and tokens are public.
pub fn equals(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality() {
        assert!(equals(b"abc", b"abc"));
        assert!(equals(b"", b""));
        assert!(!equals(b"abc", b"abd"));
        assert!(!equals(b"abc", b"ab"));
        assert!(equals(b"\0\xff", b"\0\xff"));
    }
}
