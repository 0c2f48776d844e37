//! Material requirements (申报材料): which apply to a claim, and whether a
//! submitted item satisfies one (original or copy, seals, refused stamps,
//! daily list or summary, unit prices).

use super::Finding;
use crate::policy::disease::Groups;
use crate::policy::facts::Facts;
use crate::policy::schema::MaterialReq;
use serde::{Deserialize, Serialize};

/// A submitted material and its attributes as the office sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submitted {
    /// Material ID (`invoice`, `discharge_summary`, `cost_list`, `id_card`…).
    pub id: String,
    /// An original (false: a copy).
    #[serde(default = "yes")]
    pub original: bool,
    /// Seals on it (`fiscal`, `finance`, `hospital`, `list`…).
    #[serde(default)]
    pub seals: Vec<String>,
    /// Stamps on it (`medical_record_copy`, `emergency`…).
    #[serde(default)]
    pub stamps: Vec<String>,
    /// Its form (`summary`, `daily`…).
    #[serde(default)]
    pub form: Option<String>,
    /// Every line shows its unit price.
    #[serde(default)]
    pub unit_prices: Option<bool>,
}

fn yes() -> bool {
    true
}

/// The requirements of a list that apply to this claim.
pub fn applicable<'r>(reqs: &'r [MaterialReq], facts: Option<&Facts>, g: &Groups) -> Vec<&'r MaterialReq> {
    reqs.iter()
        .filter(|r| match (&r.when, facts) {
            (None, _) => true,
            (Some(c), Some(f)) => c.matches(f, None, g),
            (Some(_), None) => false,
        })
        .collect()
}

/// Why `item` does not satisfy `req` (empty when it does).
fn problems(req: &MaterialReq, item: &Submitted) -> Vec<Finding> {
    let mut out = Vec::new();
    let f = |code: &str, msg: String| Finding::new(code, &item.id, &req.rule, msg);
    if req.original && !item.original {
        out.push(f("COPY_REFUSED", format!("{}: an original is required, a copy was submitted", req.text)));
    }
    let missing: Vec<&String> = req.seals_all.iter().filter(|s| !item.seals.contains(s)).collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        out.push(f("SEAL_MISSING", format!("{}: needs the {} seal(s)", req.text, names.join(" and "))));
    }
    if !req.seals_any.is_empty() && !req.seals_any.iter().any(|s| item.seals.contains(s)) {
        out.push(f("SEAL_MISSING", format!("{}: needs one of the seals {}", req.text, req.seals_any.join(", "))));
    }
    if let Some(s) = item.stamps.iter().find(|s| req.refuse_stamps.contains(s)) {
        out.push(f("STAMP_REFUSED", format!("{}: an item stamped `{s}` is not accepted", req.text)));
    }
    if !req.forms.is_empty() && !item.form.as_ref().is_some_and(|x| req.forms.contains(x)) {
        out.push(f(
            "FORM_REFUSED",
            format!(
                "{}: the {} form is not accepted; bring the {}",
                req.text,
                item.form.as_deref().unwrap_or("given"),
                req.forms.join(" or ")
            ),
        ));
    }
    if req.unit_prices && item.unit_prices != Some(true) {
        out.push(f("UNIT_PRICES_MISSING", format!("{}: every line needs its unit price", req.text)));
    }
    out
}

/// Checks submitted items against the applicable requirements: missing ones
/// and refused ones, each with its rule.
pub fn check(reqs: &[&MaterialReq], submitted: &[Submitted]) -> (Vec<Finding>, Vec<Finding>) {
    let (mut missing, mut refused) = (Vec::new(), Vec::new());
    for req in reqs {
        let candidates: Vec<&Submitted> =
            submitted.iter().filter(|s| s.id == req.id || req.alternatives.contains(&s.id)).collect();
        if candidates.is_empty() {
            missing.push(Finding::new("MISSING", &req.id, &req.rule, format!("missing: {}", req.text)));
            continue;
        }
        let checked: Vec<Vec<Finding>> = candidates.iter().map(|c| problems(req, c)).collect();
        if !checked.iter().any(Vec::is_empty) {
            refused.extend(checked.into_iter().next().unwrap_or_default());
        }
    }
    (missing, refused)
}
