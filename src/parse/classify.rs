//! Which of the contract's kinds a message is, decided in the contract's order: bounces
//! and automatic replies first, then carriers' and vendors' notices, e-signature
//! completions, bills, then what customers write (English and Spanish).

use super::mime::Mail;
use regex::Regex;
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

/// What the classifier looks at: the message, its new text, and whether a bill was found.
pub struct Evidence<'a> {
    pub mail: &'a Mail,
    /// Subject and new text (no quotes, no signature), lower case.
    pub new_text: &'a str,
    pub has_bill: bool,
    pub has_order_ref: bool,
    pub has_numbers: bool,
}

fn re(pattern: &str) -> Regex {
    Regex::new(&format!("(?i){pattern}")).expect("classifier pattern")
}

static DAEMON_SENDER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(mailer[-_]?daemon|post[-_]?master|mailer|mail[-_]?daemon|mdaemon|mail delivery (sub)?system|mailerdaemon|bounce[s]?)[@ ]?",
    )
});
static BOUNCE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"undeliver(ed|able)|delivery (status notification|failure|has failed|failed|problem|report)|returned mail|failure notice|mail delivery (failed|failure|system)|could not be delivered|non[- ]?delivery|not delivered|delivery notification|mail system error|returned to sender|rejected by|mail could not|message (delivery )?failure|permanent (error|failure)|unzustellbar|no se pudo entregar|delivery final failure|\bnotice of delivery failure|warning: message|mail failure|delayed mail|bounce|mail failed|returning (message )?to sender|loop alert|error|failed|failure|エラー|不達",
    )
});
static BOUNCE_BODY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"could not be delivered|delivery to the following recipient|permanent fatal error|this is the mail system at host|i'm sorry to have to inform you|i am sorry to have to inform you|undeliverable|user unknown|unknown user|mailbox (is )?(unavailable|full|not found|disabled)|no such (user|mailbox|recipient)|recipient address rejected|delivery has failed|message was not delivered|was not delivered|returned to sender|addresses failed|failed permanently|permanent error|5\.\d\.\d{1,3}|550[ -]|554[ -]|553[ -]|552[ -]|551[ -]|message could not be|unable to deliver|delivery failed|couldn't be delivered|host unknown|over quota|quota exceeded|relay access denied|address rejected|does not exist|account (has been )?disabled|the following message to .* was undeliverable|retry time(out)? exceeded|giving up on|smtp error|remote host said|said: [45]\d\d|invalid (user|recipient|mailbox|address)|no valid recipients|unknown host|duplicated message-id|mail loop|loop detected|too many hops|notificationtype.{0,3}:|bouncetype|送信できません|届きませんでした|宛先",
    )
});
static AUTO_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(\[(ticket|case|request) ?#?\s*\d+\]|auto(matic)?[- ]?(reply|response|respuesta)|autoreply|auto:|out of (the )?office|ooo\b|away from (the )?office|on vacation|vacation (reply|notice)|respuesta autom[aá]tica|fuera de la oficina|ausente|re: ?auto)|\b(out of (the )?office|automatic reply|auto[- ]reply|we('ve| have) received your|ticket (has been )?(received|created|opened)|request (received|#)|case (#|number)|thank you for (contacting|your (email|message|inquiry)))",
    )
});
static AUTO_BODY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(your )?(request|message|e-?mail|ticket|inquiry|case) has been (received|logged|created|opened)|assigned (a )?(ticket|case)|\b(ticket|case) (#|number|no\.?)\s*:?\s*\d+|\b(i am|i'm|i will be|i'll be) (currently )?(out of (the )?office|away|on (vacation|leave|holiday|pto)|traveling|out until|out of town)|with limited access to (e-?mail|my email)|(will|shall) (respond|reply|get back)( to you)? (to your (e-?mail|message) )?(as soon as possible )?(when|upon|after) (i|my) return|this is an auto(mated|matic)[- ](reply|response)|we have received your (request|e-?mail|message|ticket|inquiry)|your (ticket|case|request) (number|#|id)\b|estar[ée] fuera|estoy fuera de la oficina|respuesta autom[aá]tica|de vacaciones|regresar[ée] el|fuera de la oficina",
    )
});

