//! CPU time from `/proc`: this process's, and the machine's, in the kernel's ticks.

/// The kernel's clock ticks a second in `/proc` (`USER_HZ`, 100 on Linux).
pub const TICKS_A_SECOND: u64 = 100;

/// This process's CPU time so far (`/proc/self/stat`: user and system, in ticks).
pub fn own_cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's name, which is in parentheses and may hold spaces.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after_name.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0)
}

/// The machine's CPU time so far (`/proc/stat`, in ticks): (busy, all).
pub fn cpu_times() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: idle and iowait are the unused.
    let all: u64 = fields.iter().take(8).sum();
    let unused = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    (all - unused, all)
}
