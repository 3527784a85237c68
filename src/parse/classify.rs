//! Which of the contract's kinds a message is, decided in the contract's order: bounces
//! and automatic replies first, then carriers' and vendors' notices, e-signature
//! completions, bills, then what customers write (English and Spanish).

use super::mime::Mail;
use super::notice::{self, Notice};
use super::sentences::{first_chars, questions, statements};
use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Bounce,
    AutoReply,
    PortCompleted,
    PortRejected,
    FocConfirmed,
    LoaSigned,
    Invoice,
    CancelRequest,
    RoutingConfirmation,
    StatusQuestion,
    CustomerReply,
    Unknown,
}

impl Kind {
    /// The contract's word for the kind (`foc_confirmed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bounce => "bounce",
            Kind::AutoReply => "auto_reply",
            Kind::PortCompleted => "port_completed",
            Kind::PortRejected => "port_rejected",
            Kind::FocConfirmed => "foc_confirmed",
            Kind::LoaSigned => "loa_signed",
            Kind::Invoice => "invoice",
            Kind::CancelRequest => "cancel_request",
            Kind::RoutingConfirmation => "routing_confirmation",
            Kind::StatusQuestion => "status_question",
            Kind::CustomerReply => "customer_reply",
            Kind::Unknown => "unknown",
        }
    }
}

/// The kind a message is, how sure the reading is (0 to 1), and what decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub kind: Kind,
    pub confidence: f32,
    pub evidence: Vec<String>,
}

impl Verdict {
    fn new(kind: Kind, confidence: f32, evidence: impl Into<String>) -> Self {
        Self {
            kind,
            confidence,
            evidence: vec![evidence.into()],
        }
    }
}

/// What the classifier looks at: the message, its new text, and whether a bill was found.
pub struct Evidence<'a> {
    pub mail: &'a Mail,
    /// Subject and new text (no quotes, no signature), lower case.
    pub new_text: &'a str,
    pub has_bill: bool,
    pub has_order_ref: bool,
    pub has_numbers: bool,
}

fn re(source: &str) -> Pattern {
    pattern::caseless(source)
}

static DAEMON_SENDER: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"^(mailer[-_]?daemon|post[-_]?master|mailer|mail[-_]?daemon|mdaemon|mail delivery (sub)?system|mailerdaemon|bounce[s]?)[@ ]?",
    )
});
static BOUNCE_SUBJECT: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"undeliver(ed|able)|delivery (status notification|failure|has failed|failed|problem|report)|returned mail|failure notice|mail delivery (failed|failure|system)|could not be delivered|non[- ]?delivery|not delivered|delivery notification|mail system error|returned to sender|rejected by|mail could not|message (delivery )?failure|permanent (error|failure)|unzustellbar|no se pudo entregar|delivery final failure|\bnotice of delivery failure|warning: message|mail failure|delayed mail|bounce|mail failed|returning (message )?to sender|loop alert|error|failed|failure|エラー|不達",
    )
});
static BOUNCE_BODY: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"could not be delivered|delivery to the following recipient|permanent fatal error|this is the mail system at host|i'm sorry to have to inform you|i am sorry to have to inform you|undeliverable|user unknown|unknown user|mailbox (is )?(unavailable|full|not found|disabled)|no such (user|mailbox|recipient)|recipient address rejected|delivery has failed|message was not delivered|was not delivered|returned to sender|addresses failed|failed permanently|permanent error|5\.\d\.\d{1,3}|550[ -]|554[ -]|553[ -]|552[ -]|551[ -]|message could not be|unable to deliver|delivery failed|couldn't be delivered|host unknown|over quota|quota exceeded|relay access denied|address rejected|does not exist|account (has been )?disabled|the following message to .* was undeliverable|retry time(out)? exceeded|giving up on|smtp error|remote host said|said: [45]\d\d|invalid (user|recipient|mailbox|address)|no valid recipients|unknown host|duplicated message-id|mail loop|loop detected|too many hops|notificationtype.{0,3}:|bouncetype|送信できません|届きませんでした|宛先",
    )
});
static AUTO_SUBJECT: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"^\s*(\[(ticket|case|request) ?#?\s*\d+\]|auto(matic)?[- ]?(reply|response|respuesta)|autoreply|auto:|out of (the )?office|ooo\b|away from (the )?office|on vacation|vacation (reply|notice)|respuesta autom[aá]tica|fuera de la oficina|ausente|re: ?auto)|\b(out of (the )?office|automatic reply|auto[- ]reply|we('ve| have) received your|ticket (has been )?(received|created|opened)|request (received|#)|case (#|number)|thank you for (contacting|your (email|message|inquiry)))",
    )
});
static AUTO_BODY: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"(your )?(request|message|e-?mail|ticket|inquiry|case) has been (received|logged|created|opened)|\b(case|ticket|request) [a-z]*\d+ has been (opened|created|logged|received)|assigned (a )?(ticket|case)|\b(ticket|case) (#|number|no\.?)\s*:?\s*\d+|\b(i am|i'm|i will be|i'll be) (currently )?(out of (the )?office|away|on (vacation|leave|holiday|pto)|traveling|out until|out of town)|with limited access to (e-?mail|my email)|(will|shall) (respond|reply|get back)( to you)? (to your (e-?mail|message) )?(as soon as possible )?(when|upon|after) (i|my) return|this is an auto(mated|matic)[- ](reply|response)|we have received your (request|e-?mail|message|ticket|inquiry)|your (ticket|case|request) (number|#|id)\b|estar[ée] fuera|estoy fuera de la oficina|respuesta autom[aá]tica|de vacaciones|regresar[ée] el|fuera de la oficina",
    )
});

