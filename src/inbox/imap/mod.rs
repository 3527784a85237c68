//! The IMAP watcher: new messages fetched by UID in batches from where the store's
//! checkpoint says the last run stopped, each taken by the desk (which records the
//! checkpoint with the message's effects), then flagged or moved, never deleted. IDLE
//! waits for new mail where the server offers it; else the watcher polls. It is a
//! `worker::Worker`: each pass connects if need be and takes what is new or waits for
//! news; a lost connection fails the pass and `supervise` backs off before the next
//! connects again; shutdown stops it between two messages.

use crate::config::{AfterTaking, ImapSettings};
use crate::desk::{Desk, Origin, Taken};
use crate::inbox::read_ahead::{Fetched, ReadAhead};
use anyhow::{anyhow, Context};
use futures::TryStreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The keyword set on every message the desk has taken.
pub const TAKEN_KEYWORD: &str = "$PortbotDone";
mod batches;
mod connection;
pub use batches::uid_set;
use batches::{fetch_groups, FetchGroup};
use connection::answered;
pub use connection::{connect, Session, Wire};

pub struct ImapWatcher {
    desk: Arc<Desk>,
    settings: ImapSettings,
    /// The connection between passes; none until the first pass, and again after a
    /// failure (the next pass connects anew, after the worker's backoff).
    connection: tokio::sync::Mutex<Option<Connected>>,
}

/// A selected mailbox.
struct Connected {
    session: Session,
    uidvalidity: u32,
    /// The server offers IDLE and the settings want it.
    idle: bool,
}

impl ImapWatcher {
    pub fn new(desk: Arc<Desk>, settings: ImapSettings) -> Self {
        Self {
            desk,
            settings,
            connection: tokio::sync::Mutex::new(None),
        }
    }

    /// The name the store keeps the checkpoint under: one per account and mailbox.
    pub fn mailbox_key(&self) -> String {
        let s = &self.settings;
        format!("imap://{}@{}:{}/{}", s.user, s.host, s.port, s.mailbox)
    }

    /// Watches until shutdown (`worker::supervise`: reconnecting with backoff when the
    /// server goes away), then logs out.
    pub async fn run(&self, shutdown: CancellationToken) {
        crate::worker::supervise(self, shutdown).await;
        if let Some(mut connected) = self.connection.lock().await.take() {
            let _ = answered(self.settings.command_timeout, "LOGOUT", connected.session.logout()).await;
        }
        tracing::info!("the IMAP watcher stopped");
    }

    /// Connects, selects the mailbox and flags what an earlier run took but did not flag.
    async fn connected(&self) -> anyhow::Result<Connected> {
        let mut session = connect(&self.settings).await?;
        let selected = answered(
            self.settings.command_timeout,
            "SELECT",
            session.select(&self.settings.mailbox),
        )
        .await
        .with_context(|| format!("selecting imap.mailbox '{}'", self.settings.mailbox))?;
        let uidvalidity = selected
            .uid_validity
            .ok_or_else(|| anyhow!("the server gave no UIDVALIDITY"))?;
        if let AfterTaking::Move(folder) = &self.settings.after {
            // Already there is fine; any other failure shows when a move fails.
            let _ = answered(self.settings.command_timeout, "CREATE", session.create(folder)).await;
        }
        let idle = self.settings.idle
            && answered(self.settings.command_timeout, "CAPABILITY", session.capabilities())
                .await?
                .has_str("IDLE");
        self.desk.health().report("imap", true, self.mailbox_key());
        tracing::info!(mailbox = %self.mailbox_key(), uidvalidity, idle, "the IMAP watcher is connected");
        self.tidy(&mut session, uidvalidity).await?;
        Ok(Connected {
            session,
            uidvalidity,
            idle,
        })
    }

    /// One pass on a connection: take what is new; with nothing new, wait for news (IDLE,
    /// or the poll interval and a NOOP), so that the next pass looks at once.
    async fn watch(&self, mut connected: Connected, shutdown: &CancellationToken) -> anyhow::Result<Connected> {
        if self
            .drain(&mut connected.session, connected.uidvalidity, shutdown)
            .await?
            > 0
        {
            return Ok(connected);
        }
        if connected.idle {
            connected.session = idle_until_news(
                connected.session,
                shutdown,
                self.settings.idle_renew,
                self.settings.command_timeout,
            )
            .await?;
        } else {
            tokio::select! {
                _ = tokio::time::sleep(self.settings.poll) => {}
                _ = shutdown.cancelled() => {}
            }
            answered(self.settings.command_timeout, "NOOP", connected.session.noop()).await?;
        }
        Ok(connected)
    }

