//! Stage 6: further layers after the basic fund, paid in order — serious-illness
//! insurance (大病保险), large-amount subsidy (大额补助), civil-servant subsidy,
//! medical assistance — each with a threshold on its cumulative basis, bands
//! and a yearly cap.

use super::deductible::pick_row;
use super::ratio::banded;
use super::Run;
use crate::error::{Error, Result};
use crate::money::{fen, Decimal};
use crate::policy::schema::{Basis, BorneBy, CapRaises, Per, RaiseUnit};
use crate::ytd::Ytd;

/// What the member's raises add to a layer's cap `base` (连续参保激励,
/// 零报销激励), each raise traced, the total held to the ceiling.
fn raised(run: &mut Run, id: &str, r: &CapRaises, base: Decimal) -> Result<Decimal> {
    let admitted = run.facts.day();
    let mut total = Decimal::ZERO;
    for x in &r.raises {
        if !x.when.matches(&run.facts, None, &run.body.disease_groups) {
            continue;
        }
        let (years, what) = match x.per {
            RaiseUnit::EnrolYear => {
                let Some(enrolled) = run.facts.enrol_years else { continue };
                let mut n = enrolled.saturating_sub(i32::try_from(x.after).unwrap_or(i32::MAX));
                if let Some(from) = x.counted_from {
                    n = n.min(admitted.years_since(from));
                }
                (u32::try_from(n).unwrap_or(0), "of continuous enrolment")
            }
            RaiseUnit::ZeroClaimYear => (run.claim.psn.zero_claim_years.unwrap_or(0), "without a reimbursement"),
        };
        if years == 0 {
            continue;
        }
        let add = fen(x.amount.get()? * Decimal::from(years));
        total += add;
        run.trace.add("layer", x.rule.clone(), add, format!("{id}: cap raised {add} for {years} year(s) {what}"));
    }
    let share = r.max_share.as_ref().map(|s| s.get().map(|s| fen(base * s))).transpose()?;
    let most = r.max.as_ref().map(|m| m.get().map(fen)).transpose()?;
    match share.into_iter().chain(most).min() {
        Some(ceiling) if total > ceiling => {
            run.trace.add("layer", r.rule.clone(), ceiling, format!("{id}: the raises together held to {ceiling}"));
            Ok(ceiling)
        }
        _ => Ok(total),
    }
}

/// Pays every layer that takes part in the claim.
pub fn apply(run: &mut Run) -> Result<()> {
    let (_, _, bucket) = run.chosen()?;
    let body = run.body;
    // Shared counters already used by a layer of this claim, and by which.
    let mut shared: Vec<(&str, &str)> = Vec::new();
    for (id, l) in body.layers.iter() {
        if !l.when.matches(&run.facts, None, &body.disease_groups) {
            continue;
        }
        if l.benefits.as_ref().is_some_and(|b| !b.iter().any(|x| x == bucket)) {
            continue;
        }
        if let Some(c) = l.counter.as_deref() {
            if let Some((_, first)) = shared.iter().find(|(k, _)| *k == c) {
                return Err(Error::policy(
                    format!("layers.{id}.counter"),
                    format!(
                        "layers `{first}` and `{id}` share the counter `{c}` and both take this claim, \
                         which would count its burden twice: give them exclusive `when` conditions"
                    ),
                ));
            }
            shared.push((c, id));
        }
        // What the member still bears that this layer may share in (its
        // limit), and the part of it the layer's bands run on.
        let burden = run.inscp_burden();
        let (borne, basis) = match l.basis {
            Basis::Burden => (burden, burden),
            Basis::BurdenWithPreselfpay => {
                let b = (run.compliant() - run.covered()).max(Decimal::ZERO);
                (b, b)
            }
            Basis::MemberShare => {
                let b = run.member_part().max(Decimal::ZERO);
                (b, b)
            }
            Basis::AboveDeductible => {
                let b = (burden - run.info.act_pay_dedc).max(Decimal::ZERO);
                (b, b)
            }
            Basis::Overflow => (burden, run.overflow.min(burden)),
            Basis::Deductible => (burden, run.info.act_pay_dedc.min(burden)),
        };
        let key = format!("layer:{}", l.counter.as_deref().unwrap_or(id));
        let yearly = l.per == Per::Year;
        let prev = if yearly { Ytd::get(&run.ytd.eligible_sum, &key) } else { Decimal::ZERO };
        let raw = banded(&l.segments, prev, prev + basis, |s| s.ratio.get())?;
        if yearly {
            Ytd::add(&mut run.delta.eligible_sum, &key, basis);
        }
        let what = if yearly { "cumulative basis" } else { "basis of this stay" };
        let mut limit = borne;
        let mut capped_by = None;
        if let Some(c) = &l.cap {
            let (cap, row_rule) = pick_row(c, &run.facts, &body.disease_groups, &|| format!("layers.{id}.cap"))?;
            let mut cap = cap.get()?;
            if let Some(r) = row_rule {
                run.trace.add("layer", r, fen(cap), format!("{id}: yearly cap {} for this member", fen(cap)));
            }
            if let Some(r) = &l.cap_raises {
                cap += raised(run, id, r, cap)?;
            }
            let room = (cap - Ytd::get(&run.ytd.benefit_paid, &key)).max(Decimal::ZERO);
            if room < raw {
                capped_by = Some(room);
            }
            limit = limit.min(room);
        }
        let paid = fen(raw.min(limit));
        if paid.is_zero() && raw.is_zero() && prev + basis <= l.segments[0].from.known().unwrap_or_default() {
            run.trace.add(
                "layer",
                l.rule.clone(),
                paid,
                format!("{id}: {what} {} has not reached its threshold", fen(prev + basis)),
            );
            continue;
        }
        Ytd::add(&mut run.delta.benefit_paid, &key, paid);
        let mut text = format!("{id}: bands on the {what} {}–{}", fen(prev), fen(prev + basis));
        if let Some(room) = capped_by {
            text.push_str(&format!("; capped, {} was left", fen(room)));
        }
        match l.borne_by {
            BorneBy::Fund => run.pay(&l.fund_pay_type, basis, limit, paid, std::slice::from_ref(&l.rule), &text),
            BorneBy::Hospital => {
                run.bear(paid);
                text.push_str("; borne by the hospital");
            }
        }
        run.trace.add("layer", l.rule.clone(), paid, text);
    }
    Ok(())
}
