//! The `yibao._yibao` extension: thin bindings over `yibao-core`. Claims come
//! in as `dict` (money as `Decimal`, `str` or `int`) or JSON text (`str`, or
//! UTF-8 `bytes`); results go
//! out as typed objects with `decimal.Decimal` money; errors are raised as the
//! typed exceptions of `yibao._errors`, carrying `code` and `path`.

mod convert;
mod fast;

use convert::{catch, claim_of, err, guarded, json_to_py};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::sync::Arc;
use yibao_core::settlement as core_s;

/// mimalloc: settlements are built on worker threads and released by the
/// interpreter's thread; glibc's arenas make those cross-thread frees costly.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Claims read and handed to the workers per step of `settle_many`.
const CHUNK: usize = 256;
/// Claims `settle_many` lets the workers hold before it waits for results:
/// memory stays bounded however long the input.
const IN_FLIGHT: usize = 4 * CHUNK;

/// An immutable loaded policy; safe to share between threads.
#[pyclass(frozen, module = "yibao._yibao")]
pub struct Engine {
    inner: Arc<yibao_core::Engine>,
}

#[pymethods]
impl Engine {
    /// An engine over a built-in pack (see `yibao.policies()`).
    #[staticmethod]
    fn builtin(id: &str) -> PyResult<Engine> {
        Ok(Engine { inner: Arc::new(guarded(|| yibao_core::Engine::builtin(id))?) })
    }

    /// An engine over a policy file; `extends` paths are relative to it.
    #[staticmethod]
    fn from_file(path: std::path::PathBuf) -> PyResult<Engine> {
        Ok(Engine { inner: Arc::new(guarded(|| yibao_core::Engine::from_file(&path))?) })
    }

