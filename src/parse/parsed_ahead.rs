//! The parser's patterns parsed ahead: a table, built into the program, of each pattern
//! source and what `regex_syntax` parses it into (its `Hir`), so that a process does
//! not parse the patterns it uses again.
//!
//! Parsing the sources was two fifths of `portbot parse` of one message, which pays it
//! in full. Rebuilding a `Hir` from the table takes its constructors only.
//!
//! The table is `parsed_ahead.bin`, written by a test from every pattern
//! `compile_patterns` compiles (`parsed_ahead_tests.rs` says how). A source missing
//! from the table, or an entry that does not read, is parsed as before: the table only
//! saves time. The tests check that each entry reads back as exactly what parsing its
//! source gives, so a stale table fails them rather than changing a pattern.

use regex_syntax::hir::{Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange};
use regex_syntax::hir::{Hir, Look, Repetition};
use std::sync::OnceLock;

/// The first line of the table: what it is and the version of its layout.
const HEADER: &[u8] = b"portbot parsed patterns 1\n";

static TABLE: &[u8] = include_bytes!("parsed_ahead.bin");

/// What parsing `source` gives, from the table; `None` when the table does not hold it.
pub fn parsed(source: &str) -> Option<Hir> {
    static ENTRIES: OnceLock<Vec<(&'static str, &'static [u8])>> = OnceLock::new();
    held(ENTRIES.get_or_init(|| entries(TABLE).unwrap_or_default()), source)
}

/// What `entries` hold for `source`, read.
fn held(entries: &[(&str, &[u8])], source: &str) -> Option<Hir> {
    let at = entries.binary_search_by(|(s, _)| (*s).cmp(source)).ok()?;
    read_hir(entries[at].1)
}

/// The table's entries, sorted by source, each with its `Hir` still written.
fn entries(table: &[u8]) -> Option<Vec<(&str, &[u8])>> {
    let mut reader = Reader(table.strip_prefix(HEADER)?);
    let count = reader.number()?;
    let mut entries = Vec::with_capacity(count.min(4096));
    for _ in 0..count {
        let source = std::str::from_utf8(reader.bytes()?).ok()?;
        entries.push((source, reader.bytes()?));
    }
    entries.is_sorted_by(|a, b| a.0 < b.0).then_some(entries)
}

/// One written `Hir`, all of it.
fn read_hir(written: &[u8]) -> Option<Hir> {
    let mut reader = Reader(written);
    let hir = reader.hir()?;
    reader.0.is_empty().then_some(hir)
}

// What each kind of `Hir` is written as: its tag, then its parts.
const EMPTY: u8 = 0;
const LITERAL: u8 = 1;
const UNICODE_CLASS: u8 = 2;
const BYTE_CLASS: u8 = 3;
const LOOK: u8 = 4;
const REPETITION: u8 = 5;
const CAPTURE: u8 = 6;
const CONCAT: u8 = 7;
const ALTERNATION: u8 = 8;

/// Reads a table from its front.
struct Reader<'t>(&'t [u8]);

