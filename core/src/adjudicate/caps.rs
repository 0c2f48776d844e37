//! The room a fund cap leaves (封顶线, 限额): yearly, quarterly, monthly or
//! per claim, per disease, earned period by period, or set by the member's
//! certified diseases; and the accumulator keys a cap counts under.

use super::deductible::pick;
use super::trace::{push_dec, push_pct};
use super::Run;
use crate::date::Date;
use crate::error::Result;
use crate::money::{fen, Decimal};
use crate::policy::facts::Facts;
use crate::policy::schema::{Accrual, AccrualPeriod, AccrualStart, Cap, Combine, PerCert, Scope};
use crate::ytd::Ytd;

/// Keys a cap counts, for the claim's month and disease.
pub(super) fn cap_key<'a>(cap: &Cap, bucket: &'a str, f: &Facts) -> std::borrow::Cow<'a, str> {
    let disease = f.claim.mdtrt.disease.as_deref().filter(|_| cap.per_disease);
    let period = match cap.scope {
        Scope::Month => Some(f.counted_on.month_key()),
        Scope::Quarter => Some(f.counted_on.quarter_key()),
        Scope::Year | Scope::Claim => None,
    };
    if disease.is_none() && period.is_none() {
        return std::borrow::Cow::Borrowed(bucket);
    }
    let mut k = bucket.to_string();
    if let Some(d) = disease {
        k.push(':');
        k.push_str(d);
    }
    if let Some(p) = period {
        k.push('@');
        k.push_str(&p);
    }
    std::borrow::Cow::Owned(k)
}

/// The periods of the benefit year an accruing cap has earned by the visit:
/// from the year's first period (or the one its certification began in)
/// to the visit's, both counted.
fn periods_earned(a: &Accrual, run: &Run) -> i64 {
    let f = &run.facts;
    let (m, d) = run.body.year_start.map_or((1, 1), |s| (s.m, s.d));
    let first = Date { y: f.benefit_year, m, d };
    // Months of the benefit year before the one holding `day`.
    let index = |day: Date| i64::from(day.months_since(first).max(0));
    let start = match a.from {
        AccrualStart::Year => 0,
        AccrualStart::Certification => f.certified_since.map_or(0, index),
    };
    let len = match a.per {
        AccrualPeriod::Month => 1,
        AccrualPeriod::Quarter => 3,
    };
    (index(f.counted_on) / len - start / len + 1).max(1)
}

/// The amounts the member's certified diseases (in force on the visit's
/// date) bring to a [`PerCert`] cap, highest first: each row of `limits`
/// held (once, however many of its codes are held) and each code of
/// `diseases` held outside them.
fn cert_amounts(pc: &PerCert, run: &Run) -> Result<Vec<Decimal>> {
    use crate::policy::disease::disease_in;
    let g = &run.body.disease_groups;
    let day = run.facts.day();
    let mut rows = std::collections::BTreeSet::new();
    let mut codes = std::collections::BTreeSet::new();
    for c in run.claim.psn.chronic_certs.iter().filter(|c| c.in_force(day)) {
        match pc.limits.iter().position(|l| disease_in(&l.diseases, &c.disease, g)) {
            Some(i) => {
                rows.insert(i);
            }
            None if disease_in(&pc.diseases, &c.disease, g) => {
                codes.insert(c.disease.as_str());
            }
            None => {}
        }
    }
    let mut amounts = Vec::with_capacity(rows.len() + codes.len());
    for i in rows {
        amounts.push(pc.limits[i].amount.get()?);
    }
    if !codes.is_empty() {
        // Validation gives `amount` wherever `diseases` is given.
        let each = pc.amount.as_ref().map_or(Ok(Decimal::ZERO), |a| a.get())?;
        amounts.extend(codes.iter().map(|_| each));
    }
    amounts.sort_unstable_by(|a, b| b.cmp(a));
    Ok(amounts)
}

/// The cap of a [`PerCert`] before its ceiling: the amounts' sum, or the
/// highest and what each other adds.
fn cert_total(pc: &PerCert, amounts: &[Decimal]) -> Result<Decimal> {
    let Some((top, rest)) = amounts.split_first() else { return Ok(Decimal::ZERO) };
    if pc.combine == Combine::Sum {
        return Ok(amounts.iter().sum());
    }
    let mut total = *top;
    if let Some(m) = &pc.more_each {
        total += m.get()? * Decimal::from(rest.len());
    }
    if let Some(s) = &pc.more_share {
        total += s.get()? * rest.iter().sum::<Decimal>();
    }
    Ok(total)
}

/// The cap the member's certified diseases make, up to the ceiling, to
/// the fen.
fn cert_amount(pc: &PerCert, run: &Run) -> Result<Decimal> {
    let total = cert_total(pc, &cert_amounts(pc, run)?)?;
    Ok(fen(match &pc.ceiling {
        Some(c) => total.min(c.get()?),
        None => total,
    }))
}

/// How a [`PerCert`] cap was made, for the trace: `the member's certified
/// diseases: the highest 1500.00 + 50% of 1200.00 = 2100.00`.
pub(super) fn cert_text(pc: &PerCert, run: &Run) -> Result<String> {
    let amounts = cert_amounts(pc, run)?;
    let mut text = String::from("the member's certified diseases: ");
    let Some((top, rest)) = amounts.split_first() else {
        text.push_str("none");
        return Ok(text);
    };
    if pc.combine == Combine::Sum {
        for (i, a) in amounts.iter().enumerate() {
            text.push_str(if i == 0 { "" } else { " + " });
            push_dec(&mut text, fen(*a));
        }
    } else {
        text.push_str("the highest ");
        push_dec(&mut text, fen(*top));
        for a in rest {
            if let Some(m) = &pc.more_each {
                text.push_str(" + ");
                push_dec(&mut text, fen(m.get()?));
            }
            if let Some(s) = &pc.more_share {
                text.push_str(" + ");
                push_pct(&mut text, s.get()?);
                text.push_str(" of ");
                push_dec(&mut text, fen(*a));
            }
        }
    }
    let total = cert_total(pc, &amounts)?;
    text.push_str(" = ");
    push_dec(&mut text, fen(total));
    if let Some(c) = &pc.ceiling {
        let c = c.get()?;
        if c < total {
            text.push_str(", at most ");
            push_dec(&mut text, fen(c));
        }
    }
    Ok(text)
}

/// What is left under a cap before this claim.
pub(super) fn cap_room(run: &Run, cap: &Cap, name: &str) -> Result<Decimal> {
    let g = &run.body.disease_groups;
    let amount = match (&cap.amount, &cap.per_cert) {
        (Some(a), _) => pick(a, &run.facts, g, &|| format!("caps.{name}.amount"))?.get()?,
        (None, Some(pc)) => cert_amount(pc, run)?,
        (None, None) => Decimal::ZERO,
    };
    if cap.scope == Scope::Claim {
        return Ok(amount);
    }
    let amount = match &cap.accrues {
        Some(a) => amount * Decimal::from(periods_earned(a, run)),
        None => amount,
    };
    let used: Decimal = cap.buckets.iter().map(|b| Ytd::get(&run.ytd.benefit_paid, &cap_key(cap, b, &run.facts))).sum();
    Ok((amount - used).max(Decimal::ZERO))
}
