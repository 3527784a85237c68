//! Text out of a PDF bill, within bounds: a file too large, encrypted, corrupt or made
//! to explode is refused with a reason, never a panic or a hang.

use std::time::Duration;

/// Larger files are not bills customers send.
pub const MAX_PDF_BYTES: usize = 20 * 1024 * 1024;
/// Longest a PDF may take to read.
pub const PDF_TIME_LIMIT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PdfError {
    #[error("the PDF is {0} bytes: larger than a bill can be")]
    TooLarge(usize),
    #[error("not a PDF file")]
    NotAPdf,
    #[error("the PDF is encrypted: ask the customer for an unprotected copy")]
    Encrypted,
    #[error("the PDF could not be read: {0}")]
    Unreadable(String),
    #[error("the PDF took too long to read")]
    TooSlow,
}

/// The PDF's text, in reading order.
pub fn pdf_text(bytes: &[u8]) -> Result<String, PdfError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(PdfError::TooLarge(bytes.len()));
    }
    if !bytes.starts_with(b"%PDF") && !bytes[..bytes.len().min(1024)].windows(4).any(|w| w == b"%PDF") {
        return Err(PdfError::NotAPdf);
    }
    if contains(bytes, b"/Encrypt") {
        return Err(PdfError::Encrypted);
    }
    let owned = bytes.to_vec();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("pdf-text".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&owned));
            let _ = tx.send(result);
        })
        .map_err(|e| PdfError::Unreadable(e.to_string()))?;
    match rx.recv_timeout(PDF_TIME_LIMIT) {
        Ok(Ok(Ok(text))) => Ok(text),
        Ok(Ok(Err(e))) => Err(PdfError::Unreadable(e.to_string())),
        Ok(Err(_)) => Err(PdfError::Unreadable("the PDF is malformed".into())),
        Err(_) => Err(PdfError::TooSlow),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
