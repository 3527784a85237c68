//! Where a ported number will ring once it is ours: an extension, a ring group, an IVR,
//! the fax adapter, or an e-fax mailbox. What fits depends on the number's type.

use super::email::EmailAddress;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// What a number is used for, which decides where it can ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberType {
    Voice,
    Fax,
    Efax,
}

impl NumberType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "voice",
            Self::Fax => "fax",
            Self::Efax => "efax",
        }
    }
}

impl FromStr for NumberType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "voice" => Ok(Self::Voice),
            "fax" => Ok(Self::Fax),
            "efax" => Ok(Self::Efax),
            other => Err(format!("'{other}' is not a number type: use voice, fax or efax")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Extension(String),
    RingGroup(String),
    Ivr(String),
    FaxAdapter(String),
    Efax(EmailAddress),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("'{0}' is not a routing target: write ext 201, ring-group Sales, ivr Main, fax-ata [port], or efax name@company.com")]
    Unknown(String),
    #[error("{0} needs a name or number after it")]
    MissingValue(&'static str),
    #[error("a routing target is at most {max} characters: '{start}…' is longer")]
    TooLong { start: String, max: usize },
    #[error("{number} is a {kind} number: it can ring {allowed}, not {route}")]
    DoesNotFit {
        number: String,
        kind: &'static str,
        allowed: &'static str,
        route: String,
    },
}

impl Route {
    /// Checks that a number of type `kind` can ring here: voice numbers ring an
    /// extension, ring group or IVR; fax numbers the fax adapter; e-fax numbers a mailbox.
    pub fn fits(&self, kind: NumberType, number: &str) -> Result<(), RouteError> {
        let ok = matches!(
            (kind, self),
            (
                NumberType::Voice,
                Route::Extension(_) | Route::RingGroup(_) | Route::Ivr(_)
            ) | (NumberType::Fax, Route::FaxAdapter(_))
                | (NumberType::Efax, Route::Efax(_))
        );
        if ok {
            return Ok(());
        }
        let allowed = match kind {
            NumberType::Voice => "an extension, a ring group or an IVR",
            NumberType::Fax => "the fax adapter (fax-ata)",
            NumberType::Efax => "an e-fax address (efax name@company.com)",
        };
        Err(RouteError::DoesNotFit {
            number: number.to_string(),
            kind: kind.as_str(),
            allowed,
            route: self.to_string(),
        })
    }
}

impl FromStr for Route {
    type Err = RouteError;

    /// `ext 201`, `extension 201`, `ring-group Sales`, `ring group Sales`, `rg Sales`,
    /// `ivr Main menu`, `fax-ata`, `fax adapter port 2`, `efax fax@acme.example`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if text.chars().count() > super::limits::MAX_ROUTE {
            return Err(RouteError::TooLong {
                start: text.chars().take(20).collect(),
                max: super::limits::MAX_ROUTE,
            });
        }
        let lower = text.to_ascii_lowercase();
        let keywords: [(&[&str], &'static str); 5] = [
            (&["extension", "ext.", "ext", "x"], "extension"),
            (&["ring group", "ring-group", "ringgroup", "rg"], "ring group"),
            (&["ivr", "auto attendant", "auto-attendant"], "ivr"),
            (
                &["fax adapter", "fax-adapter", "fax ata", "fax-ata", "ata"],
                "fax adapter",
            ),
            (&["e-fax", "efax"], "efax"),
        ];
        for (words, what) in keywords {
            for word in words {
                let Some(rest) = lower.strip_prefix(word) else {
                    continue;
                };
                if !(rest.is_empty() || rest.starts_with(' ') || word.ends_with('.')) {
                    continue;
                }
                let value = text[word.len()..].trim().to_string();
                return match what {
                    "fax adapter" => Ok(Route::FaxAdapter(value)),
                    _ if value.is_empty() => Err(RouteError::MissingValue(what)),
                    "extension" => Ok(Route::Extension(value)),
                    "ring group" => Ok(Route::RingGroup(value)),
                    "ivr" => Ok(Route::Ivr(value)),
                    _ => value
                        .parse()
                        .map(Route::Efax)
                        .map_err(|_| RouteError::Unknown(text.to_string())),
                };
            }
        }
        Err(RouteError::Unknown(text.to_string()))
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Extension(x) => write!(f, "ext {x}"),
            Route::RingGroup(g) => write!(f, "ring group {g}"),
            Route::Ivr(i) => write!(f, "IVR {i}"),
            Route::FaxAdapter(p) if p.is_empty() => f.write_str("fax adapter"),
            Route::FaxAdapter(p) => write!(f, "fax adapter {p}"),
            Route::Efax(a) => write!(f, "e-fax {a}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_targets_read_the_way_staff_write_them() {
        for (written, shown) in [
            ("ext 201", "ext 201"),
            ("Extension 201", "ext 201"),
            ("ring-group Sales", "ring group Sales"),
            ("ring group Front Desk", "ring group Front Desk"),
            ("IVR Main menu", "IVR Main menu"),
            ("fax-ata", "fax adapter"),
            ("fax adapter port 2", "fax adapter port 2"),
            ("efax Fax@Acme.example", "e-fax fax@acme.example"),
        ] {
            assert_eq!(written.parse::<Route>().unwrap().to_string(), shown, "{written}");
        }
        assert_eq!("ext".parse::<Route>(), Err(RouteError::MissingValue("extension")));
        assert!(matches!("voicemail".parse::<Route>(), Err(RouteError::Unknown(_))));
        assert!(matches!("efax nobody".parse::<Route>(), Err(RouteError::Unknown(_))));
    }

    #[test]
    fn each_number_type_rings_only_where_it_can() {
        let ext: Route = "ext 201".parse().unwrap();
        let ata: Route = "fax-ata".parse().unwrap();
        let efax: Route = "efax fax@acme.example".parse().unwrap();
        let table = [
            (NumberType::Voice, &ext, true),
            (NumberType::Voice, &ata, false),
            (NumberType::Voice, &efax, false),
            (NumberType::Fax, &ata, true),
            (NumberType::Fax, &ext, false),
            (NumberType::Efax, &efax, true),
            (NumberType::Efax, &ata, false),
        ];
        for (kind, route, fits) in table {
            assert_eq!(route.fits(kind, "+13055550100").is_ok(), fits, "{kind:?} → {route}");
        }
    }
}
