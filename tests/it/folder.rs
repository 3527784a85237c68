//! The local inbox folder (`inbox.folder`): each file taken once and kept, whatever it
//! holds; a file it cannot read is told to staff and holds nothing up.

use crate::harness::{Backend, TestDesk};
use crate::inbox::opened;
use crate::letters::{loa_signed, mail};
use portbot::desk::Taken;
use portbot::inbox::folder::FolderWatcher;

/// A watcher of `folder` for the test's desk, and the token that would stop it.
fn watching(t: &TestDesk, folder: &std::path::Path) -> (FolderWatcher, tokio_util::sync::CancellationToken) {
    let watcher = FolderWatcher::new(t.app.desk.clone(), folder.into(), std::time::Duration::from_secs(1));
    (watcher, tokio_util::sync::CancellationToken::new())
}

#[tokio::test]
async fn the_local_inbox_folder_takes_each_file_once_and_keeps_it() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let order = opened(&t).await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("1-signed.eml"),
        loa_signed(&order.reference.to_string()),
    )
    .unwrap();
    std::fs::write(folder.path().join("2-garbage.eml"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    // A bill saved straight into the folder, not as an e-mail.
    std::fs::write(
        folder.path().join("scan.txt"),
        "COMCAST BUSINESS\nAccount Number: 8774 1012 3456 789\nBilling Telephone Number: 305-555-0100\n\
         Service Address: 100 Main St, Miami, FL 33130\nTotal due $109.05\n",
    )
    .unwrap();
    let (watcher, stop) = watching(&t, folder.path());
    let taken = watcher.run_once(&stop).await.unwrap();
    assert_eq!(taken.len(), 3);
    assert!(matches!(taken[0].1, Taken::Applied { .. }), "{taken:?}");
    assert!(
        matches!(taken[1].1, Taken::HandedToStaff { .. }),
        "unreadable mail is kept for a person"
    );
    assert!(folder.path().join("processed/1-signed.eml").exists());
    assert!(
        matches!(taken[2].1, Taken::HandedToStaff { .. }),
        "a file that is not mail is kept for a person: {taken:?}"
    );
    assert!(folder.path().join("processed/scan.txt").exists());
    assert!(watcher.run_once(&stop).await.unwrap().is_empty());
    // The same file dropped again is recognised.
    std::fs::write(
        folder.path().join("3-again.eml"),
        loa_signed(&order.reference.to_string()),
    )
    .unwrap();
    std::fs::copy(
        folder.path().join("processed/1-signed.eml"),
        folder.path().join("4-copy.eml"),
    )
    .unwrap();
    let again = watcher.run_once(&stop).await.unwrap();
    assert!(matches!(again[1].1, Taken::AlreadySeen), "{again:?}");
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    let garbage = queue.iter().find(|i| i.subject.is_empty()).expect("the garbage");
    assert!(garbage.reason.contains("could not understand"), "{}", garbage.reason);
    // Staff attach the dropped bill to its order: the order has its bill.
    let scan = queue
        .iter()
        .find(|i| i.subject == "A file dropped in the inbox folder: scan.txt")
        .expect("the dropped file waits for a person");
    let attached = t
        .staff_says(&format!("inbox attach {} {}", scan.id, order.reference))
        .await;
    assert!(attached.ok, "{}", attached.text);
    let billed = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(
        billed.bill.and_then(|b| b.account_number).as_deref(),
        Some("877410123456789")
    );
    t.finish().await;
}

#[tokio::test]
async fn a_file_the_folder_cannot_read_is_told_to_staff_and_blocks_nothing() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let order = opened(&t).await;
    let folder = tempfile::tempdir().unwrap();
    // A file that cannot be read (even by root): a link to a file whose read fails.
    std::os::unix::fs::symlink("/proc/self/mem", folder.path().join("0-broken.eml")).unwrap();
    std::fs::write(
        folder.path().join("1-signed.eml"),
        loa_signed(&order.reference.to_string()),
    )
    .unwrap();
    let (watcher, stop) = watching(&t, folder.path());
    let taken = watcher.run_once(&stop).await.unwrap();
    assert_eq!(taken.len(), 2, "{taken:?}");
    assert!(
        matches!(taken[1].1, Taken::Applied { .. }),
        "the next file goes on: {taken:?}"
    );
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    assert!(
        queue
            .iter()
            .any(|i| i.subject == "A file in the inbox folder cannot be read: 0-broken.eml"),
        "{queue:#?}"
    );
    // The same name again later: kept beside the first, never over it.
    std::fs::write(
        folder.path().join("1-signed.eml"),
        mail("Someone <a@b.example>", "hi", "hello"),
    )
    .unwrap();
    watcher.run_once(&stop).await.unwrap();
    assert!(folder.path().join("processed/1-signed.eml").exists());
    assert!(folder.path().join("processed/1-signed-2.eml").exists());
    assert_ne!(
        std::fs::read(folder.path().join("processed/1-signed.eml")).unwrap(),
        std::fs::read(folder.path().join("processed/1-signed-2.eml")).unwrap()
    );
    t.finish().await;
}
