//! Remote-treatment filings (异地就医备案) as a state machine: create,
//! cancel, change, suspend, resume. Each transition returns the new filing
//! or a refusal citing its rule (lock period, bank agreement, area level,
//! yearly window, residence).

use super::Finding;
use crate::claim::Filing;
use crate::date::Date;
use crate::error::{Error, ErrorCode, Result};
use crate::policy::schema::FilingRules;
use serde::{Deserialize, Serialize};

/// A requested transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilingRequest {
    /// `create`, `cancel`, `change`, `suspend` or `resume`.
    pub action: String,
    /// Day of the request.
    pub date: Date,
    /// The current filing (all actions but `create`).
    #[serde(default)]
    pub filing: Option<Filing>,
    /// Kind, for `create`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Settlement area, for `create` and `change`.
    #[serde(default)]
    pub area_admdvs: Option<String>,
    /// A bank payment agreement is signed.
    #[serde(default)]
    pub bank_agreement: bool,
    /// Months the member has lived at the place (long-term filings).
    #[serde(default)]
    pub residence_months: Option<i32>,
    /// The member's earlier filings (for once-a-year rules).
    #[serde(default)]
    pub history: Vec<Filing>,
}

/// The outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilingResult {
    /// The transition happened.
    pub ok: bool,
    /// The filing after the transition (unchanged when refused).
    pub filing: Option<Filing>,
    /// Why it was refused.
    pub refusal: Option<Finding>,
    /// First day a cancellation, change or suspension is allowed.
    pub earliest_change: Option<Date>,
}

fn refuse(filing: Option<Filing>, code: &str, rule: &str, msg: String, earliest: Option<Date>) -> FilingResult {
    FilingResult {
        ok: false,
        filing,
        refusal: Some(Finding::new(code, "filing", rule, msg)),
        earliest_change: earliest,
    }
}

fn area_ok(r: &FilingRules, area: &str) -> std::result::Result<(), String> {
    if area.len() != 6 || !area.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{area}` is not a 6-digit area code"));
    }
    if r.area_rule.is_none() {
        return Ok(());
    }
    let province = format!("{}0000", &area[..2]);
    if r.province_level.contains(&province) {
        if area != province {
            return Err(format!("filings to this province name the province ({province}), not a city"));
        }
    } else if area.ends_with("0000") || !area.ends_with("00") {
        return Err(format!("`{area}` must name a prefecture-level city (XXXX00)"));
    }
    Ok(())
}

/// The past participle of a transition, for messages.
fn done(action: &str) -> &'static str {
    match action {
        "cancel" => "cancelled",
        "change" => "changed",
        "suspend" => "suspended",
        _ => "resumed",
    }
}

/// Applies a transition.
pub fn transition(r: &FilingRules, q: &FilingRequest) -> Result<FilingResult> {
    let need_filing = || {
        q.filing.clone().ok_or_else(|| {
            Error::at(ErrorCode::InvalidClaim, "filing", format!("`{}` needs the current filing", q.action))
        })
    };
    match q.action.as_str() {
        "create" => {
            let kind =
                q.kind.clone().ok_or_else(|| Error::at(ErrorCode::InvalidClaim, "kind", "give the filing kind"))?;
            if !crate::adjudicate::validate::FILING_KINDS.contains(&kind.as_str()) {
                return Err(Error::at(ErrorCode::UnknownCode, "kind", format!("unknown filing kind `{kind}`")));
            }
            let area = q
                .area_admdvs
                .clone()
                .ok_or_else(|| Error::at(ErrorCode::InvalidClaim, "area_admdvs", "give the settlement area"))?;
            if let Err(m) = area_ok(r, &area) {
                return Ok(refuse(None, "AREA_LEVEL", r.area_rule.as_deref().unwrap_or_default(), m, None));
            }
            if kind == "long_term_residence" {
                if let Some(rule) = r.bank_rule.as_ref().filter(|_| !q.bank_agreement) {
                    return Ok(refuse(
                        None,
                        "BANK_AGREEMENT_MISSING",
                        rule,
                        "a long-term filing needs a signed bank payment agreement".into(),
                        None,
                    ));
                }
                if let (Some(min), Some(rule)) = (r.min_residence_months, &r.residence_rule) {
                    if q.residence_months.is_none_or(|m| m < min) {
                        return Ok(refuse(
                            None,
                            "RESIDENCE_TOO_SHORT",
                            rule,
                            format!("long-term filing needs at least {min} months of residence"),
                            None,
                        ));
                    }
                }
                if let Some(a) = &r.annual {
                    if q.date.m > a.last_month {
                        return Ok(refuse(
                            None,
                            "OUTSIDE_WINDOW",
                            &a.rule,
                            format!(
                                "long-term filings are applied for by the end of month {} of the year",
                                a.last_month
                            ),
                            None,
                        ));
                    }
                    if q.history.iter().any(|f| f.kind == "long_term_residence" && f.begndate.y == q.date.y) {
                        return Ok(refuse(
                            None,
                            "ONCE_A_YEAR",
                            &a.rule,
                            "a long-term filing was already made this year".into(),
                            None,
                        ));
                    }
                }
            }
            let f = Filing {
                kind: kind.into(),
                begndate: q.date,
                enddate: None,
                area_admdvs: area.into(),
                status: "active".into(),
            };
            let earliest = Some(q.date.add_months(r.lock_months));
            Ok(FilingResult { ok: true, filing: Some(f), refusal: None, earliest_change: earliest })
        }
        "cancel" | "change" | "suspend" | "resume" => {
            let f = need_filing()?;
            let earliest = f.begndate.add_months(r.lock_months);
            let want = if q.action == "resume" { "suspended" } else { "active" };
            if f.status != want {
                return Ok(refuse(
                    Some(f.clone()),
                    "WRONG_STATE",
                    &r.lock_rule,
                    format!("a filing that is {} cannot be {}", f.status, done(&q.action)),
                    None,
                ));
            }
            if q.action != "resume" && q.date < earliest {
                return Ok(refuse(
                    Some(f),
                    "FILING_LOCKED",
                    &r.lock_rule,
                    format!(
                        "a filing cannot be cancelled, changed or suspended within {} months; allowed from {earliest}",
                        r.lock_months
                    ),
                    Some(earliest),
                ));
            }
            let mut n = f;
            match q.action.as_str() {
                "cancel" => {
                    n.status = "cancelled".into();
                    n.enddate = Some(q.date);
                }
                "suspend" => n.status = "suspended".into(),
                "resume" => n.status = "active".into(),
                _ => {
                    let area = q
                        .area_admdvs
                        .clone()
                        .ok_or_else(|| Error::at(ErrorCode::InvalidClaim, "area_admdvs", "give the new area"))?;
                    if let Err(m) = area_ok(r, &area) {
                        return Ok(refuse(Some(n), "AREA_LEVEL", r.area_rule.as_deref().unwrap_or_default(), m, None));
                    }
                    n.area_admdvs = area.into();
                }
            }
            Ok(FilingResult { ok: true, filing: Some(n), refusal: None, earliest_change: Some(earliest) })
        }
        other => Err(Error::at(
            ErrorCode::UnknownCode,
            "action",
            format!("unknown filing action `{other}`; expected create, cancel, change, suspend or resume"),
        )),
    }
}
