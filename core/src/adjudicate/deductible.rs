//! Stage 4: the deductible (起付标准) — per admission or per year, by level,
//! person group or age, by the admission's order in the year, as a share of
//! cost within bounds, under a yearly ceiling, or waived.

use super::Run;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{fen, Decimal};
use crate::policy::disease::Groups;
use crate::policy::facts::Facts;
use crate::policy::schema::{Choice, Per, Row};
use crate::ytd::Ytd;
use std::borrow::Cow;

/// Most compounding steps computed (a share ≤ 1 raised further changes nothing at 28 places).
const MAX_COMPOUND: usize = 128;

/// The first row of a table that holds, or the single value.
pub fn pick<'t, T>(c: &'t Choice<T>, f: &Facts, g: &Groups, path: &dyn Fn() -> String) -> Result<&'t T> {
    pick_row(c, f, g, path).map(|(v, _)| v)
}

/// Like [`pick`], also giving the row's own rule.
pub fn pick_row<'t, T>(
    c: &'t Choice<T>,
    f: &Facts,
    g: &Groups,
    path: &dyn Fn() -> String,
) -> Result<(&'t T, Option<&'t str>)> {
    match c {
        Choice::One(v) => Ok((v, None)),
        Choice::Rows(rows) => first(rows, f, g).map(|r| (&r.value, r.rule.as_deref())).ok_or_else(|| {
            // A row that tests a fact the claim does not give (an age band
            // and no birth date) might have held: the claim lacks a field,
            // the table may lack nothing.
            match rows.iter().find_map(|r| r.when.missing_fact(f)) {
                Some(field) => Error::claim(
                    field,
                    format!("the policy table `{}` chooses by a fact this claim does not give: add `{field}`", path()),
                ),
                None => no_row(&path()),
            }
        }),
    }
}

/// `POLICY_PARAMETER_MISSING` for a table with no row for this claim.
fn no_row(path: &str) -> Error {
    let mut e = Error::new(
        ErrorCode::PolicyParameterMissing,
        format!("the policy table `{path}` has no row for this claim; add one in a policy file that extends the pack"),
    );
    e.path = Some(path.to_string());
    e.parameter = Some(path.to_string());
    e
}

fn first<'t, T>(rows: &'t [Row<T>], f: &Facts, g: &Groups) -> Option<&'t Row<T>> {
    rows.iter().find(|r| r.when.matches(f, None, g))
}