impl<'t> Reader<'t> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    /// A number written seven bits a byte, low bits first.
    fn number(&mut self) -> Option<usize> {
        let mut number = 0usize;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            number |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(number);
            }
        }
        None
    }

    /// Bytes written after their count.
    fn bytes(&mut self) -> Option<&'t [u8]> {
        let len = self.number()?;
        if len > self.0.len() {
            return None;
        }
        let (bytes, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(bytes)
    }

    /// A number that may be absent, written plus one (0 is absent).
    fn maybe_number(&mut self) -> Option<Option<u32>> {
        match self.number()? {
            0 => Some(None),
            n => Some(Some(u32::try_from(n - 1).ok()?)),
        }
    }

    fn hirs(&mut self) -> Option<Vec<Hir>> {
        let count = self.number()?;
        let mut subs = Vec::with_capacity(count.min(self.0.len()));
        for _ in 0..count {
            subs.push(self.hir()?);
        }
        Some(subs)
    }

    fn hir(&mut self) -> Option<Hir> {
        Some(match self.byte()? {
            EMPTY => Hir::empty(),
            LITERAL => Hir::literal(self.bytes()?),
            UNICODE_CLASS => {
                let mut ranges = Vec::new();
                for _ in 0..self.number()? {
                    let start = char::from_u32(u32::try_from(self.number()?).ok()?)?;
                    let end = char::from_u32(u32::try_from(self.number()?).ok()?)?;
                    ranges.push(ClassUnicodeRange::new(start, end));
                }
                Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
            }
            BYTE_CLASS => {
                let mut ranges = Vec::new();
                for _ in 0..self.number()? {
                    let (start, end) = (self.byte()?, self.byte()?);
                    ranges.push(ClassBytesRange::new(start, end));
                }
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            LOOK => Hir::look(Look::from_repr(u32::try_from(self.number()?).ok()?)?),
            REPETITION => Hir::repetition(Repetition {
                min: u32::try_from(self.number()?).ok()?,
                max: self.maybe_number()?,
                greedy: self.byte()? == 1,
                sub: Box::new(self.hir()?),
            }),
            CAPTURE => {
                let index = u32::try_from(self.number()?).ok()?;
                let name = match self.byte()? {
                    0 => None,
                    _ => Some(std::str::from_utf8(self.bytes()?).ok()?.into()),
                };
                let sub = Box::new(self.hir()?);
                Hir::capture(Capture { index, name, sub })
            }
            CONCAT => Hir::concat(self.hirs()?),
            ALTERNATION => Hir::alternation(self.hirs()?),
            _ => return None,
        })
    }
}

/// The table of `sources`, each with what parsing it gives (sorted by source).
#[cfg(test)]
pub fn table(sources: &std::collections::BTreeMap<String, Hir>) -> Vec<u8> {
    let mut out = HEADER.to_vec();
    write_number(&mut out, sources.len());
    for (source, hir) in sources {
        write_bytes(&mut out, source.as_bytes());
        let mut written = Vec::new();
        write_hir(&mut written, hir);
        write_bytes(&mut out, &written);
    }
    out
}

/// What the table holds for `source` in `table`, read back.
#[cfg(test)]
pub fn parsed_in(table: &[u8], source: &str) -> Option<Hir> {
    held(&entries(table)?, source)
}

#[cfg(test)]
fn write_number(out: &mut Vec<u8>, mut number: usize) {
    loop {
        let low = (number & 0x7f) as u8;
        number >>= 7;
        if number == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

#[cfg(test)]
fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_number(out, bytes.len());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
fn write_hir(out: &mut Vec<u8>, hir: &Hir) {
    let number = |n: u32| n as usize;
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Empty => out.push(EMPTY),
        HirKind::Literal(literal) => {
            out.push(LITERAL);
            write_bytes(out, &literal.0);
        }
        HirKind::Class(Class::Unicode(class)) => {
            out.push(UNICODE_CLASS);
            write_number(out, class.ranges().len());
            for range in class.ranges() {
                write_number(out, number(range.start().into()));
                write_number(out, number(range.end().into()));
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            out.push(BYTE_CLASS);
            write_number(out, class.ranges().len());
            for range in class.ranges() {
                out.extend([range.start(), range.end()]);
            }
        }
        HirKind::Look(look) => {
            out.push(LOOK);
            write_number(out, number(look.as_repr()));
        }
        HirKind::Repetition(repetition) => {
            out.push(REPETITION);
            write_number(out, number(repetition.min));
            write_number(out, repetition.max.map_or(0, |max| number(max) + 1));
            out.push(u8::from(repetition.greedy));
            write_hir(out, &repetition.sub);
        }
        HirKind::Capture(capture) => {
            out.push(CAPTURE);
            write_number(out, number(capture.index));
            match &capture.name {
                None => out.push(0),
                Some(name) => {
                    out.push(1);
                    write_bytes(out, name.as_bytes());
                }
            }
            write_hir(out, &capture.sub);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            out.push(match hir.kind() {
                HirKind::Concat(_) => CONCAT,
                _ => ALTERNATION,
            });
            write_number(out, subs.len());
            for sub in subs {
                write_hir(out, sub);
            }
        }
    }
}

#[cfg(test)]
#[path = "parsed_ahead_tests.rs"]
mod tests;
