//! The fast way from a claim `dict` to a [`Claim`]: the fields read one by one
//! with interned keys, no intermediate JSON value. It takes only the plain
//! shapes (text, `Decimal`, `int`, `bool`, `None`, dicts and lists) and gives
//! up on anything else — an unknown key, a wrong type, a bad amount or date, a
//! `float` — so that the exact path ([`crate::convert::claim_of`]) reports the
//! error with its path, or accepts what it accepts. A claim read here is equal
//! to the one the exact path reads (tested over every conformance case).

use crate::convert::to_value;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyType};
use std::str::FromStr;
use yibao_core::amounts::Amounts;
use yibao_core::claim::{ChronicCert, Code, FeeLine, Filing, Person, Visit};
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

/// A dict being read: counts the keys taken, so that an unknown key (which
/// the exact path refuses) makes the fast path give up.
struct Obj<'py> {
    d: Bound<'py, PyDict>,
    taken: usize,
    len: usize,
}

impl<'py> Obj<'py> {
    fn of(v: &Bound<'py, PyAny>) -> Fast<Obj<'py>> {
        let d = v.cast_exact::<PyDict>().map_err(|_| GiveUp)?;
        Ok(Obj { d: d.clone(), taken: 0, len: d.len() })
    }

    /// Whether `key` is present. Once every key has been taken, no other
    /// can be: optional fields after that cost no lookup.
    fn has(&self, key: &Bound<'py, PyString>) -> Fast<bool> {
        Ok(self.taken < self.len && self.d.contains(key)?)
    }

    /// The value under `key`; `None` when absent or `None`.
    fn get(&mut self, key: &Bound<'py, PyString>) -> Fast<Option<Bound<'py, PyAny>>> {
        if self.taken == self.len {
            return Ok(None);
        }
        match self.d.get_item(key)? {
            Some(v) => {
                self.taken += 1;
                Ok((!v.is_none()).then_some(v))
            }
            None => Ok(None),
        }
    }

    fn req(&mut self, key: &Bound<'py, PyString>) -> Fast<Bound<'py, PyAny>> {
        self.get(key)?.ok_or(GiveUp)
    }

    fn s(&mut self, key: &Bound<'py, PyString>) -> Fast<Code> {
        text(&self.req(key)?)
    }

    fn opt_s(&mut self, key: &Bound<'py, PyString>) -> Fast<Option<Code>> {
        self.get(key)?.map(|v| text(&v)).transpose()
    }

    /// A text field with a default when absent (`null` is refused by the exact path).
    fn s_or(&mut self, key: &Bound<'py, PyString>, default: &'static str) -> Fast<Code> {
        self.present(key)?.map_or(Ok(Code::const_new(default)), |v| text(&v))
    }

    fn dec(&mut self, key: &Bound<'py, PyString>, dp: u32) -> Fast<Decimal> {
        decimal(&self.req(key)?, dp)
    }

    fn opt_dec(&mut self, key: &Bound<'py, PyString>, dp: u32) -> Fast<Option<Decimal>> {
        self.get(key)?.map(|v| decimal(&v, dp)).transpose()
    }

    fn date(&mut self, key: &Bound<'py, PyString>) -> Fast<yibao_core::claim::Date> {
        date(&self.req(key)?)
    }

    fn opt_date(&mut self, key: &Bound<'py, PyString>) -> Fast<Option<yibao_core::claim::Date>> {
        self.get(key)?.map(|v| date(&v)).transpose()
    }

    /// The value under `key` when present; a present `None` gives up (the
    /// exact path refuses `null` where a default applies only to absence).
    fn present(&mut self, key: &Bound<'py, PyString>) -> Fast<Option<Bound<'py, PyAny>>> {
        if !self.has(key)? {
            return Ok(None);
        }
        self.req(key).map(Some)
    }

    /// A money amount, zero when absent.
    fn money_or_zero(&mut self, key: &Bound<'py, PyString>) -> Fast<Decimal> {
        self.present(key)?.map_or_else(|| Ok(money::zero()), |v| decimal(&v, money::MONEY_DP))
    }

    /// An amounts map (a dict of text keys to money); absent or `None` is empty.
    fn amounts(&mut self, key: &Bound<'py, PyString>) -> Fast<Amounts> {
        let mut out = Amounts::new();
        if let Some(v) = self.get(key)? {
            for (k, a) in v.cast_exact::<PyDict>().map_err(|_| GiveUp)?.iter() {
                out.insert(text(&k)?, decimal(&a, money::MONEY_DP)?);
            }
        }
        Ok(out)
    }

    /// A whole number of type `int` (not `bool`), when present.
    fn int<T: for<'a> FromPyObject<'a, 'py>>(&mut self, key: &Bound<'py, PyString>) -> Fast<Option<T>> {
        match self.present(key)? {
            Some(v) if v.is_exact_instance_of::<PyInt>() => Ok(Some(v.extract::<T>().map_err(|_| GiveUp)?)),
            Some(_) => Err(GiveUp),
            None => Ok(None),
        }
    }

    fn flag(&mut self, key: &Bound<'py, PyString>, default: bool) -> Fast<bool> {
        self.present(key)?.map_or(Ok(default), |v| Ok(v.cast_exact::<PyBool>().map_err(|_| GiveUp)?.is_true()))
    }

    /// A nested value read by the exact rules (rare fields: filings and
    /// certifications), `default` when absent.
    fn by_serde<T: serde::de::DeserializeOwned>(&mut self, key: &Bound<'py, PyString>, default: T) -> Fast<T> {
        let Some(v) = self.present(key)? else { return Ok(default) };
        let value = to_value(&v, &mut String::new(), 1).map_err(|_| GiveUp)?;
        serde_json::from_value(value).map_err(|_| GiveUp)
    }

    /// Every key was one the fast path knows.
    fn done(self) -> Fast<()> {
        if self.taken == self.len {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }
}

fn text(v: &Bound<'_, PyAny>) -> Fast<Code> {
    Ok(Code::from(&*v.cast_exact::<PyString>().map_err(|_| GiveUp)?.to_cow()?))
}

fn date(v: &Bound<'_, PyAny>) -> Fast<yibao_core::claim::Date> {
    let s = v.cast_exact::<PyString>().map_err(|_| GiveUp)?.to_cow()?;
    yibao_core::claim::Date::from_str(&s).map_err(|_| GiveUp)
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

fn person(v: &Bound<'_, PyAny>) -> Fast<Person> {
    let py = v.py();
    let mut o = Obj::of(v)?;
    let p = Person {
        psn_no: o.s(intern!(py, "psn_no"))?,
        insutype: o.s(intern!(py, "insutype"))?,
        psn_type: o.s(intern!(py, "psn_type"))?,
        brdy: o.opt_date(intern!(py, "brdy"))?,
        insu_begn_date: o.opt_date(intern!(py, "insu_begn_date"))?,
        balc: o.money_or_zero(intern!(py, "balc"))?,
        acct_used_flag: o.s_or(intern!(py, "acct_used_flag"), "0")?,
        cvlserv_flag: o.s_or(intern!(py, "cvlserv_flag"), "0")?,
        primary_fixmedins_code: o.opt_s(intern!(py, "primary_fixmedins_code"))?,
        filings: o.by_serde::<Vec<Filing>>(intern!(py, "filings"), Vec::new())?,
        chronic_certs: o.by_serde::<Vec<ChronicCert>>(intern!(py, "chronic_certs"), Vec::new())?,
        quota_balc: o.amounts(intern!(py, "quota_balc"))?,
        death_date: o.opt_date(intern!(py, "death_date"))?,
    };
    o.done()?;
    Ok(p)
}

fn visit(v: &Bound<'_, PyAny>) -> Fast<Visit> {
    let py = v.py();
    let mut o = Obj::of(v)?;
    let m = Visit {
        mdtrt_id: o.s(intern!(py, "mdtrt_id"))?,
        med_type: o.s(intern!(py, "med_type"))?,
        begndate: o.date(intern!(py, "begndate"))?,
        enddate: o.date(intern!(py, "enddate"))?,
        fixmedins_code: o.s(intern!(py, "fixmedins_code"))?,
        hosp_lv: o.s(intern!(py, "hosp_lv"))?,
        insuplc_admdvs: o.s(intern!(py, "insuplc_admdvs"))?,
        mdtrtarea_admvs: o.s(intern!(py, "mdtrtarea_admvs"))?,
        designated: o.flag(intern!(py, "designated"), true)?,
        adm_route: o.s_or(intern!(py, "adm_route"), "normal")?,
        cause: o.opt_s(intern!(py, "cause"))?,
        disease: o.opt_s(intern!(py, "disease"))?,
        referral_leg: o.flag(intern!(py, "referral_leg"), false)?,
        sudden: o.flag(intern!(py, "sudden"), false)?,
        networked: o.flag(intern!(py, "networked"), true)?,
    };
    o.done()?;
    Ok(m)
}

fn line(v: &Bound<'_, PyAny>) -> Fast<FeeLine> {
    let py = v.py();
    let mut o = Obj::of(v)?;
    let l = FeeLine {
        // Required fields first: once every key is taken, the optional ones cost nothing.
        feedetl_sn: o.s(intern!(py, "feedetl_sn"))?,
        med_chrgitm_type: o.s(intern!(py, "med_chrgitm_type"))?,
        chrgitm_lv: o.s(intern!(py, "chrgitm_lv"))?,
        pric: o.dec(intern!(py, "pric"), money::PRICE_DP)?,
        cnt: o.dec(intern!(py, "cnt"), money::COUNT_DP)?,
        det_item_fee_sumamt: o.dec(intern!(py, "det_item_fee_sumamt"), money::MONEY_DP)?,
        med_list_codg: o.s_or(intern!(py, "med_list_codg"), "")?,
        selfpay_prop: o.opt_dec(intern!(py, "selfpay_prop"), money::RATIO_DP)?,
        pric_uplmt_amt: o.opt_dec(intern!(py, "pric_uplmt_amt"), money::PRICE_DP)?,
        excl: o.opt_s(intern!(py, "excl"))?,
        item_class: o.opt_s(intern!(py, "item_class"))?,
        lmt_used_flag: o.opt_s(intern!(py, "lmt_used_flag"))?,
        hosp_appr_flag: o.opt_s(intern!(py, "hosp_appr_flag"))?,
        dual_channel: o.flag(intern!(py, "dual_channel"), false)?,
    };
    o.done()?;
    Ok(l)
}

/// Accumulators (`None` is none).
fn ytd(v: Option<Bound<'_, PyAny>>) -> Fast<Option<Ytd>> {
    let Some(v) = v else { return Ok(None) };
    let py = v.py();
    let mut o = Obj::of(&v)?;
    let y = Ytd {
        year: o.int(intern!(py, "year"))?.ok_or(GiveUp)?,
        dedc_paid: o.money_or_zero(intern!(py, "dedc_paid"))?,
        dedc_paid_by: o.amounts(intern!(py, "dedc_paid_by"))?,
        admissions: o.int(intern!(py, "admissions"))?.unwrap_or(0),
        cost_sum: o.money_or_zero(intern!(py, "cost_sum"))?,
        fund_paid: o.amounts(intern!(py, "fund_paid"))?,
        benefit_paid: o.amounts(intern!(py, "benefit_paid"))?,
        eligible_sum: o.amounts(intern!(py, "eligible_sum"))?,
        quota_used: o.amounts(intern!(py, "quota_used"))?,
    };
    o.done()?;
    Ok(Some(y))
}

/// A claim dict read the fast way, or [`GiveUp`].
pub fn claim(v: &Bound<'_, PyAny>) -> Fast<Claim> {
    let py = v.py();
    let mut o = Obj::of(v)?;
    let policy = o.opt_s(intern!(py, "policy"))?;
    let psn = person(&o.req(intern!(py, "psn"))?)?;
    let ytd = ytd(o.get(intern!(py, "ytd"))?)?;
    let mdtrt = visit(&o.req(intern!(py, "mdtrt"))?)?;
    let list = o.req(intern!(py, "feedetail"))?;
    let list = list.cast_exact::<PyList>().map_err(|_| GiveUp)?;
    let mut feedetail = Vec::with_capacity(list.len());
    for item in list.iter() {
        feedetail.push(line(&item)?);
    }
    o.done()?;
    Ok(Claim { policy: policy.map(String::from), psn, ytd, mdtrt, feedetail })
}
