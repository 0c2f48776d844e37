//! The `yibao._yibao` extension: thin bindings over `yibao-core`. Claims come
//! in as `dict` (money as `Decimal`, `str` or `int`) or JSON text (`str`, or
//! UTF-8 `bytes`); results go
//! out as typed objects with `decimal.Decimal` money; errors are raised as the
//! typed exceptions of `yibao._errors`, carrying `code` and `path`.

mod convert;
mod engine;
mod fast;
mod settlement;

use convert::{guarded, to_py};
use pyo3::prelude::*;

/// mimalloc: settlements are built on worker threads and released by the
/// interpreter's thread; glibc's arenas make those cross-thread frees costly.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    use super::engine::Engine;
    #[pymodule_export]
    use super::settlement::{FundDetail, SetlInfo, Settlement};
    #[pymodule_export]
    use super::{_fast_path_agrees, _selftest_panic, claim_schema, policies, policy_schema};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("ENGINE", yibao_core::ENGINE)?;
        Ok(())
    }
}
