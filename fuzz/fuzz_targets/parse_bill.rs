//! Any bytes given to the bill path (PDF, HTML, text): a result, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = match data.first().map(|b| b % 3) {
        Some(0) => "fuzz.pdf",
        Some(1) => "fuzz.html",
        _ => "fuzz.txt",
    };
    let _ = portbot::parse::parse_file_bytes(name, data);
});
