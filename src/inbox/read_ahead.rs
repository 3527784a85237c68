//! Reading ahead: while the desk takes one message, the next few are read and their
//! senders authenticated on tasks of their own (parsing on the blocking pool, DNS for
//! the checks), so a backlog waits on the store or on the reading, not on each in
//! turn. Messages are still taken one at a time, in mailbox order: only reading, which
//! never touches the store, runs ahead.

use crate::desk::{Desk, ReadEmail};
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// Messages being read beyond the one being taken.
pub const READ_AHEAD: usize = 4;

/// A fetched message: its bytes, or the header block of one too large to fetch whole
/// with its size.
pub enum Fetched {
    Whole(Vec<u8>),
    HeaderOnly { header: Vec<u8>, size: usize },
}

/// Messages in the order they are to be taken, each read ahead of its turn.
pub struct ReadAhead<K> {
    desk: Arc<Desk>,
    waiting: std::vec::IntoIter<(K, Fetched)>,
    reading: VecDeque<(K, Arc<[u8]>, JoinHandle<ReadEmail>)>,
}

impl<K> ReadAhead<K> {
    pub fn new(desk: Arc<Desk>, messages: Vec<(K, Fetched)>) -> Self {
        let mut ahead = Self {
            desk,
            waiting: messages.into_iter(),
            reading: VecDeque::new(),
        };
        ahead.start_reading();
        ahead
    }

    /// The next message, read, with its key; none when all were given out.
    pub async fn next(&mut self) -> Option<(K, ReadEmail)> {
        let (key, raw, reading) = self.reading.pop_front()?;
        self.start_reading();
        let read = match reading.await {
            Ok(read) => read,
            // The reader panicked: the message is kept whole for a person, never lost.
            Err(e) => {
                tracing::error!(error = %e, "reading a message failed: handed to staff unread");
                self.desk.read_failed(&raw)
            }
        };
        Some((key, read))
    }

    /// Keeps `READ_AHEAD + 1` messages reading: the next to take and those behind it.
    fn start_reading(&mut self) {
        while self.reading.len() <= READ_AHEAD {
            let Some((key, fetched)) = self.waiting.next() else {
                return;
            };
            let desk = self.desk.clone();
            let (raw, reading): (Arc<[u8]>, JoinHandle<ReadEmail>) = match fetched {
                Fetched::Whole(raw) => {
                    let raw: Arc<[u8]> = raw.into();
                    let bytes = raw.clone();
                    (raw, tokio::spawn(async move { desk.read_email(&bytes).await }))
                }
                Fetched::HeaderOnly { header, size } => {
                    let raw: Arc<[u8]> = header.into();
                    let bytes = raw.clone();
                    (
                        raw,
                        tokio::spawn(async move { desk.read_too_large(&bytes, size).await }),
                    )
                }
            };
            self.reading.push_back((key, raw, reading));
        }
    }
}

impl<K> Drop for ReadAhead<K> {
    /// Stopped early (shutdown, a failing database): the reads no one will take end too.
    fn drop(&mut self) {
        for (_, _, reading) in &self.reading {
            reading.abort();
        }
    }
}
