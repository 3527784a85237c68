//! How a PDF font turns string bytes into text and widths: its ToUnicode map when it
//! has one (embedded and CID fonts), else WinAnsi (the standard fonts); widths from
//! /Widths or /W, else an average glyph width.

use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// Width of a glyph whose font gives none, in thousandths of the font size.
const AVERAGE_WIDTH: f32 = 556.0;
const SPACE_WIDTH: f32 = 278.0;

pub struct TextFont {
    two_byte: bool,
    to_unicode: Option<HashMap<u32, String>>,
    first_char: u32,
    widths: Vec<f32>,
    cid_widths: HashMap<u32, f32>,
    default_width: Option<f32>,
}

pub struct FontMap {
    fonts: HashMap<Vec<u8>, TextFont>,
}

impl FontMap {
    pub fn of_page(doc: &Document, page: ObjectId) -> Self {
        let mut fonts = HashMap::new();
        if let Ok(map) = doc.get_page_fonts(page) {
            for (name, dict) in map {
                fonts.insert(name, TextFont::read(doc, dict));
            }
        }
        Self { fonts }
    }

    pub fn get(&self, name: &[u8]) -> Option<&TextFont> {
        self.fonts.get(name)
    }
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn num(o: &Object) -> f32 {
    o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).unwrap_or(0.0)
}

impl TextFont {
    fn read(doc: &Document, dict: &Dictionary) -> Self {
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        let two_byte = subtype == b"Type0";
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.decompressed_content().ok().or_else(|| Some(s.content.clone())))
            .map(|bytes| parse_cmap(&String::from_utf8_lossy(&bytes)));
        let first_char = dict.get(b"FirstChar").map(|o| num(o) as u32).unwrap_or(0);
        let widths = dict
            .get(b"Widths")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_array().ok())
            .map(|a| a.iter().map(|w| num(resolve(doc, w))).collect())
            .unwrap_or_default();
        let mut font = Self {
            two_byte,
            to_unicode,
            first_char,
            widths,
            cid_widths: HashMap::new(),
            default_width: None,
        };
        if two_byte {
            font.read_cid_widths(doc, dict);
        }
        font
    }

    /// /W of the descendant font: `c [w1 w2 ...]` and `c_first c_last w`.
    fn read_cid_widths(&mut self, doc: &Document, dict: &Dictionary) {
        let descendant = dict
            .get(b"DescendantFonts")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_dict().ok());
        let Some(descendant) = descendant else { return };
        self.default_width = descendant.get(b"DW").ok().map(num);
        let Some(w) = descendant
            .get(b"W")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_array().ok())
        else {
            return;
        };
        let mut i = 0;
        while i < w.len() {
            let first = num(resolve(doc, &w[i])) as u32;
            match w.get(i + 1).map(|o| resolve(doc, o)) {
                Some(Object::Array(list)) => {
                    for (k, width) in list.iter().enumerate().take(65536) {
                        self.cid_widths.insert(first + k as u32, num(resolve(doc, width)));
                    }
                    i += 2;
                }
                Some(last) => {
                    let (last, width) = (
                        num(last) as u32,
                        w.get(i + 2).map(|o| num(resolve(doc, o))).unwrap_or(1000.0),
                    );
                    for code in first..=last.min(first + 65535) {
                        self.cid_widths.insert(code, width);
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }

    /// Each character of a string with its width in thousandths of the font size.
    pub fn decode(&self, bytes: &[u8]) -> Vec<(String, f32)> {
        let codes: Vec<u32> = if self.two_byte {
            bytes
                .chunks(2)
                .map(|c| c.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
                .collect()
        } else {
            bytes.iter().map(|b| u32::from(*b)).collect()
        };
        codes
            .into_iter()
            .map(|code| {
                let text = match &self.to_unicode {
                    Some(map) => map.get(&code).cloned().unwrap_or_default(),
                    None if self.two_byte => String::new(),
                    None => win_ansi(code as u8).to_string(),
                };
                (text, self.width(code))
            })
            .collect()
    }

    fn width(&self, code: u32) -> f32 {
        if self.two_byte {
            return self
                .cid_widths
                .get(&code)
                .copied()
                .or(self.default_width)
                .unwrap_or(1000.0);
        }
        let index = code.wrapping_sub(self.first_char) as usize;
        match self.widths.get(index) {
            Some(w) if code >= self.first_char => *w,
            _ if code == 32 => SPACE_WIDTH,
            _ => AVERAGE_WIDTH,
        }
    }
}

/// The code → text pairs of a ToUnicode CMap (`bfchar` and `bfrange`).
fn parse_cmap(text: &str) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    for section in text.split("beginbfchar").skip(1) {
        let body = section.split("endbfchar").next().unwrap_or("");
        let hexes = hex_strings(body);
        for pair in hexes.chunks(2) {
            if let [src, dst] = pair {
                map.insert(code_of(src), utf16(dst));
            }
        }
    }
    for section in text.split("beginbfrange").skip(1) {
        let body = section.split("endbfrange").next().unwrap_or("");
        for line in body.lines() {
            let hexes = hex_strings(line);
            if hexes.len() < 3 {
                continue;
            }
            let (lo, hi) = (code_of(&hexes[0]), code_of(&hexes[1]));
            if hi < lo || hi - lo > 65535 {
                continue;
            }
            if line.contains('[') {
                for (k, dst) in hexes[2..].iter().enumerate() {
                    map.insert(lo + k as u32, utf16(dst));
                }
            } else {
                let base = utf16_units(&hexes[2]);
                for code in lo..=hi {
                    let mut units = base.clone();
                    if let Some(last) = units.last_mut() {
                        *last = last.wrapping_add((code - lo) as u16);
                    }
                    map.insert(code, String::from_utf16_lossy(&units));
                }
            }
        }
    }
    map
}

fn hex_strings(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else { break };
        let hex: String = rest[start + 1..start + end]
            .chars()
            .filter(|c| c.is_ascii_hexdigit())
            .collect();
        let bytes = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect();
        out.push(bytes);
        rest = &rest[start + end + 1..];
    }
    out
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from(c[0])
            }
        })
        .collect()
}

fn utf16(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(bytes))
}

/// WinAnsiEncoding: Latin-1 with typographic marks in 0x80–0x9F.
fn win_ansi(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', ' ', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', ' ', 'Ž', ' ', ' ', '‘', '’', '“', '”', '•',
        '–', '—', '˜', '™', 'š', '›', 'œ', ' ', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tounicode_map_reads_chars_and_ranges() {
        let cmap = "1 begincodespacerange <0000> <FFFF> endcodespacerange\n2 beginbfchar\n<0003> <0020>\n<0011> <0041>\nendbfchar\n1 beginbfrange\n<0013> <0015> <0031>\nendbfrange";
        let map = parse_cmap(cmap);
        assert_eq!(map[&0x11], "A");
        assert_eq!(map[&0x14], "2");
        assert_eq!(map[&3], " ");
    }

    #[test]
    fn win_ansi_keeps_accents_and_marks() {
        assert_eq!(win_ansi(0xE9), 'é');
        assert_eq!(win_ansi(0x96), '–');
        assert_eq!(win_ansi(b'A'), 'A');
    }
}
