//! Which language a person wrote in, for answering in it.

/// Spanish when its common words outnumber English ones.
pub fn language_of(lower: &str) -> &'static str {
    const ES: &[&str] = &[
        " el ",
        " la ",
        " de ",
        " que ",
        " por ",
        " para ",
        " los ",
        " las ",
        " una ",
        " gracias",
        " hola",
        "número",
        "portabilidad",
        " está",
        " estamos",
    ];
    const EN: &[&str] = &[
        " the ", " and ", " to ", " of ", " is ", " for ", " we ", " you ", " please", " thanks", " hi ", " our ",
    ];
    let count = |words: &[&str]| words.iter().map(|w| lower.matches(w).count()).sum::<usize>();
    if count(ES) > count(EN) {
        "es"
    } else {
        "en"
    }
}
