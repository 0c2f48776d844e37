//! Stage 3b: a fixed standard per case (定额标准, 按病种定额结算). A claim
//! that costs more than its benefit's standard is settled as if it cost the
//! standard, and the hospital bears the rest (超出定额部分由定点医疗机构承担);
//! one that costs less is settled by item on its actual cost.

use super::deductible::pick_row;
use super::trace::push_dec;
use super::Run;
use crate::error::Result;
use crate::money::{fen, Decimal};
use crate::policy::schema::Rid;

/// Decides the cost above the standard, if the benefit has one.
pub fn apply(run: &mut Run) -> Result<()> {
    let (id, ben, _) = run.chosen()?;
    let Some(st) = &ben.standard else { return Ok(()) };
    let g = &run.body.disease_groups;
    let (table, key, days) = match (&st.amount, &st.per_day) {
        (Some(a), _) => (a, "amount", None),
        (None, Some(d)) => (d, "per_day", Some(run.facts.stay_days)),
        (None, None) => return Ok(()),
    };
    let (amount, row_rule) = pick_row(table, &run.facts, g, &|| format!("benefits.{id}.standard.{key}"))?;
    let amount = amount.get()?;
    let standard = fen(amount * Decimal::from(days.unwrap_or(1)));
    let total = run.info.medfee_sumamt;
    let excess = (total - standard).max(Decimal::ZERO);
    run.excess = excess;
    run.bear(excess);
    let rule = row_rule.map_or_else(|| st.rule.clone(), Rid::from);
    let mut text = String::with_capacity(96);
    text.push_str("fixed standard ");
    push_dec(&mut text, standard);
    if let Some(d) = days {
        text.push_str(" (");
        push_dec(&mut text, amount);
        text.push_str(" a day for ");
        text.push_str(&d.to_string());
        text.push_str(" days)");
    }
    if excess.is_zero() {
        text.push_str(": the cost ");
        push_dec(&mut text, total);
        text.push_str(" is within it and is settled by item");
    } else {
        text.push_str(": the hospital bears the cost above it, ");
        push_dec(&mut text, excess);
        text.push_str(" of ");
        push_dec(&mut text, total);
    }
    run.trace.add("standard", rule, excess, text);
    Ok(())
}
