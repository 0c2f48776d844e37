//! The basic fund's ratio (报销比例): the modifiers that move it ("N points
//! lower", retirees' points, a ratio of its own), and cost bands (分段), with
//! the point at which a band-by-band payment reaches a cap.

use super::trace::{push_dec, push_pct};
use super::Run;
use crate::error::Result;
use crate::money::Decimal;
use crate::policy::schema::{Adjust, Rid, Segment};

/// A ratio after the given modifiers, in order, clamped to 0–1; their rules
/// are added to `rules`. A modifier's `max` holds what it raises, its `min`
/// what it cuts, without moving a ratio that was already beyond them.
pub(super) fn adjusted<'x>(r: Decimal, adj: impl Iterator<Item = &'x Adjust>, rules: &mut Vec<Rid>) -> Result<Decimal> {
    let mut r = r;
    for a in adj {
        let before = r;
        if let Some(d) = &a.delta {
            r += d.get()?;
        }
        if let Some(f) = &a.factor {
            r *= f.get()?;
        }
        if let Some(f) = &a.share_factor {
            r = Decimal::ONE - f.get()? * (Decimal::ONE - r);
        }
        if let Some(v) = &a.set {
            r = v.get()?;
        }
        if let Some(m) = &a.max {
            r = r.min(m.get()?.max(before));
        }
        if let Some(m) = &a.min {
            r = r.max(m.get()?.min(before));
        }
        cite(rules, &a.rule);
    }
    Ok(r.max(Decimal::ZERO).min(Decimal::ONE))
}

/// What the modifiers citing `rule` do to the ratio, for the trace:
/// `EX-RETIREE: ratio +5 points, at most 95%`. Of a rule cited by several
/// modifiers, the ones that hold for the claim (or test a line) are given.
pub(super) fn modifier_text(rule: &Rid, adj: &[Adjust], run: &Run) -> Result<String> {
    let mut text = format!("{rule}: ratio");
    let g = &run.body.disease_groups;
    let held = adj.iter().filter(|a| a.rule == *rule && (a.when.tests_line() || a.when.matches(&run.facts, None, g)));
    for (i, a) in held.enumerate() {
        if i > 0 {
            text.push(';');
        }
        if let Some(d) = &a.delta {
            let d = d.get()?;
            text.push_str(if d.is_sign_negative() { " −" } else { " +" });
            push_dec(&mut text, (d.abs() * Decimal::ONE_HUNDRED).normalize());
            text.push_str(" points");
        }
        if let Some(f) = &a.factor {
            text.push_str(" × ");
            push_dec(&mut text, f.get()?.normalize());
        }
        if let Some(f) = &a.share_factor {
            text.push_str(" with the member's part × ");
            push_dec(&mut text, f.get()?.normalize());
        }
        if let Some(v) = &a.set {
            text.push(' ');
            push_pct(&mut text, v.get()?);
        }
        for (bound, word) in [(&a.max, "at most"), (&a.min, "at least")] {
            if let Some(b) = bound {
                text.push_str(", ");
                text.push_str(word);
                text.push(' ');
                push_pct(&mut text, b.get()?);
            }
        }
        if a.when.tests_line() {
            text.push_str(" on the lines it names");
        }
    }
    Ok(text)
}

/// The modifiers that hold for the whole claim (those that test no line field).
pub(super) fn claim_adjusts<'x>(adj: &'x [Adjust], run: &'x Run) -> impl Iterator<Item = &'x Adjust> {
    adj.iter().filter(|a| !a.when.tests_line() && a.when.matches(&run.facts, None, &run.body.disease_groups))
}

/// Adds `rule` to the rules a payment cites, once.
pub(super) fn cite(rules: &mut Vec<Rid>, rule: &Rid) {
    if !rules.contains(rule) {
        rules.push(rule.clone());
    }
}

/// The part `[a, b)` of a band that lies in `[lo, hi)`, if any.
pub(super) fn overlap(s: &Segment, lo: Decimal, hi: Decimal) -> Result<Option<(Decimal, Decimal)>> {
    let a = lo.max(s.from.get()?);
    let b = match &s.to {
        Some(t) => hi.min(t.get()?),
        None => hi,
    };
    Ok((b > a).then_some((a, b)))
}

/// Σ over bands of (overlap of `[lo, hi)` with the band) × ratio.
pub fn banded(
    segs: &[Segment],
    lo: Decimal,
    hi: Decimal,
    mut ratio_of: impl FnMut(&Segment) -> Result<Decimal>,
) -> Result<Decimal> {
    let mut total = Decimal::ZERO;
    for s in segs {
        if let Some((a, b)) = overlap(s, lo, hi)? {
            total += (b - a) * ratio_of(s)?;
        }
    }
    Ok(total)
}