/// Decides `act_pay_dedc`.
pub fn apply(run: &mut Run) -> Result<()> {
    let (id, ben, bucket) = run.chosen()?;
    let inscp = run.inscp();
    let g = &run.body.disease_groups;
    // The platform's deductible level (起付线医院等级), where it differs from
    // the hospital level, is the level the deductible tables are read at.
    let at_level;
    let (facts, level_note) = match run.claim.mdtrt.dedc_hosp_lv.as_deref() {
        Some(lv) if lv != run.facts.hosp_lv => {
            at_level = Facts { hosp_lv: lv, ..run.facts.clone() };
            (&at_level, Some(lv))
        }
        _ => (&run.facts, None),
    };
    let Some(d) = &ben.deductible else {
        let rule = ben.no_deductible_rule.clone().unwrap_or_else(|| ben.fund.rule.clone());
        run.trace.add("deductible", rule, Decimal::ZERO, "no deductible for this benefit");
        return Ok(());
    };
    if let Some(w) = d.waive.iter().find(|w| w.when.matches(facts, None, g)) {
        run.trace.add("deductible", w.rule.clone(), Decimal::ZERO, "deductible waived");
        return Ok(());
    }
    // How many admissions came before this one in the year (a later leg of
    // a moved stay continues the admission its earlier leg counted).
    let order = super::admission_number(run.claim, &run.ytd).saturating_sub(1) as usize;
    let mut rule = d.rule.clone();
    let pct = match &d.pct_of_cost {
        Some(Choice::One(p)) => Some(p),
        Some(Choice::Rows(rows)) => first(rows, facts, g).map(|r| &r.value),
        None => None,
    };
    // A deductible of the year's account credit alone, with no amount of its own.
    let mut credit_only = false;
    let mut text: Cow<'static, str>;
    // Whether the amount was read from a table (whose rows may test the level).
    let mut from_table = matches!(d.pct_of_cost, Some(Choice::Rows(_))) && pct.is_some();
    let mut amount = if let Some(p) = pct {
        let mut a = fen(inscp * p.pct.get()?);
        if let Some(lo) = &p.min {
            a = a.max(lo.get()?);
        }
        if let Some(hi) = &p.max {
            a = a.min(hi.get()?);
        }
        rule = p.rule.clone();
        text = format!("{} of the in-scope cost, within its bounds", super::trace::pct(p.pct.get()?)).into();
        a
    } else if let Some(o) = d.by_order.as_ref().filter(|o| o.amounts.is_some()) {
        let list = o.amounts.as_ref().expect("checked just above");
        rule = o.rule.clone();
        text = format!("admission no. {} of the year", order + 1).into();
        list[order.min(list.len() - 1)].get()?
    } else if d.amount.is_none() && d.acct_credit.is_some() {
        credit_only = true;
        text = "".into();
        Decimal::ZERO
    } else {
        let path = || format!("benefits.{id}.deductible.amount");
        // No `pct_of_cost` row holds and there is no plain amount: the table has no row for this claim.
        let table = d.amount.as_ref().ok_or_else(|| no_row(&path()))?;
        let (base, row_rule) = pick_row(table, facts, g, &path)?;
        from_table = matches!(table, Choice::Rows(_));
        if let Some(r) = row_rule {
            rule = r.into();
        }
        let mut a = base.get()?;
        text = (if d.per == Per::Year { "yearly deductible" } else { "per-admission deductible" }).into();
        if let Some(o) = d.by_order.as_ref().filter(|o| o.next_pct.is_some() && order > 0) {
            let pc = o.next_pct.as_ref().expect("filtered").get()?;
            // The share is at most 1: past a few dozen steps the amount no longer
            // changes at 28 places, so the loop is bounded whatever `admissions` says.
            let times = if o.compound { order.min(MAX_COMPOUND) } else { 1 };
            for _ in 0..times {
                a *= pc;
            }
            a = fen(a);
            if let Some(fl) = &o.floor {
                a = a.max(fl.get()?);
            }
            rule = o.rule.clone();
            text = format!("admission no. {} of the year: {} of the first", order + 1, super::trace::pct(pc)).into();
        }
        a
    };
    if let Some(lv) = level_note.filter(|_| from_table) {
        text = format!("{text} (at deductible level {lv}, dedc_hosp_lv)").into();
    }
    if let Some(t) = d.top_up.as_ref().filter(|t| t.when.matches(facts, None, g)) {
        let prior = run.claim.mdtrt.prior_leg_dedc.ok_or_else(|| {
            Error::claim(
                "mdtrt.prior_leg_dedc",
                format!(
                    "this leg bears only what its deductible exceeds the earlier leg's ({}): \
                     give the deductible borne on the earlier leg",
                    t.rule
                ),
            )
            .with_rule(t.rule.as_str())
        })?;
        amount = (amount - prior).max(Decimal::ZERO);
        rule = t.rule.clone();
        text = format!("{text}, less {} borne on the earlier leg (补差)", fen(prior)).into();
    }
    if let Some(c) = &d.acct_credit {
        let credit = run.claim.psn.acct_credit.ok_or_else(|| {
            Error::claim(
                "psn.acct_credit",
                format!(
                    "the yearly deductible first deducts the year's credit to the personal account ({}): \
                     give what was credited this year",
                    c.rule
                ),
            )
            .with_rule(c.rule.as_str())
        })?;
        amount += credit;
        text = if credit_only {
            format!("yearly deductible of the {} credited to the personal account this year", fen(credit)).into()
        } else {
            format!("{text} plus the {} credited to the personal account this year", fen(credit)).into()
        };
        run.trace.add(
            "deductible",
            c.rule.clone(),
            fen(credit),
            "the year's credit to the personal account, deducted first (先扣除本年度划入个人账户的金额)",
        );
    }
    let counter = d.counter.as_deref().unwrap_or(bucket);
    // A yearly deductible per disease (validation holds `per_disease` to
    // yearly ones) counts under `<counter>:<disease>`.
    let keyed;
    let counter = match run.claim.mdtrt.disease.as_deref().filter(|_| d.per_disease) {
        Some(dis) => {
            keyed = format!("{counter}:{dis}");
            keyed.as_str()
        }
        None => counter,
    };
    if d.per == Per::Year {
        let paid = Ytd::get(&run.ytd.dedc_paid_by, counter);
        amount = (amount - paid).max(Decimal::ZERO);
        text = format!("{text}, {paid} already borne this year").into();
    }
    if let Some(c) = &d.year_ceiling {
        let room = (c.get()? - run.ytd.dedc_paid).max(Decimal::ZERO);
        if room < amount {
            amount = room;
            rule = d.year_ceiling_rule.clone().unwrap_or(rule);
            text = format!("{text}; limited by the yearly ceiling on deductibles").into();
        }
    }
    let act = fen(amount.min(inscp));
    run.info.act_pay_dedc = act;
    run.delta.dedc_paid += act;
    if d.per == Per::Year {
        Ytd::add(&mut run.delta.dedc_paid_by, counter, act);
    }
    run.trace.add("deductible", rule, act, text);
    Ok(())
}
