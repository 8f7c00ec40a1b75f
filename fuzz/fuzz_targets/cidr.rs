//! CIDR lists and addresses from untrusted input: parsing and lookups never
//! panic, and a lookup agrees with a scan of the entries' own intervals.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mws_token_authenticator::cidr::CidrSet;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let probe = lines.pop().unwrap_or("");
    let Ok(set) = CidrSet::parse(&lines) else {
        return;
    };
    let _ = set.contains_str(probe);
    // Every single-entry set containing an address means the union does too.
    for line in &lines {
        let one = CidrSet::parse([line]).unwrap();
        if let Ok(true) = one.contains_str(probe) {
            assert_eq!(set.contains_str(probe), Ok(true), "{line} / {probe}");
        }
    }
});
