//! The adjudication pipeline, one module per stage:
//! [`validate`] → [`refund`] (refund lines netted) → [`deny`] → [`classify`] →
//! [`standard`] → [`deductible`] → [`fund`] → [`layers`] → [`account`]
//! (quota accounts, personal account, cash). The fund stage draws on
//! [`ratio`] (modifiers and cost bands), [`line_ratio`] (lines paid at a
//! ratio of their own) and [`caps`] (the room a cap leaves).
//! Pre-settlement and settlement are this same pure computation.

pub mod account;
pub mod caps;
pub mod classify;
pub mod deductible;
pub mod deny;
pub mod fund;
pub mod layers;
pub mod line_ratio;
pub mod ratio;
pub mod refund;
pub mod reverse;
pub mod route;
pub mod standard;
pub mod trace;
pub mod validate;

use crate::claim::Claim;
use crate::error::Result;
use crate::money::{self, Decimal};
use crate::policy::facts::Facts;
use crate::policy::schema::{Benefit, Body, Rid};
use crate::policy::Policy;
use crate::settlement::*;
use crate::ytd::Ytd;
use trace::Trace;

/// State carried from stage to stage for one claim.
pub struct Run<'a> {
    /// The rules in force.
    pub body: &'a Body,
    /// Claim facts.
    pub facts: Facts<'a>,
    /// The claim.
    pub claim: &'a Claim,
    /// Accumulators before the claim (normalised to the claim's year).
    pub ytd: Ytd,
    /// What this claim adds.
    pub delta: Ytd,
    /// Sums so far.
    pub info: SetlInfo,
    /// Fund rows so far.
    pub detail: Vec<SetlDetail>,
    /// Line results.
    pub lines: Vec<LineResult>,
    /// The trace.
    pub trace: Trace,
    /// Notices.
    pub notices: Vec<Notice>,
    /// The benefit chosen, with its ID and bucket.
    pub benefit: Option<(&'a str, &'a Benefit, &'a str)>,
    /// Eligible cost the basic fund did not cover because of a ceiling or cap.
    pub overflow: Decimal,
    /// Cost above a fixed standard (定额), borne by the hospital.
    pub excess: Decimal,
}

impl<'a> Run<'a> {
    /// The benefit chosen by the denial stage: `(id, benefit, bucket)`. Every
    /// later stage runs only after it is set; an internal error, not a panic, if not.
    pub fn chosen(&self) -> Result<(&'a str, &'a Benefit, &'a str)> {
        self.benefit
            .ok_or_else(|| crate::Error::new(crate::ErrorCode::Internal, "no benefit chosen before settlement stages"))
    }

