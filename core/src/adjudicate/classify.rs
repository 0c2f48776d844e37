//! Stage 3: each fee line is split into fully self-paid (全自费), over the price
//! or counted limit (超限价), pre-self-pay (先行自付) and in scope (符合范围).
//! Splits are rounded per line, so the line identity holds exactly.

use super::Run;
use crate::claim::FeeLine;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{fen, zero, Decimal};
use crate::policy::facts::Facts;
use crate::policy::param;
use crate::policy::schema::{Benefit, Body, ItemCapPer, Rid};
use crate::settlement::LineResult;
use rust_decimal::RoundingStrategy;
use smallvec::SmallVec;

/// The rule the line classes and pre-self-pay are cited under.
pub(crate) const CLASS: &str = "GEN-CLASS";
/// The rule an amount over a price limit is cited under.
pub(crate) const PRICE_CAP: &str = "GEN-PRICE-CAP";

/// Classifies every line and fills the setlinfo sums: each line's own
/// classes and price limit, then the counted limits across the lines, then
/// each line's pre-self-pay.
pub fn lines(run: &mut Run) -> Result<()> {
    let body = run.body;
    let (_, ben, _) = run.chosen()?;
    let mut excl_rules: Vec<(Rid, Decimal)> = Vec::new();
    // Amounts over the price limit or a counted limit, by the rule that cut them.
    let mut over_rules: Vec<(Rid, Decimal)> = Vec::new();
    let mut tally = Tally::default();
    // Which lines are priced (neither excluded nor self-paid by class). A
    // priced line's `inscp_scp_amt` holds what still counts until the
    // counted limits, which may be shared by the lines, have applied; its
    // pre-self-pay comes after them.
    let mut priced: SmallVec<[bool; 64]> = SmallVec::with_capacity(run.claim.feedetail.len());
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
        let restricted = l.restricted_unapproved();
        let is_priced = excluded.is_none() && l.chrgitm_lv != "03" && !restricted;
        if let Some(rule) = excluded {
            r.fulamt_ownpay_amt = sum;
            r.selfpay_prop = LineResult::ALL_SELF;
            excl_rules.push((rule.clone(), sum));
            r.rules.push(rule);
        } else if !is_priced {
            r.fulamt_ownpay_amt = sum;
            r.selfpay_prop = LineResult::ALL_SELF;
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
            r.inscp_scp_amt = rest;
        }
        priced.push(is_priced);
        run.lines.push(r);
    }
    item_caps(run, &priced, &mut over_rules)?;
    for (i, l) in run.claim.feedetail.iter().enumerate() {
        if priced[i] {
            preselfpay(body, ben, &run.facts, i, l, &mut run.lines[i], &mut tally)?;
        }
    }
    let (mut fulamt, mut over, mut pre, mut inscp) = (zero(), zero(), zero(), zero());
    for r in &run.lines {
        fulamt += r.fulamt_ownpay_amt;
        over += r.overlmt_amt;
        pre += r.preselfpay_amt;
        inscp += r.inscp_scp_amt;
    }
    let Tally { pre_rules, added_rules, waived } = tally;
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
        run.trace.add("classify", CLASS, fulamt - excl_total, "self-pay items (class C, not approved by the hospital)");
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

/// The pre-self-pay amounts by the rules that gave them.
#[derive(Default)]
struct Tally {
    /// Pre-self-pay by the policy's table, by the rule of the row that gave it.
    pre_rules: Vec<(Rid, Decimal)>,
    /// Added pre-self-pay, by rule.
    added_rules: Vec<(Rid, Decimal)>,
    /// Class-B amounts a benefit's `no_preselfpay` spared.
    waived: Decimal,
}

/// Splits what priced line `i` still counts (its `inscp_scp_amt` on entry)
/// into pre-self-pay (先行自付) and in scope.
fn preselfpay(
    body: &Body,
    ben: &Benefit,
    facts: &Facts,
    i: usize,
    l: &FeeLine,
    r: &mut LineResult,
    tally: &mut Tally,
) -> Result<()> {
    let groups = &body.disease_groups;
    let rest = r.inscp_scp_amt;
    let mut table_rule = None;
    let ratio = if let Some(np) = ben.no_preselfpay.as_ref().filter(|_| l.chrgitm_lv == "02") {
        r.rules.push(np.rule.clone());
        tally.waived += rest;
        Decimal::ZERO
    } else if let Some(p) = l.selfpay_prop {
        p
    } else if let Some((value, rule)) = body.preselfpay.as_ref().and_then(|t| t.pick(facts, l, groups)) {
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
            add_to(&mut tally.pre_rules, rule, p);
        }
        None if r.rules.is_empty() || !p.is_zero() => r.rules.push(CLASS.into()),
        None => {}
    }
    let (mut more, mut applied) = (zero(), ratio);
    if let Some((value, rule)) = body.added_preselfpay.as_ref().and_then(|t| t.pick(facts, l, groups)) {
        let x = value.get().map_err(|e| at_line(e, i))?;
        more = fen((rest - p) * x);
        if !more.is_zero() {
            r.rules.push(rule.clone());
            add_to(&mut tally.added_rules, rule, more);
        }
        // The two shares one after the other: 1 − (1 − class) × (1 − added).
        applied = Decimal::ONE - (Decimal::ONE - ratio) * (Decimal::ONE - x);
    }
    r.preselfpay_amt = p + more;
    r.inscp_scp_amt = rest - p - more;
    r.selfpay_prop = applied.round_dp(4);
    r.selfpay_prop.rescale(4);
    Ok(())
}

