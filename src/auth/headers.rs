//! The raw header block of a message, read the way a mail server reads it: fields in
//! order, folded lines joined, nothing decoded. What authentication needs from it: how
//! many `From:` addresses there are, the hop our own servers received it from, the
//! envelope sender, and the Authentication-Results our own servers added.

use std::net::IpAddr;

/// No real message has more header fields than this; the rest is not read.
const MAX_FIELDS: usize = 2_000;

/// One header field: its lower-cased name and its unfolded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
}

/// The header fields of `raw`, in order, up to the first empty line.
pub fn fields(raw: &[u8]) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(line);
        if line[0] == b' ' || line[0] == b'\t' {
            if let Some(last) = fields.last_mut() {
                last.value.push(' ');
                last.value.push_str(text.trim());
            }
            continue;
        }
        if fields.len() == MAX_FIELDS {
            break;
        }
        if let Some((name, value)) = text.split_once(':') {
            fields.push(Field {
                name: name.trim().to_ascii_lowercase(),
                value: value.trim().to_string(),
            });
        }
    }
    fields
}

/// Who the message says wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// Exactly one `From:` field with exactly one address.
    One(String),
    /// No `From:` address at all.
    Missing,
    /// More than one `From:` field, or one listing several addresses: mail servers and
    /// readers disagree on which one counts, so none does.
    Several(usize),
}

impl Author {
    pub fn of(fields: &[Field]) -> Self {
        let froms: Vec<&Field> = fields.iter().filter(|f| f.name == "from").collect();
        let addresses: Vec<String> = froms.iter().flat_map(|f| addresses(&f.value)).collect();
        match (froms.len(), addresses.as_slice()) {
            (0, _) | (_, []) => Author::Missing,
            (1, [one]) => Author::One(one.clone()),
            (fields, many) => Author::Several(many.len().max(fields)),
        }
    }

    /// The domain of the one author, lower-cased.
    pub fn domain(&self) -> Option<&str> {
        match self {
            Author::One(address) => address.rsplit_once('@').map(|(_, d)| d),
            _ => None,
        }
    }
}

/// The addresses in an address-list field: `<...>` where given, else bare `local@domain`
/// words; display names and comments (which may hold `@` in quotes) are skipped.
fn addresses(value: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in split_outside_quotes(value) {
        let part = strip_comments(&part);
        let address = match (part.rfind('<'), part.rfind('>')) {
            (Some(open), Some(close)) if open < close => part[open + 1..close].trim().to_string(),
            _ => part.trim().to_string(),
        };
        if let Some((local, domain)) = address.rsplit_once('@') {
            if !local.is_empty() && !domain.is_empty() && !domain.contains(char::is_whitespace) {
                found.push(address.to_ascii_lowercase());
            }
        }
    }
    found
}

/// Splits an address list at commas that are not inside quotes or angle brackets.
fn split_outside_quotes(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut angle) = (false, false);
    let mut escaped = false;
    for c in value.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

/// Drops quoted display names and `(comments)`.
fn strip_comments(part: &str) -> String {
    let mut out = String::new();
    let (mut quoted, mut depth) = (false, 0usize);
    for c in part.chars() {
        match c {
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if quoted || depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// The hop where mail entered our own servers: the `from` of the `hops`-th `Received:`
/// field from the top (each of our servers adds one above the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryHop {
    pub ip: IpAddr,
    /// The name the sending server greeted with (HELO/EHLO).
    pub helo: String,
}

/// Where our `hops`-th `Received:` field is in `fields`, when there are that many.
pub fn our_outermost_received(fields: &[Field], hops: usize) -> Option<usize> {
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name == "received")
        .nth(hops.max(1) - 1)
        .map(|(i, _)| i)
}

/// The sending server of the hop our `hops`-th `Received:` field records.
pub fn entry_hop(fields: &[Field], hops: usize) -> Option<EntryHop> {
    let received = &fields[our_outermost_received(fields, hops)?].value;
    let from = received.strip_prefix("from ")?;
    let before_by = from.split(" by ").next().unwrap_or(from);
    let helo = before_by.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    let (_, after) = before_by.split_once('[')?;
    let (ip, _) = after.split_once(']')?;
    let ip = ip.trim().trim_start_matches("IPv6:").trim_start_matches("ipv6:");
    Some(EntryHop {
        ip: ip.parse().ok()?,
        helo: helo.trim_matches(|c| c == '[' || c == ']').to_string(),
    })
}

/// The envelope sender our delivery server recorded (`Return-Path:`, the topmost one);
/// empty for a bounce (`<>`).
pub fn return_path(fields: &[Field]) -> Option<String> {
    let value = &fields.iter().find(|f| f.name == "return-path")?.value;
    let address = value.trim().trim_start_matches('<').trim_end_matches('>').trim();
    Some(address.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DELIVERED: &str = "Return-Path: <ports@carrier.example>\r\n\
        Delivered-To: porting@voip.example\r\n\
        Received: from mx.voip.example ([127.0.0.1])\r\n\tby imap.voip.example with LMTP id abc; Mon, 30 Nov 2026 10:00:00 +0000\r\n\
        Received: from smtp.carrier.example (smtp.carrier.example [192.0.2.25])\r\n\tby mx.voip.example (Postfix) with ESMTP id 1234\r\n\
        Authentication-Results: forged.example; dkim=pass header.d=carrier.example\r\n\
        From: \"Porting, Desk\" <PORTS@Carrier.Example>\r\n\
        Subject: FOC\r\n\
        \r\n\
        From: in the body is no header\r\n";

    #[test]
    fn folded_fields_are_joined_and_the_body_is_not_read() {
        let fields = fields(DELIVERED.as_bytes());
        assert_eq!(fields.iter().filter(|f| f.name == "from").count(), 1);
        assert!(fields[2].value.contains("by imap.voip.example with LMTP"));
    }

    #[test]
    fn the_author_is_the_one_address_of_the_one_from_field() {
        let fields = fields(DELIVERED.as_bytes());
        assert_eq!(Author::of(&fields), Author::One("ports@carrier.example".into()));
        assert_eq!(Author::of(&fields).domain(), Some("carrier.example"));
    }

    #[test]
    fn two_from_fields_or_two_addresses_name_no_author() {
        let two = "From: stranger@evil.test\nFrom: ports@carrier.example\n\nbody";
        assert_eq!(Author::of(&fields(two.as_bytes())), Author::Several(2));
        let list = "From: a@evil.test, \"Desk, Porting\" <ports@carrier.example>\n\n";
        assert_eq!(Author::of(&fields(list.as_bytes())), Author::Several(2));
        assert_eq!(Author::of(&fields(b"Subject: x\n\n")), Author::Missing);
        assert_eq!(Author::of(&fields(b"From: undisclosed\n\n")), Author::Missing);
    }

    #[test]
    fn the_entry_hop_is_the_one_our_outermost_server_recorded() {
        let fields = fields(DELIVERED.as_bytes());
        let outer = entry_hop(&fields, 2).expect("two hops");
        assert_eq!(outer.ip, "192.0.2.25".parse::<IpAddr>().unwrap());
        assert_eq!(outer.helo, "smtp.carrier.example");
        assert_eq!(
            entry_hop(&fields, 1).unwrap().ip,
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(entry_hop(&fields, 3), None);
        assert_eq!(return_path(&fields).as_deref(), Some("ports@carrier.example"));
    }
}
