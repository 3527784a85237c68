//! What we know of each losing carrier's bills, as data: how the carrier names itself
//! on a bill, and the labels its bills use beyond the common ones. A carrier nobody
//! described is read by the generic labels alone and named as printed.

pub struct Carrier {
    /// The name the contract uses.
    pub name: &'static str,
    /// Lower-case words that identify the carrier on a bill (the first found wins).
    pub marks: &'static [&'static str],
}

pub const CARRIERS: &[Carrier] = &[
    Carrier {
        name: "Comcast Business",
        marks: &["comcast business", "comcast", "xfinity"],
    },
    Carrier {
        name: "AT&T",
        marks: &["at&t", "at&amp;t", "att.com"],
    },
    Carrier {
        name: "Verizon",
        marks: &["verizon", "fios"],
    },
    Carrier {
        name: "Spectrum",
        marks: &["spectrum", "charter communications"],
    },
    Carrier {
        name: "Lumen",
        marks: &["lumen", "centurylink", "qwest", "level 3"],
    },
    Carrier {
        name: "Frontier",
        marks: &["frontier"],
    },
    Carrier {
        name: "Windstream",
        marks: &["windstream", "kinetic business"],
    },
    Carrier {
        name: "Cox Business",
        marks: &["cox business", "cox communications", "cox.com"],
    },
    Carrier {
        name: "RingCentral",
        marks: &["ringcentral"],
    },
    Carrier {
        name: "Vonage",
        marks: &["vonage"],
    },
    Carrier {
        name: "8x8",
        marks: &["8x8"],
    },
    Carrier {
        name: "Nextiva",
        marks: &["nextiva"],
    },
    Carrier {
        name: "Google Voice",
        marks: &["google voice"],
    },
];

/// Labels, lower case, that introduce each field on bills in general. Order matters
/// only where one label contains another: longer first.
pub const ACCOUNT_LABELS: &[&str] = &[
    "billing account number",
    "customer account number",
    "account number",
    "account no.",
    "account no",
    "account #",
    "account id",
    "acct. no.",
    "acct no.",
    "acct no",
    "acct #",
    "acct#",
    "acct.",
    "acct",
    "ban",
    "número de cuenta",
    "numero de cuenta",
    "cuenta",
];
pub const BTN_LABELS: &[&str] = &[
    "billing telephone number (btn)",
    "billing telephone number",
    "main billing number",
    "billing number",
    "main company number",
    "main telephone number",
    "main phone number",
    "main number",
    "primary number",
    "primary telephone number",
    "primary phone number",
    "primary phone",
    "main phone",
    "billing phone number",
    "billing phone",
    "billing tn",
    "main line",
    "account telephone number",
    "account phone number",
    "btn",
    "main tn",
    "número principal",
    "numero principal",
];
pub const NAME_LABELS: &[&str] = &[
    "account name",
    "customer name",
    "business name",
    "company name",
    "name on account",
    "account holder",
    "customer",
    "nombre de la cuenta",
    "nombre del cliente",
    "cliente",
];
pub const SERVICE_ADDRESS_LABELS: &[&str] = &[
    "service location (e911)",
    "service address",
    "service location",
    "location of service",
    "installation address",
    "premises address",
    "service site",
    "physical address",
    "site address",
    "service at",
    "e911 address",
    "dirección de servicio",
    "direccion de servicio",
];
pub const DATE_LABELS: &[&str] = &[
    "statement date",
    "bill date",
    "invoice date",
    "billing date",
    "date of bill",
    "date of statement",
    "bill issued",
    "bill issue date",
    "date issued",
    "issue date",
    "fecha de factura",
    "fecha de emisión",
    "fecha del estado de cuenta",
];
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
