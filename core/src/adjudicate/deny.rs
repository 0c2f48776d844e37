//! Stage 2: claim-level denials (causes, no referral, not eligible), the choice
//! of benefit, and the benefit's eligibility checks.

use super::{finish, Run};
use crate::error::Result;
use crate::money::{self, Decimal};
use crate::policy::cond::Cond;
use crate::policy::schema::Check;
use crate::settlement::{Denial, LineResult, Settlement, Stamp, Status};

fn denial(code: &str, rule: &str, message: impl Into<String>) -> Denial {
    Denial { code: code.to_string(), rule: rule.to_string(), message: message.into() }
}

/// A denial's message, with a word on the claim field its condition tests
/// that the claim does not give (a claim without
/// `psn.primary_fixmedins_code` is at no primary hospital).
fn message(run: &Run, when: &Cond, message: &str) -> String {
    match when.missing_fact(&run.facts) {
        Some(field) => format!("{message} (the claim gives no {field})"),
        None => message.to_string(),
    }
}

/// Decides whether the claim is denied, and otherwise which benefit takes it.
pub fn decide<'a>(run: &mut Run<'a>) -> Result<Option<Denial>> {
    let body = run.body;
    let groups = &body.disease_groups;
    for d in &body.deny {
        if d.when.matches(&run.facts, None, groups) {
            return Ok(Some(denial(&d.code, &d.rule, message(run, &d.when, &d.message))));
        }
    }
    let Some((id, ben)) = body.benefits.0.iter().find(|(_, b)| b.when.matches(&run.facts, None, groups)) else {
        return Ok(Some(denial("NOT_COVERED", &body.uncovered.rule, body.uncovered.message.clone())));
    };
    let bucket = ben.bucket.as_deref().unwrap_or(id);
    run.benefit = Some((id.as_str(), ben, bucket));
    let claim = run.claim;
    let day = claim.mdtrt.begndate;
    for check in &ben.eligibility {
        let fail = match check {
            Check::MinEnrolMonths { months, rule } => {
                let enrolled = claim.psn.insu_begn_date.map(|s| day.months_since(s));
                match enrolled {
                    Some(m) if m >= *months => None,
                    Some(m) => Some(denial(
                        "NOT_ELIGIBLE",
                        rule,
                        format!("needs {months} months of enrolment; the member has {m}"),
                    )),
                    None => Some(denial(
                        "NOT_ELIGIBLE",
                        rule,
                        format!("needs {months} months of enrolment; psn.insu_begn_date is not given"),
                    )),
                }
            }
            Check::Certified { rule } => (!run.facts.certified()).then(|| {
                let d = claim.mdtrt.disease.as_deref().unwrap_or("(none given)");
                denial("NOT_CERTIFIED", rule, format!("no certification in force on {day} for disease `{d}`"))
            }),
            Check::EndsAfterDeath { period, rule } => claim.psn.death_date.and_then(|dd| {
                let last = if period == "quarter" { dd.quarter_end() } else { dd };
                (day > last).then(|| {
                    denial("BENEFIT_ENDED", rule, format!("benefits ended on {last} after the member's death on {dd}"))
                })
            }),
            Check::MaxStayMonths { months, rule } => {
                let limit = claim.mdtrt.begndate.add_months(*months);
                (claim.mdtrt.enddate > limit).then(|| {
                    denial(
                        "NOT_ELIGIBLE",
                        rule,
                        format!("one course lasts at most {months} months (to {limit}); renew the approval"),
                    )
                })
            }
            Check::WaitingPeriod { months, per_gap_year, gap_years_after, max_months, exempt, rule } => 'wait: {
                // Only a member the claim says enrolled late or after a break waits.
                let Some(gap) = claim.psn.gap_years else { break 'wait None };
                if exempt.as_ref().is_some_and(|x| x.matches(&run.facts, None, groups)) {
                    break 'wait None;
                }
                let counted = i32::try_from(gap.saturating_sub(*gap_years_after)).unwrap_or(i32::MAX);
                let wait =
                    months.saturating_add(per_gap_year.saturating_mul(counted)).min(max_months.unwrap_or(i32::MAX));
                let Some(start) = claim.psn.insu_begn_date else {
                    break 'wait Some(denial(
                        "NOT_ELIGIBLE",
                        rule,
                        format!("a waiting period of {wait} months runs from psn.insu_begn_date, which is not given"),
                    ));
                };
                let from = start.add_months(wait);
                (day < from).then(|| {
                    let why = format!("in the waiting period of {wait} months from {start} ({gap} year(s) of break)");
                    denial("NOT_ELIGIBLE", rule, format!("{why}: benefits start on {from}"))
                })
            }
            Check::Require { when, rule, message: m } => {
                (!when.matches(&run.facts, None, groups)).then(|| denial("NOT_ELIGIBLE", rule, message(run, when, m)))
            }
        };
        if fail.is_some() {
            return Ok(fail);
        }
    }
    Ok(None)
}

/// A denied settlement: no fund pays, every line is the member's, in cash.
pub fn denied(mut run: Run, d: Denial, stamp: Stamp) -> Settlement {
    let mut total = Decimal::ZERO;
    for l in &run.claim.feedetail {
        let z = money::zero();
        let sum = money::fen(l.det_item_fee_sumamt);
        total += sum;
        run.lines.push(LineResult {
            feedetl_sn: l.feedetl_sn.clone(),
            det_item_fee_sumamt: sum,
            fulamt_ownpay_amt: sum,
            overlmt_amt: z,
            preselfpay_amt: z,
            inscp_scp_amt: z,
            selfpay_prop: LineResult::ALL_SELF,
            rules: smallvec::smallvec![d.rule.as_str().into()],
        });
    }
    let total = money::fen(total);
    run.info.medfee_sumamt = total;
    run.info.fulamt_ownpay_amt = total;
    run.info.psn_part_amt = total;
    run.info.psn_cash_pay = total;
    let rule = d.rule.clone();
    run.trace.add("deny", rule.clone(), total, format!("denied ({}): {}; the member pays all", d.code, d.message));
    run.trace.add("cash", rule, total, "paid in cash");
    run.benefit = None;
    finish(run, Status::Denied, Some(d), stamp)
}
