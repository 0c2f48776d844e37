//! The settlement (结算结果): per-settlement sums (`setlinfo`), one row per fund
//! (`setldetail`), per-line splits (`feedetail`), accumulators after, the trace
//! and the notices (`contract.md`, "A settlement").

use crate::claim::Code;
use crate::money::{self, Decimal};
use crate::policy::schema::Rid;
use crate::ytd::Ytd;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use std::borrow::Cow;

/// The rule IDs of one line result, stored inline up to two.
pub type LineRules = SmallVec<[Rid; 2]>;

/// How the claim ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Settled directly.
    Settled,
    /// No fund pays; `denial` says why.
    Denied,
    /// Cannot be settled directly; `notices` say what the member must do.
    Manual,
    /// A reversal of an earlier settlement (amounts negated).
    Reversed,
}

/// Per-settlement sums (结算信息, `setlinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetlInfo {
    /// Total charges (医疗费总额).
    #[serde(with = "money::money")]
    pub medfee_sumamt: Decimal,
    /// Fully self-paid (全自费金额).
    #[serde(with = "money::money")]
    pub fulamt_ownpay_amt: Decimal,
    /// Over the price or counted limit (超限价自费费用).
    #[serde(with = "money::money")]
    pub overlmt_selfpay: Decimal,
    /// Pre-self-pay of class-B items (先行自付金额).
    #[serde(with = "money::money")]
    pub preselfpay_amt: Decimal,
    /// In scope (符合政策范围金额).
    #[serde(with = "money::money")]
    pub inscp_scp_amt: Decimal,
    /// Deductible borne this time (实际支付起付线).
    #[serde(with = "money::money")]
    pub act_pay_dedc: Decimal,
    /// Basic pooling fund (统筹基金支出).
    #[serde(with = "money::money")]
    pub hifp_pay: Decimal,
    /// Basic fund ratio applied (informational; 5,4).
    #[serde(with = "money::ratio")]
    pub pool_prop_selfpay: Decimal,
    /// Civil-servant subsidy (公务员医疗补助).
    #[serde(with = "money::money")]
    pub cvlserv_pay: Decimal,
    /// Enterprise supplementary fund (企业补充).
    #[serde(with = "money::money")]
    pub hifes_pay: Decimal,
    /// Residents' serious-illness insurance (居民大病保险).
    #[serde(with = "money::money")]
    pub hifmi_pay: Decimal,
    /// Employees' large-amount subsidy (职工大额补助).
    #[serde(with = "money::money")]
    pub hifob_pay: Decimal,
    /// Medical assistance (医疗救助).
    #[serde(with = "money::money")]
    pub maf_pay: Decimal,
    /// Every other fund (其他支出).
    #[serde(with = "money::money")]
    pub oth_pay: Decimal,
    /// Sum of the fund payments (基金支付总额).
    #[serde(with = "money::money")]
    pub fund_pay_sumamt: Decimal,
    /// Member's total share (个人负担总金额).
    #[serde(with = "money::money")]
    pub psn_part_amt: Decimal,
    /// Paid from the personal account (个人账户支出).
    #[serde(with = "money::money")]
    pub acct_pay: Decimal,
    /// The part of `acct_pay` drawn on a family member's account by mutual
    /// aid (个人账户共济支付金额); already included in `acct_pay`. Absent in a
    /// settlement written before it existed, and read as zero.
    #[serde(with = "money::money", default = "money::zero")]
    pub acct_mulaid_pay: Decimal,
    /// Paid in cash (个人现金支出).
    #[serde(with = "money::money")]
    pub psn_cash_pay: Decimal,
    /// Borne by the hospital (医院负担金额): cost above a fixed standard
    /// (定额) and hospital relief layers (医院减免). Zero unless the policy
    /// has either; `psn_part_amt = medfee_sumamt − fund_pay_sumamt − hosp_part_amt`.
    /// Absent in a settlement written before it existed, and read as zero.
    #[serde(with = "money::money", default = "money::zero")]
    pub hosp_part_amt: Decimal,
    /// Personal-account balance after (余额).
    #[serde(with = "money::money")]
    pub balc: Decimal,
}

