//! Stage 5: the basic pooling fund (统筹基金) — ratio by any claim fact, flat
//! or by cost band, modifiers, a yearly eligible-cost ceiling, and caps shared
//! between benefits. The payment is computed exactly and rounded once.

use super::deductible::{pick, pick_row};
use super::trace::{push_dec, push_pct};
use super::Run;
use crate::date::Date;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{fen, Decimal};
use crate::policy::cond::Facts;
use crate::policy::schema::{
    Accrual, AccrualPeriod, AccrualStart, Adjust, Cap, Combine, LineDeductible, PerCert, Ratio, Rid, Scope, Segment,
    SegmentBasis, SegmentMeasure,
};
use crate::ytd::Ytd;
use rust_decimal::RoundingStrategy;

/// A ratio after the given modifiers, in order, clamped to 0–1; their rules
/// are added to `rules`. A modifier's `max` holds what it raises, its `min`
/// what it cuts, without moving a ratio that was already beyond them.
fn adjusted<'x>(r: Decimal, adj: impl Iterator<Item = &'x Adjust>, rules: &mut Vec<Rid>) -> Result<Decimal> {
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
fn modifier_text(rule: &Rid, adj: &[Adjust], run: &Run) -> Result<String> {
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
fn claim_adjusts<'x>(adj: &'x [Adjust], run: &'x Run) -> impl Iterator<Item = &'x Adjust> {
    adj.iter().filter(|a| !a.when.tests_line() && a.when.matches(&run.facts, None, &run.body.disease_groups))
}

/// Where the claim's ratio comes from, for the lines line modifiers change.
enum ClaimRatio<'x> {
    /// One ratio for the whole amount above the deductible.
    Flat(Decimal),
    /// Cost bands (with the claim's modifiers applied to each band's ratio)
    /// over the span of the amount above the deductible, from `lo`.
    Banded { segments: &'x [Segment], lo: Decimal },
}

/// Lines that line modifiers give another ratio: what the fund pays them
/// beyond the claim's ratio (negative for "N points lower"), and their
/// amount above the deductible. The claim's amount above the deductible is
/// `base`; `inscp − base` (the deductible and any cost above a yearly
/// ceiling) is shared between these lines and the others as `share` says.
///
/// Under cost bands each band's ratio is changed for these lines, and they
/// and the other lines are placed in the bands the way that pays least
/// ([`cheapest`]). Without a bound every placing pays the claim's banded
/// payment plus the change on the changed lines' whole amount (10 points
/// more is 10 points of their amount); with one (100 %, a modifier's `max`)
/// it holds band by band, and a further line never lowers what the member
/// pays. A modifier's rule is cited when some of its lines lie above the
/// deductible.
fn by_line(
    run: &Run,
    adj: &[Adjust],
    claim: &ClaimRatio,
    base: Decimal,
    share: LineDeductible,
    rules: &mut Vec<Rid>,
    notes: &mut Vec<String>,
) -> Result<(Decimal, Decimal)> {
    let g = &run.body.disease_groups;
    // (modifiers that hold, by index; in-scope amount)
    let mut groups: Vec<(Vec<usize>, Decimal)> = Vec::new();
    let mut changed = Decimal::ZERO;
    for (line, res) in run.claim.feedetail.iter().zip(&run.lines) {
        if res.inscp_scp_amt <= Decimal::ZERO {
            continue;
        }
        let hit: Vec<usize> = adj
            .iter()
            .enumerate()
            .filter(|(_, a)| a.when.tests_line() && a.when.matches(&run.facts, Some(line), g))
            .map(|(i, _)| i)
            .collect();
        if hit.is_empty() {
            continue;
        }
        changed += res.inscp_scp_amt;
        match groups.iter_mut().find(|x| x.0 == hit) {
            Some(x) => x.1 += res.inscp_scp_amt,
            None => groups.push((hit, res.inscp_scp_amt)),
        }
    }
    if changed.is_zero() {
        return Ok((Decimal::ZERO, Decimal::ZERO));
    }
    // In the policy's order of the modifiers, whatever the lines' order.
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let inscp = run.info.inscp_scp_amt;
    let cut = (inscp - base).max(Decimal::ZERO);
    // What the changed lines bear of the deductible.
    let borne = match share {
        LineDeductible::OthersFirst => (cut - (inscp - changed)).max(Decimal::ZERO),
        LineDeductible::ProRata => cut * changed / inscp,
    };
    // Each group's amount above the deductible.
    let groups: Vec<(Vec<usize>, Decimal)> = groups
        .into_iter()
        .map(|(hit, amount)| {
            let bears = if amount == changed { borne } else { borne * amount / changed };
            (hit, (amount - bears).max(Decimal::ZERO))
        })
        .filter(|(_, above)| !above.is_zero())
        .collect();
    let above_all: Decimal = groups.iter().map(|g| g.1).sum();
    let claim_r = |s: &Segment| adjusted(s.ratio.get()?, claim_adjusts(adj, run), &mut Vec::new());
    let changed_r = |r: Decimal, hit: &[usize]| adjusted(r, hit.iter().map(|&i| &adj[i]), &mut Vec::new());
    // Under cost bands: the claim's ratio in each band, and each group's
    // ratio in each band with the amount of it placed there.
    let (plain, placed) = match claim {
        ClaimRatio::Flat(_) => (Vec::new(), Vec::new()),
        ClaimRatio::Banded { segments, lo } => {
            let room: Vec<Decimal> = segments
                .iter()
                .map(|s| Ok(overlap(s, *lo, *lo + base)?.map_or(Decimal::ZERO, |(a, b)| b - a)))
                .collect::<Result<_>>()?;
            let plain: Vec<Decimal> = segments.iter().map(claim_r).collect::<Result<_>>()?;
            // The other lines first, then each group. A group's share of a
            // deductible borne pro rata may run to 28 digits; cut to 10
            // places, the amounts add up to the bands' room exactly, the
            // other lines' never below zero.
            let cut: Vec<Decimal> =
                groups.iter().map(|g| g.1.round_dp_with_strategy(10, RoundingStrategy::ToZero)).collect();
            let mut amounts = vec![base - cut.iter().copied().sum::<Decimal>()];
            amounts.extend(cut);
            let mut rates = vec![plain.clone()];
            for (hit, _) in &groups {
                rates.push(plain.iter().map(|&r| changed_r(r, hit)).collect::<Result<_>>()?);
            }
            let flow = cheapest(&amounts, &room, &rates)?;
            (plain, flow.into_iter().zip(rates).skip(1).collect::<Vec<_>>())
        }
    };
    let mut extra = Decimal::ZERO;
    for (k, (hit, above)) in groups.iter().enumerate() {
        // (what the fund pays these lines, what it would at the claim's
        // ratio, the ratio they were paid at)
        let (paid, at_claim, at) = match claim {
            ClaimRatio::Flat(r) => {
                let r2 = changed_r(*r, hit)?;
                (r2 * *above, *r * *above, r2)
            }
            ClaimRatio::Banded { .. } => {
                let (flow, rates) = &placed[k];
                let (mut paid, mut at_claim) = (Decimal::ZERO, Decimal::ZERO);
                for ((amount, rate), r) in flow.iter().zip(rates).zip(&plain) {
                    paid += *amount * *rate;
                    at_claim += *amount * *r;
                }
                (paid, at_claim, (paid / *above).round_dp(4))
            }
        };
        extra += paid - at_claim;
        for &i in hit {
            cite(rules, &adj[i].rule);
        }
        let mut note = String::with_capacity(64);
        push_pct(&mut note, at);
        note.push_str(" of ");
        push_dec(&mut note, fen(*above));
        note.push_str(" on lines under ");
        for (k, &i) in hit.iter().enumerate() {
            if k > 0 {
                note.push_str(", ");
            }
            note.push_str(&adj[i].rule);
        }
        notes.push(note);
    }
    Ok((extra, above_all))
}

/// Places amounts in bands so that what the fund pays is the least: `amounts`
/// (the other lines, then each group of changed lines) fill the bands' room
/// (`room`, all of it: the two add up), an amount in a band paid at its
/// `rates[k][b]`. This is a small transportation problem, solved by
/// successive cheapest paths; gives the amount of each in each band.
///
/// Why the least: adding a line then never raises the fund's payment by more
/// than the line's cost (the placing before it, with the line put in the
/// room it adds at the top, is one way to place the new claim), so a further
/// line never lowers what the member pays; where no bound binds, every
/// placing pays the same (the claim's banded payment and the change on the
/// changed lines' whole amount), and a ratio of its own (`set`) is paid on
/// the whole amount of its lines wherever they lie.
fn cheapest(amounts: &[Decimal], room: &[Decimal], rates: &[Vec<Decimal>]) -> Result<Vec<Vec<Decimal>>> {
    let (n, m) = (amounts.len(), room.len());
    let mut flow = vec![vec![Decimal::ZERO; m]; n];
    let mut left = amounts.to_vec();
    let mut free = room.to_vec();
    // Each round saturates an amount, a band or a way back; a bound on the
    // rounds guards against a loop that exact arithmetic rules out.
    for _ in 0..(4 * (n + 1) * (m + 1)) {
        if left.iter().all(|a| *a <= Decimal::ZERO) {
            return Ok(flow);
        }
        // Cheapest cost to reach each amount (index k) and band (n + b),
        // from any amount left; Bellman–Ford, since ways back cost less.
        let mut dist: Vec<Option<Decimal>> = vec![None; n + m];
        let mut prev: Vec<Option<usize>> = vec![None; n + m];
        for k in 0..n {
            if left[k] > Decimal::ZERO {
                dist[k] = Some(Decimal::ZERO);
            }
        }
        for _ in 0..(n + m) {
            let mut changed = false;
            for k in 0..n {
                let Some(dk) = dist[k] else { continue };
                for b in 0..m {
                    let d = dk + rates[k][b];
                    if dist[n + b].is_none_or(|x| d < x) {
                        dist[n + b] = Some(d);
                        prev[n + b] = Some(k);
                        changed = true;
                    }
                }
            }
            for b in 0..m {
                let Some(db) = dist[n + b] else { continue };
                for k in 0..n {
                    if flow[k][b] > Decimal::ZERO {
                        let d = db - rates[k][b];
                        if dist[k].is_none_or(|x| d < x) {
                            dist[k] = Some(d);
                            prev[k] = Some(n + b);
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        // The cheapest band with room left, and the way to it.
        let Some(end) = (0..m)
            .filter(|&b| free[b] > Decimal::ZERO && dist[n + b].is_some())
            .min_by(|&a, &b| dist[n + a].cmp(&dist[n + b]).then(a.cmp(&b)))
        else {
            break;
        };
        let mut path = vec![n + end];
        let mut at = n + end;
        while let Some(p) = prev[at] {
            path.push(p);
            at = p;
            if path.len() > n + m + 1 {
                return Err(Error::new(ErrorCode::Internal, "line placing loops"));
            }
        }
        // `at` is an amount with some left; the path runs from it to the band.
        path.reverse();
        let mut push = left[path[0]].min(free[end]);
        for w in path.windows(2) {
            if w[0] >= n {
                push = push.min(flow[w[1]][w[0] - n]);
            }
        }
        for w in path.windows(2) {
            if w[0] < n {
                flow[w[0]][w[1] - n] += push;
            } else {
                flow[w[1]][w[0] - n] -= push;
            }
        }
        left[path[0]] -= push;
        free[end] -= push;
    }
    if left.iter().all(|a| *a <= Decimal::ZERO) {
        Ok(flow)
    } else {
        Err(Error::new(ErrorCode::Internal, "line placing did not finish"))
    }
}

/// Adds `rule` to the rules a payment cites, once.
fn cite(rules: &mut Vec<Rid>, rule: &Rid) {
    if !rules.contains(rule) {
        rules.push(rule.clone());
    }
}

/// The part `[a, b)` of a band that lies in `[lo, hi)`, if any.
fn overlap(s: &Segment, lo: Decimal, hi: Decimal) -> Result<Option<(Decimal, Decimal)>> {
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

/// Keys a cap counts, for the claim's month and disease.
fn cap_key<'a>(cap: &Cap, bucket: &'a str, f: &Facts) -> std::borrow::Cow<'a, str> {
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
    use crate::policy::cond::disease_in;
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
fn cert_text(pc: &PerCert, run: &Run) -> Result<String> {
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
fn cap_room(run: &Run, cap: &Cap, name: &str) -> Result<Decimal> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
