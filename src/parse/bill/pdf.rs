//! Text out of a PDF bill, laid out as it prints: lines top to bottom, cells left to
//! right, a wide gap between cells kept as two spaces (as `pdftotext -layout` does).
//! Read with lopdf in-process (no external program), within bounds: a file too large,
//! encrypted, corrupt or made to explode is refused with a reason, never a panic or
//! a hang.

use super::pdf_fonts::{FontMap, TextFont};
use flate2::read::ZlibDecoder;
use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};
use std::io::Read;

/// Larger files are not bills customers send.
pub const MAX_PDF_BYTES: usize = 20 * 1024 * 1024;
/// Most that all of a PDF's compressed streams may inflate to.
pub const MAX_INFLATED_BYTES: usize = 64 * 1024 * 1024;
/// Most pages read.
pub const MAX_PAGES: usize = 50;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PdfError {
    #[error("the PDF is {0} bytes: larger than a bill can be")]
    TooLarge(usize),
    #[error("not a PDF file")]
    NotAPdf,
    #[error("the PDF is encrypted: ask the customer for an unprotected copy")]
    Encrypted,
    #[error("the PDF inflates to more than {} MB: refused as a decompression bomb", MAX_INFLATED_BYTES / 1024 / 1024)]
    Bomb,
    #[error("the PDF could not be read: {0}")]
    Unreadable(String),
    #[error("the PDF has no text (a scanned bill?): ask the customer for the PDF their carrier sends")]
    NoText,
}

/// The PDF's text, in reading order.
pub fn pdf_text(bytes: &[u8]) -> Result<String, PdfError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(PdfError::TooLarge(bytes.len()));
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotAPdf);
    }
    if find(bytes, b"/Encrypt").is_some() {
        return Err(PdfError::Encrypted);
    }
    check_inflated_size(bytes)?;
    let doc = Document::load_mem(bytes).map_err(|e| PdfError::Unreadable(e.to_string()))?;
    if doc.is_encrypted() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Encrypted);
    }
    let mut out = String::new();
    for (_, page) in doc.get_pages().into_iter().take(MAX_PAGES) {
        let runs = page_runs(&doc, page).map_err(PdfError::Unreadable)?;
        out.push_str(&lay_out(runs));
        out.push('\n');
    }
    if out.trim().is_empty() {
        return Err(PdfError::NoText);
    }
    Ok(out)
}

/// Inflates every Flate stream with a cap, before lopdf does so without one.
fn check_inflated_size(bytes: &[u8]) -> Result<(), PdfError> {
    let mut total = 0usize;
    let mut rest = bytes;
    while let Some(at) = find(rest, b"stream") {
        let after = &rest[at + 6..];
        let body_start = match after {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] | [b'\r', ..] => 1,
            _ => {
                rest = after;
                continue;
            }
        };
        let body = &after[body_start..];
        let end = find(body, b"endstream").unwrap_or(body.len());
        let mut inflater = ZlibDecoder::new(&body[..end]).take((MAX_INFLATED_BYTES - total + 1) as u64);
        let mut sink = Vec::new();
        // Not every stream is Flate; those that do not inflate are skipped here.
        let inflated = inflater.read_to_end(&mut sink).unwrap_or(sink.len());
        total += inflated;
        if total > MAX_INFLATED_BYTES {
            return Err(PdfError::Bomb);
        }
        rest = &body[end..];
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A piece of text drawn at one place.
#[derive(Debug, Clone)]
struct Run {
    x: f32,
    y: f32,
    end_x: f32,
    size: f32,
    text: String,
}

/// A 2-D affine transform [a b c d e f].
#[derive(Debug, Clone, Copy)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// self × other (apply self, then other).
    fn then(self, o: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

fn number(o: &Object) -> f32 {
    o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).unwrap_or(0.0)
}

fn numbers<const N: usize>(operands: &[Object]) -> Option<[f32; N]> {
    (operands.len() >= N).then(|| std::array::from_fn(|i| number(&operands[i])))
}

/// Where text goes as a content stream draws it: the graphics and text matrices, the
/// font and its size, the leading.
struct Pen<'f> {
    ctm: Matrix,
    saved: Vec<Matrix>,
    tm: Matrix,
    tlm: Matrix,
    font: Option<&'f TextFont>,
    size: f32,
    leading: f32,
}

impl Default for Pen<'_> {
    fn default() -> Self {
        Self {
            ctm: Matrix::IDENTITY,
            saved: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            font: None,
            size: 10.0,
            leading: 0.0,
        }
    }
}

impl<'f> Pen<'f> {
    fn next_line(&mut self) {
        self.tlm = Matrix::translate(0.0, -self.leading).then(self.tlm);
        self.tm = self.tlm;
    }