    /// An engine over a policy given as JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Engine> {
        Ok(Engine { inner: Arc::new(guarded(|| yibao_core::Engine::from_json(text))?) })
    }

    /// The loaded policy's ID.
    #[getter]
    fn policy_id(&self) -> String {
        self.inner.policy().id.clone()
    }

    /// The policy's content hash (`sha256:…`).
    #[getter]
    fn policy_hash(&self) -> String {
        self.inner.policy().hash.clone()
    }

    /// What `yibao check-policy` warns of: each rule the policy or the
    /// engine cites without a text in `rules`, as `{"rule", "place"}`.
    #[getter]
    fn policy_warnings(&self) -> Vec<std::collections::BTreeMap<&'static str, String>> {
        let p = self.inner.policy();
        p.undefined_rules.iter().map(|u| [("rule", u.rule.clone()), ("place", u.place.clone())].into()).collect()
    }

    /// The parameters the policy declares and no file has set, as
    /// `{"name", "rule"}`: a claim that needs one is refused with
    /// `PolicyParameterMissing`.
    #[getter]
    fn missing_params(&self) -> Vec<std::collections::BTreeMap<&'static str, String>> {
        let p = self.inner.policy();
        p.missing_params().iter().map(|m| [("name", m.name.clone()), ("rule", m.rule.to_string())].into()).collect()
    }

    /// Settles one claim (a `dict` in the contract's shape, or JSON text as a
    /// `str` or UTF-8 `bytes`).
    /// One claim takes microseconds: the GIL is kept (releasing it costs more);
    /// `settle_many` releases it.
    fn settle(&self, claim: &Bound<'_, PyAny>) -> PyResult<Settlement> {
        let s = guarded(|| self.inner.settle(&claim_of(claim)?))?;
        Ok(Settlement { inner: Arc::new(s) })
    }

    /// Settles many claims in input order, carrying accumulators and the
    /// personal-account balance per `psn_no` (a claim without `ytd` continues
    /// from the member's previous result, one without `psn.balc` from the
    /// balance it left),
    /// with members spread over `threads` worker threads (default: one fewer
    /// than the cores, at least one; `0` settles on this thread) that run
    /// without the GIL while this thread reads the next claims (reading a
    /// dict costs about as much as settling it, so this thread keeps a core
    /// busy).
    /// `errors="raise"` raises the first failure (its `path` prefixed with the
    /// claim's index); `errors="return"` puts the exception in its place.
    #[pyo3(signature = (claims, *, errors = "raise", threads = None))]
    fn settle_many(
        &self,
        py: Python<'_>,
        claims: &Bound<'_, PyAny>,
        errors: &str,
        threads: Option<usize>,
    ) -> PyResult<Py<PyList>> {
        if errors != "raise" && errors != "return" {
            return Err(pyo3::exceptions::PyValueError::new_err("errors must be \"raise\" or \"return\""));
        }
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1)));
        let mut pool = yibao_core::batch::Pool::new(&self.inner, threads);
        let out = PyList::empty(py);
        let mut iter = claims.try_iter()?;
        let mut exhausted = false;
        // One buffer for every chunk: a fresh one each time would cost the
        // kernel fresh zeroed pages on this (the GIL's) thread.
        let mut chunk = Vec::with_capacity(CHUNK);
        loop {
            // Read a chunk (with the GIL) while the workers settle earlier ones.
            if !exhausted {
                for item in iter.by_ref().take(CHUNK) {
                    let c = item?;
                    chunk.push(catch(|| claim_of(&c)));
                }
                exhausted = chunk.len() < CHUNK;
                if !chunk.is_empty() {
                    pool.submit(chunk.drain(..));
                }
            }
            if exhausted && pool.outstanding() == 0 {
                break;
            }
            // Wait (without the GIL) only when enough is in flight, or at the end.
            let wait = exhausted || pool.outstanding() > IN_FLIGHT;
            let ready = if wait { py.detach(|| pool.ready(true)) } else { pool.ready(false) };
            for r in ready {
                let index = out.len();
                match r {
                    Ok(s) => out.append(Settlement { inner: s })?,
                    Err(mut e) => {
                        e.path = Some(match e.path {
                            Some(p) => format!("[{index}].{p}"),
                            None => format!("[{index}]"),
                        });
                        if errors == "raise" {
                            return Err(err(e));
                        }
                        out.append(err(e).value(py))?;
                    }
                }
            }
        }
        Ok(out.unbind())
    }

    /// Reverses a settlement (a `Settlement`, `dict`, or JSON `str` or `bytes`): amounts
    /// negated, `ytd_after` the accumulators as they were. `ytd` is the
    /// member's current accumulators, when later claims were settled since.
    #[pyo3(signature = (settlement, ytd = None))]
    fn reverse(&self, settlement: &Bound<'_, PyAny>, ytd: Option<&Bound<'_, PyAny>>) -> PyResult<Settlement> {
        let r = guarded(|| {
            let s = convert::settlement_of(settlement)?;
            let current = ytd.map(convert::ytd_of).transpose()?;
            self.inner.reverse(&s, current.as_ref())
        })?;
        Ok(Settlement { inner: Arc::new(r) })
    }

    /// Runs one operation on a JSON string and returns the JSON result:
    /// `settle`, `reverse`, `check`, `filing`, `certification`, `deadline`, `workdays`.
    fn call_json(&self, py: Python<'_>, op: &str, input: &str) -> PyResult<String> {
        let engine = self.inner.clone();
        let (op, input) = (op.to_string(), input.to_string());
        py.detach(move || catch(|| engine.call(&op, &input))).map_err(err)
    }

    /// Runs one operation on a dict (or JSON str) and returns the result as a
    /// dict (amounts as `Decimal`, dates as ISO strings).
    fn call<'py>(&self, py: Python<'py>, op: &str, input: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let text = if let Ok(s) = input.cast::<pyo3::types::PyString>() {
            s.to_cow()?.into_owned()
        } else {
            guarded(|| convert::to_value(input, &mut String::new(), 0))?.to_string()
        };
        let out = guarded(|| self.inner.call(op, &text))?;
        let v: serde_json::Value = guarded(|| serde_json::from_str(&out).map_err(|e| internal(&e)))?;
        json_to_py(py, &v, false)
    }

    /// Checks an application for manual reimbursement (claim, submitted date,
    /// materials, trip, card usage): accepted, or the missing and refused items.
    fn check<'py>(&self, py: Python<'py>, application: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, "check", application)
    }

    /// Applies a filing transition (create, cancel, change, suspend, resume).
    fn filing<'py>(&self, py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, "filing", request)
    }

    /// Applies a certification step (submit, accept, approve, reject, resubmit, change, death).
    fn certification<'py>(&self, py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, "certification", request)
    }

    /// The manual-reimbursement window of a claim (`opens`, `last_day`, `rule`), or None.
    fn deadline<'py>(&self, py: Python<'py>, claim: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, "deadline", claim)
    }

    fn __repr__(&self) -> String {
        let p = self.inner.policy();
        format!("Engine(policy_id='{}', versions={})", p.id, p.versions.len())
    }
}