static ESIGN_SERVICE: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"docusign|adobe (acrobat )?sign|echosign|hellosign|dropbox sign|pandadoc|signnow|signwell|zoho sign|e-?signature|envelope",
    )
});
/// A signing service we do not know by name: an automated sender speaking of a
/// document and its signers.
static SIGNING_WORDS: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"\b(signing (request|complete)|signers?|signed by|has signed|have signed|all parties|signature request|document (has been |was |is )?(signed|complete)|e-?signed|fully signed|executed|firmantes|procedimiento de firma)\b|^\s*signed\s*:",
    )
});
/// What only a signing service says.
static SIGNERS_DONE: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"every signer|all (signers|parties) have (signed|completed)|signing (is )?complete|fully (signed|executed)|todos los firmantes",
    )
});
static AUTOMATED_SENDER: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"(^|[._+-])(no-?reply|do-?not-?reply|donotreply|notifications?|notify|notices?|alerts?|news(letter)?|billing|security|devrel|marketing|info|updates?|mailer|system|voicemail|robot|bot|automated|accounts?|team|signers?|support|portal)[@._+-]",
    )
});
static ESIGN_DONE: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"\bcompleted?\b|every signer has signed|has signed|\bsigned\b|e-?signed|executed|finalizad|han firmado|signing complete|all (parties|signers|recipients) have signed|has been (fully )?signed|(was|were) signed|signed by (all|every)|is (now )?signed|signature (is )?complete|firmad[oa] por todas|ha sido firmad|fue firmad|completad[oa]|finished signing",
    )
});
static ESIGN_NOT_DONE: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"\bviewed\b|\bopened\b|reminder|not yet signed|waiting for|awaiting|please (review and )?sign|sent you|has sent|declined|voided|expir|recordatorio|pendiente|cancel+ed|rejected",
    )
});
static CANCEL: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"\bcancel+(ation|ing|ed|en|e|ar)?\b[^.\n]{0,40}\b(port|porting|request|order|transfer|move|switch|solicitud|portabilidad|cambio)\b|\bcancelaci[oó]n\b[^.\n]{0,60}\b(solicitud|portabilidad|cambio|port)|\bcancel+(ing|ed|en|ar)?\s+((the|our|my|this|that|el|la|nuestra|mi)\s+)?(number\s+)?(port|porting|port(ing)? (request|order)|order|request|transfer|move|portabilidad|solicitud)\b|\bcancel+(ing|ed)? (it|everything)\b|\b(port|order|request|transfer)\b.{0,20}\bcancel|(no longer|don't|do not) (want|need|wish) to (port|move|transfer|switch)|stop (the|our|this) (port|transfer|request)|call off|withdraw (the |our )?(port|request)|\bcancelar\b|anular (la )?(portabilidad|solicitud|orden)|ya no (queremos|deseamos|vamos a)|detener la portabilidad",
    )
});
static ROUTING: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"\brings? (to|at|on|in|into|through)\b|fax[- ]to[- ]e-?mail|\bsend (everything|all faxes|faxes|calls|them|it)\b[^.]{0,50}\bto\b|\broute[ds]?\b|\brouting\b|\bforward(ed|ing)? (it |them |calls )?to\b|\bext(ension)?\.?\s*#?\s*\d+|\bextensions?\b|ring ?group|hunt group|\bivr\b|auto[- ]?attendant|main menu|phone tree|fax (adapter|ata|machine|server)|\bata\b|\be-?fax\b|to (my|our|the) (email|inbox)|receptionist|front desk|voicemail|buz[oó]n|timbr|que suene|extensi[oó]n|desv[ií]|redirig|grupo de (timbrado|llamadas)|men[uú] principal|operadora",
    )
});
static QUESTION: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"\byet\b|waiting on|anything (else )?(missing|needed|from (us|our side))|\bby then\b|in time\b|on track|\b(was|is|has|did|were) (it|our|the|my|this) (port|order|request|transfer|number|loa)\b[^?]*\?|\b(confirmed|scheduled|done|finished|complete[d]?|ready|live|submitted|approved) yet\b|\bwhen (it|the port|they|we|this|that) (will|is|are|can|should)\b|what('s| is) (happening|going on)|\bstatus\b|\bupdate\b|\bwhen (will|is|can|do|does|are|should)\b|how long|any (news|word|progress)|\beta\b|what('s| is) (missing|needed|holding|the hold ?up|left|pending)|where (are|is|do) (we|things|it)|still waiting|haven't heard|have not heard|is (it|the port) done|progress|how('s| is) (it|the port) going|¿|cu[aá]ndo|estado|novedades|cu[aá]nto tiempo|qu[eé] falta|c[oó]mo va|alguna noticia|seguimos esperando",
    )
});
/// Asking where the port stands, with or without a question mark (people on phones
/// do not punctuate).
static STRONG_QUESTION: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"what'?s (the )?status|what'?s going on|whats happening|when'?s (the|it|our) (switch|port|move|transfer)|whens the|any update|still (ringing at|waiting|not (ported|working|moved|done))|todav[ií]a no|qu[eé] pas[oó]|c[oó]mo vamos|where (it|things|the \w+( of [^.?]{0,60})?) stands?\b|\bstands and\b",
    )
});