static COMPLETED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bport(ing|ed)?([- ]in)? (has been |was |is |now )?(successfully )?complete[d]?\b|\b(numbers?|tns?|lines?) (have|has) been (successfully )?ported|\bported successfully|\bport complete|has been (successfully )?ported|successfully ported|were ported|(are|is) now (live|active|in service)|activation (is )?complete|port(ing)? (has been |was )?activated|completion notice|resp(onse)? type\s*:\s*(cmp|comp|complete)|\bstatus\s*:\s*(port(ed|ing)? )?complete[d]?|order (has been |is )?complete[d]?\b|\bsv activated\b|status\s*:\s*active\b|\bevent\s*:\s*(sv )?activat|port completed|ported (in|successfully)|(la )?portabilidad (ha sido |fue )?(completada|exitosa|finalizada)|se complet[oó] la porta|n[uú]meros? ya (est[aá]n|funcionan)|successfully (activated|transferred)|has completed\b|now active on",
    )
});
static REJECTED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bneeds (your )?(immediate )?attention\b|(does not|doesn't) match.{0,160}(please )?(correct|upload|resubmit|supplement|provide a (corrected|new|revised))|\breject(ed|ion)?\b|\bjeopardy\b|resp(onse)? type\s*:\s*(rej|jep)|\brej\b|unable to (process|complete|accept)|could not be (processed|completed|accepted)|\bexception\b|correct(ion)? (and|&) (supp|resubmit)|please (correct|resubmit)|supp(lement)? (required|needed)|needs? (a )?correction|\bdenied\b|rechaz|error code|error desc|\bclarification (request|required)",
    )
});
static FOC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(will|is set to|is scheduled to|is going to) (port|complete|be ported|activate|go live|cut ?over)\b|\bport(ing)? (is )?(set|planned|booked|slated) (for|on)\b|\bfoc\b|firm order (commitment|confirmation)|\bport(ing)? date\b|\bdue date\b|(has been |is |was )(scheduled|confirmed|rescheduled)|(port|order|date) (has been |was )?(re)?scheduled|resp(onse)? type\s*:\s*(foc|conf|cnf)|date (has been |was )?(changed|moved|updated)|\bactivation date\b|\bcut ?over\b|fecha de porta|programad[ao]",
    )
});
static ESIGN_SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"docusign|adobe (acrobat )?sign|echosign|hellosign|dropbox sign|pandadoc|signnow|signwell|zoho sign|e-?signature|envelope",
    )
});
static ESIGN_DONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bcompleted?\b|all (parties|signers|recipients) have signed|has been (fully )?signed|(was|were) signed|signed by (all|every)|is (now )?signed|signature (is )?complete|firmad[oa] por todas|ha sido firmad|fue firmad|completad[oa]|finished signing",
    )
});
static ESIGN_NOT_DONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bviewed\b|reminder|not yet signed|waiting for|awaiting|please (review and )?sign|sent you|has sent|declined|voided|expir|recordatorio|pendiente",
    )
});
static CANCEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bcancel+(ing|ed|en|ar)?\s+((the|our|my|this|that|el|la|nuestra|mi)\s+)?(number\s+)?(port|porting|port(ing)? (request|order)|order|request|transfer|move|portabilidad|solicitud)\b|\bcancel+(ing|ed)? (it|everything)\b|\b(port|order|request|transfer)\b.{0,20}\bcancel|(no longer|don't|do not) (want|need|wish) to (port|move|transfer|switch)|stop (the|our|this) (port|transfer|request)|call off|withdraw (the |our )?(port|request)|\bcancelar\b|anular (la )?(portabilidad|solicitud|orden)|ya no (queremos|deseamos|vamos a)|detener la portabilidad",
    )
});
static ROUTING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bring(s|ing)? (to|at|on|in|into)\b|\broute[ds]?\b|\brouting\b|\bforward(ed|ing)? (it |them |calls )?to\b|\bext(ension)?\.?\s*#?\s*\d+|\bextensions?\b|ring ?group|hunt group|\bivr\b|auto[- ]?attendant|main menu|phone tree|fax (adapter|ata|machine|server)|\bata\b|\be-?fax\b|to (my|our|the) (email|inbox)|receptionist|front desk|voicemail|buz[oó]n|timbr|que suene|extensi[oó]n|desv[ií]|redirig|grupo de (timbrado|llamadas)|men[uú] principal|operadora",
    )
});
static QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(was|is|has|did|were) (it|our|the|my|this) (port|order|request|transfer|number|loa)\b[^?]*\?|\b(confirmed|scheduled|done|finished|complete[d]?|ready|live|submitted|approved) yet\b|\bwhen (it|the port|they|we|this|that) (will|is|are|can|should)\b|what('s| is) (happening|going on)|\bstatus\b|\bupdate\b|\bwhen (will|is|can|do|does|are|should)\b|how long|any (news|word|progress)|\beta\b|what('s| is) (missing|needed|holding|the hold ?up|left|pending)|where (are|is|do) (we|things|it)|still waiting|haven't heard|have not heard|is (it|the port) done|progress|how('s| is) (it|the port) going|¿|cu[aá]ndo|estado|novedades|cu[aá]nto tiempo|qu[eé] falta|c[oó]mo va|alguna noticia|seguimos esperando",
    )
});
/// Sales mail and newsletters: not a customer writing about a port.
static MARKETING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"unsubscribe|opt[- ]out|reply stop|limited[- ]time|special offer|act now|\d+% off|save up to|click here|newsletter|webinar|free trial|don't miss|view (this|in) (email|browser)|darse de baja|oferta",
    )
});

