//! The trace: every amount of the settlement tied to the rule that decided it.

use crate::money::{fen, Decimal};
use crate::policy::schema::Rid;
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
        rule: impl Into<Rid>,
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
    let mut s = String::new();
    push_pct(&mut s, r);
    s
}

/// Appends a ratio as a percentage (`0.55` → `55%`), as [`pct`] writes it.
pub(crate) fn push_pct(out: &mut String, r: Decimal) {
    push_dec(out, (r * Decimal::ONE_HUNDRED).normalize());
    out.push('%');
}

/// Appends a decimal as `Display` writes it (`350.00`), without the
/// formatting machinery: trace text is built on every settlement.
pub(crate) fn push_dec(out: &mut String, d: Decimal) {
    let mut buf = [0u8; 64];
    out.push_str(crate::money::write_plain(&d, &mut buf));
}

/// Joins rule IDs as `[A,B] ` before a text (a fund row's `setl_proc_info`).
pub(crate) fn with_rules(rules: &[Rid], text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 3 + rules.iter().map(|r| r.len() + 1).sum::<usize>());
    out.push('[');
    for (i, r) in rules.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r);
    }
    out.push_str("] ");
    out.push_str(text);
    out
}

#[cfg(test)]
mod tests {
    use super::{pct, push_dec, with_rules};
    use crate::money::Decimal;
    use std::str::FromStr;

    #[test]
    fn trace_text_writes_amounts_and_ratios_as_display_does() {
        for t in ["0", "0.00", "350.00", "-12.5", "0.0001", "99999999.99", "1234567890123456789012.345678"] {
            let d = Decimal::from_str(t).unwrap();
            let mut s = String::from("x ");
            push_dec(&mut s, d);
            assert_eq!(s, format!("x {d}"));
        }
        assert_eq!(pct(Decimal::from_str("0.55").unwrap()), "55%");
        assert_eq!(pct(Decimal::from_str("0.925").unwrap()), "92.5%");
        assert_eq!(pct(Decimal::ONE), "100%");
        assert_eq!(pct(Decimal::ZERO), "0%");
    }

    #[test]
    fn fund_rows_list_their_rules_before_the_text() {
        assert_eq!(with_rules(&["TY-INP-RATIO".into()], "55% of 100.00"), "[TY-INP-RATIO] 55% of 100.00");
        assert_eq!(with_rules(&["A".into(), "B".into()], "t"), "[A,B] t");
    }
}
