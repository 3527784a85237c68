//! Any bytes given to the message path: a result, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = portbot::parse::parse_file_bytes("fuzz.eml", data);
});
