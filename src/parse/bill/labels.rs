//! The field lexicon: which bill field a label names, from its words rather than from
//! any one carrier's layout. Words are folded first (`Acct No.` and `Account #` are
//! both `account number`; `Billing Tel No` is `billing phone number`; `Svc Addr` is
//! `service address`), then the folded words are read for what they name: `account`
//! with `number`/`id`/`key` is the account, `billing`/`main`/`primary` with `phone`,
//! `number` or `line` is the BTN, an address or location that is not the mailing one
//! is the service address, and so on. A label is the first words of a cell.

/// A field a label can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Account,
    Btn,
    Name,
    ServiceAddress,
    /// Where bills or payments go: a mailing or remittance address.
    OtherAddress,
    BillDate,
    /// A due date, a service period: a date that is not the bill's.
    OtherDate,
}

/// Abbreviations and other spellings, folded to one word each (Spanish too).
const FOLDS: &[(&str, &str)] = &[
    ("acct", "account"),
    ("acc", "account"),
    ("accnt", "account"),
    ("a/c", "account"),
    ("cuenta", "account"),
    ("no", "number"),
    ("nbr", "number"),
    ("num", "number"),
    ("#", "number"),
    ("nº", "number"),
    ("n°", "number"),
    ("numero", "number"),
    ("número", "number"),
    ("tel", "phone"),
    ("telephone", "phone"),
    ("ph", "phone"),
    ("teléfono", "phone"),
    ("telefono", "phone"),
    ("tns", "tn"),
    ("stmt", "statement"),
    ("inv", "invoice"),
    ("factura", "invoice"),
    ("svc", "service"),
    ("serv", "service"),
    ("servicio", "service"),
    ("addr", "address"),
    ("dirección", "address"),
    ("direccion", "address"),
    ("loc", "location"),
    ("cust", "customer"),
    ("cliente", "customer"),
    ("client", "customer"),
    ("dt", "date"),
    ("fecha", "date"),
    ("dated", "date"),
    ("emisión", "issue"),
    ("emision", "issue"),
    ("issued", "issue"),
    ("nombre", "name"),
    ("principal", "main"),
    ("organisation", "organization"),
    ("e-911", "e911"),
    ("billed", "bill"),
    ("billing", "bill"),
];

/// A word of a cell, folded, with where it stands in the cell.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The words of a cell, folded.
pub fn folded_words(cell: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let push = |out: &mut Vec<Word>, start: usize, end: usize| {
        let lower = cell[start..end].to_lowercase();
        let text = FOLDS
            .iter()
            .find(|(from, _)| *from == lower)
            .map_or(lower, |(_, to)| (*to).to_string());
        out.push(Word { text, start, end });
    };
    for (i, c) in cell.char_indices() {
        let wordy = c.is_alphanumeric() || (c == '/' && start.is_some());
        if c == '#' || c == 'º' || c == '°' {
            if let Some(s) = start.take() {
                push(&mut out, s, i);
            }
            push(&mut out, i, i + c.len_utf8());
        } else if wordy {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            push(&mut out, s, i);
        }
    }
    if let Some(s) = start {
        push(&mut out, s, cell.len());
    }
    out
}

/// Which field a label's folded words name, if any.
pub fn field_of(words: &[&str]) -> Option<Field> {
    let has = |w: &str| words.contains(&w);
    let any = |ws: &[&str]| ws.iter().any(|w| has(w));
    if matches!(
        words,
        ["mail", "to"] | ["remit", "to"] | ["send", "payments", "to"] | ["payable", "to"]
    ) {
        return Some(Field::OtherAddress);
    }
    // Words that make a label something else: a total, a type, a person's name...
    if any(&[
        "total", "balance", "summary", "details", "detail", "activity", "type", "status", "manager", "charges",
        "usage", "period", "plan", "payments", "owe", "user", "rep", "contact", "email", "web", "page", "of",
    ]) && !any(&["name", "address", "location"])
    {
        return None;
    }
    if words.len() == 1 && words[0] == "date" {
        return Some(Field::BillDate);
    }
    if any(&["date", "issue"]) {
        return Some(date_field(&any));
    }
    if has("name") {
        return (!any(&["user", "contact", "plan", "product", "file"])).then_some(Field::Name);
    }
    if let Some(field) = address_field(&any) {
        return field;
    }
    number_or_name_field(words, &has, &any)
}

/// A date label: the bill's own date, or another (due, service period...).
fn date_field(any: &dyn Fn(&[&str]) -> bool) -> Field {
    let another = [
        "due",
        "payment",
        "pay",
        "start",
        "end",
        "autopay",
        "draft",
        "vencimiento",
        "print",
        "service",
    ];
    if !any(&another) && any(&["statement", "bill", "invoice", "issue", "receipt"]) {
        Field::BillDate
    } else {
        Field::OtherDate
    }
}

/// An address label: the service address, another address (where to pay), or none
/// (a number or code about the address); `None` when it is not about an address.
fn address_field(any: &dyn Fn(&[&str]) -> bool) -> Option<Option<Field>> {
    if !any(PLACE_WORDS) {
        return None;
    }
    if any(&["number", "id", "code", "phone", "tn", "e-mail", "email"]) {
        return Some(None);
    }
    Some(if any(REMIT_WORDS) || any(&["bill"]) {
        Some(Field::OtherAddress)
    } else {
        Some(Field::ServiceAddress)
    })
}

