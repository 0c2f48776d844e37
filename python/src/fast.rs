//! The fast way from a claim `dict` to a [`Claim`]: one pass over each
//! dict's items, each key dispatched through the core's field tables
//! ([`yibao_core::claim_fields`], which the JSON text reader shares), no
//! intermediate JSON value. It takes only the plain shapes (text, `Decimal`,
//! `int`, `bool`, `None`, dicts and lists) and gives up on anything else — an
//! unknown key, a wrong type, a bad amount or date, a `float` — so that the
//! exact path ([`crate::convert::claim_of`]) reports the error with its path,
//! or accepts what it accepts. A claim read here is equal to the one the
//! exact path reads (tested over every conformance case and many variants).

use crate::convert::to_value;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyType};
use std::str::FromStr;
use yibao_core::amounts::Amounts;
use yibao_core::claim::{ChronicCert, Code, Filing, Identity};
use yibao_core::claim_fields::{self as fields, FieldValue, Seen};
use yibao_core::money::{self, parse_decimal, Decimal};
use yibao_core::{Claim, Ytd};

/// The fast path cannot take this claim as it is: use the exact path.
pub struct GiveUp;

type Fast<T> = Result<T, GiveUp>;

impl From<PyErr> for GiveUp {
    fn from(_: PyErr) -> GiveUp {
        GiveUp
    }
}

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Reads a dict into `target` through a field table: every key must be a
/// field (a dict cannot repeat one) and every `required` one present.
fn fill<'py, T>(
    v: &Bound<'py, PyAny>,
    mut target: T,
    set: impl Fn(&mut T, &str, Value<'py>) -> Option<u32>,
    required: u32,
) -> Fast<T> {
    fill_in(v, &mut target, &set, required)?;
    Ok(target)
}

/// [`fill`] into a value where it already lies (a fee line in its vector:
/// a line is some 280 bytes, and moving it out of a call and into the
/// vector copied it twice).
fn fill_in<'py, T>(
    v: &Bound<'py, PyAny>,
    target: &mut T,
    set: &impl Fn(&mut T, &str, Value<'py>) -> Option<u32>,
    required: u32,
) -> Fast<()> {
    let d = v.cast_exact::<PyDict>().map_err(|_| GiveUp)?;
    let mut seen = Seen::default();
    for (k, val) in d.iter() {
        let key = k.cast_exact::<PyString>().map_err(|_| GiveUp)?.to_cow()?;
        seen.once(set(target, &key, Value(val)).ok_or(GiveUp)?).ok_or(GiveUp)?;
    }
    seen.all(required).ok_or(GiveUp)
}

/// The fee lines: each is put blank in the vector and read in place.
fn lines(v: &Bound<'_, PyAny>) -> Fast<Vec<yibao_core::claim::FeeLine>> {
    let l = v.cast_exact::<PyList>().map_err(|_| GiveUp)?;
    let mut out = Vec::with_capacity(l.len());
    for x in l.iter() {
        out.push(fields::blank_line());
        let n = out.len() - 1;
        fill_in(&x, &mut out[n], &fields::line, fields::LINE_REQUIRED)?;
    }
    Ok(out)
}

/// One value of a claim dict, read as its field's type.
struct Value<'py>(Bound<'py, PyAny>);

