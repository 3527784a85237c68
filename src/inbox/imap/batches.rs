//! How the watcher asks for a backlog: UIDs written as IMAP sets, and messages grouped
//! so that one FETCH never brings too many bytes.

/// Bytes of message bodies fetched in one round trip.
const FETCH_BYTES: usize = 64 * 1024 * 1024;

/// What one FETCH takes: whole messages, or one too large message's header block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FetchGroup {
    Whole(Vec<u32>),
    HeaderOnly(u32, usize),
}

/// Messages in UID order, grouped so that no FETCH brings more than `FETCH_BYTES` of
/// bodies and a message over `max_bytes` comes alone, as its header block.
pub(super) fn fetch_groups(sizes: &[(u32, usize)], max_bytes: usize) -> Vec<FetchGroup> {
    let mut groups = Vec::new();
    let (mut current, mut bytes) = (Vec::new(), 0usize);
    for &(uid, size) in sizes {
        if size > max_bytes {
            if !current.is_empty() {
                groups.push(FetchGroup::Whole(std::mem::take(&mut current)));
                bytes = 0;
            }
            groups.push(FetchGroup::HeaderOnly(uid, size));
            continue;
        }
        if !current.is_empty() && bytes + size > FETCH_BYTES {
            groups.push(FetchGroup::Whole(std::mem::take(&mut current)));
            bytes = 0;
        }
        current.push(uid);
        bytes += size;
    }
    if !current.is_empty() {
        groups.push(FetchGroup::Whole(current));
    }
    groups
}

/// `1:3,7,9:10` for sorted UIDs.
pub fn uid_set(uids: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
        i += 1;
    }
    parts.join(",")
}