    /// Follows one operator; text it shows becomes runs.
    fn follow(&mut self, op: &lopdf::content::Operation, fonts: &'f FontMap, runs: &mut Vec<Run>) {
        let args = &op.operands;
        match op.operator.as_str() {
            "q" => self.saved.push(self.ctm),
            "Q" => self.ctm = self.saved.pop().unwrap_or(Matrix::IDENTITY),
            "cm" => {
                if let Some(m) = numbers::<6>(args) {
                    self.ctm = Matrix(m).then(self.ctm);
                }
            }
            "BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            "Tf" => {
                self.font = args.first().and_then(|n| n.as_name().ok()).and_then(|n| fonts.get(n));
                self.size = args.get(1).map(number).unwrap_or(self.size);
            }
            "TL" => self.leading = args.first().map(number).unwrap_or(self.leading),
            "Td" | "TD" => {
                if let Some([x, y]) = numbers::<2>(args) {
                    if op.operator == "TD" {
                        self.leading = -y;
                    }
                    self.tlm = Matrix::translate(x, y).then(self.tlm);
                    self.tm = self.tlm;
                }
            }
            "Tm" => {
                if let Some(m) = numbers::<6>(args) {
                    self.tlm = Matrix(m);
                    self.tm = self.tlm;
                }
            }
            "T*" => self.next_line(),
            "Tj" | "'" | "\"" => {
                if op.operator != "Tj" {
                    self.next_line();
                }
                if let Some(Object::String(bytes, _)) = args.last() {
                    show(
                        runs,
                        &mut self.tm,
                        self.ctm,
                        self.font,
                        self.size,
                        &[Object::String(bytes.clone(), lopdf::StringFormat::Literal)],
                    );
                }
            }
            "TJ" => {
                if let Some(Ok(items)) = args.first().map(Object::as_array) {
                    show(runs, &mut self.tm, self.ctm, self.font, self.size, items);
                }
            }
            _ => {}
        }
    }
}

/// Follows the page's content streams and collects every text run with its place.
fn page_runs(doc: &Document, page: ObjectId) -> Result<Vec<Run>, String> {
    let fonts = FontMap::of_page(doc, page);
    let mut data = Vec::new();
    for id in doc.get_page_contents(page) {
        if let Ok(Object::Stream(stream)) = doc.get_object(id) {
            let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            data.extend_from_slice(&bytes);
            data.push(b'\n');
        }
    }
    let content = Content::decode(&data).map_err(|e| e.to_string())?;
    let mut runs = Vec::new();
    let mut pen = Pen::default();
    for op in &content.operations {
        pen.follow(op, &fonts, &mut runs);
    }
    Ok(runs)
}

/// Draws strings (and TJ's kerning numbers) at the text matrix, moving it along.
fn show(runs: &mut Vec<Run>, tm: &mut Matrix, ctm: Matrix, font: Option<&TextFont>, size: f32, items: &[Object]) {
    let Some(font) = font else { return };
    let start = tm.then(ctm);
    let scale = (start.0[0].powi(2) + start.0[1].powi(2)).sqrt().max(0.01);
    let mut text = String::new();
    let mut advance = 0.0f32;
    for item in items {
        match item {
            Object::String(bytes, _) => {
                for (ch, width) in font.decode(bytes) {
                    text.push_str(&ch);
                    advance += width * size / 1000.0;
                }
            }
            other => {
                let kern = number(other);
                // A wide negative kern is a gap between words.
                if kern < -200.0 && !text.ends_with(' ') {
                    text.push(' ');
                }
                advance -= kern * size / 1000.0;
            }
        }
    }
    *tm = Matrix::translate(advance, 0.0).then(*tm);
    if !text.trim().is_empty() {
        runs.push(Run {
            x: start.0[4],
            y: start.0[5],
            end_x: start.0[4] + advance * scale,
            size: size * scale,
            text,
        });
    }
}

/// Lines from runs: the same baseline is one line, read left to right; a gap wider
/// than a few spaces is a new cell (two spaces).
fn lay_out(mut runs: Vec<Run>) -> String {
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match lines.last_mut() {
            Some(line) if (line[0].y - run.y).abs() <= line[0].size.max(run.size) * 0.4 => line.push(run),
            _ => lines.push(vec![run]),
        }
    }
    let mut out = String::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut end: Option<f32> = None;
        for run in line {
            if let Some(end) = end {
                let gap = run.x - end;
                let space = run.size * 0.25;
                if gap > space * 3.0 {
                    out.push_str("  ");
                } else if gap > space * 0.4 && !out.ends_with(' ') && !run.text.starts_with(' ') {
                    out.push(' ');
                }
            }
            out.push_str(run.text.trim_end());
            end = Some(run.end_x);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_readable_pdf_is_refused_with_a_reason() {
        assert_eq!(pdf_text(b"hello"), Err(PdfError::NotAPdf));
        assert!(matches!(
            pdf_text(b"%PDF-1.4\n1 0 obj\n<<"),
            Err(PdfError::Unreadable(_))
        ));
        assert_eq!(
            pdf_text(&vec![b' '; MAX_PDF_BYTES + 1]),
            Err(PdfError::TooLarge(MAX_PDF_BYTES + 1))
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_inflated() {
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..(MAX_INFLATED_BYTES / zeros.len() + 2) {
            z.write_all(&zeros).unwrap();
        }
        let bomb = z.finish().unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 1 /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&bomb);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert_eq!(pdf_text(&pdf), Err(PdfError::Bomb));
    }
}
