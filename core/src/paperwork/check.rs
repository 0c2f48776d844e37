//! The manual reimbursement check: given an application (the claim, the
//! materials submitted, the submission date, card use during the trip), is it
//! accepted — or which items are missing or refused, and by which rule?

use super::calendar::Calendar;
use super::materials::{self, Submitted};
use super::{deadline, Finding};
use crate::claim::Claim;
use crate::date::Date;
use crate::error::Result;
use crate::policy::Policy;
use crate::settlement::Settlement;
use serde::{Deserialize, Serialize};

/// A card or booklet use (刷卡记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardUse {
    /// Day of use.
    pub date: Date,
    /// Where (6-digit admvs).
    pub admvs: String,
}

/// A trip away from home (出差、学习、探亲).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trip {
    /// First day away.
    pub begndate: Date,
    /// Last day away.
    pub enddate: Date,
}

/// An application for manual reimbursement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The claim being reimbursed.
    pub claim: Claim,
    /// Day the materials are handed in.
    pub submitted: Date,
    /// What was handed in.
    #[serde(default)]
    pub materials: Vec<Submitted>,
    /// The trip, for members treated while away.
    #[serde(default)]
    pub trip: Option<Trip>,
    /// Card or booklet uses recorded during the trip.
    #[serde(default)]
    pub card_usage: Vec<CardUse>,
    /// Material list to check against (default: the claim's manual route, or
    /// `inpatient` / `outpatient` by medical type).
    #[serde(default)]
    pub materials_list: Option<String>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Everything is in order.
    pub accepted: bool,
    /// The material list checked.
    pub materials_list: String,
    /// Missing items, each with its rule.
    pub missing: Vec<Finding>,
    /// Refused items and refusals of the whole application, each with its rule.
    pub refused: Vec<Finding>,
    /// First day a claim is accepted, where there is one.
    pub window_opens: Option<Date>,
    /// Last day a claim is accepted.
    pub deadline: Option<Date>,
    /// When payment is due if accepted (working days after complete materials).
    pub payment_due: Option<Date>,
    /// The amounts the member can expect back.
    pub settlement: Option<Settlement>,
}

/// An error found in the application's claim, with its path given from the
/// application (`claim.feedetail[0]…`), as the reader gives the paths of
/// fields it cannot read; so is a claim naming another policy than the
/// engine's (`claim.policy`). Errors about the policy keep their own paths.
fn in_claim(mut e: crate::Error) -> crate::Error {
    use crate::ErrorCode::{InputTooLarge, InvalidClaim, NoPolicyVersion, UnknownCode, UnknownPolicy};
    if matches!(e.code, InvalidClaim | UnknownCode | InputTooLarge | NoPolicyVersion | UnknownPolicy) {
        if let Some(p) = e.path.take() {
            e.path = Some(format!("claim.{p}"));
        }
    }
    e
}

/// Checks an application under a policy.
pub fn check(
    policy: &Policy,
    settle: impl Fn(&Claim) -> Result<Settlement>,
    app: &Application,
    cal: &Calendar,
) -> Result<CheckResult> {
    crate::adjudicate::validate::claim(&app.claim).map_err(in_claim)?;
    let version = policy.version_on(app.claim.mdtrt.begndate).map_err(in_claim)?;
    let body = &version.body;
    let (facts, _) = crate::adjudicate::facts_and_ytd(&app.claim, body).map_err(in_claim)?;
    let g = &body.disease_groups;
    let list = app.materials_list.clone().unwrap_or_else(|| {
        body.manual.iter().find(|m| m.when.matches(&facts, None, g)).map(|m| m.materials.clone()).unwrap_or_else(|| {
            if app.claim.mdtrt.med_type.starts_with('2') {
                "inpatient".into()
            } else {
                "outpatient".into()
            }
        })
    });
    let Some(reqs) = body.materials.get(&list) else {
        return Err(crate::Error::at(
            crate::ErrorCode::UnknownCode,
            "materials_list",
            format!("policy `{}` defines no material list `{list}`", policy.id),
        ));
    };
    let applicable = materials::applicable(reqs, Some(&facts), g);
    let (missing, mut refused) = materials::check(&applicable, &app.materials);
    let window = deadline::window(body, &facts);
    if let Some(w) = &window {
        if app.submitted > w.last_day {
            refused.push(Finding::new(
                "PAST_DEADLINE",
                "application",
                &w.rule,
                format!("submitted on {}, after the last allowed day {}", app.submitted, w.last_day),
            ));
        }
        if let Some(o) = w.opens.filter(|o| app.submitted < *o) {
            refused.push(Finding::new(
                "TOO_EARLY",
                "application",
                &w.rule,
                format!("claimable from {o}; submitted on {}", app.submitted),
            ));
        }
    }
    if let (Some(t), Some(rule)) = (&app.trip, &body.trip_check) {
        let home = app.claim.mdtrt.insuplc_admdvs.get(..4).unwrap_or_default();
        if let Some(u) = app
            .card_usage
            .iter()
            .find(|u| u.date >= t.begndate && u.date <= t.enddate && u.admvs.get(..4) == Some(home))
        {
            refused.push(Finding::new(
                "CARD_USED_AT_HOME",
                "card_usage",
                &rule.rule,
                format!("the card or booklet was used at home ({}) on {} during the trip", u.admvs, u.date),
            ));
        }
    }
    let settlement = match settle(&app.claim) {
        Ok(s) => {
            if let Some(d) = &s.denial {
                refused.push(Finding::new("DENIED", "claim", &d.rule, d.message.clone()));
            }
            Some(s)
        }
        Err(e) if e.code == crate::ErrorCode::PolicyParameterMissing => None,
        Err(e) => return Err(in_claim(e)),
    };
    let accepted = missing.is_empty() && refused.is_empty();
    let payment_due = match (&body.payment, accepted) {
        (Some(p), true) => Some(cal.add_working_days(app.submitted, p.working_days)?),
        _ => None,
    };
    Ok(CheckResult {
        accepted,
        materials_list: list,
        missing,
        refused,
        window_opens: window.as_ref().and_then(|w| w.opens),
        deadline: window.map(|w| w.last_day),
        payment_due,
        settlement,
    })
}
