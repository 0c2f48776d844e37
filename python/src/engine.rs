//! `Engine`: a loaded policy, and what it settles, reverses and checks, one
//! claim at a time or many on worker threads (`settle_many`).

use crate::convert::{self, catch, claim_of, entry_of, err, guarded, internal, json_to_py};
use crate::settlement::Settlement;
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::sync::Arc;

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
    /// An item `{"reverse": settlement}` (or JSON text of that shape)
    /// reverses the settlement against what its member carries, as
    /// `reverse(settlement, ytd=<carried>)` would, and gives the member's
    /// account back what it paid on the carried balance; its result is the
    /// reversal. A settlement is reversed once in a call (until its claim is
    /// settled again).
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
            // At least one: settling without the GIL lets other Python threads run.
            .unwrap_or_else(|| yibao_core::batch::default_workers().max(1));
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
                    chunk.push(catch(|| entry_of(&c)));
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
    /// member's current accumulators, when later claims were settled since;
    /// `balc` their current personal-account balance (`Decimal`, `str` or
    /// `int`), which gets back what their own account paid (the balance the
    /// settlement left gets it when absent).
    #[pyo3(signature = (settlement, ytd = None, balc = None))]
    fn reverse(
        &self,
        settlement: &Bound<'_, PyAny>,
        ytd: Option<&Bound<'_, PyAny>>,
        balc: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Settlement> {
        let r = guarded(|| {
            let s = convert::settlement_of(settlement)?;
            let current = ytd.map(convert::ytd_of).transpose()?;
            let balc = balc.map(convert::balance_of).transpose()?;
            self.inner.reverse(&s, current.as_ref(), balc)
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
