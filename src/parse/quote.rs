//! What is new in a message and what is quoted history or signature, cut the way mail
//! clients write them: Gmail's "On … wrote:", Outlook's "-----Original Message-----" and
//! its From:/Sent: block, Apple Mail, Spanish "El … escribió:", `>` lines. Forwarded
//! messages are the sender's own content and are kept.

/// A message body split into what the sender wrote now and what came before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// The new text, signature included.
    pub new: String,
    /// Where the signature starts in `new` (a byte offset), if one was found.
    pub signature_at: Option<usize>,
    /// Quoted earlier messages.
    pub quoted: String,
}

impl Split {
    /// The new text without its signature.
    pub fn body(&self) -> &str {
        &self.new[..self.signature_at.unwrap_or(self.new.len())]
    }

    pub fn signature(&self) -> &str {
        self.signature_at.map(|at| &self.new[at..]).unwrap_or("")
    }
}

pub fn split(text: &str) -> Split {
    let lines: Vec<&str> = text.lines().collect();
    let cut = quote_start(&lines).unwrap_or(lines.len());
    let mut new = String::new();
    let mut quoted = String::new();
    for (i, line) in lines.iter().enumerate() {
        let is_quote_line = line.trim_start().starts_with('>');
        if i >= cut || is_quote_line {
            quoted.push_str(line.trim_start().trim_start_matches('>').trim_start());
            quoted.push('\n');
        } else {
            new.push_str(line);
            new.push('\n');
        }
    }
    let signature_at = signature_start(&new);
    Split {
        new,
        signature_at,
        quoted,
    }
}

/// The first line of quoted history, if any.
fn quote_start(lines: &[&str]) -> Option<usize> {
    // Each line lower-cased once: the checks below look at the lines around each one.
    let lowered: Vec<String> = lines.iter().map(|l| l.to_lowercase()).collect();
    let lower_at = |i: usize| lowered[i].trim();
    let separators: Vec<bool> = lowered.iter().map(|l| is_forward_separator(l)).collect();
    let mut joined = String::new();
    for i in 0..lines.len() {
        let line = lines[i].trim();
        let lower = lower_at(i);
        let attribution = |l: &str| {
            (l.starts_with("on ") && l.ends_with("wrote:"))
                || (l.starts_with("el ") && (l.ends_with("escribió:") || l.ends_with("escribio:")))
                || (l.starts_with("le ") && l.ends_with("a écrit :"))
                || (l.starts_with("am ") && l.ends_with("schrieb:"))
        };
        if attribution(lower) {
            return Some(i);
        }
        // An attribution a mail client folded onto two lines.
        if lower.len() < 200 && !attribution_line_ends(lower) {
            joined.clear();
            joined.push_str(lower);
            if i + 1 < lines.len() {
                joined.push(' ');
                joined.push_str(lower_at(i + 1));
            }
            if attribution(&joined) {
                return Some(i);
            }
        }
        let dashed = lower.trim_matches(|c: char| c == '-' || c == ' ' || c == '_');
        if line.starts_with("---")
            && (dashed == "original message" || dashed == "mensaje original" || dashed == "reply message")
        {
            return Some(i);
        }
        // Outlook: a rule or not, then From: with Sent:/Date: and To:/Subject: close below.
        // The same block under a "Forwarded message" line is forwarded content, kept.
        let forwarded_above = separators[i.saturating_sub(3)..i].contains(&true);
        if !forwarded_above && is_header_line(lower, &["from:", "de:"]) {
            let below = (i + 1..lines.len()).take(5).map(lower_at);
            let has = |names: &[&str]| below.clone().any(|l| is_header_line(l, names));
            if has(&["sent:", "date:", "enviado:", "fecha:", "enviado el:"])
                && has(&["to:", "subject:", "para:", "asunto:"])
            {
                let rule_above = i > 0
                    && lines[i - 1].trim().chars().all(|c| c == '_' || c == '-')
                    && !lines[i - 1].trim().is_empty();
                return Some(if rule_above { i - 1 } else { i });
            }
        }
    }
    None
}

/// "---------- Forwarded message ---------", "Begin forwarded message:", "Mensaje reenviado".
pub fn is_forward_separator(lower: &str) -> bool {
    lower.contains("forwarded message") || lower.contains("mensaje reenviado") || lower.starts_with("begin forwarded")
}

/// A line that ends with "wrote:" alone is handled on its own, not as a join.
fn attribution_line_ends(lower: &str) -> bool {
    lower.ends_with("wrote:") || lower.ends_with("escribió:")
}

fn is_header_line(lower: &str, names: &[&str]) -> bool {
    let l = lower.trim_start_matches(['*', ' ']);
    names.iter().any(|n| l.starts_with(n))
}