    /// Takes every message after the checkpoint; returns how many it took.
    pub async fn drain(
        &self,
        session: &mut Session,
        uidvalidity: u32,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<usize> {
        let key = self.mailbox_key();
        let from = match self.desk.checkpoint(&key).await? {
            Some(c) if c.uidvalidity == i64::from(uidvalidity) => c.last_uid + 1,
            // First run, or the server renumbered the mailbox: read it all again; the
            // Message-IDs already applied are skipped.
            _ => 1,
        };
        // `n:*` always names the last message, even below n.
        let mut uids: Vec<u32> = answered(
            self.settings.command_timeout,
            "SEARCH",
            session.uid_search(format!("UID {from}:*")),
        )
        .await?
        .into_iter()
        .filter(|u| i64::from(*u) >= from)
        .collect();
        uids.sort_unstable();
        let mut taken = 0;
        for chunk in uids.chunks(self.settings.batch as usize) {
            // Sizes first: bodies are fetched in groups of at most FETCH_BYTES, and a
            // message over the limit only by its header block.
            let set = uid_set(chunk);
            let sizes = async {
                session
                    .uid_fetch(&set, "(UID RFC822.SIZE)")
                    .await?
                    .try_filter_map(|f| async move { Ok(f.uid.map(|uid| (uid, f.size.unwrap_or(0) as usize))) })
                    .try_collect::<Vec<_>>()
                    .await
            };
            let mut sizes: Vec<(u32, usize)> = answered(self.settings.command_timeout, "FETCH", sizes).await?;
            sizes.sort_unstable();
            for group in fetch_groups(&sizes, self.desk.max_message_bytes()) {
                if shutdown.is_cancelled() {
                    break;
                }
                let done = self
                    .take_group(session, uidvalidity, &group, shutdown, &mut taken)
                    .await?;
                self.mark_taken(session, &done).await?;
            }
            if shutdown.is_cancelled() {
                break;
            }
        }
        Ok(taken)
    }

    /// Fetches one group and has the desk take each message in UID order; returns the
    /// UIDs taken.
    async fn take_group(
        &self,
        session: &mut Session,
        uidvalidity: u32,
        group: &FetchGroup,
        shutdown: &CancellationToken,
        taken: &mut usize,
    ) -> anyhow::Result<Vec<u32>> {
        let key = self.mailbox_key();
        let (items, part) = match group {
            FetchGroup::Whole(uids) => (uids.clone(), "BODY.PEEK[]"),
            FetchGroup::HeaderOnly(uid, _) => (vec![*uid], "BODY.PEEK[HEADER]"),
        };
        let set = uid_set(&items);
        let whole = matches!(group, FetchGroup::Whole(_));
        let fetch = async {
            session
                .uid_fetch(&set, format!("(UID {part})"))
                .await?
                .try_filter_map(|f| async move {
                    let bytes = if whole { f.body() } else { f.header() };
                    Ok(f.uid.map(|uid| (uid, bytes.unwrap_or_default().to_vec())))
                })
                .try_collect::<Vec<_>>()
                .await
        };
        let mut fetched: Vec<(u32, Vec<u8>)> = answered(self.settings.command_timeout * 5, "FETCH", fetch).await?;
        fetched.sort_by_key(|(uid, _)| *uid);
        let fetched = fetched
            .into_iter()
            .map(|(uid, raw)| match group {
                FetchGroup::Whole(_) => (uid, Fetched::Whole(raw)),
                FetchGroup::HeaderOnly(_, size) => (
                    uid,
                    Fetched::HeaderOnly {
                        header: raw,
                        size: *size,
                    },
                ),
            })
            .collect();
        let mut messages = ReadAhead::new(self.desk.clone(), fetched);
        let mut done = Vec::new();
        while let Some((uid, read)) = messages.next().await {
            if shutdown.is_cancelled() {
                break;
            }
            let outcome = self.desk.take_read(read, Origin::imap(&key, uidvalidity, uid)).await?;
            if outcome != Taken::AlreadySeen {
                *taken += 1;
            }
            done.push(uid);
        }
        Ok(done)
    }

    /// Messages at or below the checkpoint that were taken but not yet flagged or moved
    /// (the bot stopped in between) are marked now.
    async fn tidy(&self, session: &mut Session, uidvalidity: u32) -> anyhow::Result<()> {
        let Some(c) = self.desk.checkpoint(&self.mailbox_key()).await? else {
            return Ok(());
        };
        if c.uidvalidity != i64::from(uidvalidity) || c.last_uid < 1 {
            return Ok(());
        }
        let query = match &self.settings.after {
            AfterTaking::Flag => format!("UID 1:{} UNKEYWORD {TAKEN_KEYWORD}", c.last_uid),
            AfterTaking::Move(_) => format!("UID 1:{}", c.last_uid),
        };
        let mut left: Vec<u32> = answered(self.settings.command_timeout, "SEARCH", session.uid_search(query))
            .await?
            .into_iter()
            .filter(|u| i64::from(*u) <= c.last_uid)
            .collect();
        left.sort_unstable();
        self.mark_taken(session, &left).await
    }

    async fn mark_taken(&self, session: &mut Session, uids: &[u32]) -> anyhow::Result<()> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        match &self.settings.after {
            AfterTaking::Flag => {
                let store = async {
                    session
                        .uid_store(&set, format!("+FLAGS.SILENT (\\Seen {TAKEN_KEYWORD})"))
                        .await?
                        .try_collect::<Vec<_>>()
                        .await
                };
                answered(self.settings.command_timeout, "STORE", store).await?;
            }
            AfterTaking::Move(folder) => answered(self.settings.command_timeout, "MOVE", session.uid_mv(&set, folder))
                .await
                .with_context(|| format!("moving taken mail to imap.move_to '{folder}'"))?,
        }
        Ok(())
    }
}

