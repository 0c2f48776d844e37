//! Stage 8: direct settlement or manual reimbursement (URU-DIRECT): a claim
//! the policy routes to manual reimbursement keeps its computed amounts (what
//! the member can expect back) and gets a notice listing the materials that
//! apply to it and the last day to claim.

use super::Run;
use crate::paperwork::{deadline, materials};
use crate::settlement::Notice;

/// The manual-reimbursement notice (and where to ask), when the claim cannot
/// be settled directly.
pub fn manual(run: &Run) -> Option<Vec<Notice>> {
    let body = run.body;
    let g = &body.disease_groups;
    let route = body.manual.iter().find(|m| m.when.matches(&run.facts, None, g))?;
    let reqs = body.materials.get(&route.materials).map(Vec::as_slice).unwrap_or_default();
    let items = materials::applicable(reqs, Some(&run.facts), g)
        .into_iter()
        .map(|r| format!("{} [{}]", r.text, r.rule))
        .collect();
    let window = deadline::window(body, &run.facts);
    let mut message = route.message.clone();
    if let Some(w) = &window {
        message.push_str(&match w.opens {
            Some(o) => format!("; claim between {o} and {} ({})", w.last_day, w.rule),
            None => format!("; claim by {} ({})", w.last_day, w.rule),
        });
    }
    let mut out = vec![Notice {
        code: "MANUAL_REIMBURSEMENT".into(),
        rule: route.rule.to_string(),
        message,
        materials: items,
        deadline: window.map(|w| w.last_day),
        lines: Vec::new(),
    }];
    if let Some(c) = &body.contacts {
        out.push(Notice {
            code: "CONTACT".into(),
            rule: c.rule.to_string(),
            message: c.lines.join("; "),
            materials: Vec::new(),
            deadline: None,
            lines: Vec::new(),
        });
    }
    Some(out)
}
