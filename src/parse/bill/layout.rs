//! A bill's text as lines of cells. A cell ends at a tab, a run of two or more spaces,
//! a dot leader (`ACCT NO. ....... 802-845-8317`), or a spaced `|`, `·` or `•`: the
//! ways printed, PDF and HTML bills set a label apart from its value.

use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use std::sync::LazyLock;

static CELL_BREAK: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(r"[ \u{a0}]*\t[ \t\u{a0}]*|[ \u{a0}]{2,}|[ \u{a0}]*\.{3,}[ \u{a0}]*|[ \u{a0}]+[|·•][ \u{a0}]+")
});

/// One cell of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    pub text: &'a str,
}

/// A line and its cells.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub text: &'a str,
    pub cells: Vec<Cell<'a>>,
}

impl<'a> Line<'a> {
    pub fn new(text: &'a str) -> Self {
        let cells = CELL_BREAK
            .split(text)
            .map(|c| c.trim_matches(|ch: char| ch.is_whitespace() || ch == '|'))
            .filter(|c| !c.is_empty())
            .map(|text| Cell { text })
            .collect();
        Self { text, cells }
    }

    pub fn is_blank(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn cell(&self, i: usize) -> Option<&'a str> {
        self.cells.get(i).map(|c| c.text)
    }
}

/// Every line of a text, split into cells.
pub fn lines_of(text: &str) -> Vec<Line<'_>> {
    text.lines().map(Line::new).collect()
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    CELL_BREAK.prepare();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(line: &str) -> Vec<&str> {
        Line::new(line).cells.iter().map(|c| c.text).collect()
    }

    #[test]
    fn cells_end_at_gaps_tabs_leaders_and_bars() {
        assert_eq!(
            cells("ACCT NO. ............. 802-845-8317/620"),
            ["ACCT NO.", "802-845-8317/620"]
        );
        assert_eq!(cells("Account\t8009632"), ["Account", "8009632"]);
        assert_eq!(
            cells("Lumen | lumen.com/help | 1-866-759-2867"),
            ["Lumen", "lumen.com/help", "1-866-759-2867"]
        );
        assert_eq!(
            cells("Phone Line 1: (214) 880-4554 · Main Line · $39.99"),
            ["Phone Line 1: (214) 880-4554", "Main Line", "$39.99"]
        );
        assert_eq!(cells("Total  $98.13"), ["Total", "$98.13"]);
        assert_eq!(cells("3.5 ms. Fine"), ["3.5 ms. Fine"]);
    }
}
