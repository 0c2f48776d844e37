//! Year-to-date accumulators (累计信息, the platform's 5206): what a member had
//! used before a claim. The engine never stores them; it takes them in and
//! returns `ytd_after`, and a reversal gives them back exactly.

use crate::amounts::Amounts;
use crate::money::{self, Decimal};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Accumulators for one medical year (医疗年度).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ytd {
    /// The benefit year (医保年度) these sums belong to: the calendar year,
    /// or, under a policy with a `year_start`, the calendar year in which
    /// the benefit year begins.
    pub year: i32,
    /// Deductibles paid (累计起付线, Q0000).
    #[serde(with = "money::money", default = "money::zero")]
    #[schemars(with = "crate::json_schema::MoneyText")]
    pub dedc_paid: Decimal,
    /// Deductibles paid per benefit bucket, where a pack counts a yearly
    /// deductible per benefit.
    #[serde(with = "money::money_map", default, skip_serializing_if = "Amounts::is_empty")]
    #[schemars(with = "crate::amounts::Amounts")]
    pub dedc_paid_by: Amounts,
    /// Inpatient admissions so far (次数, C0000). Never negative in a
    /// claim's accumulators; negative only in a reversal's `ytd_delta`,
    /// which takes back the admission its settlement counted.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub admissions: i32,
    /// Total medical cost so far (医疗费总额).
    #[serde(with = "money::money", default = "money::zero")]
    #[schemars(with = "crate::json_schema::MoneyText")]
    pub cost_sum: Decimal,
    /// Paid per fund (`fund_pay_type` → amount; D…01 accumulators).
    #[serde(with = "money::money_map", default)]
    #[schemars(with = "crate::amounts::Amounts")]
    pub fund_paid: Amounts,
    /// Fund payments per benefit bucket the pack defines (`chronic`,
    /// `inpatient`…); monthly buckets are keyed `bucket@YYYY-MM`.
    #[serde(with = "money::money_map", default)]
    #[schemars(with = "crate::amounts::Amounts")]
    pub benefit_paid: Amounts,
    /// Eligible cost counted per bucket (S0000): yearly eligible-cost ceilings,
    /// year-based cost bands, and each further layer's cumulative basis
    /// (`layer:<id>`, or `layer:<counter>` where layers share one, e.g. the in-scope personal burden for serious-illness insurance).
    #[serde(with = "money::money_map", default, skip_serializing_if = "Amounts::is_empty")]
    #[schemars(with = "crate::amounts::Amounts")]
    pub eligible_sum: Amounts,
    /// Member quota-account balances spent this year, per account.
    #[serde(with = "money::money_map", default, skip_serializing_if = "Amounts::is_empty")]
    #[schemars(with = "crate::amounts::Amounts")]
    pub quota_used: Amounts,
}

impl Ytd {
    /// Fresh accumulators for `year`.
    pub fn fresh(year: i32) -> Ytd {
        Ytd { year, dedc_paid: money::zero(), cost_sum: money::zero(), ..Default::default() }
    }

    /// Reads a keyed amount (zero when absent).
    pub fn get(map: &Amounts, key: &str) -> Decimal {
        map.get(key).copied().unwrap_or_else(money::zero)
    }

    /// Adds `amount` to a keyed sum, keeping zero entries out.
    pub fn add(map: &mut Amounts, key: &str, amount: Decimal) {
        if amount.is_zero() {
            return;
        }
        let now_zero = match map.get_mut(key) {
            Some(e) => {
                *e += amount;
                e.is_zero()
            }
            None => {
                map.insert(key, amount);
                false
            }
        };
        if now_zero {
            map.remove(key);
        }
    }

    /// Every amount to exactly two places, zero entries dropped.
    pub fn normalized(mut self) -> Ytd {
        self.dedc_paid = money::fen(self.dedc_paid);
        self.cost_sum = money::fen(self.cost_sum);
        for m in [
            &mut self.dedc_paid_by,
            &mut self.fund_paid,
            &mut self.benefit_paid,
            &mut self.eligible_sum,
            &mut self.quota_used,
        ] {
            m.retain(|_, v| !v.is_zero());
            for v in m.values_mut() {
                *v = money::fen(*v);
            }
        }
        self
    }

    /// `self + delta` field by field, or `self - delta` when `sign` is
    /// negative.
    pub fn apply(&self, delta: &Ytd, sign: i32) -> Ytd {
        self.clone().plus(delta, sign)
    }

    /// [`Ytd::apply`] consuming `self` (no copy of its maps).
    pub fn plus(mut self, delta: &Ytd, sign: i32) -> Ytd {
        let minus = sign < 0;
        let signed = |v: Decimal| if minus { -v } else { v };
        self.dedc_paid += signed(delta.dedc_paid);
        self.cost_sum += signed(delta.cost_sum);
        self.admissions = if minus {
            self.admissions.saturating_sub(delta.admissions)
        } else {
            self.admissions.saturating_add(delta.admissions)
        };
        for (dst, src) in [
            (&mut self.dedc_paid_by, &delta.dedc_paid_by),
            (&mut self.fund_paid, &delta.fund_paid),
            (&mut self.benefit_paid, &delta.benefit_paid),
            (&mut self.eligible_sum, &delta.eligible_sum),
            (&mut self.quota_used, &delta.quota_used),
        ] {
            for (k, v) in src {
                Ytd::add(dst, k, signed(*v));
            }
        }
        self.normalized()
    }
}