/// Sales mail and newsletters: not a customer writing about a port.
static MARKETING: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"unsubscribe|opt[- ]out|reply stop|limited[- ]time|special offer|act now|\d+% off|save up to|click here|newsletter|webinar|free trial|don't miss|view (this|in) (email|browser)|darse de baja|oferta|worth a (quick |short |\d+[- ]minute )?(call|chat)|book a (demo|call|meeting)|schedule a (demo|call)|free (consultation|quote|assessment)",
    )
});

static PORT_TALK: LazyLock<Pattern> = LazyLock::new(|| {
    re(
        r"\bport(ing|ed|s)?\b|\bnumbers?\b|\bloa\b|\bbill\b|\binvoice\b|\bcarrier\b|\bfoc\b|\btransfer\b|\bline(s)?\b|\bfax\b|\bphone|portabilidad|porta(ci[oó]n|r)|n[uú]mero|factura|l[ií]nea|tel[eé]fono|contrato|\bcontract\b|\baccount\b|\bcuenta\b",
    )
});

/// The confidence the desk needs before a notice may change an order.
pub const SURE: f32 = 0.8;

/// Decides the kind of a message.
pub fn classify(e: &Evidence<'_>) -> Verdict {
    let mail = e.mail;
    let subject = mail.subject.to_lowercase();
    let text = e.new_text;
    if mail.is_delivery_report {
        return Verdict::new(Kind::Bounce, 0.99, "a delivery status report (multipart/report)");
    }
    if is_bounce(mail, &subject, text) {
        return Verdict::new(Kind::Bounce, 0.9, "a mailer's failure wording");
    }
    if mail.auto_submitted.starts_with("auto-replied") || mail.has_autoreply_header || mail.precedence == "auto_reply" {
        return Verdict::new(Kind::AutoReply, 0.99, "an automatic-reply header");
    }
    if is_auto_reply(&subject, text) {
        return Verdict::new(Kind::AutoReply, 0.85, "out-of-office or ticket-received wording");
    }
    let from = mail.from_address.to_lowercase();
    let automated = AUTOMATED_SENDER.is_match(&from) || mail.is_list || mail.precedence == "bulk";
    let named_service = ESIGN_SERVICE.is_match(text)
        || ESIGN_SERVICE.is_match(&from)
        || ESIGN_SERVICE.is_match(&mail.from_name)
        || SIGNERS_DONE.is_match(text);
    if named_service {
        return esign_verdict(&subject, text);
    }
    // A notice that changes an order names it: our reference or its numbers.
    if e.has_order_ref || e.has_numbers {
        if let Some(v) = notice_verdict(&subject, text) {
            return v;
        }
    }
    if automated && SIGNING_WORDS.is_match(text) {
        return esign_verdict(&subject, text);
    }
    if e.has_bill {
        return Verdict::new(Kind::Invoice, 0.9, "it carries a bill");
    }
    if automated || MARKETING.is_match(text) {
        return Verdict::new(Kind::Unknown, 0.8, "an automated or sales message with no notice in it");
    }
    customer_verdict(e, text)
}

