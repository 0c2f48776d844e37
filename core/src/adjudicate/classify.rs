//! Stage 3: each fee line is split into fully self-paid (全自费), over the price
//! or counted limit (超限价), pre-self-pay (先行自付) and in scope (符合范围).
//! Splits are rounded per line, so the line identity holds exactly.

use super::Run;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{fen, zero, Decimal};
use crate::policy::param;
use crate::policy::schema::{ItemCapPer, Rid};
use crate::settlement::LineResult;

/// The rule the line classes and pre-self-pay are cited under.
pub(crate) const CLASS: &str = "GEN-CLASS";
/// The rule an amount over a price limit is cited under.
pub(crate) const PRICE_CAP: &str = "GEN-PRICE-CAP";

/// Classifies every line and fills the setlinfo sums.
pub fn lines(run: &mut Run) -> Result<()> {
    let body = run.body;
    let groups = &body.disease_groups;
    let (_, ben, _) = run.chosen()?;
    let mut cap_left: Vec<Option<Decimal>> = vec![None; body.item_caps.len()];
    let (mut fulamt, mut over, mut pre, mut inscp) = (zero(), zero(), zero(), zero());
    let mut excl_rules: Vec<(Rid, Decimal)> = Vec::new();
    // Pre-self-pay by the policy's table, by the rule of the row that gave it.
    let mut pre_rules: Vec<(Rid, Decimal)> = Vec::new();
    // Added pre-self-pay, by rule.
    let mut added_rules: Vec<(Rid, Decimal)> = Vec::new();
    // Amounts over the price limit or a counted limit, by the rule that cut them.
    let mut over_rules: Vec<(Rid, Decimal)> = Vec::new();
    let mut waived = zero();
    let stay_days = run.facts.stay_days;
    for (i, l) in run.claim.feedetail.iter().enumerate() {
        let sum = fen(l.det_item_fee_sumamt);
        let mut r = LineResult {
            feedetl_sn: l.feedetl_sn.clone(),
            det_item_fee_sumamt: sum,
            fulamt_ownpay_amt: zero(),
            overlmt_amt: zero(),
            preselfpay_amt: zero(),
            inscp_scp_amt: zero(),
            selfpay_prop: Decimal::new(0, 4),
            rules: Default::default(),
        };
        let excluded = exclusion(run, i)?;
        let restricted = l.lmt_used_flag.as_deref() == Some("1") && l.hosp_appr_flag.as_deref() != Some("1");
        if let Some(rule) = excluded {
            r.fulamt_ownpay_amt = sum;
            excl_rules.push((rule.clone(), sum));
            r.rules.push(rule);
        } else if l.chrgitm_lv == "03" || restricted {
            r.fulamt_ownpay_amt = sum;
            r.rules.push(CLASS.into());
        } else {
            let mut rest = sum;
            if let Some(limit) = l.pric_uplmt_amt {
                if l.pric > limit {
                    let o = fen((l.pric - limit) * l.cnt).min(rest);
                    r.overlmt_amt = o;
                    rest -= o;
                    r.rules.push(PRICE_CAP.into());
                    add_to(&mut over_rules, &PRICE_CAP.into(), o);
                }
            }
            for (k, ic) in body.item_caps.iter().enumerate() {
                if !ic.when.matches(&run.facts, Some(l), groups) {
                    continue;
                }
                // To the fen, so that what counts keeps the scale of money.
                let limit = fen(ic.limit.get().map_err(|e| at_line(e, i))?);
                let room = match ic.per {
                    ItemCapPer::Line => limit,
                    // Rounded to the fen once, like the line's own amount.
                    ItemCapPer::Unit => fen(limit * l.cnt),
                    ItemCapPer::Claim => *cap_left[k].get_or_insert(limit),
                    ItemCapPer::Day => *cap_left[k].get_or_insert_with(|| fen(limit * Decimal::from(stay_days))),
                };
                let counted = rest.min(room.max(Decimal::ZERO));
                let o = rest - counted;
                if matches!(ic.per, ItemCapPer::Claim | ItemCapPer::Day) {
                    cap_left[k] = Some(room - counted);
                }
                if !o.is_zero() {
                    r.overlmt_amt += o;
                    rest = counted;
                    r.rules.push(ic.rule.clone());
                    add_to(&mut over_rules, &ic.rule, o);
                }
            }
            let mut table_rule = None;
            let ratio = if let Some(np) = ben.no_preselfpay.as_ref().filter(|_| l.chrgitm_lv == "02") {
                r.rules.push(np.rule.clone());
                waived += rest;
                Decimal::ZERO
            } else if let Some(p) = l.selfpay_prop {
                p
            } else if let Some((value, rule)) = body.preselfpay.as_ref().and_then(|t| t.pick(&run.facts, l, groups)) {
                table_rule = Some(rule);
                value.get().map_err(|e| at_line(e, i))?
            } else if l.chrgitm_lv == "01" {
                Decimal::ZERO
            } else {
                let mut e = param::missing("preselfpay", CLASS);
                e.path = Some(format!("feedetail[{i}].selfpay_prop"));
                e.message = format!(
                    "class-B line `{}` carries no selfpay_prop and the policy gives no pre-self-pay ratio for it; \
                     send selfpay_prop, or set `preselfpay` in a policy file that extends the pack",
                    l.feedetl_sn
                );
                return Err(e);
            };
            let p = fen(rest * ratio);
            match table_rule.filter(|_| !p.is_zero()) {
                Some(rule) => {
                    r.rules.push(rule.clone());
                    add_to(&mut pre_rules, rule, p);
                }
                None if r.rules.is_empty() || !p.is_zero() => r.rules.push(CLASS.into()),
                None => {}
            }
            let (mut more, mut applied) = (zero(), ratio);
            if let Some((value, rule)) = body.added_preselfpay.as_ref().and_then(|t| t.pick(&run.facts, l, groups)) {
                let x = value.get().map_err(|e| at_line(e, i))?;
                more = fen((rest - p) * x);
                if !more.is_zero() {
                    r.rules.push(rule.clone());
                    add_to(&mut added_rules, rule, more);
                }
                // The two shares one after the other: 1 − (1 − class) × (1 − added).
                applied = Decimal::ONE - (Decimal::ONE - ratio) * (Decimal::ONE - x);
            }
            r.preselfpay_amt = p + more;
            r.inscp_scp_amt = rest - p - more;
            r.selfpay_prop = applied.round_dp(4);
            r.selfpay_prop.rescale(4);
        }
        fulamt += r.fulamt_ownpay_amt;
        over += r.overlmt_amt;
        pre += r.preselfpay_amt;
        inscp += r.inscp_scp_amt;
        run.lines.push(r);
    }
    let info = &mut run.info;
    info.fulamt_ownpay_amt = fulamt;
    info.overlmt_selfpay = over;
    info.preselfpay_amt = pre;
    info.inscp_scp_amt = inscp;
    info.medfee_sumamt = fulamt + over + pre + inscp;
    run.trace.add("classify", CLASS, info.medfee_sumamt, "total charges of the fee lines");
    let mut excl_total = zero();
    for (rule, amt) in &excl_rules {
        excl_total += *amt;
        run.trace.add("classify", rule.clone(), *amt, "excluded category: fully self-paid");
    }
    if fulamt > excl_total {
        run.trace.add("classify", CLASS, fulamt - excl_total, "self-pay items (class C, restricted without approval)");
    }
    for (rule, amt) in over_rules {
        let why = if rule == PRICE_CAP { "over the price limit" } else { "over the counted limit" };
        run.trace.add("classify", rule, amt, why);
    }
    let by_table: Decimal = pre_rules.iter().chain(&added_rules).map(|(_, a)| *a).sum();
    if pre > by_table {
        run.trace.add("classify", CLASS, pre - by_table, "pre-self-pay of class-B items");
    }
    for (rule, amt) in pre_rules {
        run.trace.add("classify", rule, amt, "pre-self-pay by the policy's ratio for the item's class");
    }
    for (rule, amt) in added_rules {
        run.trace.add("classify", rule, amt, "pre-self-pay added before the deductible");
    }
    if let Some(np) = ben.no_preselfpay.as_ref().filter(|_| !waived.is_zero()) {
        run.trace.add("classify", np.rule.clone(), waived, "class-B items carry no pre-self-pay under this benefit");
    }
    run.trace.add("classify", CLASS, inscp, "in scope (符合政策范围)");
    Ok(())
}

