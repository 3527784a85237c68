//! A pattern's source with its Unicode classes rewritten to ASCII ones (why: `pattern`).

/// `source` with `\b \B \d \D \w \W` and `\p{L}` outside brackets, and `\d \w` inside
/// them, rewritten to their ASCII (or Latin-letter) forms. Other escapes are kept.
pub(super) fn ascii_classes(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(escaped) = chars.next() else {
                    out.push('\\');
                    break;
                };
                out.push_str(&escape(escaped, in_class, &mut chars));
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                class_opening(&mut chars, &mut out);
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

fn escape(escaped: char, in_class: bool, rest: &mut std::iter::Peekable<std::str::Chars>) -> String {
    match (escaped, in_class) {
        ('d', false) => "[0-9]".into(),
        ('d', true) => "0-9".into(),
        ('w', false) => "[0-9A-Za-z_]".into(),
        ('w', true) => "0-9A-Za-z_".into(),
        ('D', false) => "[^0-9]".into(),
        ('W', false) => "[^0-9A-Za-z_]".into(),
        ('b', false) => r"(?-u:\b)".into(),
        ('B', false) => r"(?-u:\B)".into(),
        ('p', false) if rest.peek() == Some(&'{') => {
            let name: String = rest.by_ref().take_while(|&c| c != '}').collect();
            if name == "{L" {
                r"[A-Za-z\u{C0}-\u{24F}]".into()
            } else {
                format!(r"\p{name}}}")
            }
        }
        _ => format!("\\{escaped}"),
    }
}

/// After a class's `[`: copies a `^` and a `]` right after it (that `]` is a literal,
/// not the class's end).
pub(super) fn class_opening(chars: &mut std::iter::Peekable<std::str::Chars>, out: &mut String) {
    if chars.peek() == Some(&'^') {
        out.push('^');
        chars.next();
    }
    if chars.peek() == Some(&']') {
        out.push(']');
        chars.next();
    }
}
