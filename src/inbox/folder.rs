//! The local inbox (local mode): `.eml` files dropped into a folder are taken by the
//! desk in name order, then moved to `processed/`. Any other file (a bill's PDF saved
//! straight into the folder) is handed to staff as a message carrying it, to attach to
//! its order. A file the database could not record stays where it is and is tried again.

use crate::desk::{Desk, DeskError, Origin, Taken};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct FolderWatcher {
    desk: Arc<Desk>,
    folder: PathBuf,
    poll: Duration,
    /// Files that could be neither read nor moved: told to staff once, then left alone.
    set_aside: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl FolderWatcher {
    pub fn new(desk: Arc<Desk>, folder: PathBuf, poll: Duration) -> Self {
        Self {
            desk,
            folder,
            poll,
            set_aside: Default::default(),
        }
    }

    pub async fn run(&self, shutdown: CancellationToken) {
        tracing::info!(folder = %self.folder.display(), "watching the inbox folder");
        crate::worker::supervise(self, shutdown).await
    }

    /// Takes every file waiting in the folder; returns what each did.
    pub async fn run_once(&self, shutdown: &CancellationToken) -> anyhow::Result<Vec<(PathBuf, Taken)>> {
        let processed = self.folder.join("processed");
        std::fs::create_dir_all(&processed)?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.folder)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        files.sort();
        files.retain(|f| !self.is_set_aside(f));
        let mut out = Vec::new();
        for path in files {
            if shutdown.is_cancelled() {
                break;
            }
            // Only a failing database stops the pass; a bad file never blocks the rest.
            let taken = match std::fs::read(&path) {
                Ok(raw) => take_bytes(&self.desk, &path, raw).await?,
                Err(e) => {
                    tracing::error!(file = %path.display(), error = %e, "a file in the inbox folder cannot be read: told staff");
                    let note = unreadable_note(&path, &e);
                    self.desk.take_email(&note, Origin::file(&note)).await?
                }
            };
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if let Err(e) = std::fs::rename(&path, free_name(&processed, &name)) {
                tracing::error!(file = %path.display(), error = %e, "a taken file cannot be moved to processed/: left where it is");
                self.set_aside(path.clone());
            }
            out.push((path, taken));
        }
        Ok(out)
    }

    fn is_set_aside(&self, path: &Path) -> bool {
        self.set_aside.lock().map(|s| s.contains(path)).unwrap_or(false)
    }

    fn set_aside(&self, path: PathBuf) {
        if let Ok(mut set) = self.set_aside.lock() {
            set.insert(path);
        }
    }
}

/// `name` in `folder`, or `name-2`, `name-3`… when taken: a processed file is never
/// overwritten by a later one of the same name.
fn free_name(folder: &Path, name: &str) -> PathBuf {
    let candidate = folder.join(name);
    if !candidate.exists() {
        return candidate;
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| folder.join(format!("{stem}-{n}{extension}")))
        .find(|p| !p.exists())
        .unwrap_or(candidate)
}

/// A message for staff about a file the bot cannot read (its bytes are not in it).
fn unreadable_note(path: &Path, error: &std::io::Error) -> Vec<u8> {
    let name: String = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    format!(
        "Subject: A file in the inbox folder cannot be read: {name}\r\n\
         Message-ID: <unreadable-{}@inbox-folder.invalid>\r\n\r\n\
         The bot cannot read {name} in the inbox folder ({error}). It was moved to processed/ \
         if it could be; check its permissions and drop it in again.\r\n",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
    .into_bytes()
}

/// Takes one file as if it had just arrived (`portbot ingest` and the folder).
pub async fn take_file(desk: &Desk, path: &Path) -> Result<Taken, DeskError> {
    let raw = std::fs::read(path).map_err(|e| DeskError::Unreadable(path.display().to_string(), e.to_string()))?;
    take_bytes(desk, path, raw).await
}

async fn take_bytes(desk: &Desk, path: &Path, raw: Vec<u8>) -> Result<Taken, DeskError> {
    let is_mail = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml"));
    let raw = if is_mail {
        raw
    } else {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        tracing::info!(file = %name, "a file that is not an e-mail was dropped in the inbox: handed to staff");
        as_a_message(&name, &raw)
    };
    desk.take_email(&raw, Origin::file(&raw)).await
}

/// A file that is not an e-mail, as a message with no sender that carries it: the
/// desk reads it (a bill is read as one) and hands it to staff, who attach it to its
/// order (`inbox attach N PORT-1042`).
fn as_a_message(name: &str, bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let name: String = name.chars().filter(|c| !c.is_control() && *c != '"').collect();
    let content_type = crate::domain::Document::content_type_of(&name);
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    let digest: String = {
        use sha2::{Digest, Sha256};
        Sha256::digest(bytes)
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    format!(
        "Subject: A file dropped in the inbox folder: {name}\r\n\
         Message-ID: <file-{digest}@inbox-folder.invalid>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"portbot-file\"\r\n\r\n\
         --portbot-file\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         This file was saved into the inbox folder as it is, not as an e-mail: {name}. \
         If it is a customer's bill, attach it to its order.\r\n\
         --portbot-file\r\nContent-Type: {content_type}; name=\"{name}\"\r\n\
         Content-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         {}\r\n--portbot-file--\r\n",
        lines.join("\r\n")
    )
    .into_bytes()
}

impl crate::worker::Worker for FolderWatcher {
    fn name(&self) -> &'static str {
        "inbox folder"
    }

    /// One look at the folder; `/healthz` says whether it could be read.
    async fn pass(&self, shutdown: &CancellationToken) -> anyhow::Result<crate::worker::Pass> {
        let health = self.desk.health();
        let folder = self.folder.display();
        match self.run_once(shutdown).await {
            Ok(taken) => {
                health.report("imap", true, format!("local inbox folder {folder}"));
                Ok(crate::worker::busy_if(taken.len()))
            }
            Err(e) => {
                health.report("imap", false, format!("local inbox folder {folder}: {e}"));
                Err(e.context("the inbox folder could not be read"))
            }
        }
    }

    fn idle_wait(&self) -> Duration {
        self.poll
    }
}
