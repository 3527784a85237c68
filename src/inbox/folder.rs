//! The local inbox (local mode): `.eml` files dropped into a folder are taken by the
//! desk in name order, then moved to `processed/`. A file the database could not
//! record stays where it is and is tried again.

use crate::desk::{Desk, DeskError, Origin, Taken};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct FolderWatcher {
    desk: Arc<Desk>,
    folder: PathBuf,
    poll: Duration,
}

impl FolderWatcher {
    pub fn new(desk: Arc<Desk>, folder: PathBuf, poll: Duration) -> Self {
        Self { desk, folder, poll }
    }

    pub async fn run(&self, shutdown: CancellationToken) {
        tracing::info!(folder = %self.folder.display(), "watching the inbox folder");
        while !shutdown.is_cancelled() {
            let health = self.desk.health();
            match self.run_once(&shutdown).await {
                Ok(_) => health.report("imap", true, format!("local inbox folder {}", self.folder.display())),
                Err(e) => {
                    tracing::error!(error = %e, "the inbox folder could not be read");
                    health.report(
                        "imap",
                        false,
                        format!("local inbox folder {}: {e}", self.folder.display()),
                    );
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.poll) => {}
                _ = shutdown.cancelled() => {}
            }
        }
    }

    /// Takes every file waiting in the folder; returns what each did.
    pub async fn run_once(&self, shutdown: &CancellationToken) -> anyhow::Result<Vec<(PathBuf, Taken)>> {
        let processed = self.folder.join("processed");
        std::fs::create_dir_all(&processed)?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.folder)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml")))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for path in files {
            if shutdown.is_cancelled() {
                break;
            }
            let taken = take_file(&self.desk, &path).await?;
            let name = path.file_name().unwrap_or_default();
            std::fs::rename(&path, processed.join(name))?;
            out.push((path, taken));
        }
        Ok(out)
    }
}

/// Takes one file as if it had just arrived (`portbot ingest` and the folder).
pub async fn take_file(desk: &Desk, path: &Path) -> Result<Taken, DeskError> {
    let raw = std::fs::read(path).map_err(|e| DeskError::Unreadable(path.display().to_string(), e.to_string()))?;
    desk.take_email(&raw, Origin::file(&raw)).await
}