/// Waits in IDLE until the server reports something, the IDLE is due for renewal, or
impl crate::worker::Worker for ImapWatcher {
    fn name(&self) -> &'static str {
        "IMAP watcher"
    }

    /// Connects when not connected, then one `watch`; a failure drops the connection and
    /// says so in `/healthz`, and the worker backs off before the next pass connects anew.
    async fn pass(&self, shutdown: &CancellationToken) -> anyhow::Result<crate::worker::Pass> {
        let mut slot = self.connection.lock().await;
        let watched = match slot.take() {
            Some(connected) => self.watch(connected, shutdown).await,
            None => self.connected().await,
        };
        match watched {
            Ok(connected) => {
                *slot = Some(connected);
                Ok(crate::worker::Pass::Busy)
            }
            Err(e) => {
                self.desk.health().report("imap", false, format!("{e:#}"));
                tracing::warn!(error = format!("{e:#}"), "the IMAP watcher lost its connection");
                Err(e)
            }
        }
    }

    /// After a failure: from a second, doubling, up to a minute (the worker's backoff).
    fn idle_wait(&self) -> Duration {
        Duration::from_secs(1)
    }
}

/// shutdown.
async fn idle_until_news(
    session: Session,
    shutdown: &CancellationToken,
    renew: Duration,
    command_timeout: Duration,
) -> anyhow::Result<Session> {
    let mut idle = session.idle();
    answered(command_timeout, "IDLE", idle.init()).await?;
    {
        let (news, stop) = idle.wait_with_timeout(renew);
        tokio::select! {
            result = news => { result?; }
            _ = shutdown.cancelled() => {}
        }
        drop(stop);
    }
    // A server that stopped answering leaves DONE unanswered: the watcher reconnects.
    answered(command_timeout, "DONE", idle.done()).await
}

#[cfg(test)]
mod tests {
    use super::{answered, uid_set};
    use std::time::Duration;

    #[test]
    fn bodies_are_fetched_in_bounded_groups_and_a_huge_message_alone() {
        use super::{fetch_groups, FetchGroup};
        let mb = 1_000_000;
        let sizes = [(1, 40 * mb), (2, 30 * mb), (3, 2_000), (4, 41 * mb), (5, 10)];
        // No group brings more than 64 MiB of bodies.
        assert_eq!(
            fetch_groups(&sizes, 50 * mb),
            vec![
                FetchGroup::Whole(vec![1]),
                FetchGroup::Whole(vec![2, 3]),
                FetchGroup::Whole(vec![4, 5]),
            ]
        );
        assert_eq!(
            fetch_groups(&sizes, 25 * mb),
            vec![
                FetchGroup::HeaderOnly(1, 40 * mb),
                FetchGroup::HeaderOnly(2, 30 * mb),
                FetchGroup::Whole(vec![3]),
                FetchGroup::HeaderOnly(4, 41 * mb),
                FetchGroup::Whole(vec![5]),
            ]
        );
    }

    #[tokio::test]
    async fn a_command_the_server_leaves_unanswered_ends_the_connection() {
        let never = std::future::pending::<Result<(), std::io::Error>>();
        let error = answered(Duration::from_millis(20), "DONE", never).await.unwrap_err();
        assert!(error.to_string().contains("did not answer DONE"), "{error}");
        let answered_in_time = answered(Duration::from_secs(1), "NOOP", async { Ok::<_, std::io::Error>(7) }).await;
        assert_eq!(answered_in_time.unwrap(), 7);
    }

    #[test]
    fn uid_sets_join_runs_into_ranges() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
    }
}