impl FieldValue for Value<'_> {
    fn null(&mut self) -> bool {
        self.0.is_none()
    }
    fn code(self) -> Option<Code> {
        text(&self.0).ok()
    }
    fn dec(self, dp: u32) -> Option<Decimal> {
        decimal(&self.0, dp).ok()
    }
    fn date(self) -> Option<yibao_core::claim::Date> {
        let s = self.0.cast_exact::<PyString>().ok()?.to_cow().ok()?;
        yibao_core::claim::Date::from_str(&s).ok()
    }
    fn day(self) -> Option<yibao_core::claim::Date> {
        let s = self.0.cast_exact::<PyString>().ok()?.to_cow().ok()?;
        yibao_core::date::date_or_datetime(&s).ok()
    }
    fn bool(self) -> Option<bool> {
        Some(self.0.cast_exact::<PyBool>().ok()?.is_true())
    }
    /// An `int` (not a `bool`).
    fn uint(self) -> Option<u64> {
        self.0.is_exact_instance_of::<PyInt>().then(|| self.0.extract::<u64>().ok()).flatten()
    }
    /// A dict of text keys to money; `None` is empty.
    fn amounts(self) -> Option<Amounts> {
        let mut out = Amounts::new();
        if !self.0.is_none() {
            for (k, a) in self.0.cast_exact::<PyDict>().ok()?.iter() {
                out.insert(text(&k).ok()?, decimal(&a, money::MONEY_DP).ok()?);
            }
        }
        Some(out)
    }
    fn filings(self) -> Option<Vec<Filing>> {
        by_serde(&self.0)
    }
    fn chronic_certs(self) -> Option<Vec<ChronicCert>> {
        by_serde(&self.0)
    }
    fn identities(self) -> Option<Vec<Identity>> {
        by_serde(&self.0)
    }
    fn ytd(self) -> Option<Ytd> {
        fill(&self.0, fields::blank_ytd(), fields::ytd, fields::YTD_REQUIRED).ok()
    }
}

/// A nested value read by the exact rules (rare fields: filings and
/// certifications).
fn by_serde<T: serde::de::DeserializeOwned>(v: &Bound<'_, PyAny>) -> Option<T> {
    let value = to_value(v, &mut String::new(), 1).ok()?;
    serde_json::from_value(value).ok()
}

fn text(v: &Bound<'_, PyAny>) -> Fast<Code> {
    Ok(Code::from(&*v.cast_exact::<PyString>().map_err(|_| GiveUp)?.to_cow()?))
}

/// An amount as the exact path reads it: text and `Decimal` through their
/// text, `int` exactly; `bool`, `float` and the rest give up.
fn decimal(v: &Bound<'_, PyAny>, dp: u32) -> Fast<Decimal> {
    if let Ok(s) = v.cast_exact::<PyString>() {
        return parse_decimal(&s.to_cow()?, dp).map_err(|_| GiveUp);
    }
    if v.is_exact_instance_of::<PyInt>() {
        return Ok(Decimal::from(v.extract::<i64>()?));
    }
    let py = v.py();
    let dec = DECIMAL.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        Ok(py.import("decimal")?.getattr("Decimal")?.cast_into::<PyType>()?.unbind())
    })?;
    if v.get_type().is(dec.bind(py)) {
        return parse_decimal(&v.str()?.to_cow()?, dp).map_err(|_| GiveUp);
    }
    Err(GiveUp)
}

/// A claim dict read the fast way, or [`GiveUp`].
pub fn claim(v: &Bound<'_, PyAny>) -> Fast<Claim> {
    let d = v.cast_exact::<PyDict>().map_err(|_| GiveUp)?;
    // Filled where it lies: the person and the visit are read into the claim
    // itself rather than built apart and moved in.
    let mut c = Claim {
        policy: None,
        psn: fields::blank_person(),
        ytd: None,
        mdtrt: fields::blank_visit(),
        feedetail: Vec::new(),
    };
    let (mut psn, mut mdtrt, mut feedetail) = (false, false, false);
    for (k, val) in d.iter() {
        let key = k.cast_exact::<PyString>().map_err(|_| GiveUp)?.to_cow()?;
        match &*key {
            "policy" if val.is_none() => {}
            "policy" => c.policy = Some(text(&val)?.to_string()),
            "psn" => {
                fill_in(&val, &mut c.psn, &fields::person, fields::PERSON_REQUIRED)?;
                psn = true;
            }
            "ytd" if val.is_none() => {}
            "ytd" => c.ytd = Some(Value(val).ytd().ok_or(GiveUp)?),
            "mdtrt" => {
                fill_in(&val, &mut c.mdtrt, &fields::visit, fields::VISIT_REQUIRED)?;
                mdtrt = true;
            }
            "feedetail" => {
                c.feedetail = lines(&val)?;
                feedetail = true;
            }
            _ => return Err(GiveUp),
        }
    }
    if psn && mdtrt && feedetail {
        Ok(c)
    } else {
        Err(GiveUp)
    }
}