    /// A cap the policy defines (validated at load); an internal error, not a panic, if not.
    pub fn cap(&self, name: &str) -> Result<&'a crate::policy::schema::Cap> {
        self.body
            .caps
            .get(name)
            .ok_or_else(|| crate::Error::new(crate::ErrorCode::Internal, format!("unknown cap `{name}`")))
    }

    /// Records a fund's payment: row (its `setl_proc_info` the rules that
    /// decided it, then `text`), setlinfo field, accumulators.
    pub fn pay(&mut self, code: &str, base: Decimal, limit: Decimal, paid: Decimal, rules: &[Rid], text: &str) {
        *self.info.field_mut(code) += paid;
        self.info.fund_pay_sumamt += paid;
        Ytd::add(&mut self.delta.fund_paid, code, paid);
        self.detail.push(SetlDetail {
            fund_pay_type: code.into(),
            inscp_scp_amt: money::fen(base),
            crt_payb_lmt_amt: money::fen(limit),
            fund_payamt: paid,
            setl_proc_info: trace::with_rules(rules, text),
        });
    }
    /// Records a hospital-borne payment (医院减免): `hosp_part_amt` and the
    /// trace only, since no fund pays it.
    pub fn bear(&mut self, paid: Decimal) {
        self.info.hosp_part_amt += paid;
    }

    /// What the hospital may bill: the total charges less any cost above a
    /// fixed standard.
    pub fn billed(&self) -> Decimal {
        self.info.medfee_sumamt - self.excess
    }

    /// The in-scope amount the deductible and the funds work on: all of it,
    /// or no more than a fixed standard.
    pub fn inscp(&self) -> Decimal {
        self.info.inscp_scp_amt.min(self.billed())
    }

    /// The in-scope amount with the pre-self-pay part (合规费用), within a
    /// fixed standard.
    pub fn compliant(&self) -> Decimal {
        (self.info.inscp_scp_amt + self.info.preselfpay_amt).min(self.billed())
    }

    /// What the funds and any hospital relief have covered so far (not the
    /// cost above a fixed standard, which the hospital bears before any fund).
    pub fn covered(&self) -> Decimal {
        self.info.fund_pay_sumamt + self.info.hosp_part_amt - self.excess
    }

    /// What the member still bears of the in-scope amount after the payers so far.
    pub fn inscp_burden(&self) -> Decimal {
        (self.inscp() - self.covered()).max(Decimal::ZERO)
    }

    /// Everything the member still bears after the payers so far.
    pub fn member_part(&self) -> Decimal {
        self.info.medfee_sumamt - self.info.fund_pay_sumamt - self.info.hosp_part_amt
    }
}

/// The accumulators a claim starts from in the benefit year its facts place
/// it in (see [`Body::counting_day`]): its own `ytd`, fresh when absent or
/// of an earlier year; zero entries dropped and amounts to the fen.
/// Accumulators of a later year are refused.
pub fn starting_ytd(facts: &Facts) -> Result<Ytd> {
    let (year, counted_on) = (facts.benefit_year, facts.counted_on);
    match &facts.claim.ytd {
        // Equal to `Ytd::fresh(year).apply(y, 1)`, without building it twice.
        Some(y) if y.year == year => Ok(y.clone().normalized()),
        Some(y) if y.year > year => Err(crate::Error::claim(
            "ytd.year",
            format!("accumulators of {} are later than the visit's benefit year ({year}, from {counted_on})", y.year),
        )),
        _ => Ok(Ytd::fresh(year)),
    }
}

/// The facts of a claim under a policy version, and the accumulators it
/// starts from.
pub fn facts_and_ytd<'a>(claim: &'a Claim, body: &Body) -> Result<(Facts<'a>, Ytd)> {
    validate::med_type(claim, &body.med_types)?;
    let mut facts = Facts::of(claim, body);
    let ytd = starting_ytd(&facts)?;
    facts.admission_order = Some(admission_number(claim, &ytd));
    Ok((facts, ytd))
}

/// The admission's number in the benefit year, this one counted: a later leg
/// of a moved stay continues the admission its earlier leg counted.
pub fn admission_number(claim: &Claim, ytd: &Ytd) -> i32 {
    let before = i64::from(ytd.admissions) - i64::from(claim.mdtrt.referral_leg);
    i32::try_from(before.max(0) + 1).unwrap_or(i32::MAX)
}

