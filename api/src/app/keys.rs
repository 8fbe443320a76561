//! Key management over the stored data: what the server checks before it serves
//! ([`prepare`]), re-encrypting under the active key while the server serves ([`rotate`],
//! `api keys rotate`), and which key ids are still in use ([`status`], `api keys status`),
//! modelled on Vault transit's `rewrap` and key versions.
//!
//! Rotation walks every sealed column in key order, a batch at a time, each batch in its own
//! short transaction (no long lock: requests keep being served between batches), and
//! replaces a value only if it is still the one it read (compare-and-set), so a request that
//! wrote the row meanwhile, with the active key, keeps its newer value. Clear text (rows from
//! before encryption) is sealed on the way, and its blind index filled in.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::clock::Clock;
use crate::crypto::cipher::{self, PREFIX};
use crate::crypto::{Column, Index, SEALED_TABLES, SealedTable, Vault};
use crate::db::{Db, sealed};
use crate::domain::email_lookup;
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Values re-encrypted per transaction by default: small enough that SQLite's write lock is
/// held for milliseconds, large enough that the per-transaction cost is spread.
pub const DEFAULT_BATCH: i64 = 500;

/// What a rotation did.
#[derive(Debug, Clone, Default)]
pub struct RotateReport {
    /// Values re-sealed under the active key (clear ones included).
    pub resealed: u64,
    /// Of those, values that were clear text.
    pub were_clear: u64,
    /// Values a request changed between the read and the write (left as the request wrote
    /// them, under the active key).
    pub skipped: u64,
    pub elapsed: Duration,
}

