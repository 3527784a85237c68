//! The wiring: the only module that knows every concrete type. It opens the store
//! named by the settings, brings its schema up to date, and builds the desk and chat.

use crate::auth::Verifier;
use crate::chat::ChatCore;
use crate::clock::Clock;
use crate::config::Settings;
use crate::desk::Trust;
use crate::desk::{Desk, MailSettings};
use crate::domain::message_id::MessageIds;
use crate::store::{self, Store, StoreError};

/// Why the bot could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sender authentication cannot work as configured.
    #[error("{0}: fix [auth] in the config")]
    Auth(String),
}
use std::sync::Arc;

pub struct App {
    pub store: Arc<dyn Store>,
    pub desk: Arc<Desk>,
    pub chat: Arc<ChatCore>,
    pub settings: Settings,
    /// The migrations this start applied (none when the schema was up to date).
    pub migrated: Vec<String>,
}

impl App {
    /// Connects and migrates: every command sees an up-to-date schema.
    pub async fn start(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, StartError> {
        // The resolver is built first: a bad one stops the bot before it reads any mail.
        let verifier = Verifier::new(settings.auth.clone()).map_err(StartError::Auth)?;
        let store = store::connect(settings.store_url.expose()).await?;
        let migrated = store.migrate().await?;
        if !migrated.is_empty() {
            tracing::info!(?migrated, "database migrated");
        }
        let ids = MessageIds::new(
            settings.outbox.signing_key.expose().as_bytes(),
            settings.inbox.own_domain(),
        );
        let production = matches!(settings.outbox.transport, crate::config::Transport::Smtp(_));
        if production && settings.outbox.signing_key.expose() == crate::config::LOCAL_SIGNING_KEY {
            tracing::warn!(
                "outbox.signing_key is not set: fine in local mode, set PORTBOT_OUTBOX_SIGNING_KEY in production"
            );
        }
        let trust = Trust::new(settings.inbox.trusted_domains.clone())
            .with_carriers(settings.inbox.carrier_domains.clone())
            .with_message_ids(ids.clone());
        let mail = MailSettings {
            ids,
            inbox_address: settings.inbox.address.clone(),
            daily_limit: settings.outbox.daily_limit_per_address,
            cadence: settings.reminders.cadence.clone(),
            default_estimate: settings.reminders.default_estimate,
            default_time_zone: settings.time_zone,
            status_pages: settings.web.as_ref().map(|web| web.status_pages()),
        };
        let desk = Arc::new(
            Desk::new(store.clone(), clock)
                .with_trust(trust)
                .with_verifier(verifier)
                .with_reading_limits(settings.inbox.max_message_bytes, settings.inbox.read_budget)
                .with_mail(mail)
                .with_bill_max_age_days(settings.bill_max_age_days),
        );
        let chat = Arc::new(ChatCore::new(desk.clone(), settings.time_zone));
        Ok(Self {
            store,
            desk,
            chat,
            settings,
            migrated,
        })
    }
}