impl SetlInfo {
    /// All-zero sums with the given account balance.
    pub fn zero(balc: Decimal) -> SetlInfo {
        let z = money::zero();
        SetlInfo {
            medfee_sumamt: z,
            fulamt_ownpay_amt: z,
            overlmt_selfpay: z,
            preselfpay_amt: z,
            inscp_scp_amt: z,
            act_pay_dedc: z,
            hifp_pay: z,
            pool_prop_selfpay: Decimal::new(0, 4),
            cvlserv_pay: z,
            hifes_pay: z,
            hifmi_pay: z,
            hifob_pay: z,
            maf_pay: z,
            oth_pay: z,
            fund_pay_sumamt: z,
            psn_part_amt: z,
            acct_pay: z,
            acct_mulaid_pay: z,
            psn_cash_pay: z,
            hosp_part_amt: z,
            balc,
        }
    }

    /// The amounts of this claim, every one but the account balance after
    /// it (`balc`): what a reversal negates.
    pub fn claim_amounts_mut(&mut self) -> [&mut Decimal; 19] {
        [
            &mut self.medfee_sumamt,
            &mut self.fulamt_ownpay_amt,
            &mut self.overlmt_selfpay,
            &mut self.preselfpay_amt,
            &mut self.inscp_scp_amt,
            &mut self.act_pay_dedc,
            &mut self.hifp_pay,
            &mut self.cvlserv_pay,
            &mut self.hifes_pay,
            &mut self.hifmi_pay,
            &mut self.hifob_pay,
            &mut self.maf_pay,
            &mut self.oth_pay,
            &mut self.fund_pay_sumamt,
            &mut self.psn_part_amt,
            &mut self.acct_pay,
            &mut self.acct_mulaid_pay,
            &mut self.psn_cash_pay,
            &mut self.hosp_part_amt,
        ]
    }

    /// Every amount to exactly two places (four for the ratio).
    pub fn normalize(&mut self) {
        for f in self.claim_amounts_mut() {
            *f = money::fen(*f);
        }
        self.balc = money::fen(self.balc);
        self.pool_prop_selfpay = self.pool_prop_selfpay.round_dp(4);
        self.pool_prop_selfpay.rescale(4);
    }

    /// The setlinfo field a fund code pays into (national mapping; unknown
    /// codes go to `oth_pay`).
    pub fn field_mut(&mut self, fund_pay_type: &str) -> &mut Decimal {
        match fund_pay_type {
            "310100" | "390100" => &mut self.hifp_pay,
            "320100" => &mut self.cvlserv_pay,
            "370100" => &mut self.hifes_pay,
            "390200" => &mut self.hifmi_pay,
            "330100" => &mut self.hifob_pay,
            "610100" => &mut self.maf_pay,
            _ => &mut self.oth_pay,
        }
    }
}

/// One fund's row (结算基金分项, `setldetail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetlDetail {
    /// Fund code (基金支付类型).
    pub fund_pay_type: Code,
    /// The base this fund worked on (符合政策范围金额).
    #[serde(with = "money::money")]
    pub inscp_scp_amt: Decimal,
    /// What the fund could still pay this time (本次可支付限额金额).
    #[serde(with = "money::money")]
    pub crt_payb_lmt_amt: Decimal,
    /// What it paid (基金支付金额).
    #[serde(with = "money::money")]
    pub fund_payamt: Decimal,
    /// How it was computed (结算过程信息).
    pub setl_proc_info: String,
}