/// The cost in `lo..hi` at which the fund's payment by band reaches `limit`
/// (`hi` when it never does): where a cap binds, the eligible cost above this
/// point is what the cap leaves unpaid (统筹基金最高支付限额以上部分), band by
/// band rather than at the claim's average ratio. Bands are in order.
pub fn banded_reach(
    segs: &[Segment],
    lo: Decimal,
    hi: Decimal,
    limit: Decimal,
    mut ratio_of: impl FnMut(&Segment) -> Result<Decimal>,
) -> Result<Decimal> {
    let mut paid = Decimal::ZERO;
    for s in segs {
        let Some((a, b)) = overlap(s, lo, hi)? else { continue };
        let r = ratio_of(s)?;
        let here = (b - a) * r;
        if paid + here >= limit {
            return Ok(if r.is_zero() { a } else { a + (limit - paid) / r });
        }
        paid += here;
    }
    Ok(hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::fen;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn bands(json: &str) -> Vec<Segment> {
        serde_json::from_str(json).unwrap()
    }

    fn reach(segs: &[Segment], lo: Decimal, hi: Decimal, limit: Decimal) -> Decimal {
        banded_reach(segs, lo, hi, limit, |s| s.ratio.get()).unwrap()
    }

    const THREE: &str = r#"[{"from": "0", "to": "30000", "ratio": "0.85"},
        {"from": "30000", "to": "40000", "ratio": "0.90"}, {"from": "40000", "ratio": "0.95"}]"#;

    #[test]
    fn a_cap_is_reached_band_by_band() {
        let segs = bands(THREE);
        // 33650 by 40000, then 66350 / 0.95 more.
        let x = reach(&segs, dec("1000"), dec("150000"), dec("100000"));
        assert_eq!(fen(x), dec("109842.11"));
        // The payment by band up to that point is the limit.
        assert_eq!(fen(banded(&segs, dec("1000"), x, |s| s.ratio.get()).unwrap()), dec("100000.00"));
    }

    #[test]
    fn a_cap_reached_at_a_band_edge_or_never() {
        let segs = bands(THREE);
        assert_eq!(reach(&segs, dec("0"), dec("50000"), dec("25500")), dec("30000"));
        assert_eq!(reach(&segs, dec("0"), dec("50000"), dec("100000")), dec("50000"));
        // Starting inside the second band, as a later claim of the year does:
        // 4500 by 40000, then 4750 / 0.95.
        assert_eq!(reach(&segs, dec("35000"), dec("50000"), dec("9250")), dec("45000"));
    }

    #[test]
    fn a_band_at_nought_takes_no_room() {
        let segs = bands(r#"[{"from": "0", "to": "1000", "ratio": "0"}, {"from": "1000", "ratio": "0.5"}]"#);
        assert_eq!(reach(&segs, dec("0"), dec("5000"), dec("0")), dec("0"));
        assert_eq!(reach(&segs, dec("0"), dec("5000"), dec("100")), dec("1200"));
    }

    proptest::proptest! {
        /// Up to the point it finds, the bands pay exactly the limit (or all
        /// they pay, when that is less), and the point lies in the span.
        #[test]
        fn the_bands_pay_the_limit_up_to_the_reach(
            edges in proptest::collection::vec(1u32..20_000, 0..4),
            ratios in proptest::collection::vec(0u32..=100, 5),
            lo in 0u32..30_000,
            len in 0u32..60_000,
            limit in 0u32..40_000,
        ) {
            let mut cuts = edges;
            cuts.sort_unstable();
            cuts.dedup();
            let mut from = 0u32;
            let mut text = Vec::new();
            for (i, c) in cuts.iter().chain(std::iter::once(&u32::MAX)).enumerate() {
                let r = format!("0.{:02}", ratios[i].min(99));
                text.push(if *c == u32::MAX {
                    format!(r#"{{"from": "{from}", "ratio": "{r}"}}"#)
                } else {
                    format!(r#"{{"from": "{from}", "to": "{c}", "ratio": "{r}"}}"#)
                });
                from = *c;
            }
            let segs = bands(&format!("[{}]", text.join(",")));
            let (lo, hi, limit) = (Decimal::from(lo), Decimal::from(lo + len), Decimal::from(limit));
            let x = reach(&segs, lo, hi, limit);
            proptest::prop_assert!(lo <= x && x <= hi);
            let all = banded(&segs, lo, hi, |s| s.ratio.get()).unwrap();
            let upto = banded(&segs, lo, x, |s| s.ratio.get()).unwrap();
            proptest::prop_assert_eq!(fen(upto), fen(limit.min(all)));
        }
    }
}