/// Settles one claim under a policy. Pure: the same input gives the same output.
pub fn settle(policy: &Policy, claim: &Claim, stamp: Stamp) -> Result<Settlement> {
    validate::claim(claim)?;
    let netted;
    let claim = if refund::any(claim) {
        netted = refund::net(claim);
        &netted
    } else {
        claim
    };
    let version = policy.version_on(claim.mdtrt.begndate)?;
    let body = &version.body;
    // A policy that lists no levels takes any.
    let levels =
        [("mdtrt.hosp_lv", Some(&claim.mdtrt.hosp_lv)), ("mdtrt.dedc_hosp_lv", claim.mdtrt.dedc_hosp_lv.as_ref())];
    for (path, lv) in levels.into_iter().filter(|_| !body.hosp_levels.is_empty()) {
        let Some(lv) = lv else { continue };
        if !body.hosp_levels.iter().any(|l| l == lv) {
            return Err(crate::Error::at(
                crate::ErrorCode::UnknownCode,
                path,
                format!("hospital level `{lv}` is not one this policy knows ({})", body.hosp_levels.join(", ")),
            ));
        }
    }
    let (facts, ytd) = facts_and_ytd(claim, body)?;
    let mut run = Run {
        body,
        facts,
        claim,
        delta: Ytd::fresh(ytd.year),
        ytd,
        info: SetlInfo::zero(money::fen(claim.psn.balc.unwrap_or(Decimal::ZERO))),
        detail: Vec::with_capacity(4),
        lines: Vec::with_capacity(claim.feedetail.len()),
        trace: Trace::with_capacity(12),
        notices: Vec::new(),
        benefit: None,
        overflow: Decimal::ZERO,
        excess: Decimal::ZERO,
    };
    if let Some(denial) = deny::decide(&mut run)? {
        advise(&mut run);
        return Ok(deny::denied(run, denial, stamp));
    }
    classify::lines(&mut run)?;
    standard::apply(&mut run)?;
    deductible::apply(&mut run)?;
    fund::apply(&mut run)?;
    layers::apply(&mut run)?;
    account::apply(&mut run)?;
    for n in &body.notes {
        if n.when.matches(&run.facts, None, &body.disease_groups) {
            run.trace.add("rule", n.rule.clone(), Decimal::ZERO, n.text.clone());
        }
    }
    advise(&mut run);
    match route::manual(&run) {
        Some(notices) => {
            let rule = notices[0].rule.clone();
            run.trace.add(
                "route",
                rule,
                run.info.fund_pay_sumamt,
                "manual reimbursement: the funds pay after the member claims",
            );
            run.notices.extend(notices);
            Ok(finish(run, Status::Manual, None, stamp))
        }
        None => Ok(finish(run, Status::Settled, None, stamp)),
    }
}

/// Adds the policy's advice whose condition holds, as notices. Advice whose
/// condition tests a line field is given when some fee line with a cost
/// holds it (a line all of whose cost a refund took back has none), and
/// names those lines by their serial numbers, in order (`9` before `10`),
/// so that the order of the claim's lines does not change the notice.
fn advise(run: &mut Run) {
    let body = run.body;
    let g = &body.disease_groups;
    for a in &body.advice {
        let on_lines = a.when.tests_line();
        let mut lines = Vec::new();
        if on_lines {
            let held = run.claim.feedetail.iter().filter(|l| !l.det_item_fee_sumamt.is_zero());
            let held = held.filter(|l| a.when.matches(&run.facts, Some(l), g));
            lines.extend(held.map(|l| l.feedetl_sn.clone()));
            lines.sort_by(|a, b| classify::serial_order(a, b));
        }
        let given = if on_lines { !lines.is_empty() } else { a.when.matches(&run.facts, None, g) };
        if !given {
            continue;
        }
        run.notices.push(Notice {
            code: a.code.clone(),
            rule: a.rule.to_string(),
            message: a.message.clone(),
            materials: Vec::new(),
            deadline: None,
            lines,
        });
    }
}

/// Assembles the settlement and the accumulators after.
pub fn finish(mut run: Run, status: Status, denial: Option<Denial>, stamp: Stamp) -> Settlement {
    let ytd_after = std::mem::take(&mut run.ytd).plus(&run.delta, 1);
    run.info.normalize();
    Settlement {
        status,
        mdtrt_id: run.claim.mdtrt.mdtrt_id.clone(),
        psn_no: run.claim.psn.psn_no.clone(),
        benefit: run.benefit.map(|(id, _, _)| id.into()),
        setlinfo: run.info,
        setldetail: run.detail,
        feedetail: run.lines,
        ytd_after,
        ytd_delta: run.delta.normalized(),
        trace: run.trace.into_entries(),
        notices: run.notices,
        denial,
        stamp,
    }
}