impl RotateReport {
    /// Re-sealed values per second.
    pub fn per_second(&self) -> f64 {
        self.resealed as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The values of one column per key id (`None`: clear text).
#[derive(Debug, Clone)]
pub struct ColumnStatus {
    pub column: Column,
    pub counts: BTreeMap<Option<String>, i64>,
}

/// Every sealed column, the rotated ones and the short-lived idempotency answers.
fn all_columns() -> impl Iterator<Item = Column> {
    SEALED_TABLES
        .iter()
        .flat_map(|t| t.columns.iter().copied())
        .chain([Column::IdempotencyResponse])
}

/// How many values of each sealed column every key id seals.
pub async fn status(db: &Db) -> anyhow::Result<Vec<ColumnStatus>> {
    let mut conn = db.conn().await?;
    let mut columns = Vec::new();
    for column in all_columns() {
        let counts = sealed::count_by_key(&mut conn, column)
            .await
            .with_context(|| format!("counting {column}"))?
            .into_iter()
            .map(|count| (count.key_id, count.count))
            .collect();
        columns.push(ColumnStatus { column, counts });
    }
    Ok(columns)
}

/// Before serving: refuses to start when stored values are sealed with a key id the keyring
/// lacks (a key retired too early: the error names it and the column) or when a key id's
/// sample value does not open (a wrong key under a known id), then seals whatever
/// is still clear text (a database from before encryption), so no clear row outlives a
/// start. Idempotency answers still in clear are deleted instead: they are a 24-hour replay
/// cache, not records.
pub async fn prepare(actor: &Actor, store: Store<'_>) -> anyhow::Result<()> {
    let Store { db, vault, .. } = store;
    let mut clear = 0;
    for column in status(db).await? {
        for (key_id, count) in &column.counts {
            match key_id {
                Some(id) if !vault.has_key(id) => anyhow::bail!(
                    "{count} value(s) of {} are sealed with key {id:?}, which is not in the \
                     keyring (FIELD_KEYS has {:?}): put the key back until `api keys rotate` \
                     has moved them and `api keys status` shows it unused",
                    column.column,
                    vault.key_ids()
                ),
                Some(_) => {}
                None => clear += count,
            }
        }
    }
    check_keys_open(db, vault).await?;
    if clear > 0 {
        sealed::delete_clear_idempotency_answers(&mut db.conn().await?).await?;
        let report = pass(actor, store, PREFIX, DEFAULT_BATCH).await?;
        tracing::warn!(
            sealed = report.were_clear,
            "sealed personal data stored in clear before encryption"
        );
    }
    Ok(())
}

/// Opens one value per key id per column: a key whose bytes are wrong (an id reused for
/// another key, a typo) stops startup here instead of failing reads one by one.
async fn check_keys_open(db: &Db, vault: &Vault) -> anyhow::Result<()> {
    let mut conn = db.conn().await?;
    for table in SEALED_TABLES {
        for &column in table.columns {
            for id in vault.key_ids() {
                let prefix = format!("{PREFIX}{id}:");
                if let Some(sample) =
                    sealed::sample_under(&mut conn, table, column, &prefix).await?
                {
                    vault
                        .open(column, &sample.row_id, &sample.value)
                        .with_context(|| format!("checking key {id:?} of the keyring"))?;
                }
            }
        }
    }
    Ok(())
}

/// Where a re-sealing pass runs: who runs it (audited), on which store, with which keys, at
/// whose time.
#[derive(Clone, Copy)]
pub struct Store<'a> {
    pub db: &'a Db,
    pub vault: &'a Vault,
    pub clock: &'a Clock,
}

/// Re-seals every value not under the active key (clear text included), `batch` values per
/// transaction, each batch audited as `actor`'s `keys:rotate` in that transaction.
pub async fn rotate(actor: &Actor, store: Store<'_>, batch: i64) -> anyhow::Result<RotateReport> {
    let prefix = format!("{PREFIX}{}:", store.vault.active_key_id());
    pass(actor, store, &prefix, batch).await
}

/// Re-seals under the active key every value that does not start with `prefix`.
async fn pass(
    actor: &Actor,
    store: Store<'_>,
    prefix: &str,
    batch: i64,
) -> anyhow::Result<RotateReport> {
    let started = Instant::now();
    let mut report = RotateReport::default();
    for table in SEALED_TABLES {
        for &column in table.columns {
            column_pass(actor, store, (table, column), (prefix, batch), &mut report)
                .await
                .with_context(|| format!("re-sealing {column}"))?;
        }
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

async fn column_pass(
    actor: &Actor,
    Store { db, vault, clock }: Store<'_>,
    (table, column): (&SealedTable, Column),
    (prefix, batch): (&str, i64),
    report: &mut RotateReport,
) -> anyhow::Result<()> {
    let mut after: Option<String> = None;
    loop {
        let page = {
            let mut conn = db.conn().await?;
            sealed::page_not_under(&mut conn, table, column, prefix, after.as_deref(), batch)
                .await?
        };
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(last.row_id.clone());
        let mut tx = db.begin().await?;
        let mut resealed = 0;
        for stored in &page {
            let (plain, was_clear) = match cipher::parse(&stored.value) {
                None => (stored.value.clone(), true),
                Some(_) => (vault.open(column, &stored.row_id, &stored.value)?, false),
            };
            let new = vault.seal(column, &stored.row_id, &plain);
            let index = match column {
                Column::UsersEmail => Some((
                    "email_index",
                    vault.blind_index(Index::Email, &email_lookup(&plain)),
                )),
                Column::ShopsGstin => {
                    Some(("gstin_index", vault.blind_index(Index::Gstin, &plain)))
                }
                _ => None,
            };
            if sealed::replace(
                &mut tx,
                table,
                column,
                &stored.row_id,
                &stored.value,
                &new,
                index,
            )
            .await?
            {
                resealed += 1;
                report.were_clear += u64::from(was_clear);
            } else {
                report.skipped += 1;
            }
        }
        // Which column moved to which key, and how many values: never a value.
        let entry = Entry::success("keys:rotate", table.table, None, clock.now()).with_changes(
            serde_json::json!({
                "column": {"after": column.to_string()},
                "keyId": {"after": vault.active_key_id()},
                "values": {"after": resealed},
            }),
        );
        audit::record(&mut tx, actor, &entry).await?;
        tx.commit().await?;
        report.resealed += resealed;
    }
}
