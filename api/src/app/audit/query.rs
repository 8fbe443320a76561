//! The audit viewer's reads: rows filtered by actor, action, resource, impersonation, status
//! and time, newest first a page at a time (keyset on the sequence number), the three named
//! queries of seed 000 §12.2, and the same rows as CSV. Who may is the route's policy
//! (`audit:view`, administrators with a second factor).

use crate::app::Actor;
use crate::app::audit::csv;
use crate::db::Conn;
use crate::db::Id;
use crate::db::audit::{self, AccountName, AuditRow, Filter};
use crate::domain::page_limit;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use contracts::audit::{ActorType, AuditEntry, AuditPage, AuditPreset, AuditStatus};
use serde::Deserialize;

/// The page size when none is asked for, and the largest allowed.
const DEFAULT_LIMIT: u32 = 50;
pub(crate) const MAX_LIMIT: u32 = 200;
/// The most rows one CSV export holds (newest first): bounds the answer's memory.
pub const MAX_EXPORT_ROWS: usize = 100_000;
/// How far back `failed-logins` looks.
const DAY_SECS: i64 = 24 * 60 * 60;

/// The query string of `GET /audit` and `GET /audit/export.csv`. Unknown parameters are
/// refused (400 naming them): a misspelt filter must not silently show every row.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditQuery {
    /// An account's id, or a SYSTEM task (`sweeper`, `payment-gateway`, `operator`).
    pub actor_id: Option<String>,
    /// `USER`, `ADMIN` or `SYSTEM`.
    pub actor_type: Option<String>,
    /// `resource:verb`, e.g. `products:update`.
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    /// `true`: only acts done while impersonating; `false`: only the others.
    pub impersonation: Option<bool>,
    /// `SUCCESS` or `FAILURE`.
    pub status: Option<String>,
    /// From this time on, unix seconds, inclusive.
    pub from: Option<String>,
    /// Up to this time, unix seconds, inclusive; not before `from`.
    pub to: Option<String>,
    /// `failed-logins` (auth:login FAILURE in the last 24 h), `impersonations`, or
    /// `price-changes` (products:update changing the price). Combines with the filters.
    pub preset: Option<String>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// A page of rows matching `query`, newest first.
pub async fn search(_actor: &Actor, state: &AppState, query: &AuditQuery) -> Result<AuditPage> {
    let filter = filter(query, state.clock.now())?;
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    let mut conn = state.db.conn().await?;
    let mut rows = audit::search(&mut conn, &filter, i64::from(limit) + 1).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|row| encode_cursor(row.seq))
    } else {
        None
    };
    let names = names(&mut conn, &rows).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut entry = entry(row)?;
            let name = |id: &Option<String>| {
                let id = Id::parse(id.as_deref()?)?;
                names
                    .iter()
                    .find(|n| n.id == id)
                    .map(|n| n.display_name.clone())
            };
            entry.actor_name = name(&entry.actor_id);
            entry.impersonator_name = name(&entry.impersonated_by);
            Ok(entry)
        })
        .collect::<Result<_>>()?;
    Ok(AuditPage { items, next_cursor })
}

/// Every row matching `query` (up to [`MAX_EXPORT_ROWS`], newest first) as CSV. The export
/// itself is audited (`audit:export`): it is the one read that takes the log elsewhere.
pub async fn export_csv(actor: &Actor, state: &AppState, query: &AuditQuery) -> Result<String> {
    let now = state.clock.now();
    let mut filter = filter(query, now)?;
    let mut conn = state.db.conn().await?;
    let mut out = csv::header();
    let mut written = 0;
    while written < MAX_EXPORT_ROWS {
        let rows = page(&mut conn, &filter, 1_000).await?;
        let Some(last) = rows.last() else { break };
        filter.before_seq = Some(last.seq);
        for row in &rows {
            csv::push_row(&mut out, row);
        }
        written += rows.len();
    }
    drop(conn);
    let entry = super::Entry::success("audit:export", "audit_log", None, now).with_changes(
        serde_json::json!({"rows": {"after": i64::try_from(written).unwrap_or(i64::MAX)}}),
    );
    super::record_alone(&state.db, actor, &entry).await?;
    Ok(out)
}

/// The display names of the accounts a page of rows names, looked up once for the page.
async fn names(conn: &mut Conn, rows: &[AuditRow]) -> Result<Vec<AccountName>> {
    let mut ids: Vec<Id> = rows
        .iter()
        .flat_map(|row| [&row.actor_id, &row.impersonated_by])
        .filter_map(|id| Id::parse(id.as_deref()?))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(audit::account_names(conn, &ids).await?)
}

async fn page(conn: &mut Conn, filter: &Filter, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(audit::search(conn, filter, limit).await?)
}

