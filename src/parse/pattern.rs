//! The parser's regular expressions, compiled with ASCII classes. Unicode `\w`, `\d`,
//! `\W` and `\b` are large automata: they make every pattern slow to compile and the
//! lazy DFA slow to warm, and a Unicode `\b` sends non-ASCII text to the slowest
//! engine. Carriers' and customers' mail needs none of that: words next to the cues are
//! ASCII, and accented words are spelt out in the patterns themselves (`rechaz[ao]`).

use regex::Regex;

/// `source` compiled as written, with its classes made ASCII.
pub fn compiled(source: &str) -> Regex {
    Regex::new(&ascii_classes(source)).unwrap_or_else(|e| panic!("parser pattern {source:?}: {e}"))
}

/// `source` compiled case-insensitively, with its classes made ASCII.
pub fn caseless(source: &str) -> Regex {
    compiled(&format!("(?i){source}"))
}

/// `source` with `\b \B \d \D \w \W` and `\p{L}` outside brackets, and `\d \w` inside
/// them, rewritten to their ASCII (or Latin-letter) forms. Other escapes are kept.
fn ascii_classes(source: &str) -> String {
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
                // A `]` or `^]` right after the opening bracket is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_outside_brackets_become_ascii() {
        assert_eq!(
            ascii_classes(r"\bport\W{0,3}\d+\b"),
            r"(?-u:\b)port[^0-9A-Za-z_]{0,3}[0-9]+(?-u:\b)"
        );
    }

    #[test]
    fn classes_inside_brackets_stay_inside_them() {
        assert_eq!(ascii_classes(r"\$\s?\d[\d,]*\.\d\d"), r"\$\s?[0-9][0-9,]*\.[0-9][0-9]");
        assert_eq!(ascii_classes(r"[\w']+"), r"[0-9A-Za-z_']+");
        assert_eq!(ascii_classes(r"[]\d]"), r"[]0-9]");
    }

    #[test]
    fn letters_stay_letters_in_the_languages_we_read() {
        let month = caseless(r"^\p{L}{3,10}$");
        for word in ["febrero", "Février", "août", "diciembre"] {
            assert!(month.is_match(word), "{word}");
        }
        assert!(!month.is_match("12345"));
    }

    #[test]
    fn a_word_boundary_still_bounds_words_in_accented_text() {
        let cue = caseless(r"\bnot\b");
        assert!(cue.is_match("ya está: not ported"));
        assert!(!cue.is_match("notación"));
    }

    #[test]
    fn other_escapes_are_kept() {
        assert_eq!(ascii_classes(r"\.\s\t\$\\"), r"\.\s\t\$\\");
        assert_eq!(ascii_classes(r"\p{Lu}"), r"\p{Lu}");
    }
}
