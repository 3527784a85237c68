//! Telephone numbers of the North American Numbering Plan, as E.164, and the number
//! lists staff and customers type (commas, spaces, ranges such as `305-555-0100 thru 0119`).

use std::fmt;
use std::str::FromStr;

/// The toll-free area codes in service (8XX); everything else is a local number.
const TOLL_FREE_NPAS: [u16; 7] = [800, 833, 844, 855, 866, 877, 888];

/// The most numbers one range may expand to: a typo such as `thru 9999` should be an
/// error, not ten thousand numbers on an order.
pub const MAX_RANGE_LEN: u64 = 1000;

/// A NANP telephone number (US, Canada and the Caribbean), held as its ten digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneNumber {
    national: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("'{0}' is not a telephone number: write ten digits, e.g. 305-555-0123")]
    NotANumber(String),
    #[error("'{0}' has {1} digits: a North American number has ten (or eleven starting with 1)")]
    WrongLength(String, usize),
    #[error("'{0}' is not a real number: the area code cannot start with 0 or 1")]
    BadAreaCode(String),
    #[error("'{0}' is not a real number: the exchange (the 3 digits after the area code) cannot start with 0 or 1")]
    BadExchange(String),
    #[error("'{0}' is not portable: N11 codes such as 411 or 911 are service codes")]
    ServiceCode(String),
    #[error("'{0}' is not a North American number: only +1 numbers can be ported here")]
    NotNanp(String),
}

impl PhoneNumber {
    /// Builds a number from its ten national digits, checking the NANP rules.
    pub fn from_national(national: u64, written: &str) -> Result<Self, PhoneError> {
        let npa = national / 10_000_000;
        let nxx = (national / 10_000) % 1000;
        if !(200..=999).contains(&npa) {
            return Err(PhoneError::BadAreaCode(written.to_string()));
        }
        if is_n11(npa) {
            return Err(PhoneError::ServiceCode(written.to_string()));
        }
        if !(200..=999).contains(&nxx) {
            return Err(PhoneError::BadExchange(written.to_string()));
        }
        if is_n11(nxx) {
            return Err(PhoneError::ServiceCode(written.to_string()));
        }
        Ok(Self { national })
    }

    /// The three-digit area code.
    pub fn area_code(&self) -> u16 {
        (self.national / 10_000_000) as u16
    }

    pub fn is_toll_free(&self) -> bool {
        TOLL_FREE_NPAS.contains(&self.area_code())
    }

    /// `+13055550123`
    pub fn e164(&self) -> String {
        format!("+1{:010}", self.national)
    }

    /// `(305) 555-0123`, the way staff read numbers.
    pub fn pretty(&self) -> String {
        let n = self.national;
        format!("({:03}) {:03}-{:04}", n / 10_000_000, (n / 10_000) % 1000, n % 10_000)
    }

    pub fn national(&self) -> u64 {
        self.national
    }
}

fn is_n11(code: u64) -> bool {
    code % 100 == 11
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164())
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.e164())
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    /// One number, written any common way: `(305) 555-0123`, `305.555.0123`,
    /// `+1 305 555 0123`, `1-305-555-0123`, `3055550123`, `+13055550123`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let written = s.trim();
        let mut scan = Scanner::new(written);
        let number = scan.number()?;
        if !scan.rest().trim().is_empty() {
            return Err(PhoneError::NotANumber(written.to_string()));
        }
        Ok(number)
    }
}

impl serde::Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.e164())
    }
}