/// Adds `amount` to the running total of `rule`.
fn add_to(totals: &mut Vec<(Rid, Decimal)>, rule: &Rid, amount: Decimal) {
    match totals.iter_mut().find(|(x, _)| x == rule) {
        Some((_, a)) => *a += amount,
        None => totals.push((rule.clone(), amount)),
    }
}

fn at_line(mut e: Error, i: usize) -> Error {
    if e.code == ErrorCode::PolicyParameterMissing {
        e.message = format!("{} (needed for feedetail[{i}])", e.message);
    }
    e
}

/// The exclusion rule that makes line `i` fully self-paid, if any.
fn exclusion(run: &Run, i: usize) -> Result<Option<Rid>> {
    let l = &run.claim.feedetail[i];
    let groups = &run.body.disease_groups;
    let excls = &run.body.exclusions;
    if let Some(cat) = &l.excl {
        let Some(e) = excls.get(cat) else {
            let known: Vec<&str> = excls.iter().map(|(k, _)| k.as_str()).collect();
            return Err(Error::at(
                ErrorCode::UnknownCode,
                format!("feedetail[{i}].excl"),
                format!(
                    "exclusion category `{cat}` is not defined by this policy (it defines: {})",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ),
            ));
        };
        if !e.unless.as_ref().is_some_and(|u| u.matches(&run.facts, Some(l), groups)) {
            return Ok(Some(e.rule.clone()));
        }
        return Ok(None);
    }
    for (_, e) in excls.iter() {
        if let Some(w) = &e.when {
            if w.matches(&run.facts, Some(l), groups)
                && !e.unless.as_ref().is_some_and(|u| u.matches(&run.facts, Some(l), groups))
            {
                return Ok(Some(e.rule.clone()));
            }
        }
    }
    Ok(None)
}