/// The storage filter `query` asks for at `now`; 400 `invalid_query` naming the parameter at
/// fault.
pub fn filter(query: &AuditQuery, now: i64) -> Result<Filter> {
    let bad = |field: &str, why: &str| ApiError::InvalidQuery(format!("{field}: {why}"));
    let actor_type = match query.actor_type.as_deref() {
        None => None,
        Some(text) => Some(
            ActorType::parse(text)
                .ok_or_else(|| bad("actorType", "expected USER, ADMIN or SYSTEM"))?
                .as_str(),
        ),
    };
    let status = match query.status.as_deref() {
        None => None,
        Some(text) => Some(
            AuditStatus::parse(text)
                .ok_or_else(|| bad("status", "expected SUCCESS or FAILURE"))?
                .as_str(),
        ),
    };
    let time = |field: &str, value: &Option<String>| -> Result<Option<i64>> {
        value
            .as_deref()
            .map(|text| {
                text.trim()
                    .parse::<i64>()
                    .map_err(|_| bad(field, "expected unix seconds"))
            })
            .transpose()
    };
    let mut from = time("from", &query.from)?;
    let to = time("to", &query.to)?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(bad("from", "is after to"));
    }
    let before_seq = match query.cursor.as_deref() {
        None => None,
        Some(cursor) => Some(
            decode_cursor(cursor).ok_or_else(|| bad("cursor", "is not the cursor of a page"))?,
        ),
    };
    let text = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
    let mut filter = Filter {
        actor_id: text(&query.actor_id),
        actor_type,
        action: text(&query.action),
        resource_type: text(&query.resource_type),
        resource_id: text(&query.resource_id),
        impersonation: query.impersonation,
        status,
        from,
        to,
        price_changed: false,
        before_seq,
    };
    match query.preset.as_deref().map(preset).transpose()? {
        None => {}
        Some(AuditPreset::FailedLogins) => {
            filter.action = Some("auth:login".to_owned());
            filter.status = Some(AuditStatus::Failure.as_str());
            let since = now - DAY_SECS;
            from = Some(from.map_or(since, |from| from.max(since)));
            filter.from = from;
        }
        Some(AuditPreset::Impersonations) => filter.impersonation = Some(true),
        Some(AuditPreset::PriceChanges) => {
            filter.action = Some("products:update".to_owned());
            filter.resource_type = Some("products".to_owned());
            filter.price_changed = true;
        }
    }
    Ok(filter)
}

pub(crate) fn preset(name: &str) -> Result<AuditPreset> {
    match name {
        "failed-logins" => Ok(AuditPreset::FailedLogins),
        "impersonations" => Ok(AuditPreset::Impersonations),
        "price-changes" => Ok(AuditPreset::PriceChanges),
        _ => Err(ApiError::InvalidQuery(
            "preset: expected failed-logins, impersonations or price-changes".to_owned(),
        )),
    }
}

fn encode_cursor(seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("audit|{seq}"))
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    text.strip_prefix("audit|")?
        .parse()
        .ok()
        .filter(|seq| *seq > 0)
}

/// The wire form of a stored row (without the names, which [`search`] adds).
pub fn entry(row: AuditRow) -> Result<AuditEntry> {
    let broken = |what: &str| ApiError::Internal(anyhow::anyhow!("audit row {}: {what}", row.seq));
    Ok(AuditEntry {
        seq: row.seq,
        at: row.at,
        actor_type: ActorType::parse(&row.actor_type).ok_or_else(|| broken("actor type"))?,
        actor_id: row.actor_id.clone(),
        actor_name: None,
        action: row.action.clone(),
        resource_type: row.resource_type.clone(),
        resource_id: row.resource_id.clone(),
        changes: serde_json::from_str(&row.changes).map_err(|_| broken("changes"))?,
        ip: row.ip.clone(),
        user_agent: row.user_agent.clone(),
        impersonation_flag: row.impersonation_flag,
        impersonated_by: row.impersonated_by.clone(),
        impersonator_name: None,
        status: AuditStatus::parse(&row.status).ok_or_else(|| broken("status"))?,
        error_message: row.error_message.clone(),
        hash: row.hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_nothing_else_decodes() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("42"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("audit|-1")), None);
    }

    #[test]
    fn bad_filters_name_their_parameter() {
        let at = |query: AuditQuery| match filter(&query, 0) {
            Err(ApiError::InvalidQuery(detail)) => detail,
            other => panic!("{other:?}"),
        };
        let q = |f: fn(&mut AuditQuery)| {
            let mut query = AuditQuery::default();
            f(&mut query);
            query
        };
        assert!(at(q(|q| q.from = Some("yesterday".into()))).starts_with("from:"));
        assert!(at(q(|q| q.to = Some("1.5".into()))).starts_with("to:"));
        assert!(
            at(q(|q| {
                q.from = Some("20".into());
                q.to = Some("10".into());
            }))
            .starts_with("from:")
        );
        assert!(at(q(|q| q.actor_type = Some("GUEST".into()))).starts_with("actorType:"));
        assert!(at(q(|q| q.preset = Some("all".into()))).starts_with("preset:"));
        assert!(at(q(|q| q.cursor = Some("x".into()))).starts_with("cursor:"));
    }

    #[test]
    fn failed_logins_look_back_one_day_from_the_clock() {
        let query = AuditQuery {
            preset: Some("failed-logins".into()),
            ..AuditQuery::default()
        };
        let filter = filter(&query, 100_000).unwrap();
        assert_eq!(filter.from, Some(100_000 - DAY_SECS));
        assert_eq!(filter.action.as_deref(), Some("auth:login"));
        assert_eq!(filter.status, Some("FAILURE"));
    }
}
