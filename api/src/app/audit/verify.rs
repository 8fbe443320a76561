//! Verifying the audit log end to end (`api audit verify`, `GET /audit/status`): every row in
//! sequence with no gap, each linked to the one before and matching its own hash; then every
//! checkpoint signed, chained to the one before, and agreeing with the rows (a checkpoint of
//! more rows than the table holds is a truncated tail). The first bad row is named by its
//! sequence number.

use crate::app::Actor;
use crate::app::audit::chain;
use crate::app::audit::checkpoint::{Checkpoint, Checkpoints};
use crate::db::{Db, audit};
use crate::error::{ApiError, Result};
use contracts::audit::{AuditChainStatus, CheckpointSummary};
use std::collections::BTreeMap;

/// Rows read per round trip.
const BATCH: i64 = 1_000;

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub rows: i64,
    pub rows_valid: i64,
    pub head_hash: Option<String>,
    pub checkpoints: i64,
    pub checkpoints_valid: i64,
    pub last_checkpoint: Option<Checkpoint>,
    /// The first bad row's sequence number, and what is wrong.
    pub first_bad_row: Option<i64>,
    pub problems: Vec<String>,
}

impl Report {
    /// Whether everything verified.
    pub fn is_valid(&self) -> bool {
        self.first_bad_row.is_none() && self.problems.is_empty()
    }

    /// One line, CloudTrail's `validate-logs` style: `12/12 rows valid, 3/3 checkpoints valid`.
    pub fn summary(&self) -> String {
        format!(
            "{}/{} rows valid, {}/{} checkpoints valid",
            self.rows_valid, self.rows, self.checkpoints_valid, self.checkpoints
        )
    }

    /// The wire form, for the viewer.
    pub fn status(&self) -> AuditChainStatus {
        AuditChainStatus {
            rows: self.rows,
            rows_valid: self.rows_valid,
            head_hash: self.head_hash.clone(),
            checkpoints: self.checkpoints,
            checkpoints_valid: self.checkpoints_valid,
            last_checkpoint: self.last_checkpoint.as_ref().map(|c| CheckpointSummary {
                rows: c.rows,
                head: c.head.clone(),
                at: c.at,
            }),
            verified: self.is_valid(),
            first_bad_row: self.first_bad_row,
            problem: self.problems.first().cloned(),
        }
    }

    fn bad_row(&mut self, seq: i64, problem: String) {
        if self.first_bad_row.is_none_or(|first| seq < first) {
            self.first_bad_row = Some(seq);
        }
        self.problems.push(problem);
    }
}

/// Verifies the log in `db` against the checkpoints. `actor` is who asks: the operator at the
/// command line, or an administrator through the viewer (admitted by the route's policy).
pub async fn verify(_actor: &Actor, db: &Db, checkpoints: &Checkpoints) -> Result<Report> {
    let lines = checkpoints
        .read()
        .map_err(|error| ApiError::Internal(error.context("reading the audit checkpoints")))?;
    let mut conn = db.conn().await?;
    let mut report = Report {
        rows: audit::count(&mut conn).await?,
        rows_valid: 0,
        head_hash: None,
        checkpoints: i64::try_from(lines.len()).unwrap_or(i64::MAX),
        checkpoints_valid: 0,
        last_checkpoint: None,
        first_bad_row: None,
        problems: Vec::new(),
    };
    // The hashes the checkpoints name, filled in as the chain goes by.
    let mut wanted: BTreeMap<i64, Option<String>> = lines
        .iter()
        .flatten()
        .map(|checkpoint| (checkpoint.rows, None))
        .collect();

    let mut expected = 1;
    let mut prev = chain::GENESIS.to_owned();
    let mut broken = false;
    'chain: loop {
        let rows = audit::chain_after(&mut conn, expected - 1, BATCH).await?;
        let Some(last) = rows.last() else { break };
        let batch_end = last.seq;
        for row in rows {
            if let Some(slot) = wanted.get_mut(&row.seq) {
                *slot = Some(row.hash.clone());
            }
            if broken {
                continue;
            }
            let problem = if row.seq != expected {
                Some((expected, format!("row {expected} is missing")))
            } else if row.prev_hash != prev {
                Some((
                    row.seq,
                    format!("row {} does not follow row {}", row.seq, expected - 1),
                ))
            } else if chain::hash(&prev, &row) != row.hash {
                Some((row.seq, format!("row {} does not match its hash", row.seq)))
            } else {
                None
            };
            if let Some((seq, problem)) = problem {
                report.bad_row(seq, problem);
                broken = true;
                continue;
            }
            report.rows_valid += 1;
            report.head_hash = Some(row.hash.clone());
            prev = row.hash;
            expected += 1;
        }
        if broken {
            // Keep reading only to fill in the checkpoints' hashes.
            expected = batch_end + 1;
            if wanted.range(expected..).next().is_none() {
                break 'chain;
            }
        }
    }
    check_checkpoints(&mut report, checkpoints, &lines, &wanted);
    Ok(report)
}

/// Each checkpoint: signed, chained to the one before, never fewer rows than the one before,
/// and naming a row that is still there with the same hash.
fn check_checkpoints(
    report: &mut Report,
    keys: &Checkpoints,
    lines: &[Option<Checkpoint>],
    hashes: &BTreeMap<i64, Option<String>>,
) {
    let mut prev_mac: Option<String> = None;
    let mut prev_rows = 0;
    for (number, line) in lines.iter().enumerate() {
        let number = number + 1;
        let Some(checkpoint) = line else {
            report
                .problems
                .push(format!("checkpoint {number} is not a checkpoint"));
            prev_mac = None;
            continue;
        };
        let mut valid = true;
        if !keys.is_signed(checkpoint) {
            report
                .problems
                .push(format!("checkpoint {number} has a wrong signature"));
            valid = false;
        } else if checkpoint.prev_mac != prev_mac || checkpoint.rows < prev_rows {
            report.problems.push(format!(
                "checkpoint {number} does not follow checkpoint {}",
                number - 1
            ));
            valid = false;
        }
        if valid {
            match hashes.get(&checkpoint.rows).and_then(Option::as_ref) {
                None if checkpoint.rows > report.rows => {
                    let missing = report.rows + 1;
                    report.bad_row(
                        missing,
                        format!(
                            "checkpoint {number} covers {} rows but the log has {}: rows from \
                             {missing} on are gone",
                            checkpoint.rows, report.rows
                        ),
                    );
                    valid = false;
                }
                Some(hash) if *hash == checkpoint.head => {}
                _ => {
                    report.bad_row(
                        checkpoint.rows,
                        format!(
                            "row {} is not the row checkpoint {number} signed",
                            checkpoint.rows
                        ),
                    );
                    valid = false;
                }
            }
        }
        if valid {
            report.checkpoints_valid += 1;
        }
        prev_mac = Some(checkpoint.mac.clone());
        prev_rows = checkpoint.rows;
        report.last_checkpoint = Some(checkpoint.clone());
    }
}

/// `GET /audit/status`: the whole chain and the checkpoints verified now. `actor` is an
/// administrator the route's policy admitted.
pub async fn status(actor: &Actor, state: &crate::state::AppState) -> Result<AuditChainStatus> {
    verify(actor, &state.db, &state.checkpoints)
        .await
        .map(|report| report.status())
}