/// Closings after which the rest of a short message is a signature.
const CLOSINGS: &[&str] = &[
    "thanks",
    "thank you",
    "thanks!",
    "thank you!",
    "many thanks",
    "regards",
    "best regards",
    "kind regards",
    "best",
    "cheers",
    "sincerely",
    "respectfully",
    "warm regards",
    "thx",
    "gracias",
    "muchas gracias",
    "saludos",
    "un saludo",
    "atentamente",
    "cordialmente",
    "saludos cordiales",
    "mil gracias",
];

/// Where the signature begins: the `-- ` delimiter, a "Sent from my ..." line, or a
/// closing such as "Thanks," followed by a few short lines.
fn signature_start(text: &str) -> Option<usize> {
    let mut offset = 0;
    let mut found = None;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // How many non-empty lines follow each line, counted once from the end: the scan
    // stays linear in the number of lines (a message of 80,000 lines is read at once).
    let mut written_after = vec![0usize; lines.len() + 1];
    for i in (0..lines.len()).rev() {
        written_after[i] = written_after[i + 1] + usize::from(!lines[i].trim().is_empty());
    }
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        let lower = line.to_lowercase();
        let closing = lower.trim_end_matches([',', '.', '!']);
        let rest_short = written_after[i + 1] <= 8;
        if line == "--" || raw.trim_end_matches(['\n', '\r']) == "-- " || line == "__" {
            return Some(offset);
        }
        if lower.starts_with("sent from my")
            || lower.starts_with("enviado desde mi")
            || lower.starts_with("get outlook for")
        {
            return Some(offset);
        }
        if found.is_none()
            && rest_short
            && (CLOSINGS.contains(&closing)
                || (closing.len() < 30 && CLOSINGS.iter().any(|c| closing.starts_with(c) && lower.ends_with(','))))
        {
            found = Some(offset);
        }
        offset += raw.len();
    }
    found.or_else(|| trailing_name_block(text))
}

/// A last paragraph of a few short lines that starts with a person's name (`Tom
/// Baker` / `Baker Law | 954-555-0100`): a signature without a closing word.
fn trailing_name_block(text: &str) -> Option<usize> {
    let trimmed = text.trim_end();
    let start = trimmed.rfind("\n\n").map(|p| p + 2)?;
    let block = &trimmed[start..];
    let lines: Vec<&str> = block.lines().collect();
    let short = lines.len() <= 5 && lines.iter().all(|l| l.trim().chars().count() <= 60);
    let first = lines.first()?.trim();
    let words: Vec<&str> = first.split_whitespace().collect();
    let name_like = (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '.' || c == '-' || c == '\'')
        });
    (short && name_like && lines.len() >= 2).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_of(text: &str) -> String {
        split(text).body().trim().to_string()
    }

    #[test]
    fn quoted_history_is_cut_as_each_client_writes_it() {
        let cases = [
            "Please route to ext 200.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Porting <porting@pbx.example.com> wrote:\n> FOC is 12/01 for PORT-1001",
            "Please route to ext 200.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Porting Desk <porting@pbx.example.com>\nwrote:\n\nFOC is 12/01 for PORT-1001",
            "Please route to ext 200.\n\n-----Original Message-----\nFrom: Porting\nSent: Monday\nSubject: PORT-1001",
            "Please route to ext 200.\n________________________________\nFrom: Porting Desk <porting@pbx.example.com>\nSent: Monday, November 23, 2026 10:00 AM\nTo: Ana\nSubject: PORT-1001 FOC",
            "Please route to ext 200.\n\nEl lun, 23 nov 2026 a las 10:00, Porting (<porting@pbx.example.com>) escribió:\n> PORT-1001",
            "Please route to ext 200.\n\nDe: Porting\nEnviado: lunes\nPara: Ana\nAsunto: PORT-1001",
            "Please route to ext 200.\n> PORT-1001 FOC 12/01\n>> older",
        ];
        for text in cases {
            assert_eq!(new_of(text), "Please route to ext 200.", "{text}");
            assert!(split(text).quoted.contains("PORT-1001"), "{text}");
        }
    }

    #[test]
    fn signatures_are_found_after_the_closing() {
        let s = split("We also want the fax line 305-450-7982.\n\n--\nGregory\nDirect 305.656.2336\n");
        assert_eq!(s.body().trim(), "We also want the fax line 305-450-7982.");
        assert!(s.signature().contains("305.656.2336"));
        let s = split("Ring all to the front desk.\n\nThanks,\nAna Ruiz | Office Manager\nT (305) 555-0142\n");
        assert_eq!(s.body().trim(), "Ring all to the front desk.");
        let s = split("¿Cuándo estará lista?\n\nGracias,\nÓscar\n");
        assert_eq!(s.body().trim(), "¿Cuándo estará lista?");
    }

    #[test]
    fn a_forwarded_message_is_not_a_quote() {
        let text = "See the bill below.\n\n---------- Forwarded message ---------\nFrom: Billing <bills@carrier.example>\nDate: Mon\nSubject: Your bill\nTo: ana\n\nAccount 1234";
        let s = split(text);
        assert!(s.new.contains("Account 1234"), "{s:?}");
    }
}
