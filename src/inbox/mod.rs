//! Where inbound mail comes from: an IMAP mailbox, the local inbox folder, or files
//! given to `portbot ingest`. Each only fetches; the desk takes every message the same
//! way (`Desk::take_email`; IMAP reads a few messages ahead of the one taken,
//! `read_ahead`).

pub mod folder;
pub mod imap;
mod read_ahead;
mod tls;

use crate::config::InboxSource;
use crate::desk::Desk;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Watches the configured source until shutdown.
pub async fn watch(desk: Arc<Desk>, source: InboxSource, shutdown: CancellationToken) {
    match source {
        InboxSource::Folder { path, poll } => folder::FolderWatcher::new(desk, path, poll).run(shutdown).await,
        InboxSource::Imap(settings) => imap::ImapWatcher::new(desk, settings).run(shutdown).await,
    }
}
