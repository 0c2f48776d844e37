//! Stage 5: the basic pooling fund (统筹基金) — ratio by any claim fact, flat
//! or by cost band, modifiers, a yearly eligible-cost ceiling, and caps shared
//! between benefits. The payment is computed exactly and rounded once.
//! The ratio and its modifiers are in [`super::ratio`], lines paid at a ratio
//! of their own in [`super::line_ratio`], and the room a cap leaves in
//! [`super::caps`].

use super::caps::{cap_key, cap_room, cert_text};
use super::deductible::pick_row;
use super::line_ratio::{by_line, ClaimRatio};
use super::ratio::{adjusted, banded, banded_reach, cite, claim_adjusts, modifier_text};
use super::trace::{push_dec, push_pct};
use super::Run;
use crate::error::Result;
use crate::money::{fen, Decimal};
use crate::policy::schema::{Ratio, Scope, SegmentBasis, SegmentMeasure};
use crate::ytd::Ytd;

/// Decides `hifp_pay` (or the benefit's fund) and the overflow above ceilings and caps.
pub fn apply(run: &mut Run) -> Result<()> {
    let (id, ben, bucket) = run.chosen()?;
    let f = &ben.fund;
    let g = &run.body.disease_groups;
    let inscp = run.inscp();
    let mut base = (inscp - run.info.act_pay_dedc).max(Decimal::ZERO);
    let mut rules = vec![f.rule.clone()];
    let mut notes = Vec::new();
    // Yearly eligible-cost ceiling: what lies above it overflows.
    let mut over_ceiling = Decimal::ZERO;
    if let Some(c) = &f.eligible_ceiling {
        let counted = if c.after_deductible { base } else { inscp };
        let keys: Vec<&str> =
            if c.buckets.is_empty() { vec![bucket] } else { c.buckets.iter().map(String::as_str).collect() };
        let used: Decimal = keys.iter().map(|k| Ytd::get(&run.ytd.eligible_sum, k)).sum();
        let room = (c.amount.get()? - used).max(Decimal::ZERO);
        over_ceiling = (counted - room).max(Decimal::ZERO).min(base);
        base -= over_ceiling;
        Ytd::add(&mut run.delta.eligible_sum, bucket, counted);
        if !over_ceiling.is_zero() {
            cite(&mut rules, &c.rule);
            notes.push(format!("{over_ceiling} above the yearly eligible-cost ceiling"));
        }
    }
    // Ratio, flat or by cost band.
    let (ratio, row_rule) = pick_row(&f.ratio, &run.facts, g, &|| format!("benefits.{id}.fund.ratio"))?;
    if let Some(r) = row_rule {
        rules[0] = r.into();
    }
    // The band span of a segmented ratio, while every line is paid by band.
    let mut span = None;
    let (raw, shown) = if base.is_zero() {
        (Decimal::ZERO, None)
    } else {
        match ratio {
            Ratio::Flat(p) => {
                let r = adjusted(p.get()?, claim_adjusts(&f.adjust, run), &mut rules)?;
                (base * r, Some(r))
            }
            Ratio::Segmented { segments, basis, measure } => {
                let start = match basis {
                    SegmentBasis::Claim => Decimal::ZERO,
                    SegmentBasis::Year => Ytd::get(&run.ytd.eligible_sum, &format!("seg:{bucket}")),
                };
                // Measured on the in-scope amount, the bands count the
                // deductible this claim bore before the fund's share begins.
                let below = match measure {
                    SegmentMeasure::AboveDeductible => Decimal::ZERO,
                    SegmentMeasure::InScope => run.info.act_pay_dedc.min(inscp).max(Decimal::ZERO),
                };
                if *basis == SegmentBasis::Year {
                    Ytd::add(&mut run.delta.eligible_sum, &format!("seg:{bucket}"), below + base);
                }
                let mut adj_rules = Vec::new();
                span = Some((start + below, start + below + base));
                let raw = banded(segments, start + below, start + below + base, |s| {
                    adjusted(s.ratio.get()?, claim_adjusts(&f.adjust, run), &mut adj_rules)
                })?;
                for r in &adj_rules {
                    cite(&mut rules, r);
                }
                notes.push(match measure {
                    SegmentMeasure::AboveDeductible => "by cost band".to_string(),
                    SegmentMeasure::InScope => "by cost band counted on the in-scope amount".to_string(),
                });
                (raw, None)
            }
        }
    };
    // Line modifiers: the lines they match are paid at their own ratio.
    let (raw, shown) = if base.is_zero() || !f.adjust.iter().any(|a| a.when.tests_line()) {
        (raw, shown)
    } else {
        let claim = match (ratio, span) {
            (Ratio::Segmented { segments, .. }, Some((lo, _))) => ClaimRatio::Banded { segments, lo },
            _ => ClaimRatio::Flat(shown.unwrap_or_else(|| raw / base)),
        };
        let at = notes.len();
        let (extra, changed) = by_line(run, &f.adjust, &claim, base, f.line_deductible, &mut rules, &mut notes)?;
        if let Some(r) = shown.filter(|_| notes.len() > at) {
            let mut note = String::with_capacity(48);
            push_pct(&mut note, r);
            note.push_str(" of ");
            push_dec(&mut note, fen(base - changed));
            note.push_str(" on the other lines");
            notes.insert(at, note);
        }
        if extra.is_zero() {
            (raw, shown)
        } else {
            span = None;
            ((raw + extra).max(Decimal::ZERO).min(base), None)
        }
    };
    // Caps.
    let mut limit: Option<Decimal> = None;
    let mut cap_rule = None;
    let mut cap_set = None;
    for cr in &f.caps {
        let cap = run.cap(&cr.cap)?;
        let room = cap_room(run, cap, &cr.cap)?;
        if limit.is_none_or(|l| room < l) {
            limit = Some(room);
            cap_rule = Some(cr.rule.clone().unwrap_or_else(|| cap.rule.clone()));
            // Validation gives a cap `amount` or `per_cert`, never both.
            cap_set = cap.per_cert.as_ref();
        }
    }
    let capped = limit.map_or(raw, |l| raw.min(l));
    let paid = fen(capped);
    let mut over_cap = Decimal::ZERO;
    if capped < raw {
        // The eligible cost beyond the point where the fund's payment reaches
        // the cap: by band where the ratio is banded, else at the one ratio
        // (or, with line modifiers, the claim's average ratio).
        over_cap = match (ratio, span) {
            (Ratio::Segmented { segments, .. }, Some((lo, hi))) => {
                let reach = banded_reach(segments, lo, hi, capped, |s| {
                    adjusted(s.ratio.get()?, claim_adjusts(&f.adjust, run), &mut Vec::new())
                })?;
                fen(hi - reach)
            }
            _ => fen(base * (raw - capped) / raw),
        };
        let r = cap_rule.clone().unwrap_or_else(|| f.rule.clone());
        notes.push(format!("capped by {r}: {} left this period", fen(limit.unwrap_or_default())));
        cite(&mut rules, &r);
        run.notices.push(crate::settlement::Notice {
            code: "CAP_REACHED".into(),
            rule: r.to_string(),
            message: format!("the fund cap is reached; {} of eligible cost is not paid by the basic fund", over_cap),
            materials: Vec::new(),
            deadline: None,
            lines: Vec::new(),
        });
    }
    run.overflow = over_ceiling + over_cap;
    run.info.pool_prop_selfpay = match shown {
        Some(r) => r,
        None if !base.is_zero() => (raw / base).round_dp(4),
        None => Decimal::ZERO,
    };
    run.info.pool_prop_selfpay.rescale(4);
    // Accumulate the fund's payment in the benefit bucket and every cap key.
    Ytd::add(&mut run.delta.benefit_paid, bucket, paid);
    for cr in &f.caps {
        let cap = run.cap(&cr.cap)?;
        let k = cap_key(cap, bucket, &run.facts);
        if *k != *bucket && cap.scope != Scope::Claim {
            Ytd::add(&mut run.delta.benefit_paid, &k, paid);
        }
    }
    if ben.admission && !run.claim.mdtrt.referral_leg {
        run.delta.admissions += 1;
    }
    run.delta.cost_sum += run.info.medfee_sumamt;
    let mut text = String::with_capacity(64);
    if let Some(r) = shown {
        push_pct(&mut text, r);
        text.push_str(" of ");
    }
    push_dec(&mut text, fen(base));
    text.push_str(" above the deductible");
    for n in &notes {
        text.push_str("; ");
        text.push_str(n);
    }
    let lim = limit.unwrap_or(base).max(Decimal::ZERO);
    run.pay(&f.fund_pay_type, base, lim, paid, &rules, &text);
    let ceiling_rule = f.eligible_ceiling.as_ref().filter(|_| !over_ceiling.is_zero()).map(|c| &c.rule);
    let cap_hit = cap_rule.as_ref().filter(|_| !over_cap.is_zero());
    for r in &rules[1..] {
        let why = if Some(r) == cap_hit {
            let set = match cap_set {
                Some(pc) => format!(" ({})", cert_text(pc, run)?),
                None => String::new(),
            };
            format!("{r}: the fund's cap, {} left this period{set}; {over_cap} of eligible cost above it", fen(lim))
        } else if Some(r) == ceiling_rule {
            format!("{r}: {over_ceiling} above the yearly eligible-cost ceiling")
        } else {
            modifier_text(r, &f.adjust, run)?
        };
        run.trace.add("fund", r.clone(), paid, why);
    }
    run.trace.add("fund", rules[0].clone(), paid, text);
    Ok(())
}
