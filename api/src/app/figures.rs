//! The platform's figures for administrators (`GET /admin/figures`): per UTC day for the last
//! 30 days, paid orders and their value, new accounts and refunds; and what waits (pending
//! applications, open reconciliation cases). Counts only: no personal data, so the read is not
//! audited.

use crate::app::Actor;
use crate::db::{figures, refunds};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::admin::{DayFigures, Figures};
use contracts::money::Paise;

/// How many days the figures cover, today included.
pub const DAYS: i64 = 30;
/// As many reconciliation cases as `GET /admin/reconciliation` lists.
const MAX_CASES: i64 = 500;

/// The figures at the clock's now.
pub async fn figures(actor: &Actor, state: &AppState) -> Result<Figures> {
    if actor.user().is_none() {
        return Err(ApiError::Unauthenticated);
    }
    let today = state.clock.now().div_euclid(86_400);
    let first = today - (DAYS - 1);
    let since = first * 86_400;
    let mut conn = state.db.conn().await?;
    let orders = figures::orders(&mut conn, since).await?;
    let accounts = figures::accounts(&mut conn, since).await?;
    let refunded = figures::refunds(&mut conn, since).await?;
    let pending_applications = figures::pending_applications(&mut conn).await?;
    let cases = refunds::open_cases(&mut conn, MAX_CASES).await?;
    let of = |rows: &[figures::DayRow], day: i64| {
        rows.iter()
            .find(|row| row.day == day)
            .map_or((0, 0), |row| (row.count, row.amount))
    };
    let days = (first..=today)
        .map(|day| {
            let (orders, gmv) = of(&orders, day);
            let (refunds, amount) = of(&refunded, day);
            DayFigures {
                day: day * 86_400,
                orders,
                gmv: Paise(gmv),
                new_accounts: of(&accounts, day).0,
                refunds,
                refunded: Paise(amount),
            }
        })
        .collect();
    Ok(Figures {
        days,
        pending_applications,
        reconciliation_items: i64::try_from(cases.len()).unwrap_or(i64::MAX),
    })
}
