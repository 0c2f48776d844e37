//! The typed results: `Settlement`, its `SetlInfo` sums and `FundDetail`
//! rows, with `decimal.Decimal` money read from the core settlement they
//! share.

use crate::convert::{guarded, to_py};
use pyo3::prelude::*;
use std::sync::Arc;
use yibao_core::settlement as core_s;

/// The result of settling one claim.
#[pyclass(frozen, module = "yibao._yibao")]
pub struct Settlement {
    pub(crate) inner: Arc<core_s::Settlement>,
}

fn status_str(s: core_s::Status) -> &'static str {
    match s {
        core_s::Status::Settled => "settled",
        core_s::Status::Denied => "denied",
        core_s::Status::Manual => "manual",
        core_s::Status::Reversed => "reversed",
    }
}

#[pymethods]
impl Settlement {
    /// `"settled"`, `"denied"`, `"manual"` or `"reversed"`.
    #[getter]
    fn status(&self) -> &'static str {
        status_str(self.inner.status)
    }
    /// Visit ID.
    #[getter]
    fn mdtrt_id(&self) -> &str {
        &self.inner.mdtrt_id
    }
    /// Person number.
    #[getter]
    fn psn_no(&self) -> &str {
        &self.inner.psn_no
    }
    /// The benefit the claim was settled under, if any.
    #[getter]
    fn benefit(&self) -> Option<&str> {
        self.inner.benefit.as_deref()
    }
    /// Per-settlement sums (`setlinfo`), each a `Decimal`.
    #[getter]
    fn setlinfo(&self) -> SetlInfo {
        SetlInfo { inner: self.inner.clone() }
    }
    /// One row per fund (`setldetail`).
    #[getter]
    fn setldetail(&self) -> Vec<FundDetail> {
        (0..self.inner.setldetail.len()).map(|i| FundDetail { inner: self.inner.clone(), i }).collect()
    }
    /// Per-line splits, as dicts with `Decimal` amounts.
    #[getter]
    fn feedetail<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.feedetail)
    }
    /// Accumulators after this claim (persist them), as a dict.
    #[getter]
    fn ytd_after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.ytd_after)
    }
    /// What this claim added to the accumulators.
    #[getter]
    fn ytd_delta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.ytd_delta)
    }
    /// Every step with its rule ID, as dicts.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.trace)
    }
    /// What the member must know or do, as dicts.
    #[getter]
    fn notices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.notices)
    }
    /// Why no fund pays (`code`, `rule`, `message`), or None.
    #[getter]
    fn denial<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.denial)
    }
    /// Engine, policy and input fingerprints.
    #[getter]
    fn stamp<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.stamp)
    }
    /// The whole settlement as a dict (money as `Decimal`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner)
    }
    /// The settlement as the contract's JSON.
    fn to_json(&self) -> PyResult<String> {
        guarded(|| Ok(yibao_core::settlement_json::to_string(&self.inner)))
    }
    fn __repr__(&self) -> String {
        let i = &self.inner.setlinfo;
        format!(
            "Settlement(status='{}', mdtrt_id='{}', medfee_sumamt=Decimal('{}'), fund_pay_sumamt=Decimal('{}'), \
             psn_part_amt=Decimal('{}'), acct_pay=Decimal('{}'), psn_cash_pay=Decimal('{}'))",
            status_str(self.inner.status),
            self.inner.mdtrt_id,
            i.medfee_sumamt,
            i.fund_pay_sumamt,
            i.psn_part_amt,
            i.acct_pay,
            i.psn_cash_pay
        )
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Settlement>().is_ok_and(|o| o.get().inner == self.inner)
    }
}

macro_rules! setlinfo_getters {
    ($($f:ident: $doc:literal),* $(,)?) => {
        #[pymethods]
        impl SetlInfo {
            $(
                #[doc = $doc]
                #[getter]
                fn $f(&self) -> rust_decimal::Decimal {
                    self.inner.setlinfo.$f
                }
            )*
            fn __repr__(&self) -> String {
                let i = &self.inner.setlinfo;
                let parts: Vec<String> = vec![$(format!("{}=Decimal('{}')", stringify!($f), i.$f)),*];
                format!("SetlInfo({})", parts.join(", "))
            }
        }
    };
}

/// Per-settlement sums in the national names, each a `decimal.Decimal`.
#[pyclass(frozen, module = "yibao._yibao")]
pub struct SetlInfo {
    inner: Arc<core_s::Settlement>,
}

setlinfo_getters!(
    medfee_sumamt: "Total charges (医疗费总额).",
    fulamt_ownpay_amt: "Fully self-paid (全自费金额).",
    overlmt_selfpay: "Over the price or counted limit (超限价自费费用).",
    preselfpay_amt: "Pre-self-pay of class-B items (先行自付金额).",
    inscp_scp_amt: "In scope (符合政策范围金额).",
    act_pay_dedc: "Deductible borne this time (实际支付起付线).",
    hifp_pay: "Basic pooling fund (统筹基金支出).",
    pool_prop_selfpay: "Basic fund ratio applied (informational).",
    cvlserv_pay: "Civil-servant subsidy (公务员医疗补助).",
    hifes_pay: "Enterprise supplementary fund (企业补充).",
    hifmi_pay: "Residents' serious-illness insurance (居民大病保险).",
    hifob_pay: "Employees' large-amount subsidy (职工大额补助).",
    maf_pay: "Medical assistance (医疗救助).",
    oth_pay: "Other funds (其他支出).",
    fund_pay_sumamt: "Sum of fund payments (基金支付总额).",
    psn_part_amt: "Member's total share (个人负担总金额).",
    acct_pay: "Personal account (个人账户支出), the mutual-aid part included.",
    acct_mulaid_pay: "Of acct_pay, drawn on a family member's account by mutual aid (个人账户共济支付金额).",
    psn_cash_pay: "Cash (个人现金支出).",
    hosp_part_amt: "Borne by the hospital (医院负担金额): cost above a fixed standard, hospital relief.",
    balc: "Personal-account balance after (余额).",
);

/// One fund's row of `setldetail`.
#[pyclass(frozen, module = "yibao._yibao")]
pub struct FundDetail {
    inner: Arc<core_s::Settlement>,
    i: usize,
}

impl FundDetail {
    fn row(&self) -> &core_s::SetlDetail {
        &self.inner.setldetail[self.i]
    }
}

#[pymethods]
impl FundDetail {
    /// Fund code (基金支付类型), e.g. `"390100"`.
    #[getter]
    fn fund_pay_type(&self) -> &str {
        &self.row().fund_pay_type
    }
    /// The base this fund worked on.
    #[getter]
    fn inscp_scp_amt(&self) -> rust_decimal::Decimal {
        self.row().inscp_scp_amt
    }
    /// What the fund could still pay this time (本次可支付限额金额).
    #[getter]
    fn crt_payb_lmt_amt(&self) -> rust_decimal::Decimal {
        self.row().crt_payb_lmt_amt
    }
    /// What it paid.
    #[getter]
    fn fund_payamt(&self) -> rust_decimal::Decimal {
        self.row().fund_payamt
    }
    /// How it was computed.
    #[getter]
    fn setl_proc_info(&self) -> &str {
        &self.row().setl_proc_info
    }
    fn __repr__(&self) -> String {
        let r = self.row();
        format!(
            "FundDetail(fund_pay_type='{}', fund_payamt=Decimal('{}'), crt_payb_lmt_amt=Decimal('{}'))",
            r.fund_pay_type, r.fund_payamt, r.crt_payb_lmt_amt
        )
    }
}
