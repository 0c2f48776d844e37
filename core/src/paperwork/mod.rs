//! What the member must do when a claim cannot be settled directly: materials
//! and deadlines of manual reimbursement ([`materials`], [`deadline`]), the
//! check of an application ([`check`]), remote-treatment filings as a state
//! machine ([`filing`]), the chronic-disease certification workflow
//! ([`certification`]), and working days from a holiday calendar ([`calendar`]).

pub mod calendar;
pub mod certification;
pub mod check;
pub mod deadline;
pub mod filing;
pub mod materials;

use serde::{Deserialize, Serialize};

/// A refusal or a missing item, citing its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code (`MISSING`, `COPY_REFUSED`, `PAST_DEADLINE`, `FILING_LOCKED`…).
    pub code: String,
    /// What it concerns (a material ID, `application`, `filing`…).
    pub item: String,
    /// Rule ID.
    pub rule: String,
    /// Plain words.
    pub message: String,
}

impl Finding {
    /// A finding.
    pub fn new(code: &str, item: &str, rule: &str, message: impl Into<String>) -> Finding {
        Finding { code: code.into(), item: item.into(), rule: rule.into(), message: message.into() }
    }
}