static PORT_TALK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bport(ing|ed|s)?\b|\bnumbers?\b|\bloa\b|\bbill\b|\binvoice\b|\bcarrier\b|\bfoc\b|\btransfer\b|\bline(s)?\b|\bfax\b|\bphone|portabilidad|porta(ci[oó]n|r)|n[uú]mero|factura|l[ií]nea|tel[eé]fono|contrato|\bcontract\b|\baccount\b|\bcuenta\b",
    )
});

/// Decides the kind of a message.
pub fn classify(e: &Evidence<'_>) -> Kind {
    let mail = e.mail;
    let subject = mail.subject.to_lowercase();
    let text = e.new_text;
    if is_bounce(mail, &subject, text) {
        return Kind::Bounce;
    }
    if is_auto_reply(mail, &subject, text) {
        return Kind::AutoReply;
    }
    // A reply's subject repeats our own words ("Re: Your port is complete"): notices are
    // read from the body then.
    let is_reply = subject.trim_start().starts_with("re:")
        || subject.trim_start().starts_with("rv:")
        || subject.trim_start().starts_with("aw:");
    let notice_text = if is_reply {
        text.split_once('\n').map_or(text, |(_, body)| body)
    } else {
        text
    };
    let statements = statements(notice_text);
    let says = |re: &Regex| statements.iter().any(|s| re.is_match(s));
    let esign = ESIGN_SERVICE.is_match(text)
        || ESIGN_SERVICE.is_match(&mail.from_address)
        || ESIGN_SERVICE.is_match(&mail.from_name);
    if !esign {
        if says(&COMPLETED) {
            return Kind::PortCompleted;
        }
        if says(&REJECTED) {
            return Kind::PortRejected;
        }
        if says(&FOC) && has_date(text) {
            return Kind::FocConfirmed;
        }
    }
    if esign {
        let done = ESIGN_DONE.is_match(&subject) || ESIGN_DONE.is_match(text);
        let not_done = ESIGN_NOT_DONE.is_match(&subject);
        return if done && !not_done {
            Kind::LoaSigned
        } else {
            Kind::Unknown
        };
    }
    if e.has_bill {
        return Kind::Invoice;
    }
    if mail.is_list || mail.precedence == "bulk" || mail.precedence == "list" || MARKETING.is_match(text) {
        return Kind::Unknown;
    }
    if CANCEL.is_match(text) {
        return Kind::CancelRequest;
    }
    if ROUTING.is_match(text)
        && (e.has_numbers || e.has_order_ref || PORT_TALK.is_match(text))
        && !is_question_only(text)
    {
        return Kind::RoutingConfirmation;
    }
    if QUESTION.is_match(text)
        && (text.contains('?') || text.contains('¿'))
        && (e.has_order_ref || e.has_numbers || PORT_TALK.is_match(text))
    {
        return Kind::StatusQuestion;
    }
    if e.has_order_ref || e.has_numbers || PORT_TALK.is_match(text) {
        return Kind::CustomerReply;
    }
    Kind::Unknown
}

/// Amazon SES and similar services report bounces as JSON.
static JSON_BOUNCE: LazyLock<Regex> =
    LazyLock::new(|| re(r#""notificationtype"\s*:\s*"(bounce|complaint)"|"bouncetype"\s*:"#));

fn is_bounce(mail: &Mail, subject: &str, text: &str) -> bool {
    if mail.is_delivery_report || JSON_BOUNCE.is_match(text) {
        return true;
    }
    let daemon = DAEMON_SENDER.is_match(&mail.from_address) || DAEMON_SENDER.is_match(&mail.from_name);
    let subject_says = BOUNCE_SUBJECT.is_match(subject);
    let head: String = text.chars().take(4000).collect();
    let body_says = BOUNCE_BODY.is_match(&head);
    (daemon && (subject_says || body_says)) || (subject_says && body_says) || (daemon && mail.returned.is_some())
}

fn is_auto_reply(mail: &Mail, subject: &str, text: &str) -> bool {
    if mail.auto_submitted.starts_with("auto-replied") || mail.has_autoreply_header || mail.precedence == "auto_reply" {
        return true;
    }
    let head: String = text.chars().take(1500).collect();
    AUTO_SUBJECT.is_match(subject) || AUTO_BODY.is_match(&head)
}

/// Sentences and lines that are not questions: a notice states, a customer asks.
fn statements(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '\n' | '.' | '!' | '?') {
            let sentence = &text[start..i];
            if c != '?' && !sentence.contains('¿') && !sentence.trim().is_empty() {
                out.push(sentence);
            }
            start = i + c.len_utf8();
        }
    }
    let last = &text[start..];
    if !last.trim().is_empty() && !last.contains('¿') {
        out.push(last);
    }
    out
}

fn is_question_only(text: &str) -> bool {
    let routing_statement = statements(text).iter().any(|s| ROUTING.is_match(s));
    !routing_statement
}

fn has_date(text: &str) -> bool {
    !super::dates::dates_in(text).is_empty()
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
