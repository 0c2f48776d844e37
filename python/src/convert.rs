//! Conversions between Python objects and the core's types: claims from
//! dicts (money as `Decimal`, `str`, `int`, or a `float` exact to its
//! field's places), results to dicts with `Decimal` money, core errors to the
//! typed exceptions of `yibao._errors`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};
use yibao_core::batch::{parse_entry, Entry};
use yibao_core::{Claim, Error, ErrorCode};

pyo3::import_exception!(yibao._errors, YibaoError);
pyo3::import_exception!(yibao._errors, InvalidClaim);
pyo3::import_exception!(yibao._errors, UnknownCode);
pyo3::import_exception!(yibao._errors, PolicyError);
pyo3::import_exception!(yibao._errors, UnknownPolicy);
pyo3::import_exception!(yibao._errors, PolicyParameterMissing);
pyo3::import_exception!(yibao._errors, InvalidSettlement);

/// The typed exception for a core error.
pub fn err(e: Error) -> PyErr {
    let args = (e.code.as_str().to_string(), e.path, e.message, e.rule, e.parameter);
    match e.code {
        ErrorCode::InvalidClaim | ErrorCode::InvalidJson | ErrorCode::InputTooLarge => InvalidClaim::new_err(args),
        ErrorCode::UnknownCode => UnknownCode::new_err(args),
        ErrorCode::UnknownPolicy => UnknownPolicy::new_err(args),
        ErrorCode::InvalidPolicy | ErrorCode::NoPolicyVersion => PolicyError::new_err(args),
        ErrorCode::PolicyParameterMissing => PolicyParameterMissing::new_err(args),
        ErrorCode::InvalidSettlement => InvalidSettlement::new_err(args),
        ErrorCode::Io | ErrorCode::Internal => YibaoError::new_err(args),
    }
}

/// Runs a call into the core with panics caught: a panic (a bug) becomes an
/// `INTERNAL` error, so none reaches Python as pyo3's `PanicException`,
/// which `except YibaoError` would not catch.
pub fn catch<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::new(ErrorCode::Internal, "an internal panic was caught; the call had no effect"))
    })
}

/// [`catch`], with the error raised as its typed exception.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, Error>) -> PyResult<T> {
    catch(f).map_err(err)
}

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn bad(path: &str, msg: String) -> Error {
    Error::at(ErrorCode::InvalidClaim, if path.is_empty() { "." } else { path }, msg)
}

/// A Python value as JSON, checking what a claim may carry.
pub fn to_value(obj: &Bound<'_, PyAny>, path: &mut String, depth: usize) -> Result<Value, Error> {
    if depth > 64 {
        return Err(bad(path, "nested too deeply".into()));
    }
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow().map(|s| Value::String(s.to_string())).map_err(|e| bad(path, format!("not valid text: {e}")));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        return Err(bad(path, "integer out of range".into()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        // Checked against the field's places by the core, like a JSON number.
        return Number::from_f64(f.value()).map(Value::Number).ok_or_else(|| bad(path, "not a finite number".into()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let k: String = k.extract().map_err(|_| bad(path, "dictionary keys must be strings".into()))?;
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&k);
            let val = to_value(&v, path, depth + 1)?;
            path.truncate(len);
            m.insert(k, val);
        }
        return Ok(Value::Object(m));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, v) in obj.try_iter().map_err(|e| bad(path, e.to_string()))?.enumerate() {
            let v = v.map_err(|e| bad(path, e.to_string()))?;
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            out.push(to_value(&v, path, depth + 1)?);
            path.truncate(len);
        }
        return Ok(Value::Array(out));
    }
    let decimal = DECIMAL
        .get_or_try_init(py, || -> PyResult<Py<PyType>> {
            Ok(py.import("decimal")?.getattr("Decimal")?.cast_into::<PyType>()?.unbind())
        })
        .map_err(|e| bad(path, e.to_string()))?;
    if obj.is_instance(decimal.bind(py)).unwrap_or(false) {
        let s: String = obj.str().and_then(|s| s.extract()).map_err(|e| bad(path, e.to_string()))?;
        return Ok(Value::String(s));
    }
    let date = DATE
        .get_or_try_init(py, || -> PyResult<Py<PyType>> {
            Ok(py.import("datetime")?.getattr("date")?.cast_into::<PyType>()?.unbind())
        })
        .map_err(|e| bad(path, e.to_string()))?;
    if obj.is_instance(date.bind(py)).unwrap_or(false) {
        let s: String =
            obj.call_method0("isoformat").and_then(|s| s.extract()).map_err(|e| bad(path, e.to_string()))?;
        return Ok(Value::String(s.chars().take(10).collect()));
    }
    let tn = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(bad(path, format!("a {tn} cannot be part of a claim; use str, int, Decimal, dict or list")))
}