/// The result of settling one claim.
#[pyclass(frozen, module = "yibao._yibao")]
pub struct Settlement {
    inner: Arc<core_s::Settlement>,
}

fn status_str(s: core_s::Status) -> &'static str {
    match s {
        core_s::Status::Settled => "settled",
        core_s::Status::Denied => "denied",
        core_s::Status::Manual => "manual",
        core_s::Status::Reversed => "reversed",
    }
}

/// An engine result that cannot be turned into JSON (a bug): `INTERNAL`.
fn internal(e: &serde_json::Error) -> yibao_core::Error {
    yibao_core::Error::new(yibao_core::ErrorCode::Internal, format!("a result could not be converted: {e}"))
}

/// A result as Python values, through its JSON; a failure or panic is
/// `YibaoError` `INTERNAL`, as everywhere else at this boundary.
fn to_py<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = guarded(|| serde_json::to_value(v).map_err(|e| internal(&e)))?;
    json_to_py(py, &value, false)
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

/// The built-in packs: ID, title, versions, hash, rule IDs and the parameters
/// each still needs.
#[pyfunction]
fn policies<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    let list = guarded(yibao_core::policies)?;
    to_py(py, &list)
}

/// The JSON Schema (draft 2020-12) of policy files, as a dict: check a policy
/// with the `jsonschema` package before loading it, or point an editor at it.
/// It checks names, types and words; required keys and the arithmetic are
/// checked when the policy is loaded.
#[pyfunction]
fn policy_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let schema = guarded(|| Ok::<_, yibao_core::Error>(yibao_core::policy::json_schema::policy_file_schema()))?;
    schema_to_py(py, &schema)
}

/// The JSON Schema (draft 2020-12) of a claim, as a dict: check a claim
/// with the `jsonschema` package before settling it, or generate forms and
/// types from it. It checks names, types, spellings of amounts and dates,
/// and the codes of the fixed national tables; what needs the policy is
/// checked when the claim is settled.
#[pyfunction]
fn claim_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let schema = guarded(|| Ok::<_, yibao_core::Error>(yibao_core::json_schema::claim_schema()))?;
    schema_to_py(py, &schema)
}

/// A schema as plain Python values, read by the standard `json` module: its
/// keys are a schema's words, not amounts, so none is read as a Decimal.
fn schema_to_py<'py>(py: Python<'py>, schema: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (schema.to_string(),))
}

/// For tests: `None` when the fast dict reader gives up on `claim` (the exact
/// path then reads it), else whether both readers read the same claim.
#[pyfunction]
fn _fast_path_agrees(claim: &Bound<'_, PyAny>) -> Option<bool> {
    let fast = fast::claim(claim).ok()?;
    Some(convert::claim_exact(claim).is_ok_and(|exact| exact == fast))
}

/// For tests: panics inside the boundary on purpose, which must come out as
/// `YibaoError` with code `INTERNAL` (as the C ABI's `yibao_selftest_panic`).
#[pyfunction]
fn _selftest_panic() -> PyResult<()> {
    guarded(|| -> Result<(), yibao_core::Error> { panic!("deliberate panic for the boundary self-test") })
}

/// The `yibao._yibao` extension module.
#[pymodule]
mod _yibao {
    use super::*;

    #[pymodule_export]
    use super::{
        _fast_path_agrees, _selftest_panic, claim_schema, policies, policy_schema, Engine, FundDetail, SetlInfo,
        Settlement,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("ENGINE", yibao_core::ENGINE)?;
        Ok(())
    }
}
