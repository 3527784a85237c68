//! The one table of staff commands. The chat core reads a command line by it, `help`
//! lists it, and Discord registers its slash commands from it (and turns a slash
//! command's options back into the line this table reads). A new command is a row here
//! and a variant of `Command`.

use super::command::{self as read, Command, CommandError};
use chrono_tz::Tz;

/// How a slash command's option is written in the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// As it is, in its place (`foc PORT-1042 2026-12-03`).
    Word,
    /// As `name="value"` (`open customer="ACME-001"`).
    Keyed,
}

/// One option of a slash command.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
    /// Discord offers choices (open orders, reject codes) as it is typed.
    pub suggested: bool,
    pub style: Style,
}

/// One staff command.
pub struct Verb {
    pub name: &'static str,
    /// Other words staff type for it.
    pub aliases: &'static [&'static str],
    /// One line, for Discord's command list.
    pub description: &'static str,
    /// Its line in `help`.
    pub help: &'static str,
    pub options: &'static [Opt],
    /// Reads what follows the command's word; the time zone is that of an order opened
    /// from chat.
    pub read: fn(&str, Tz) -> Result<Command, CommandError>,
}

const fn opt(name: &'static str, description: &'static str, required: bool) -> Opt {
    Opt {
        name,
        description,
        required,
        suggested: false,
        style: Style::Word,
    }
}

const fn keyed(name: &'static str, description: &'static str) -> Opt {
    Opt {
        name,
        description,
        required: true,
        suggested: false,
        style: Style::Keyed,
    }
}

const fn keyed_optional(name: &'static str, description: &'static str) -> Opt {
    Opt {
        required: false,
        ..keyed(name, description)
    }
}

const ORDER: Opt = Opt {
    name: "order",
    description: "PORT-1042",
    required: true,
    suggested: true,
    style: Style::Word,
};

