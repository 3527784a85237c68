//! The command line of `spec/cli.md`: parsed by clap, carried out against the app,
//! printed as text or JSON. Errors go to stderr as one sentence; the exit code is 1 for
//! bad input and 2 for a failing dependency.

use crate::app::App;
use crate::clock::{Clock, FixedClock, ShiftedClock, SystemClock};
use crate::config::Settings;
use crate::domain::{OrderRef, Source};
use crate::views::{order_card, order_view};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "portbot",
    version,
    about = "Runs a VoIP provider's phone-number porting desk"
)]
pub struct Cli {
    /// The config file (default bot.toml, or $PORTBOT_CONFIG).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Run as if the clock said so (RFC 3339, e.g. 2026-11-23T15:00:00Z).
    #[arg(long, global = true, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The long-running bot: the inbox, the e-mail sender, the scheduler, the chat (in
    /// local mode the terminal is the team chat: type `help`). Ctrl-C or SIGTERM stops it
    /// between two units of work; so do `quit` and the end of input at the terminal.
    /// With --now it starts its clock there and lets it run on (for trying reminders).
    Run,
    /// Create or upgrade the database.
    Migrate,
    /// Open, show and list port orders.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Run one staff chat command exactly as typed in the team chat.
    Chat {
        /// The command, quoted as one argument, e.g. "status PORT-1042" (`help` lists them).
        text: String,
        /// Who typed it (shown on the timeline).
        #[arg(long = "as", default_value = "cli")]
        user: String,
    },
    /// What messages and bills say (spec/parse.md); needs no config and no database.
    Parse {
        /// Messages (.eml) and bills (.pdf, .txt, .html) to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the text read from each file (a bill's PDF text, a message's new text) instead.
        #[arg(long)]
        text: bool,
        /// Also print how sure each reading is and the evidence that decided it.
        #[arg(long)]
        explain: bool,
    },
    /// Feed .eml files through the desk as if they had just arrived (a file already
    /// taken is skipped).
    Ingest {
        /// The .eml files, taken in the order given.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run everything the scheduler would run at --now (reminders and alerts) once.
    Tick,
    /// Customer accounts: add, show, onboard, contacts.
    #[command(subcommand)]
    Customer(CustomerCli),
    /// The web board's staff accounts: add (asks for the password), list.
    #[command(subcommand)]
    Staff(staff::StaffCli),
    /// Messages waiting to be sent.
    Outbox {
        /// Sent ones too.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CustomerCli {
    /// Add an account (not onboarded yet).
    Add {
        account: String,
        #[arg(long)]
        company: String,
        /// IANA time zone (default: desk.time_zone).
        #[arg(long)]
        time_zone: Option<String>,
    },
    /// One account with its contacts.
    Show { account: String },
    /// Onboard it: its port requests open orders from now on.
    Onboard { account: String },
    /// Add or change a contact.
    Contact {
        account: String,
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// en or es.
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Remove a contact (not an onboarded account's last).
    RemoveContact { account: String, email: String },
    /// The temporary numbers the customer uses while ports run.
    Temporary { account: String, numbers: String },
}

#[derive(Subcommand, Debug)]
pub enum OrderCommand {
    /// Open an order; prints it.
    Open(Box<OpenArgs>),
    /// One order with its numbers, mismatches and timeline.
    Show { reference: String },
    /// Orders, newest first.
    List {
        /// Only orders in this state: awaiting_documents, ready, submitted, rejected,
        /// foc_confirmed, completed, cancelled.
        #[arg(long, value_parser = ["awaiting_documents", "ready", "submitted", "rejected", "foc_confirmed", "completed", "cancelled"])]
        state: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Args, Debug)]
pub struct OpenArgs {
    /// The customer's account, e.g. ACME-001.
    #[arg(long)]
    customer: String,
    /// The losing carrier, as on the customer's bill, e.g. "Comcast Business".
    #[arg(long)]
    carrier: String,
    /// Commas or spaces, any common format, ranges allowed.
    #[arg(long)]
    numbers: String,
    /// A customer contact's e-mail address; repeat it for several.
    #[arg(long = "contact", required = true)]
    contacts: Vec<String>,
    /// local or toll_free (default: from the numbers).
    #[arg(long)]
    kind: Option<String>,
    /// voice, fax or efax.
    #[arg(long = "type", default_value = "voice")]
    number_type: String,
    /// The billing telephone number (BTN) of the losing carrier's account.
    #[arg(long)]
    btn: Option<String>,
    /// The account number at the losing carrier.
    #[arg(long)]
    account_number: Option<String>,
    /// The account's PIN or passcode at the losing carrier (kept, never shown).
    #[arg(long)]
    pin: Option<String>,
    /// The account name as on the bill.
    #[arg(long)]
    name: Option<String>,
    /// The service address as on the bill.
    #[arg(long)]
    address: Option<String>,
    /// Who signs the LOA for the customer.
    #[arg(long)]
    authorized_name: Option<String>,
    /// YYYY-MM-DD
    #[arg(long)]
    contract_end: Option<String>,
    /// The customer's IANA time zone (default: desk.time_zone).
    #[arg(long)]
    time_zone: Option<String>,
}

impl CustomerCli {
    fn into_change(self) -> Result<(String, crate::desk::CustomerChange), Failure> {
        use crate::desk::CustomerChange as C;
        Ok(match self {
            CustomerCli::Add {
                account,
                company,
                time_zone,
            } => {
                let time_zone = time_zone
                    .map(|t| {
                        t.parse()
                            .map_err(|_| Failure::input(format!("'{t}' is not an IANA time zone")))
                    })
                    .transpose()?;
                (account, C::Add { company, time_zone })
            }
            CustomerCli::Onboard { account } => (account, C::Onboard),
            CustomerCli::Contact {
                account,
                email,
                name,
                language,
            } => (
                account,
                C::Contact {
                    email: email.parse().map_err(Failure::input)?,
                    name,
                    language: language.parse().map_err(Failure::input)?,
                },
            ),
            CustomerCli::RemoveContact { account, email } => {
                (account, C::RemoveContact(email.parse().map_err(Failure::input)?))
            }
            CustomerCli::Temporary { account, numbers } => (
                account,
                C::TemporaryNumbers(crate::domain::parse_number_list(&numbers).map_err(Failure::input)?),
            ),
            CustomerCli::Show { account } => return Err(Failure::input(format!("show {account} changes nothing"))),
        })
    }
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{s}' is not an RFC 3339 time: write it as 2026-11-23T15:00:00Z"))
}

/// Carries out a command that needs no desk and no async runtime (`parse`): none when
/// the command is another.
pub fn execute_offline(cli: &Cli, out: &mut (dyn Write + Send)) -> Option<Result<(), Failure>> {
    let Command::Parse { files, text, explain } = &cli.command else {
        return None;
    };
    let show = parse::Show {
        json: cli.json,
        text: *text,
        explain: *explain,
    };
    Some(parse::parse_files(files, show, out))
}

/// Carries out a parsed command line, writing what it shows to `out`.
pub async fn execute(cli: Cli, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    if let Some(done) = execute_offline(&cli, out) {
        return done;
    }
    let settings = Settings::load(&Settings::path(cli.config.clone())).map_err(Failure::input)?;
    let clock: Arc<dyn Clock> = match (cli.now, &cli.command) {
        // The running bot lives on from --now; a one-shot command happens at it.
        (Some(at), Command::Run) => Arc::new(ShiftedClock::starting_at(at)),
        (Some(at), _) => Arc::new(FixedClock::new(at)),
        (None, _) => Arc::new(SystemClock),
    };
    let app = App::start(settings, clock).await?;
    let json = cli.json;
    let print = |out: &mut (dyn Write + Send), text: String| writeln!(out, "{text}").map_err(Failure::output);
    match cli.command {
        Command::Run => {
            let shutdown = crate::run::shutdown_on_signals();
            let stdin = tokio::io::BufReader::new(tokio::io::stdin());
            crate::run::run(&app, shutdown, stdin, tokio::io::stdout())
                .await
                .map_err(|e| Failure {
                    message: format!("{e:#}"),
                    code: 2,
                })
        }
        Command::Migrate => {
            // Starting the app brought the schema up to date; say what that took.
            let applied = &app.migrated;
            let text = if json {
                serde_json::json!({ "applied": applied }).to_string()
            } else if applied.is_empty() {
                "the database was already up to date".to_string()
            } else {
                format!("applied: {}", applied.join(", "))
            };
            print(out, text)
        }
        Command::Order(OrderCommand::Open(args)) => {
            let request = args.into_request(app.settings.time_zone)?;
            let order = app.desk.open_and_acknowledge(request, Source::Cli).await?;
            show(&app, &order.reference, json, out).await
        }
        Command::Order(OrderCommand::Show { reference }) => {
            let reference: OrderRef = reference.parse().map_err(Failure::input)?;
            show(&app, &reference, json, out).await
        }
        Command::Order(OrderCommand::List { state, limit }) => printed::list(&app, state, limit, json, out).await,
        Command::Chat { text, user } => printed::chat(&app, &text, &user, json, out).await,
        Command::Parse { .. } => unreachable!("parse runs before the settings load"),
        Command::Ingest { files } => ingest::ingest_files(&app, &files, json, out).await,
        Command::Customer(command) => printed::customer(&app, command, json, out).await,
        Command::Tick => printed::tick(&app, json, out).await,
        Command::Staff(command) => staff::staff(&app, command, json, out).await,
        Command::Outbox { all } => printed::outbox(&app, all, json, out).await,
    }
}

mod failure;
mod ingest;
mod open;
mod parse;
mod printed;
mod staff;

pub use failure::Failure;

async fn show(app: &App, reference: &OrderRef, json: bool, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    let file = app.desk.order_file(reference).await?;
    let text = if json {
        let mut view = order_view(&file.order, file.timeline);
        view.documents = app.store.documents(reference).await?;
        serde_json::to_string(&view).unwrap_or_default()
    } else {
        let mut card = order_card(&file.order, Vec::new(), app.settings.time_zone);
        card.recent = crate::views::card_entries(&file.timeline, app.settings.time_zone);
        app.desk
            .texts()
            .reply(&crate::texts::ChatReply::OrderCard { order: card })
            .map(|text| crate::chat::plain(&text))
            .map_err(|e| Failure {
                message: format!("{e:#}"),
                code: 2,
            })?
    };
    writeln!(out, "{text}").map_err(Failure::output)
}
