//! The trace: every amount of the settlement tied to the rule that decided it.

use crate::money::{fen, Decimal};
use crate::settlement::TraceEntry;
use std::borrow::Cow;

/// Collects trace entries.
#[derive(Debug, Default)]
pub struct Trace(Vec<TraceEntry>);

impl Trace {
    /// An empty trace with room for `n` steps.
    pub fn with_capacity(n: usize) -> Trace {
        Trace(Vec::with_capacity(n))
    }
    /// Adds a step.
    pub fn add(
        &mut self,
        step: &'static str,
        rule: impl Into<Cow<'static, str>>,
        amount: Decimal,
        text: impl Into<Cow<'static, str>>,
    ) {
        self.0.push(TraceEntry {
            step: Cow::Borrowed(step),
            rule: rule.into(),
            amount: fen(amount),
            text: text.into(),
        });
    }
    /// The entries.
    pub fn into_entries(self) -> Vec<TraceEntry> {
        self.0
    }
}

/// A ratio as a percentage for trace text (`0.55` → `55%`).
pub fn pct(r: Decimal) -> String {
    format!("{}%", (r * Decimal::ONE_HUNDRED).normalize())
}
