//! Which language a person wrote in, for answering in it.

/// Spanish when its common words outnumber English ones. One pass over the words of the
/// (lowercased) text: a long message costs one walk, not one search per word.
pub fn language_of(lower: &str) -> &'static str {
    let (mut spanish, mut english) = (0usize, 0usize);
    for word in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        match word_language(word) {
            Some(Language::Spanish) => spanish += 1,
            Some(Language::English) => english += 1,
            None => {}
        }
    }
    if spanish > english {
        "es"
    } else {
        "en"
    }
}

enum Language {
    Spanish,
    English,
}

fn word_language(word: &str) -> Option<Language> {
    const SPANISH: &[&str] = &["el", "la", "de", "que", "por", "para", "los", "las", "una"];
    const SPANISH_STEMS: &[&str] = &["gracias", "hola", "está", "estamos"];
    const ENGLISH: &[&str] = &["the", "and", "to", "of", "is", "for", "we", "you", "hi", "our"];
    const ENGLISH_STEMS: &[&str] = &["please", "thank"];
    let spanish = SPANISH.contains(&word)
        || SPANISH_STEMS.iter().any(|s| word.starts_with(s))
        || contains_long(word, "número")
        || contains_long(word, "portabilidad");
    if spanish {
        Some(Language::Spanish)
    } else if ENGLISH.contains(&word) || ENGLISH_STEMS.iter().any(|s| word.starts_with(s)) {
        Some(Language::English)
    } else {
        None
    }
}

/// `word` holds `part`: most words are shorter than it, and a search is not started.
fn contains_long(word: &str, part: &str) -> bool {
    word.len() >= part.len() && word.contains(part)
}

#[cfg(test)]
mod tests {
    use super::language_of;

    #[test]
    fn a_spanish_customer_is_answered_in_spanish() {
        assert_eq!(
            language_of("hola, ¿cuál es el estado de la portabilidad de mi número? gracias"),
            "es"
        );
    }

    #[test]
    fn an_english_message_with_a_spanish_name_stays_english() {
        assert_eq!(
            language_of("hi, please tell us the status of the port for la casa de pepe. thanks"),
            "en"
        );
    }

    #[test]
    fn words_count_whatever_the_punctuation_around_them() {
        assert_eq!(language_of("(el) [la] de/que"), "es");
        assert_eq!(language_of(""), "en");
    }
}
