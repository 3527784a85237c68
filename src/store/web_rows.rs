//! Rows of the web board's tables, read back into domain values.

use super::StoreError;
use crate::domain::staff::{CarrierTurn, StaffAccount};
use chrono::{DateTime, Utc};

pub fn staff_account(row: (String, String, String, DateTime<Utc>)) -> Result<StaffAccount, StoreError> {
    let (name, password_hash, role, created_at) = row;
    let role = role
        .parse()
        .map_err(|e: String| StoreError::Unavailable(anyhow::anyhow!("staff account {name} is unreadable: {e}")))?;
    Ok(StaffAccount {
        name,
        password_hash,
        role,
        created_at,
    })
}

/// An order's FOC confirmation or completion: (order id, carrier, submitted, event, at).
pub type HistoryRow = (i64, String, DateTime<Utc>, String, DateTime<Utc>);

/// Each order's first FOC confirmation and first completion after its submission.
pub fn carrier_turns(rows: Vec<HistoryRow>) -> Vec<CarrierTurn> {
    let mut turns: Vec<(i64, CarrierTurn)> = Vec::new();
    for (id, carrier, submitted_at, event, at) in rows {
        if at < submitted_at {
            continue;
        }
        let index = match turns.iter().position(|(seen, _)| *seen == id) {
            Some(i) => i,
            None => {
                let turn = CarrierTurn {
                    carrier,
                    submitted_at,
                    foc_at: None,
                    completed_at: None,
                };
                turns.push((id, turn));
                turns.len() - 1
            }
        };
        let turn = &mut turns[index].1;
        let slot = if event == "completed" {
            &mut turn.completed_at
        } else {
            &mut turn.foc_at
        };
        *slot = Some(slot.map_or(at, |seen| seen.min(at)));
    }
    turns.into_iter().map(|(_, t)| t).collect()
}