/// JSON text given as `bytes` (a line read from a file opened in binary):
/// UTF-8, or `INVALID_JSON` naming the first byte that is not.
fn utf8_of<'a>(b: &'a Bound<'_, PyBytes>) -> Result<&'a str, Error> {
    std::str::from_utf8(b.as_bytes()).map_err(|e| {
        Error::new(
            ErrorCode::InvalidJson,
            format!("the bytes are not valid UTF-8 at byte {} (decode other encodings to str first)", e.valid_up_to()),
        )
    })
}

/// A claim from a dict, or JSON text as a `str` or UTF-8 `bytes`.
pub fn claim_of(obj: &Bound<'_, PyAny>) -> Result<Claim, Error> {
    if let Ok(s) = obj.cast::<PyString>() {
        let t = s.to_cow().map_err(|e| bad("", format!("not valid text: {e}")))?;
        return yibao_core::parse_claim(&t);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return yibao_core::parse_claim(utf8_of(b)?);
    }
    if let Ok(c) = crate::fast::claim(obj) {
        return Ok(c);
    }
    claim_exact(obj)
}

/// An entry of `settle_many`: a dict `{"reverse": s}` (`s` a `Settlement`,
/// a dict or JSON text) or JSON text whose first key is `reverse` is a
/// reversal; anything else is a claim, read as [`claim_of`] reads it.
pub fn entry_of(obj: &Bound<'_, PyAny>) -> Result<Entry, Error> {
    if let Ok(d) = obj.cast::<PyDict>() {
        if d.len() == 1 {
            if let Some(s) = d.get_item("reverse").map_err(|e| bad("", e.to_string()))? {
                return settlement_of(&s).map(|s| Entry::Reverse(Box::new(s))).map_err(|mut e| {
                    e.path = Some(match e.path.take() {
                        Some(p) if p != "." => format!("reverse.{p}"),
                        _ => "reverse".into(),
                    });
                    e
                });
            }
        }
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let t = s.to_cow().map_err(|e| bad("", format!("not valid text: {e}")))?;
        return parse_entry(&t);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return parse_entry(utf8_of(b)?);
    }
    claim_of(obj).map(Entry::Claim)
}

/// A claim from a dict by the exact path (through a JSON value, with paths in errors).
pub fn claim_exact(obj: &Bound<'_, PyAny>) -> Result<Claim, Error> {
    let v = to_value(obj, &mut String::new(), 0)?;
    yibao_core::claim_from_value(v)
}

/// A settlement from a `Settlement`, a dict, or JSON text as a `str` or
/// UTF-8 `bytes`.
pub fn settlement_of(obj: &Bound<'_, PyAny>) -> Result<yibao_core::Settlement, Error> {
    if let Ok(s) = obj.cast::<crate::settlement::Settlement>() {
        return Ok((*s.get().inner).clone());
    }
    let text = if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow().map_err(|e| bad("", e.to_string()))?.to_string()
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        utf8_of(b)?.to_string()
    } else {
        to_value(obj, &mut String::new(), 0)?.to_string()
    };
    yibao_core::parse_settlement(&text)
}

