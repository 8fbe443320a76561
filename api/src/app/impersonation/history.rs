//! The customer's access history: every support session on the account, who, when, why and
//! for how long (beyond seed 000: Magento's "Login as Customer" log, shown to the customer).

use crate::app::Actor;
use crate::db::impersonations::{self, HistoryRow};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::impersonation::{AccessHistory, AccessRecord};

/// How many sessions the history shows, newest first.
const HISTORY_LIMIT: i64 = 100;

/// The support sessions on the signed-in user's account, newest first.
pub async fn access_history(actor: &Actor, state: &AppState) -> Result<AccessHistory> {
    let user = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.conn().await?;
    let rows = impersonations::history(&mut conn, user, HISTORY_LIMIT).await?;
    let now = state.clock.now();
    Ok(AccessHistory {
        items: rows.into_iter().map(|row| record(row, now)).collect(),
    })
}

fn record(row: HistoryRow, now: i64) -> AccessRecord {
    // A session lasts until it was ended, or ran out, or (still going on) until now.
    let over = row
        .ended_at
        .unwrap_or(row.expires_at)
        .min(now.max(row.started_at));
    AccessRecord {
        id: row.id.to_string(),
        admin_name: row.admin_name,
        reason: row.reason,
        started_at: row.started_at,
        expires_at: row.expires_at,
        ended_at: row.ended_at,
        duration_minutes: (over - row.started_at) / 60,
        active: row.ended_at.is_none() && row.expires_at > now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Id;

    fn row(ended_at: Option<i64>) -> HistoryRow {
        HistoryRow {
            id: Id::new(),
            admin_name: "Support".into(),
            reason: "ticket".into(),
            started_at: 1_000,
            expires_at: 1_000 + 30 * 60,
            ended_at,
        }
    }

    #[test]
    fn a_record_lasts_until_its_end_its_expiry_or_now() {
        assert_eq!(record(row(Some(1_000 + 600)), 99_999).duration_minutes, 10);
        assert!(!record(row(Some(1_600)), 1_700).active);
        assert_eq!(record(row(None), 99_999).duration_minutes, 30);
        assert!(!record(row(None), 99_999).active);
        let live = record(row(None), 1_000 + 300);
        assert_eq!(live.duration_minutes, 5);
        assert!(live.active);
    }
}