/// A signing service's notice: a completion, or (viewed, reminded, declined,
/// expired) nothing the desk acts on.
fn esign_verdict(subject: &str, text: &str) -> Verdict {
    let done = ESIGN_DONE.is_match(subject) || ESIGN_DONE.is_match(text);
    let not_done = ESIGN_NOT_DONE.is_match(subject);
    if done && !not_done {
        Verdict::new(Kind::LoaSigned, 0.9, "a signing service says every signer has signed")
    } else {
        Verdict::new(
            Kind::Unknown,
            0.8,
            "a signing service's notice that is not a completion",
        )
    }
}

/// A carrier's or vendor's notice, weighed from what its statements say.
fn notice_verdict(subject: &str, text: &str) -> Option<Verdict> {
    // A reply's subject repeats our own words ("Re: Your port is complete"): notices
    // are read from the body then.
    let is_reply = ["re:", "rv:", "aw:", "fw:", "fwd:"]
        .iter()
        .any(|p| subject.trim_start().starts_with(p));
    let notice_text = if is_reply {
        text.split_once('\n').map_or(text, |(_, body)| body)
    } else {
        text
    };
    let statements = statements(notice_text);
    let dated = |i: usize| {
        statements[i.saturating_sub(1)..(i + 4).min(statements.len())]
            .iter()
            .any(|s| !super::dates::dates_in(s).is_empty())
    };
    let scores = notice::weigh(notice_text, &statements, dated);
    // The others said beside it make the reading less sure.
    let (best, score, runner_up) = scores.decided()?;
    let kind = match best {
        Notice::Completed => Kind::PortCompleted,
        Notice::Rejected => Kind::PortRejected,
        Notice::Foc => Kind::FocConfirmed,
    };
    let confidence = (0.5 + 0.1 * score as f32 - 0.05 * runner_up as f32).clamp(0.2, 0.99);
    let evidence = scores
        .evidence
        .iter()
        .map(|(n, says)| format!("{}: {says}", notice_word(*n)))
        .collect();
    Some(Verdict {
        kind,
        confidence,
        evidence,
    })
}

/// The text without its first line (the subject) when the subject is a reply's or a
/// forward's: it repeats our own words ("Re: Your port is complete").
fn without_reply_subject<'a>(subject: &str, text: &'a str) -> &'a str {
    let is_reply = ["re:", "rv:", "aw:", "fw:", "fwd:", "tr:"]
        .iter()
        .any(|p| subject.trim_start().starts_with(p));
    if is_reply {
        text.split_once('\n').map_or(text, |(_, body)| body)
    } else {
        text
    }
}