/// An account balance as a claim's amounts are read: `Decimal`, `str`,
/// `int`, or a `float` exact to the fen.
pub fn balance_of(obj: &Bound<'_, PyAny>) -> Result<yibao_core::money::Decimal, Error> {
    let v = to_value(obj, &mut "balc".to_string(), 0)?;
    yibao_core::money::money::deserialize(v).map_err(|e| Error::from_serde(ErrorCode::InvalidClaim, "balc", &e))
}

/// Accumulators from a dict or a JSON str.
pub fn ytd_of(obj: &Bound<'_, PyAny>) -> Result<yibao_core::Ytd, Error> {
    let v = if let Ok(s) = obj.cast::<PyString>() {
        serde_json::from_str(&s.to_cow().map_err(|e| bad("ytd", e.to_string()))?)
            .map_err(|e| Error::from_serde(ErrorCode::InvalidClaim, "ytd", &e))?
    } else {
        to_value(obj, &mut "ytd".to_string(), 0)?
    };
    serde_json::from_value(v).map_err(|e| Error::from_serde(ErrorCode::InvalidClaim, "ytd", &e))
}

/// Keys whose string values are amounts or ratios (returned as `Decimal`).
const DECIMAL_KEYS: &[&str] = &[
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "overlmt_selfpay",
    "preselfpay_amt",
    "inscp_scp_amt",
    "act_pay_dedc",
    "hifp_pay",
    "pool_prop_selfpay",
    "cvlserv_pay",
    "hifes_pay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "oth_pay",
    "fund_pay_sumamt",
    "psn_part_amt",
    "acct_pay",
    "acct_mulaid_pay",
    "psn_cash_pay",
    "hosp_part_amt",
    "balc",
    "crt_payb_lmt_amt",
    "fund_payamt",
    "det_item_fee_sumamt",
    "overlmt_amt",
    "selfpay_prop",
    "amount",
    "dedc_paid",
    "cost_sum",
];
/// Keys whose values are maps of amounts.
const DECIMAL_MAPS: &[&str] = &["dedc_paid_by", "fund_paid", "benefit_paid", "eligible_sum", "quota_used"];

/// JSON to Python; strings under amount keys become `Decimal`.
pub fn json_to_py<'py>(py: Python<'py>, v: &Value, decimal: bool) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => n.as_f64().unwrap_or_default().into_pyobject(py)?.into_any(),
        },
        Value::String(s) if decimal => {
            let d = DECIMAL.get_or_try_init(py, || -> PyResult<Py<PyType>> {
                Ok(py.import("decimal")?.getattr("Decimal")?.cast_into::<PyType>()?.unbind())
            })?;
            d.bind(py).call1((s.as_str(),))?
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let l = PyList::empty(py);
            for x in a {
                l.append(json_to_py(py, x, decimal)?)?;
            }
            l.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                let dec = DECIMAL_KEYS.contains(&k.as_str()) || (decimal && matches!(x, Value::String(_)));
                let child = if DECIMAL_MAPS.contains(&k.as_str()) {
                    // Every value of these maps is an amount.
                    match x {
                        Value::Object(inner) => {
                            let dd = PyDict::new(py);
                            for (ik, iv) in inner {
                                dd.set_item(ik, json_to_py(py, iv, true)?)?;
                            }
                            dd.into_any()
                        }
                        other => json_to_py(py, other, false)?,
                    }
                } else {
                    json_to_py(py, x, dec && matches!(x, Value::String(_)))?
                };
                d.set_item(k, child)?;
            }
            d.into_any()
        }
    })
}

/// An engine result that cannot be turned into JSON (a bug): `INTERNAL`.
pub fn internal(e: &serde_json::Error) -> yibao_core::Error {
    yibao_core::Error::new(yibao_core::ErrorCode::Internal, format!("a result could not be converted: {e}"))
}

/// A result as Python values, through its JSON; a failure or panic is
/// `YibaoError` `INTERNAL`, as everywhere else at this boundary.
pub fn to_py<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = guarded(|| serde_json::to_value(v).map_err(|e| internal(&e)))?;
    json_to_py(py, &value, false)
}
