//! What we know of carriers' bills, as data: how each carrier of the contract's list
//! names itself (brand variants included), the headings of a bill's parts, and the
//! words a bill prints as titles. A carrier not on the list is named as printed.

pub struct Carrier {
    /// The name the contract uses.
    pub name: &'static str,
    /// Lower-case words that identify the carrier on a bill (the first found wins).
    pub marks: &'static [&'static str],
}

pub const CARRIERS: &[Carrier] = &[
    carrier("Comcast Business", &["comcast business", "comcast", "xfinity"]),
    carrier("AT&T", &["at&t", "at&amp;t", "att.com", "at & t"]),
    carrier("Verizon", &["verizon business", "verizon", "fios"]),
    carrier("Spectrum", &["spectrum business", "spectrum", "charter communications"]),
    carrier(
        "Lumen",
        &["lumen technologies", "lumen", "centurylink", "qwest", "level 3"],
    ),
    carrier("Frontier", &["frontier communications", "frontier"]),
    carrier(
        "Windstream",
        &["windstream enterprise", "windstream", "kinetic business"],
    ),
    carrier("Cox Business", &["cox business", "cox communications", "cox.com"]),
    carrier("RingCentral", &["ringcentral"]),
    carrier("Vonage", &["vonage business", "vonage"]),
    carrier("8x8", &["8x8"]),
    carrier("Nextiva", &["nextiva"]),
    carrier("Google Voice", &["google voice"]),
];

const fn carrier(name: &'static str, marks: &'static [&'static str]) -> Carrier {
    Carrier { name, marks }
}

/// Headings under which numbers are calls made, not lines on the account.
pub const CALL_DETAIL_HEADINGS: &[&str] = &[
    "itemized calls",
    "call detail",
    "calls made",
    "usage detail",
    "long distance detail",
    "call log",
    "detail of calls",
    "call history",
    "detalle de llamadas",
    "llamadas realizadas",
];
/// Headings that start a new part of the bill (ending a call-detail section).
pub const SECTION_HEADINGS: &[&str] = &[
    "taxes",
    "summary",
    "detail of charges",
    "monthly charges",
    "service detail",
    "phone numbers and lines",
    "itemized service charges",
    "payment coupon",
    "page ",
    "account summary",
];

/// The known carrier a bill names first, looking at its head before its body.
pub fn known_carrier(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    let head: String = lower.lines().take(12).collect::<Vec<_>>().join("\n");
    for scope in [&head, &lower] {
        let mut best: Option<(usize, &'static str)> = None;
        for carrier in CARRIERS {
            for mark in carrier.marks {
                if let Some(at) = find_word(scope, mark) {
                    if best.is_none_or(|(b, _)| at < b) {
                        best = Some((at, carrier.name));
                    }
                }
            }
        }
        if let Some((_, name)) = best {
            return Some(name);
        }
    }
    None
}

/// Where `word` stands in `text` as a whole word.
pub fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(word) {
        let at = from + pos;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let alnum = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        if !alnum(before) && !alnum(after) {
            return Some(at);
        }
        from = at + word.len().max(1);
    }
    None
}

/// Words a bill prints as titles and headings, never as a company's name.
const HEADING_WORDS: &[&str] = &[
    "invoice",
    "statement",
    "bill",
    "receipt",
    "account",
    "summary",
    "page",
    "charges",
    "services",
    "service",
    "total",
    "details",
    "detail",
    "business",
    "billing",
    "payment",
    "taxes",
    "fees",
    "your",
    "this",
    "new",
    "tax",
    "e-statement",
    "e",
    "numbers",
    "lines",
    "monthly",
    "amount",
    "due",
    "balance",
    "remittance",
    "coupon",
    "skip",
    "main",
    "content",
    "welcome",
    "overview",
    "home",
    "factura",
    "estado",
    "cuenta",
];

/// True when every word of a cell is a heading word (`BUSINESS SERVICES STATEMENT`).
pub fn is_heading(cell: &str) -> bool {
    let words: Vec<String> = cell
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    const NEUTRAL: &[&str] = &["and", "&", "of", "for", "by", "y", "de", "-"];
    !words.is_empty()
        && words.iter().any(|w| HEADING_WORDS.contains(&w.as_str()))
        && words.iter().all(|w| {
            HEADING_WORDS.contains(&w.as_str())
                || NEUTRAL.contains(&w.as_str())
                || w.chars().all(|c| c.is_ascii_digit())
        })
}