/// The account, the billing number, or the name (labels that name a customer).
fn number_or_name_field(words: &[&str], has: &dyn Fn(&str) -> bool, any: &dyn Fn(&[&str]) -> bool) -> Option<Field> {
    let phoney = any(&["phone", "tn", "line", "btn", "atn"]);
    if has("btn") || has("atn") {
        return Some(Field::Btn);
    }
    if has("account") && !phoney && !has("holder") {
        return Some(Field::Account);
    }
    if any(&["bill", "main", "primary"]) && (phoney || has("number")) {
        return Some(Field::Btn);
    }
    if has("account") && phoney {
        return Some(Field::Btn);
    }
    if any(&["customer", "company", "subscriber", "member", "ban"]) && any(&["number", "id", "code", "key"])
        || words == ["ban"]
    {
        return Some(Field::Account);
    }
    const NAME_LABELS: &[&[&str]] = &[
        &["customer"],
        &["company"],
        &["business"],
        &["organization"],
        &["subscriber"],
        &["account", "holder"],
        &["bill", "to"],
        &["sold", "to"],
        &["invoice", "to"],
        &["prepared", "for"],
        &["receipt", "for"],
        &["statement", "for"],
        &["empresa"],
        &["razón", "social"],
        &["razon", "social"],
    ];
    NAME_LABELS.contains(&words).then_some(Field::Name)
}

/// The words of a label about a place (the service address, or where to pay).
const PLACE_WORDS: &[&str] = &[
    "address",
    "location",
    "site",
    "premises",
    "installed",
    "installation",
    "e911",
    "emergency",
];

/// The words of a label about where payments go (`Remit to`, `Mailing address`).
const REMIT_WORDS: &[&str] = &["mail", "mailing", "remit", "remittance", "payment", "payments", "send"];

/// A word labels use: `LABEL_WORDS`, `PLACE_WORDS` and `REMIT_WORDS`.
fn is_label_word(word: &str) -> bool {
    LABEL_WORDS.contains(&word) || PLACE_WORDS.contains(&word) || REMIT_WORDS.contains(&word)
}

/// Every word a label is made of (after folding), besides `PLACE_WORDS` and `REMIT_WORDS`; a cell's label ends before the first
/// word that is not one of them (`Account Number NXV-5778387`).
const LABEL_WORDS: &[&str] = &[
    "account",
    "number",
    "id",
    "key",
    "code",
    "phone",
    "tn",
    "line",
    "btn",
    "atn",
    "main",
    "primary",
    "bill",
    "invoice",
    "statement",
    "date",
    "issue",
    "receipt",
    "name",
    "customer",
    "company",
    "business",
    "organization",
    "subscriber",
    "member",
    "holder",
    "to",
    "for",
    "at",
    "of",
    "on",
    "service",
    "physical",
    "registered",
    "office",
    "payable",
    "due",
    "pay",
    "start",
    "end",
    "sold",
    "prepared",
    "legal",
    "ban",
    "empresa",
    "razón",
    "razon",
    "social",
    "de",
    "del",
    "la",
    "el",
    "the",
    "your",
    "total",
    "balance",
    "summary",
    "details",
    "detail",
    "activity",
    "type",
    "status",
    "manager",
    "charges",
    "usage",
    "period",
    "plan",
    "owe",
    "user",
    "rep",
    "contact",
    "email",
    "web",
    "page",
    "vencimiento",
    "autopay",
    "draft",
    "print",
    "product",
    "file",
    "company's",
    "care",
    "group",
    "amount",
    "new",
    "current",
];

/// The labels a cell starts with, longest first: the field and where the label ends.
pub fn labels_at_start(cell: &str) -> Vec<(Field, usize)> {
    let words = folded_words(cell);
    // A label ends at a colon, and before a word with digits (a value).
    let mut limit = words.len().min(5);
    for (i, word) in words.iter().enumerate().take(limit) {
        if !is_label_word(&word.text) {
            limit = i;
            break;
        }
        let next_start = words.get(i + 1).map_or(cell.len(), |w| w.start);
        if cell[word.end..next_start].contains([':', '=']) {
            limit = i + 1;
            break;
        }
    }
    let mut out = Vec::new();
    // `business.comcast.com`, `billing@...`: a word of an address, not a label.
    let glued = |end: usize| {
        let mut after = cell[end..].chars();
        matches!((after.next(), after.next()), (Some('.' | '@' | '/' | '-' | '_'), Some(c)) if c.is_alphanumeric())
    };
    for k in (1..=limit).rev() {
        if glued(words[k - 1].end) {
            continue;
        }
        let prefix: Vec<&str> = words[..k].iter().map(|w| w.text.as_str()).collect();
        if let Some(field) = field_of(&prefix) {
            out.push((field, words[k - 1].end));
        }
    }
    out
}

/// True when a cell is itself a label (of any field), not a value.
pub fn is_label(cell: &str) -> bool {
    let words = folded_words(cell);
    let all: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    !all.is_empty() && all.len() <= 5 && field_of(&all).is_some()
}

/// True when a cell starts with a word that labels use (`Due  Wed, Dec 16`).
pub fn starts_with_label_word(cell: &str) -> bool {
    folded_words(cell).first().is_some_and(|w| is_label_word(&w.text))
}

#[cfg(test)]
#[path = "labels_tests.rs"]
mod tests;