/// The counted limits (GEN-ITEM-CAP), in file order, each on what the ones
/// before it left of the priced lines it matches. A limit of a line or of a
/// unit cuts each line alone; a limit of the claim or of the stay's days is
/// shared by the lines it matches, and what they bring over it is cut from
/// each in proportion to what it brings ([`pro_rata`]), so that the order of
/// the lines does not change who bears it.
fn item_caps(run: &mut Run, priced: &[bool], over_rules: &mut Vec<(Rid, Decimal)>) -> Result<()> {
    let body = run.body;
    let groups = &body.disease_groups;
    let (mut matching, mut cuts) = (Vec::new(), Vec::new());
    for ic in &body.item_caps {
        matching.clear();
        let lines = run.claim.feedetail.iter().enumerate();
        matching
            .extend(lines.filter(|(i, l)| priced[*i] && ic.when.matches(&run.facts, Some(l), groups)).map(|(i, _)| i));
        let Some(&first) = matching.first() else { continue };
        // To the fen, so that what counts keeps the scale of money.
        let limit = fen(ic.limit.get().map_err(|e| at_line(e, first))?);
        cuts.clear();
        // What a line counts beyond `room` is cut from it.
        let beyond = |rest: Decimal, room: Decimal| rest - rest.min(room.max(Decimal::ZERO));
        let shared = match ic.per {
            ItemCapPer::Line => {
                cuts.extend(matching.iter().map(|&i| beyond(run.lines[i].inscp_scp_amt, limit)));
                None
            }
            // Rounded to the fen once, like the line's own amount.
            ItemCapPer::Unit => {
                let room = |i: usize| fen(limit * run.claim.feedetail[i].cnt);
                cuts.extend(matching.iter().map(|&i| beyond(run.lines[i].inscp_scp_amt, room(i))));
                None
            }
            ItemCapPer::Claim => Some(limit),
            ItemCapPer::Day => Some(fen(limit * Decimal::from(run.facts.stay_days))),
        };
        if let Some(room) = shared {
            let total: Decimal = matching.iter().map(|&i| run.lines[i].inscp_scp_amt).sum();
            pro_rata(beyond(total, room), total, &matching, &run.lines, &mut cuts);
        }
        for (&i, &o) in matching.iter().zip(&cuts) {
            if !o.is_zero() {
                let r = &mut run.lines[i];
                r.overlmt_amt += o;
                r.inscp_scp_amt -= o;
                r.rules.push(ic.rule.clone());
                add_to(over_rules, &ic.rule, o);
            }
        }
    }
    Ok(())
}

/// Cuts `over` from the lines `at`, whose counted amounts sum to `total`, in
/// proportion to each line's counted amount, to the fen: each line's share
/// rounded down, then a fen more for the lines with the largest remainders
/// (on a tie, the larger line, then the smaller serial number by [`serial_order`]) until the
/// cuts make `over`. A line is never cut by more than it counts.
fn pro_rata(over: Decimal, total: Decimal, at: &[usize], lines: &[LineResult], cuts: &mut Vec<Decimal>) {
    if over.is_zero() {
        cuts.resize(at.len(), zero());
        return;
    }
    let mut left = over;
    let mut remainders = Vec::with_capacity(at.len());
    for (k, &i) in at.iter().enumerate() {
        // `over ≤ total`, so the share is at most the line's own amount.
        let exact = over * lines[i].inscp_scp_amt / total;
        let mut cut = exact.round_dp_with_strategy(2, RoundingStrategy::ToZero);
        cut.rescale(2);
        left -= cut;
        cuts.push(cut);
        remainders.push((exact - cut, k));
    }
    let line = |k: usize| &lines[at[k]];
    remainders.sort_by(|(ra, a), (rb, b)| {
        rb.cmp(ra)
            .then_with(|| line(*b).inscp_scp_amt.cmp(&line(*a).inscp_scp_amt))
            .then_with(|| serial_order(&line(*a).feedetl_sn, &line(*b).feedetl_sn))
    });
    // The fens left are fewer than the lines with a remainder: each such
    // line's share lies strictly between its rounded cut and its amount.
    let cent = Decimal::new(1, 2);
    for (_, k) in remainders {
        if left <= Decimal::ZERO {
            break;
        }
        cuts[k] += cent;
        left -= cent;
    }
}

/// The order of two fee-line serial numbers (`feedetl_sn`): numbers by
/// value (`9` before `10`, leading zeros aside), before any serial that is
/// not all digits; those byte by byte. A total order, whatever the serials.
pub(crate) fn serial_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> (bool, usize, &[u8]) {
        if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) {
            let digits = s.trim_start_matches('0');
            (false, digits.len(), digits.as_bytes())
        } else {
            (true, 0, s.as_bytes())
        }
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
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

#[cfg(test)]
mod tests {
    use super::serial_order;
    use std::cmp::Ordering;

    #[test]
    fn serials_order_by_value_then_byte_by_byte() {
        let mut sns = ["10", "9", "A1", "010", "1x", "0", "", "00", "2"];
        sns.sort_by(|a, b| serial_order(a, b));
        assert_eq!(sns, ["0", "00", "2", "9", "010", "10", "", "1x", "A1"]);
        // A total order: every triple is consistent.
        for a in sns {
            assert_eq!(serial_order(a, a), Ordering::Equal);
            for b in sns {
                assert_eq!(serial_order(a, b), serial_order(b, a).reverse());
                for c in sns {
                    if serial_order(a, b).is_le() && serial_order(b, c).is_le() {
                        assert!(serial_order(a, c).is_le(), "{a} {b} {c}");
                    }
                }
            }
        }
    }
}