fn notice_word(n: Notice) -> &'static str {
    match n {
        Notice::Completed => "completion",
        Notice::Rejected => "rejection",
        Notice::Foc => "FOC",
    }
}

/// What a person wrote: a cancellation, a question, routing, or a reply. A reply's
/// subject repeats ours and is not read.
fn customer_verdict(e: &Evidence<'_>, text: &str) -> Verdict {
    let about_a_port = e.has_order_ref || e.has_numbers || PORT_TALK.is_match(text);
    let text = without_reply_subject(&e.mail.subject.to_lowercase(), text);
    let says = |re: &Pattern| statements(text).iter().any(|s| re.is_match(s) && !denied(s));
    if says(&CANCEL) {
        return Verdict::new(Kind::CancelRequest, 0.85, "asks to cancel the port");
    }
    if about_a_port && STRONG_QUESTION.is_match(text) {
        return Verdict::new(Kind::StatusQuestion, 0.85, "asks where the port stands");
    }
    if ROUTING.is_match(text) && about_a_port && !is_question_only(text) {
        return Verdict::new(Kind::RoutingConfirmation, 0.8, "says where numbers should ring");
    }
    let asks = text.contains('?') || text.contains('¿');
    if asks && about_a_port && questions(text).iter().any(|q| QUESTION.is_match(q)) {
        return Verdict::new(Kind::StatusQuestion, 0.75, "asks a question about the port");
    }
    if about_a_port {
        return Verdict::new(Kind::CustomerReply, 0.7, "a person writing about a port");
    }
    Verdict::new(Kind::Unknown, 0.6, "nothing about a port")
}

/// "Don't cancel", "no queremos cancelar": a statement that denies its request.
fn denied(statement: &str) -> bool {
    static DENIED: LazyLock<Pattern> = LazyLock::new(|| {
        re(
            r"\b(don'?t|do not|not|no|never|nunca)\s+(want to\s+|queremos\s+)?cancel|\b(old|previous|current|existing|other)\s+(\S+\s+)?(account|service|carrier|provider|lines?|contract|plan)\b|\bafter the port\b",
        )
    });
    DENIED.is_match(statement)
}

/// Amazon SES and similar services report bounces as JSON.
static JSON_BOUNCE: LazyLock<Pattern> =
    LazyLock::new(|| re(r#""notificationtype"\s*:\s*"(bounce|complaint)"|"bouncetype"\s*:"#));

fn is_bounce(mail: &Mail, subject: &str, text: &str) -> bool {
    if JSON_BOUNCE.is_match(text) {
        return true;
    }
    let daemon = DAEMON_SENDER.is_match(&mail.from_address) || DAEMON_SENDER.is_match(&mail.from_name);
    let subject_says = BOUNCE_SUBJECT.is_match(subject);
    let body_says = BOUNCE_BODY.is_match(first_chars(text, 4000));
    (daemon && (subject_says || body_says)) || (subject_says && body_says) || (daemon && mail.returned.is_some())
}

fn is_auto_reply(subject: &str, text: &str) -> bool {
    AUTO_SUBJECT.is_match(subject) || AUTO_BODY.is_match(first_chars(text, 1500))
}

fn is_question_only(text: &str) -> bool {
    let routing_statement = statements(text).iter().any(|s| ROUTING.is_match(s));
    !routing_statement
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [
        &DAEMON_SENDER,
        &BOUNCE_SUBJECT,
        &BOUNCE_BODY,
        &AUTO_SUBJECT,
        &AUTO_BODY,
        &ESIGN_SERVICE,
        &SIGNING_WORDS,
        &SIGNERS_DONE,
        &AUTOMATED_SENDER,
        &ESIGN_DONE,
        &ESIGN_NOT_DONE,
        &CANCEL,
        &ROUTING,
        &QUESTION,
        &STRONG_QUESTION,
        &MARKETING,
        &PORT_TALK,
        &JSON_BOUNCE,
    ] {
        pattern.prepare();
    }
}
