//! Deadlines of manual reimbursement (URU-DEADLINE): the same day-of-month N
//! calendar months after treatment ends (the month's last day where that day
//! does not exist), or the whole calendar year after the treatment year.

use crate::date::Date;
use crate::policy::facts::Facts;
use crate::policy::schema::Body;
use serde::{Deserialize, Serialize};

/// When a manual claim may be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First day a claim is accepted (absent: any time after treatment).
    pub opens: Option<Date>,
    /// Last day a claim is accepted.
    pub last_day: Date,
    /// Rule cited.
    pub rule: String,
}

/// The window of the first deadline rule that holds for this claim.
pub fn window(body: &Body, facts: &Facts) -> Option<Window> {
    let end = facts.claim.mdtrt.enddate;
    body.deadlines.iter().find(|d| d.when.matches(facts, None, &body.disease_groups)).map(|d| {
        if d.next_year {
            Window {
                opens: Date::new(end.y + 1, 1, 1),
                last_day: Date { y: end.y + 1, m: 12, d: 31 },
                rule: d.rule.to_string(),
            }
        } else {
            Window { opens: None, last_day: end.add_months(d.months_after_end.unwrap_or(6)), rule: d.rule.to_string() }
        }
    })
}