pub const VERBS: &[Verb] = &[
    Verb {
        name: "status",
        aliases: &["show"],
        description: "An order's card, by reference or number",
        help: "`status PORT-1042` or `status 305-555-0100`: the order card",
        options: &[Opt {
            suggested: true,
            ..opt("target", "PORT-1042 or 305-555-0100", true)
        }],
        read: read::status,
    },
    Verb {
        name: "list",
        aliases: &[],
        description: "The latest orders",
        help: "`list [STATE]`: the latest orders (states below)",
        options: &[opt("state", "awaiting_documents, ready, submitted, ...", false)],
        read: read::list,
    },
    Verb {
        name: "open",
        aliases: &[],
        description: "Open an order",
        help: "`open customer=ACME-001 carrier=\"Comcast Business\" numbers=\"305-555-0100 thru 0103\" \
               contact=ops@acme.example [type=voice|fax|efax] [kind=local|toll_free] [account=...] [pin=...] [btn=...] \
               [name=\"...\"] [address=\"...\"] [authorized=\"...\"] [contract-end=YYYY-MM-DD] [quiet]` \
               (the contacts get an acknowledgement unless `quiet`)",
        options: &[
            keyed("customer", "ACME-001"),
            keyed("carrier", "The losing carrier"),
            keyed("numbers", "305-555-0100 thru 0103"),
            keyed("contact", "ops@acme.example"),
            opt(
                "details",
                "More key=value pairs (account=, pin=, btn=, name=, address=...)",
                false,
            ),
        ],
        read: read::open,
    },
    Verb {
        name: "set",
        aliases: &[],
        description: "Change a detail",
        help: "`set PORT-1042 FIELD VALUE`: change a detail (fields below)",
        options: &[
            ORDER,
            opt("field", "account, pin, btn, name, address, ...", true),
            opt("value", "The new value", true),
        ],
        read: read::set,
    },
    Verb {
        name: "loa-signed",
        aliases: &["loa_signed", "signed"],
        description: "The customer signed the e-LOA",
        help: "`loa-signed PORT-1042`: the customer signed the e-LOA",
        options: &[ORDER],
        read: read::loa_signed,
    },
    Verb {
        name: "bill",
        aliases: &[],
        description: "A bill that came another way",
        help: "`bill PORT-1042 FILE.pdf` or `bill PORT-1042 <the bill's text>`: a bill that came another way (a \
               .pdf/.txt/.html file on the bot's machine, or pasted text), read and checked like an e-mailed one",
        options: &[
            ORDER,
            opt("text", "The bill's text, or its file on the bot's machine", true),
        ],
        read: read::bill,
    },
    Verb {
        name: "submit",
        aliases: &[],
        description: "Send a ready order to the carrier",
        help: "`submit PORT-1042`: send a ready order to the carrier",
        options: &[ORDER],
        read: read::submit,
    },
    Verb {
        name: "foc",
        aliases: &[],
        description: "The carrier confirmed the port date",
        help: "`foc PORT-1042 YYYY-MM-DD [confirm]`: the carrier confirmed the port date (`confirm`: a date in \
               the past, on a weekend or holiday, or over 60 days out that you checked with the carrier)",
        options: &[
            ORDER,
            opt("date", "YYYY-MM-DD", true),
            opt("confirm", "confirm: an unusual date you checked", false),
        ],
        read: read::foc,
    },
    Verb {
        name: "reject",
        aliases: &[],
        description: "The carrier rejected the order",
        help: "`reject PORT-1042 CODE [numbers=\"305-555-0101 0102\"] reason...`: the carrier rejected it (numbers=: \
               only those numbers; codes below)",
        options: &[
            ORDER,
            Opt {
                suggested: true,
                ..opt("code", "The reject code", true)
            },
            opt("reason", "The carrier's words", true),
        ],
        read: read::reject,
    },
    Verb {
        name: "route",
        aliases: &[],
        description: "Where a number rings",
        help: "`route PORT-1042 NUMBER|all TARGET`: where a number rings (ext 201, ring-group Sales, ivr Main, \
               fax-ata, efax fax@company.com)",
        options: &[
            ORDER,
            opt("number", "305-555-0100 or all", true),
            opt(
                "target",
                "ext 201, ring-group Sales, ivr Main, fax-ata, efax x@y.com",
                true,
            ),
        ],
        read: read::route,
    },
    Verb {
        name: "complete",
        aliases: &["completed"],
        description: "The carrier finished the port",
        help: "`complete PORT-1042 [remaining=\"305-555-0102\"]`: the carrier finished the port (remaining=: \
               numbers it says stay with it; the order stays open for them)",
        options: &[ORDER, keyed_optional("remaining", "Numbers that stay with the carrier")],
        read: super::supp_command::complete,
    },
    Verb {
        name: "supp",
        aliases: &["supplement"],
        description: "Change a submitted order (a SUPP)",
        help: "`supp PORT-1042 drop NUMBERS`, `supp PORT-1042 date YYYY-MM-DD` or `supp PORT-1042 btn 305-555-0199` \
               (any field the carrier checks): change a submitted or rejected order, then `submit` it again",
        options: &[
            ORDER,
            opt("change", "drop, date, btn, account, pin, name, address", true),
            opt("value", "The numbers, the date or the new value", true),
        ],
        read: super::supp_command::supp,
    },
    Verb {
        name: "cancel",
        aliases: &[],
        description: "Cancel the order",
        help: "`cancel PORT-1042 [reason]`: cancel the order",
        options: &[ORDER, opt("reason", "Why", false)],
        read: read::cancel,
    },
    Verb {
        name: "reopen",
        aliases: &[],
        description: "Take back a completion or cancellation made in error",
        help: "`reopen PORT-1042 why`: take back a completion or cancellation made in error (numbers back to \
               pending; the customer is told when a \"completed\" e-mail went out)",
        options: &[ORDER, opt("why", "Why it is reopened", true)],
        read: read::reopen,
    },
    Verb {
        name: "note",
        aliases: &[],
        description: "A note on the timeline",
        help: "`note PORT-1042 text`: add a note to the timeline",
        options: &[ORDER, opt("text", "The note", true)],
        read: read::note,
    },
    Verb {
        name: "inbox",
        aliases: &[],
        description: "E-mails waiting for a person",
        help: "`inbox [all]`: e-mails waiting for a person; `inbox show N` reads one, `inbox attach N [PORT-1042]` \
               applies it to an order, `inbox dismiss N [why]` closes it",
        options: &[
            opt("action", "show, attach or dismiss", false),
            opt("item", "The inbox item number", false),
            opt("extra", "PORT-1042 to attach to, or why dismissed", false),
        ],
        read: read::inbox,
    },
    Verb {
        name: "customer",
        aliases: &["customers"],
        description: "Customer accounts",
        help: "`customer add ACME-001 company=\"Acme Dental\" [time-zone=America/Chicago]`, `customer show ACME-001`, \
               `customer contact ACME-001 EMAIL [name=\"...\"] [language=es]`, `customer remove-contact ACME-001 EMAIL`, \
               `customer temporary ACME-001 NUMBERS`, \
               `customer onboard ACME-001`: customer accounts (only onboarded ones' portal requests open orders)",
        options: &[
            opt("action", "add, show, onboard, contact, remove-contact, temporary", true),
            opt("account", "ACME-001", true),
            opt("rest", "company=\"...\", EMAIL language=es, numbers...", false),
        ],
        read: read::customer,
    },
    Verb {
        name: "remind",
        aliases: &[],
        description: "Remind the customer now",
        help: "`remind PORT-1042`: remind the customer now of what the order waits for from them",
        options: &[ORDER],
        read: read::remind,
    },
    Verb {
        name: "digest",
        aliases: &[],
        description: "The daily digest, now",
        help: "`digest`: the daily digest (port days today and tomorrow, rejections, stuck orders, e-mails waiting)",
        options: &[],
        read: read::digest,
    },
    Verb {
        name: "help",
        aliases: &["?"],
        description: "What the bot can do",
        help: "`help`: this list",
        options: &[],
        read: read::help,
    },
];

