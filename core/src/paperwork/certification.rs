//! The chronic/special disease certification workflow (慢特病认定):
//! submitted → under review → approved or rejected (then resubmitted); no
//! change after submission; the decision deadline in working days; a yearly
//! window with benefits from the next January; enrolment needed; benefits
//! ending after the quarter of death.

use super::calendar::Calendar;
use super::materials::{self, Submitted};
use super::Finding;
use crate::date::Date;
use crate::error::{Error, ErrorCode, Result};
use crate::policy::disease::{disease_in, Groups};
use crate::policy::schema::CertRules;
use serde::{Deserialize, Serialize};

/// Where an application stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertState {
    /// `submitted`, `under_review`, `approved` or `rejected`.
    pub status: String,
    /// The disease, as the pack names it.
    pub disease: String,
    /// Day of (last) submission.
    pub submitted: Date,
    /// Day of acceptance for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Date>,
    /// Last day for the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_due: Option<Date>,
    /// First day of benefits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefits_from: Option<Date>,
    /// Last day of benefits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefits_until: Option<Date>,
}

/// A requested step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertRequest {
    /// `submit`, `accept`, `approve`, `reject`, `resubmit`, `change` or `death`.
    pub action: String,
    /// Day of the step.
    pub date: Date,
    /// Disease, for `submit`.
    #[serde(default)]
    pub disease: Option<String>,
    /// The current state (all actions but `submit`).
    #[serde(default)]
    pub state: Option<CertState>,
    /// Materials handed in (`submit`, `resubmit`).
    #[serde(default)]
    pub materials: Vec<Submitted>,
    /// The member's enrolment start.
    #[serde(default)]
    pub insu_begn_date: Option<Date>,
}

/// The outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertResult {
    /// The step happened.
    pub ok: bool,
    /// The state after the step (unchanged when refused).
    pub state: Option<CertState>,
    /// Why it was refused (materials, window, enrolment, state).
    pub refusals: Vec<Finding>,
}

fn refused(state: Option<CertState>, f: Vec<Finding>) -> CertResult {
    CertResult { ok: false, state, refusals: f }
}

/// Applies a step.
pub fn transition(r: &CertRules, g: &Groups, cal: &Calendar, q: &CertRequest) -> Result<CertResult> {
    let current = || {
        q.state.clone().ok_or_else(|| {
            Error::at(ErrorCode::InvalidClaim, "state", format!("`{}` needs the current state", q.action))
        })
    };
    let wrong = |s: &CertState, what: &str| {
        refused(
            Some(s.clone()),
            vec![Finding::new(
                "WRONG_STATE",
                "application",
                &r.rule,
                format!("a {} application cannot be {what}", s.status),
            )],
        )
    };
    match q.action.as_str() {
        "submit" | "resubmit" => {
            let (disease, prior) = if q.action == "submit" {
                (
                    q.disease
                        .clone()
                        .ok_or_else(|| Error::at(ErrorCode::InvalidClaim, "disease", "give the disease"))?,
                    None,
                )
            } else {
                let s = current()?;
                if s.status != "rejected" {
                    return Ok(wrong(&s, "resubmitted (only a rejected one can)"));
                }
                (s.disease.clone(), Some(s))
            };
            // Materials for every disease, or for this one (`when.disease`).
            let reqs: Vec<_> = r
                .materials
                .iter()
                .filter(|m| {
                    m.when.as_ref().and_then(|w| w.disease.as_ref()).is_none_or(|ds| disease_in(ds, &disease, g))
                })
                .collect();
            let (mut findings, refused_items) = materials::check(&reqs, &q.materials);
            findings.extend(refused_items);
            let mut benefits_from = None;
            if let Some(w) = &r.window {
                let last = Date::new(q.date.y, w.last_month, w.last_day).unwrap_or(Date { y: q.date.y, m: 12, d: 31 });
                if q.date > last {
                    findings.push(Finding::new(
                        "OUTSIDE_WINDOW",
                        "application",
                        &w.rule,
                        format!("applications close on {last}; apply again in next year's window"),
                    ));
                }
                benefits_from = Date::new(q.date.y + 1, 1, 1);
            }
            if let (Some(min), Some(rule)) = (r.min_enrol_months, &r.enrol_rule) {
                let at = benefits_from.unwrap_or(q.date);
                match q.insu_begn_date {
                    Some(b) if at.months_since(b) >= min => {}
                    _ => findings.push(Finding::new(
                        "ENROLMENT_TOO_SHORT",
                        "application",
                        rule,
                        format!("benefits need {min} months of enrolment by {at}"),
                    )),
                }
            }
            if !findings.is_empty() {
                return Ok(refused(prior, findings));
            }
            Ok(CertResult {
                ok: true,
                state: Some(CertState {
                    status: "submitted".into(),
                    disease,
                    submitted: q.date,
                    accepted: None,
                    decision_due: None,
                    benefits_from,
                    benefits_until: None,
                }),
                refusals: Vec::new(),
            })
        }
        "accept" => {
            let mut s = current()?;
            if s.status != "submitted" {
                return Ok(wrong(&s, "accepted for review"));
            }
            let sla = r.sla.iter().find(|x| x.when.disease.as_ref().is_none_or(|ds| disease_in(ds, &s.disease, g)));
            s.status = "under_review".into();
            s.accepted = Some(q.date);
            s.decision_due = match sla {
                Some(x) => Some(cal.add_working_days(q.date, x.working_days)?),
                None => None,
            };
            Ok(CertResult { ok: true, state: Some(s), refusals: Vec::new() })
        }
        "approve" | "reject" => {
            let mut s = current()?;
            if s.status != "under_review" {
                return Ok(wrong(&s, if q.action == "approve" { "approved" } else { "rejected" }));
            }
            if q.action == "approve" {
                s.status = "approved".into();
                s.benefits_from = Some(s.benefits_from.map_or(q.date, |b| b.max(q.date)));
            } else {
                s.status = "rejected".into();
                s.benefits_from = None;
            }
            Ok(CertResult { ok: true, state: Some(s), refusals: Vec::new() })
        }
        "change" => {
            let s = current()?;
            Ok(refused(
                Some(s),
                vec![Finding::new(
                    "NO_CHANGE_AFTER_SUBMISSION",
                    "application",
                    &r.rule,
                    "a submitted application cannot be changed; wait for the result",
                )],
            ))
        }
        "death" => {
            let mut s = current()?;
            let Some(d) = &r.death else {
                return Err(Error::at(
                    ErrorCode::UnknownCode,
                    "action",
                    "this policy has no rule for benefits after death",
                ));
            };
            s.benefits_until = Some(if d.period == "quarter" { q.date.quarter_end() } else { q.date });
            Ok(CertResult { ok: true, state: Some(s), refusals: vec![] })
        }
        other => Err(Error::at(ErrorCode::UnknownCode, "action", format!("unknown certification action `{other}`"))),
    }
}
