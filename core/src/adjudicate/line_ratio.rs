//! Lines that a line modifier gives a ratio of their own (中药饮片 at 90 %,
//! Chinese medicine 10 points more): what the fund pays them beyond the
//! claim's ratio, flat or placed in the cost bands the way that pays least.

use super::ratio::{adjusted, cite, claim_adjusts, overlap};
use super::trace::{push_dec, push_pct};
use super::Run;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{fen, Decimal};
use crate::policy::schema::{Adjust, LineDeductible, Rid, Segment};
use rust_decimal::RoundingStrategy;

/// Where the claim's ratio comes from, for the lines line modifiers change.
pub(super) enum ClaimRatio<'x> {
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
pub(super) fn by_line(
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