impl<'de> serde::Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Reads one number at the start of `text` and returns it with the text after it:
/// `(305) 555-0100 ext 201` → `+13055550100` and `ext 201`.
pub fn leading_number(text: &str) -> Result<(PhoneNumber, &str), PhoneError> {
    let trimmed = text.trim_start();
    let mut scan = Scanner::new(trimmed);
    let number = scan.number()?;
    Ok((number, scan.rest()))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberListError {
    #[error(transparent)]
    Number(#[from] PhoneError),
    #[error("the range '{0}' runs backwards: write the lower number first")]
    Backwards(String),
    #[error("the range '{0}' spans more than {MAX_RANGE_LEN} numbers: split it or check for a typo")]
    TooLong(String),
    #[error("the range '{0}' changes area code or exchange: a range keeps the first six digits")]
    CrossesExchange(String),
    #[error("no telephone number found in '{0}'")]
    Empty(String),
    #[error("'{0}' is not part of a number list: separate numbers with commas")]
    Stray(String),
}

/// Parses a list of numbers as staff and customers type it: separated by commas,
/// semicolons, new lines, spaces or "and", with ranges (`305-555-0100 thru 0119`,
/// `(954) 555-0200 to -0209`, `3055550100-0103`). Returns the numbers in the order
/// written, without repeats.
pub fn parse_number_list(text: &str) -> Result<Vec<PhoneNumber>, NumberListError> {
    let mut scan = Scanner::new(text);
    let mut numbers: Vec<PhoneNumber> = Vec::new();
    loop {
        scan.skip_separators();
        if scan.rest().is_empty() {
            break;
        }
        let item_start = scan.pos;
        if !scan.at_number_start() {
            return Err(NumberListError::Stray(scan.word()));
        }
        let first = scan.number()?;
        let expanded = match scan.range_end(first)? {
            None => vec![first],
            Some(last) => expand(first, last, scan.written_since(item_start))?,
        };
        for n in expanded {
            if !numbers.contains(&n) {
                numbers.push(n);
            }
        }
    }
    if numbers.is_empty() {
        return Err(NumberListError::Empty(text.to_string()));
    }
    Ok(numbers)
}

fn expand(first: PhoneNumber, last: PhoneNumber, written: &str) -> Result<Vec<PhoneNumber>, NumberListError> {
    if first.national / 10_000 != last.national / 10_000 {
        return Err(NumberListError::CrossesExchange(written.to_string()));
    }
    if last < first {
        return Err(NumberListError::Backwards(written.to_string()));
    }
    if last.national - first.national >= MAX_RANGE_LEN {
        return Err(NumberListError::TooLong(written.to_string()));
    }
    Ok((first.national..=last.national)
        .map(|national| PhoneNumber { national })
        .collect())
}

/// A cursor over typed text that reads numbers and range ends.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

const RANGE_WORDS: [&str; 6] = ["through", "thru", "to", "until", "till", "al"];

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn written_since(&self, start: usize) -> &'a str {
        self.text[start..self.pos].trim()
    }

    fn word(&self) -> String {
        self.rest()
            .split([',', ';', '\n'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    }

    fn skip_separators(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == ';');
            let trimmed = strip_word(trimmed, "and")
                .or_else(|| strip_word(trimmed, "y"))
                .unwrap_or(trimmed);
            if trimmed.len() == rest.len() {
                return;
            }
            self.pos += rest.len() - trimmed.len();
        }
    }

    fn at_number_start(&self) -> bool {
        matches!(self.rest().chars().next(), Some(c) if c.is_ascii_digit() || c == '(' || c == '+')
    }

    /// Reads one complete number: ten digits, or eleven when the first is the
    /// country code 1, with the usual punctuation between them.
    fn number(&mut self) -> Result<PhoneNumber, PhoneError> {
        let start = self.pos;
        let rest = self.rest();
        let mut digits: Vec<u8> = Vec::with_capacity(11);
        let mut plus = false;
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let wanted = if digits.first() == Some(&1) { 11 } else { 10 };
            if digits.len() == wanted {
                break;
            }
            match c {
                '0'..='9' => {
                    digits.push(c as u8 - b'0');
                    end = i + 1;
                }
                '+' if digits.is_empty() && !plus => plus = true,
                ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
                _ => break,
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::NotANumber(self.word()));
        }
        // `end` follows an ASCII digit, so it is always a character boundary.
        let written = rest[..end].trim().to_string();
        if plus && digits[0] != 1 {
            return Err(PhoneError::NotNanp(written));
        }
        let national_digits = if digits.len() == 11 && digits[0] == 1 {
            &digits[1..]
        } else {
            &digits[..]
        };
        if national_digits.len() != 10 {
            return Err(PhoneError::WrongLength(written, digits.len()));
        }
        // A digit glued to the end (`30555501234`) means the number was mistyped.
        if rest[end..].starts_with(|c: char| c.is_ascii_digit()) {
            return Err(PhoneError::WrongLength(
                format!("{written}{}", &rest[end..end + 1]),
                digits.len() + 1,
            ));
        }
        let national = national_digits.iter().fold(0u64, |acc, d| acc * 10 + u64::from(*d));
        self.pos = start + end;
        PhoneNumber::from_national(national, &written)
    }

    /// After a number: `thru 0119`, `to -0209`, `-0103`, `- 305-555-0119`. Returns
    /// the last number of the range, or None when no range follows.
    fn range_end(&mut self, first: PhoneNumber) -> Result<Option<PhoneNumber>, NumberListError> {
        let rest = self.rest();
        let after_space = rest.trim_start();
        let after_word = RANGE_WORDS
            .iter()
            .find_map(|w| strip_word(after_space, w))
            .map(|s| s.trim_start().trim_start_matches(['-', '–', '—']))
            .or_else(|| after_space.strip_prefix(['-', '–', '—']));
        let Some(tail) = after_word else {
            return Ok(None);
        };
        let tail = tail.trim_start();
        let consumed = rest.len() - tail.len();
        let digit_run: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
        let looks_full = tail.starts_with(['(', '+']) || matches!(digit_run.len(), 1 | 3 | 10 | 11);
        if looks_full {
            let mut peek = Scanner {
                text: self.text,
                pos: self.pos + consumed,
            };
            if let Ok(last) = peek.number() {
                self.pos = peek.pos;
                return Ok(Some(last));
            }
        }
        if digit_run.is_empty() || digit_run.len() > 4 {
            return Ok(None);
        }
        // A short end: its digits replace the last digits of the first number.
        let suffix: u64 = digit_run.parse().unwrap_or(0);
        let modulus = 10u64.pow(digit_run.len() as u32);
        let national = first.national - first.national % modulus + suffix;
        self.pos += consumed + digit_run.len();
        Ok(Some(PhoneNumber::from_national(national, &digit_run)?))
    }
}

/// `text` without a leading whole word `word` (case-insensitive), if it starts so.
fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let head = text.get(..word.len())?;
    if !head.eq_ignore_ascii_case(word) {
        return None;
    }
    let tail = &text[word.len()..];
    match tail.chars().next() {
        Some(c) if c.is_alphanumeric() => None,
        _ => Some(tail),
    }
}

#[cfg(test)]
#[path = "phone_tests.rs"]
mod tests;
