//! HTML to plain text for reading: block elements become line breaks, table cells are
//! separated by a tab, quoted replies (`<blockquote>`) keep a `> ` mark so that they
//! count as quoted, scripts and styles vanish, entities are decoded.

/// Converts an HTML document or fragment to text.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut quote_depth = 0usize;
    let mut skip_until: Option<&'static str> = None;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if skip_until.is_none() {
            push_text(&mut out, &rest[..lt]);
        }
        let after = &rest[lt + 1..];
        // Comments end at -->, not at the first >.
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map(|e| &comment[e + 3..]).unwrap_or("");
            continue;
        }
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if let Some(end) = skip_until {
            if closing && name == end {
                skip_until = None;
            }
            continue;
        }
        match name.as_str() {
            "script" | "style" | "head" | "title" if !closing => skip_until = Some(static_name(&name)),
            "br" => newline(&mut out, quote_depth),
            "td" | "th" if closing => out.push('\t'),
            "blockquote" if !closing => {
                quote_depth += 1;
                newline(&mut out, quote_depth);
            }
            "blockquote" => {
                quote_depth = quote_depth.saturating_sub(1);
                newline(&mut out, quote_depth);
            }
            "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "ul" | "ol" | "hr"
            | "pre" | "section" | "article" | "header" | "footer" | "center" | "dl" | "dt" | "dd" => {
                newline(&mut out, quote_depth)
            }
            _ => {}
        }
    }
    if skip_until.is_none() {
        push_text(&mut out, rest);
    }
    tidy(&out)
}

fn static_name(name: &str) -> &'static str {
    match name {
        "script" => "script",
        "style" => "style",
        "title" => "title",
        _ => "head",
    }
}

/// Starts a new line, once: `</tr><tr>` is one line break, not two.
fn newline(out: &mut String, quote_depth: usize) {
    let bare = out.trim_end_matches(['>', ' ']);
    if bare.ends_with('\n') || bare.is_empty() {
        out.truncate(bare.len());
    } else {
        out.push('\n');
    }
    out.truncate(out.trim_end_matches(' ').len());
    if !out.ends_with('\n') && !out.is_empty() {
        out.push('\n');
    }
    for _ in 0..quote_depth {
        out.push_str("> ");
    }
}

fn push_text(out: &mut String, text: &str) {
    let decoded = decode_entities(text);
    let mut last_space = out.ends_with([' ', '\n', '\t']);
    for c in decoded.chars() {
        if c == '\u{a0}' || c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

/// Trims each line and drops runs of blank lines.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_matches(|c: char| c == ' ' || c == '\u{a0}');
        let line = line.trim_end_matches(['\t', ' ']);
        if line.trim().is_empty() || line.trim() == ">" {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
            continue;
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

/// `&amp;`, `&nbsp;`, `&#233;`, `&#xE9;` and the other common entities.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| entity(&after[..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "rsquo" | "lsquo" => '\'',
        "rdquo" | "ldquo" => '"',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "bull" | "middot" => '·',
        "aacute" => 'á',
        "eacute" => 'é',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "Aacute" => 'Á',
        "Eacute" => 'É',
        "Iacute" => 'Í',
        "Oacute" => 'Ó',
        "Uacute" => 'Ú',
        "Ntilde" => 'Ñ',
        "iquest" => '¿',
        "iexcl" => '¡',
        "uuml" => 'ü',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_keep_label_and_value_on_one_line() {
        let html = "<html><head><style>p{}</style></head><body><p>Hi&nbsp;team,</p><table><tr><td>FOC date</td><td><b>10/21/2026</b></td></tr><tr><td>Numbers</td><td>(954)&#32;962-7593</td></tr></table></body></html>";
        assert_eq!(to_text(html), "Hi team,\nFOC date\t10/21/2026\nNumbers\t(954) 962-7593");
    }

    #[test]
    fn quoted_replies_keep_their_quote_mark() {
        let html = "<div>Yes, ring them to ext 201.</div><blockquote>On Monday we wrote:<br>FOC 12/01</blockquote>";
        let text = to_text(html);
        assert!(text.starts_with("Yes, ring them to ext 201."), "{text}");
        assert!(text.contains("> On Monday we wrote:\n> FOC 12/01"), "{text}");
    }

    #[test]
    fn broken_html_still_gives_text() {
        assert_eq!(to_text("a <b>bold &amp; &bogus; <unclosed"), "a bold & &bogus;");
        assert_eq!(to_text("<!-- hidden <b> -->shown"), "shown");
        assert_eq!(decode_entities("caf&eacute; &#xE9;&#233;"), "café éé");
    }
}
