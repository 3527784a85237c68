//! Carriers' and vendors' notices, weighed from evidence: each statement of the new
//! text (and of text attachments) is read for what it says happened (completed,
//! rejected, a date confirmed), in its context: a cue inside a negation ("not
//! completed", "will not schedule") or a condition ("cannot be worked until ... has
//! completed") says nothing happened. Structured notices count the same way: a
//! `status,activated` row, `<Status>active</Status>`, `RESP TYPE: RJ`.

use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use std::sync::LazyLock;

/// The three kinds of carrier notice that change an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Completed,
    Rejected,
    Foc,
}

/// One cue: what it means, how much it weighs, and the words a person would recognise.
struct Cue {
    notice: Notice,
    weight: i32,
    pattern: Pattern,
    says: &'static str,
}

fn cue(notice: Notice, weight: i32, says: &'static str, source: &str) -> Cue {
    Cue {
        notice,
        weight,
        pattern: pattern::caseless(&format!("(?m){source}")),
        says,
    }
}

/// The cues, as data. Weights: 3 says it outright, 2 says it in a carrier's shorthand,
/// 1 only hints.
static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    use Notice::*;
    vec![
        cue(
            Completed,
            3,
            "the port is complete",
            r"\b(port(ing|-in| in)?|order|transfer|request|numbers?|tns?|lines?|dids?)\b[^.;\n]{0,60}\b(is|are|was|were|has been|have been|now)\s+(successfully\s+|fully\s+|now\s+)?(complete[d]?|activated|live|active|finished|done|in service)\b",
        ),
        cue(
            Completed,
            3,
            "numbers were ported",
            r"\b(have|has) been (successfully )?(ported|activated)\b|\bsuccessfully (ported|activated|transferred|moved)\b|\bported (successfully|in|over)\b|\bfinished porting\b|\bnow terminates? on\b",
        ),
        cue(
            Completed,
            3,
            "a completion notice",
            r"\b(port(ing|-in| in)?|service order|order) complet(e|ion|ed)\b|\bport\W?\d{3,8}\W{1,3}(complete[d]?|done|live|activated)\b|\b(sv|subscription versions?)\b[^.\n]{0,30}\b(active|activated)\b|\bcompletion (notice|confirmation)\b|^\s*(completed|complete|live|activated)\s*[:\-]|\bsv activated\b|\b(event|type|action)\W{0,4}(port|order|sv|number)?[._ ]?(completed?|activated|ported)\b|\bactivation (is )?complete\b|\b\d+ of \d+ (numbers |tns )?(activated|ported|completed)\b|\ball numbers\b[^.\n]{0,50}\b(are live|activated|ported|finished)\b",
        ),
        cue(
            Completed,
            2,
            "numbers listed as active or complete",
            r"\b(status|result|state)( change)?\b\W{0,4}(port(ed)? )?(active|activated|complete[d]?|ported|live)\b|[,|\t]\s*(activated|complete[d]?|ported)\s*([,|\t]|$)|<status>\s*(active|activated|complete[d]?)\s*<|\b(live|active)\s*:\s*\(?\d|\bresp(onse)? ?type\W{0,3}(cmp|comp|complete)\b|\bevent\W{0,3}(sv[_ ]?)?activat|\b(port|order)\W{0,3}(complete|done)\b|\bdone \d{1,2}:\d\d",
        ),
        cue(
            Completed,
            3,
            "completed, in Spanish or French",
            r"portabilidad (ha sido |fue )?(completada|exitosa|finalizada)|se complet[oó]|n[uú]meros? ya (est[aá]n|funcionan)|portage (est )?(termin[ée]|compl[ée]t[ée])|transfert (est )?termin[ée]",
        ),
        cue(
            Rejected,
            3,
            "the order was rejected",
            r"\breject(ed|ion|s)?\b|\brechaz|\brejet[ée]|\bjeopardy\b|\bunworked\b|\bsent (it |them )?back\b|\bdid not accept\b|\bnot accepted\b|\bdenied\b|\bresp(onse)? ?type\W{0,3}(rej|rj|jep)\b|\bstatus\W{0,3}(rej|rj)\b",
        ),
        cue(
            Rejected,
            3,
            "it cannot be worked as submitted",
            r"\b(cannot|can ?not|can't|could not|couldn't|unable to) (be )?(process|processed|complete|completed|accept|accepted|work|worked|port|ported)\b|\bcannot be worked\b|\bneeds? (a )?(correction|supp(lement)?)\b|\b(please )?(correct|fix) (it |the order |and )?(and )?(resubmit|supp|send)|send (a |us a )?corrected|\bresubmit\b|\bsupp (required|needed)\b|\bclarification (request|required|needed)\b|\bexception\b|\bon hold\b|\bneeds (your )?(immediate )?attention\b",
        ),
        cue(
            Rejected,
            2,
            "a detail does not match",
            r"(does not|doesn't|do not|did not) (match|agree)|\bmismatch\b|\b(invalid|incorrect|missing|wrong)\b|\bnot (portable|eligible|valid|on the account|part of)\b|\bno coincide\b|\berror (code|desc)",
        ),
        cue(
            Foc,
            3,
            "an FOC or port date",
            r"\bfoc\b|\bfirm order (commitment|confirmation)\b|\b(port(ing)?|activation|cut-?over|conversion|completion|porting) date\b|\bdate (de )?(portage|transfert)\b|\bfecha (de )?(portabilidad|activaci[oó]n|cambio)\b|\bddd?\s*[:=]",
        ),
        cue(
            Foc,
            3,
            "a date scheduled or confirmed",
            r"\b(is |has been |was |been |now )?(scheduled|confirmed|rescheduled|booked|committed|slated|set) (for|on|to)\b|\bwill (port|be ported|complete|be completed|activate|be activated|go live|cut ?over)\b|\b(date|foc)\b[^.\n]{0,30}\b(has been |have been |was |has |is )?(changed|moved|updated|revised|pushed|rescheduled)\b|\blocked in\b|\b(move|moving|change|changing|push|pushing) (your |the |our )?(due |port |foc |porting )?date\b|\bprogramad[ao]\b|\bpr[ée]vu(e)? (le|pour)\b|\bconfirm[ée]e?\b",
        ),
        cue(
            Foc,
            2,
            "a due date",
            r"\bdue date\b|\bresp(onse)? ?type\W{0,3}(foc|conf|cnf)\b|\bnew date\b",
        ),
    ]
});

