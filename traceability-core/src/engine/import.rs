//! Importing rows (a CSV file, a supplier's list): each row is one command, validated
//! in order against a copy of the state (each row seeing the valid rows before it), so
//! that every bad row is reported, not just the first. The valid rows are then stored
//! in one atomic append: only when every row is valid ([`ImportMode::AllOrNothing`],
//! the default) or whatever is valid ([`ImportMode::ValidRows`]); a dry run stores
//! nothing.
//!
//! Cost: one copy of the state per attempt (O(state)), then O(rows).

use serde::{Deserialize, Serialize};

use super::retry::{is_stale, FirstAttempt};
use super::tracker::{Committed, Tracker};
use crate::command::Command;
use crate::decide::{decide, Context};
use crate::kernel::error::TraceError;

/// Which rows an import stores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Every row, or none when any is refused.
    #[default]
    AllOrNothing,
    /// The valid rows; the refused ones are reported.
    ValidRows,
}

/// What [`Tracker::import_rows`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct RowsImported {
    /// Rows that are valid (stored, unless this was a dry run or another row was
    /// refused in [`ImportMode::AllOrNothing`]).
    pub valid: usize,
    /// The refused rows, by the row number given with each, and why.
    pub refused: Vec<(usize, TraceError)>,
    /// The progress callback asked to stop: the rows after it were not validated and
    /// nothing was stored.
    pub stopped: bool,
    /// Where the valid rows were stored; `None` when nothing was.
    pub committed: Option<Committed>,
}

/// How often (in rows) [`Tracker::import_rows`] reports progress.
pub const PROGRESS_EVERY: usize = 10_000;

impl Tracker {
    /// Validates `rows` (row number, command) in order and stores the valid ones as
    /// `mode` says, in one append (nothing when `dry_run`). `progress` is called with
    /// the number of rows validated every [`PROGRESS_EVERY`] rows and at the end; when it
    /// returns `false` the import stops there and stores nothing.
    /// Refused rows are in the result; an `Err` means the import as a whole failed
    /// (e.g. the store), and then nothing was stored.
    pub fn import_rows(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        rows: &[(usize, Command)],
        mode: ImportMode,
        dry_run: bool,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<RowsImported, TraceError> {
        if dry_run {
            // Nothing will be appended: no writer lock to keep others waiting.
            self.refresh()?;
            return self.try_import(actor, reason, rows, mode, dry_run, progress);
        }
        self.writing(
            FirstAttempt::Current,
            |t| t.try_import(actor, reason, rows, mode, dry_run, progress),
            is_stale,
            |e| e,
        )
    }

    fn try_import(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        rows: &[(usize, Command)],
        mode: ImportMode,
        dry_run: bool,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<RowsImported, TraceError> {
        let today = self.now().date_naive();
        let mut scratch = self.state().clone();
        let mut bodies = Vec::new();
        let mut refused = Vec::new();
        let mut stopped = false;
        for (done, (row, command)) in rows.iter().enumerate() {
            if done % PROGRESS_EVERY == 0 && done > 0 && !progress(done) {
                stopped = true;
                break;
            }
            let context = Context {
                state: &scratch,
                today,
                reason,
            };
            let decided = decide(&context, command);
            match decided.and_then(|payloads| self.bodies(actor, reason, payloads)) {
                Ok(new) => {
                    for body in new {
                        scratch.apply(self.next_seq + bodies.len() as u64, &body)?;
                        bodies.push(body);
                    }
                }
                Err(error) => refused.push((*row, error)),
            }
        }
        stopped = stopped || !progress(rows.len());
        let valid = rows.len() - refused.len();
        let store = !dry_run
            && !stopped
            && valid > 0
            && (refused.is_empty() || mode == ImportMode::ValidRows);
        let committed = if store {
            let (records, head) = self.seal(&bodies);
            self.append_own(&records, &bodies, None)?;
            self.state = scratch;
            Some(self.advance(records.records().len() as u64, head))
        } else {
            None
        };
        Ok(RowsImported {
            valid,
            refused,
            stopped,
            committed,
        })
    }
}