/// The command a word names, by its name or another word for it (any case).
pub fn find(word: &str) -> Option<&'static Verb> {
    VERBS
        .iter()
        .find(|v| v.name.eq_ignore_ascii_case(word) || v.aliases.iter().any(|a| a.eq_ignore_ascii_case(word)))
}

impl Verb {
    /// The command line a slash command's options stand for: the name, then each
    /// option given, in the table's order, written in its style.
    pub fn line(&self, given: &[(&str, String)]) -> String {
        let mut line = self.name.to_string();
        for option in self.options {
            let Some((_, value)) = given.iter().find(|(name, _)| *name == option.name) else {
                continue;
            };
            line.push(' ');
            match option.style {
                Style::Word => line.push_str(value),
                Style::Keyed => line.push_str(&format!("{}=\"{}\"", option.name, value.replace('"', ""))),
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_one_row_and_each_word_names_one_command() {
        let mut words: Vec<&str> = VERBS
            .iter()
            .flat_map(|v| std::iter::once(v.name).chain(v.aliases.iter().copied()))
            .collect();
        let all = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), all, "a word names two commands");
        for verb in VERBS {
            assert!(
                verb.help.starts_with(&format!("`{}", verb.name)),
                "{}'s help names it first",
                verb.name
            );
            assert!(
                verb.description.len() <= 100,
                "Discord takes 100 characters: {}",
                verb.name
            );
        }
    }

    #[test]
    fn a_slash_command_becomes_the_line_its_row_reads() {
        let open = find("open").unwrap();
        let line = open.line(&[
            ("numbers", "305-555-0100 thru 0101".into()),
            ("customer", "ACME-001".into()),
            ("carrier", "Comcast \"Business\"".into()),
            ("contact", "ops@acme.example".into()),
            ("details", "pin=1234".into()),
        ]);
        assert_eq!(
            line,
            "open customer=\"ACME-001\" carrier=\"Comcast Business\" numbers=\"305-555-0100 thru 0101\" \
             contact=\"ops@acme.example\" pin=1234"
        );
        let foc = find("FOC").unwrap();
        assert_eq!(
            foc.line(&[("date", "2026-12-03".into()), ("order", "PORT-1042".into())]),
            "foc PORT-1042 2026-12-03"
        );
        assert!(find("dance").is_none());
    }
}