/// A negation or condition that takes the cue in its clause back.
static TAKEN_BACK: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::caseless(
        r"\b(not|no|never|cannot|can't|won't|isn't|aren't|wasn't|hasn't|haven't|until|unless|once|if|before|pending|yet to|ni|pas|hasta que|sin)\b",
    )
});

/// How strongly the text says each notice, with what it said.
#[derive(Debug, Clone, Default)]
pub struct NoticeScores {
    pub completed: i32,
    pub rejected: i32,
    pub foc: i32,
    pub evidence: Vec<(Notice, &'static str)>,
}

impl NoticeScores {
    pub fn of(&self, notice: Notice) -> i32 {
        match notice {
            Notice::Completed => self.completed,
            Notice::Rejected => self.rejected,
            Notice::Foc => self.foc,
        }
    }

    /// The notice the text says, in the contract's order (a completion, else a
    /// rejection, else an FOC, each when said outright: 3 or more), with its score and
    /// the strongest score of the others.
    pub fn decided(&self) -> Option<(Notice, i32, i32)> {
        const ORDER: [Notice; 3] = [Notice::Completed, Notice::Rejected, Notice::Foc];
        let best = ORDER.into_iter().find(|n| self.of(*n) >= 3)?;
        let others = ORDER
            .into_iter()
            .filter(|n| *n != best)
            .map(|n| self.of(n))
            .max()
            .unwrap_or(0);
        Some((best, self.of(best), others))
    }
}

/// Weighs what `statements` say. `has_date` tells whether a statement (or the line
/// after it) holds a date: an FOC cue without a date says nothing.
pub fn weigh(text: &str, statements: &[&str], has_date: impl Fn(usize) -> bool) -> NoticeScores {
    let mut scores = NoticeScores::default();
    // One pass over the whole text says which cues can match at all: most mail
    // (customers writing) matches few, and only those are read statement by statement.
    let possible: Vec<bool> = CUES.iter().map(|c| c.pattern.is_match(text)).collect();
    for (i, statement) in statements.iter().enumerate() {
        for (c, cue) in CUES.iter().enumerate() {
            if !possible[c] {
                continue;
            }
            let Some(m) = cue.pattern.find(statement) else { continue };
            if taken_back(statement, m.start()) {
                continue;
            }
            if cue.notice == Notice::Foc && !has_date(i) {
                continue;
            }
            let already = scores.evidence.iter().any(|(n, s)| *n == cue.notice && *s == cue.says);
            if already {
                continue;
            }
            scores.evidence.push((cue.notice, cue.says));
            match cue.notice {
                Notice::Completed => scores.completed += cue.weight,
                Notice::Rejected => scores.rejected += cue.weight,
                Notice::Foc => scores.foc += cue.weight,
            }
        }
    }
    scores
}

/// True when the words before the cue in its clause deny it or make it a condition.
/// A cue that carries its own negation ("cannot be worked", "not accepted") is
/// matched as a whole, so only the words before it count.
fn taken_back(statement: &str, at: usize) -> bool {
    let clause_start = statement[..at].rfind([',', ';', ':', '(']).map_or(0, |p| p + 1);
    let before = &statement[clause_start..at];
    let words_before: Vec<&str> = before.split_whitespace().rev().take(6).collect();
    let window = words_before.into_iter().rev().collect::<Vec<_>>().join(" ");
    TAKEN_BACK.is_match(&window)
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for cue in CUES.iter() {
        cue.pattern.prepare();
    }
    TAKEN_BACK.prepare();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(text: &str) -> Option<Notice> {
        let statements: Vec<&str> = text.split(['.', '\n']).collect();
        weigh(text, &statements, |_| true).decided().map(|(n, _, _)| n)
    }

    #[test]
    fn what_happened_is_read_in_its_context() {
        assert_eq!(best("All numbers on PORT-1 are live"), Some(Notice::Completed));
        assert_eq!(
            best("I'm returning PORT-1 unworked: the name does not match"),
            Some(Notice::Rejected)
        );
        assert_eq!(
            best("This port cannot be worked until the other order on the account has completed"),
            Some(Notice::Rejected)
        );
        assert_eq!(best("The port has not been completed"), None);
        assert_eq!(
            best("We will not schedule FOCs between December 24 and January 1"),
            None
        );
        assert_eq!(best("FastPort moves numbers with no more rejected LSRs"), None);
        let rows = ["number,result", "+12397510514,ACTIVATED,2026-10-30"];
        assert_eq!(
            weigh(&rows.join("\n"), &rows, |_| false).completed,
            2,
            "a hint, not a notice on its own"
        );
        assert_eq!(best("6 of 6 numbers activated"), Some(Notice::Completed));
        assert_eq!(best("FOC date: 12/04/2026"), Some(Notice::Foc));
    }
}