/// A fee line's split (费用明细结果).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineResult {
    /// The line's serial number.
    pub feedetl_sn: Code,
    /// The line total, echoed (net of the refund lines that take it back).
    #[serde(with = "money::money")]
    pub det_item_fee_sumamt: Decimal,
    /// Fully self-paid part.
    #[serde(with = "money::money")]
    pub fulamt_ownpay_amt: Decimal,
    /// Over the price or counted limit.
    #[serde(with = "money::money")]
    pub overlmt_amt: Decimal,
    /// Pre-self-pay part.
    #[serde(with = "money::money")]
    pub preselfpay_amt: Decimal,
    /// In-scope part.
    #[serde(with = "money::money")]
    pub inscp_scp_amt: Decimal,
    /// Self-pay ratio (自付比例): the pre-self-pay ratio applied to a priced
    /// line, [`LineResult::ALL_SELF`] on a fully self-paid one, as the
    /// platform's line result gives them.
    #[serde(with = "money::ratio")]
    pub selfpay_prop: Decimal,
    /// Rule IDs that shaped this line (one or two almost always: kept inline).
    #[serde(default, skip_serializing_if = "SmallVec::is_empty")]
    pub rules: LineRules,
}

impl LineResult {
    /// The `selfpay_prop` of a fully self-paid line (class C, an excluded
    /// category, an item not approved, every line of a denied claim):
    /// `1.0000`, the member pays all of it.
    pub const ALL_SELF: Decimal = Decimal::from_parts(10_000, 0, 0, false, 4);
}

/// One step of the computation, citing its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// Pipeline stage (`classify`, `deductible`, `fund`, `layer`, `account`, `cash`…).
    pub step: Cow<'static, str>,
    /// Rule ID of the catalogue or of the loaded policy.
    pub rule: Rid,
    /// Amount this step decided.
    #[serde(with = "money::money")]
    pub amount: Decimal,
    /// Plain words.
    pub text: Cow<'static, str>,
}

/// Something the member or the hospital must know or do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Stable notice code (`MANUAL_REIMBURSEMENT`, `CAP_REACHED`…).
    pub code: String,
    /// Rule ID.
    pub rule: String,
    /// Plain words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// Materials to bring, where there are any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
    /// Last day to act, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<crate::date::Date>,
    /// The fee lines (`feedetl_sn`) the notice is about, in the order of
    /// their serial numbers (`9` before `10`), for advice given on lines (a class-C item needing the member's
    /// signed consent); empty for a notice about the whole claim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<crate::claim::Code>,
}

/// Why no fund pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denial {
    /// Stable denial code (`NO_REFERRAL`, `EXCLUDED_CAUSE`, `NOT_ELIGIBLE`…).
    pub code: String,
    /// Rule ID.
    pub rule: String,
    /// Plain words.
    pub message: String,
}

/// What produced this settlement, so a payout can be replayed years later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Engine name and version.
    pub engine: std::sync::Arc<str>,
    /// Policy pack ID.
    pub policy: std::sync::Arc<str>,
    /// Policy version label in force on the claim's date.
    pub policy_version: std::sync::Arc<str>,
    /// SHA-256 of the resolved policy (`sha256:…`).
    pub policy_hash: std::sync::Arc<str>,
    /// SHA-256 of the canonical claim JSON (`sha256:…`).
    pub input_hash: String,
}

/// The result of settling one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// `settled`, `denied`, `manual` or `reversed`.
    pub status: Status,
    /// Visit ID, echoed.
    pub mdtrt_id: Code,
    /// Person number, echoed.
    pub psn_no: Code,
    /// Benefit the claim was settled under (pack-defined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit: Option<Code>,
    /// Per-settlement sums.
    pub setlinfo: SetlInfo,
    /// One row per fund that took part.
    pub setldetail: Vec<SetlDetail>,
    /// Per-line splits.
    pub feedetail: Vec<LineResult>,
    /// Accumulators after this claim; persist them.
    pub ytd_after: Ytd,
    /// What this claim added to the accumulators (a reversal subtracts it).
    pub ytd_delta: Ytd,
    /// Every step, citing its rule.
    pub trace: Vec<TraceEntry>,
    /// What the member must know or do.
    pub notices: Vec<Notice>,
    /// Why no fund pays, when `status` is `denied`.
    pub denial: Option<Denial>,
    /// Engine, policy and input fingerprints.
    pub stamp: Stamp,
}
