//! The Excel VBA surface: `extern "system"` exports (stdcall on 32-bit
//! Windows, where VBA calls nothing else), UTF-16 strings passed with
//! `StrPtr`, results written into a caller buffer (`String$(cap, 0)`), never
//! a pointer VBA must free. Stateless: each call names its policy (a built-in
//! ID or a file path); loaded policies are cached. Lengths are VBA `Long`s.
//! Declared by hand in `examples/excel/yibao.bas` (cbindgen skips
//! `extern "system"`).

use crate::boundary::{call, units, write_utf16, Out};
use crate::status::*;
use crate::text;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use yibao_core::money::Decimal;
use yibao_core::Engine;

static CACHE: Lazy<Mutex<HashMap<String, Arc<Engine>>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn engine_for(spec: &str) -> Result<Arc<Engine>, FfiError> {
    let mut c = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(e) = c.get(spec) {
        return Ok(e.clone());
    }
    let e = Arc::new(Engine::load(spec)?);
    if c.len() < 64 {
        c.insert(spec.to_string(), e.clone());
    }
    Ok(e)
}

fn arg(p: *const u16, len: i32, what: &str) -> Result<String, FfiError> {
    let n = usize::try_from(len).map_err(|_| {
        FfiError::new(YIBAO_STATUS_INVALID_ARGUMENT, Some(what), &format!("{what} has a negative length"))
    })?;
    text::utf16(units(p, n, what)?, what)
}

/// Runs `f` and writes its text (or the error JSON) as UTF-16 into `out`.
fn vba_call(out: *mut u16, cap: i32, needed: *mut i32, f: impl FnOnce() -> Result<String, FfiError>) -> i32 {
    let mut result: Option<String> = None;
    let slot = &mut result;
    let status = call(Out::None, move || {
        *slot = Some(f()?);
        Ok(Vec::new())
    });
    let text = match (status, result) {
        (YIBAO_STATUS_OK, Some(t)) => t,
        _ => crate::boundary::last_error().map(|e| e.json).unwrap_or_else(|| "null".into()),
    };
    let w = write_utf16(&text, out, cap, needed);
    if status != YIBAO_STATUS_OK {
        status
    } else {
        w
    }
}

/// Writes the library version into `out` (UTF-16, `cap` units).
#[no_mangle]
pub extern "system" fn yibao_vba_version(out: *mut u16, cap: i32, needed: *mut i32) -> i32 {
    vba_call(out, cap, needed, || Ok(env!("CARGO_PKG_VERSION").to_string()))
}

/// Settles a claim: `policy` is a built-in ID or a policy file path, `claim`
/// the claim JSON, both UTF-16 (`StrPtr(s)`, `Len(s)`). The settlement JSON
/// (or the error JSON) is written into `out` (`cap` units); `*needed` receives
/// the units required, NUL included. Returns a status (0 = OK).
#[no_mangle]
pub extern "system" fn yibao_vba_settle(
    policy: *const u16,
    policy_len: i32,
    claim: *const u16,
    claim_len: i32,
    out: *mut u16,
    cap: i32,
    needed: *mut i32,
) -> i32 {
    vba_call(out, cap, needed, || {
        let e = engine_for(&arg(policy, policy_len, "policy")?)?;
        Ok(e.settle_json(&arg(claim, claim_len, "claim")?)?)
    })
}

/// Reverses a settlement (UTF-16 JSON) into `out`, as [`yibao_vba_settle`].
#[no_mangle]
pub extern "system" fn yibao_vba_reverse(
    settlement: *const u16,
    len: i32,
    out: *mut u16,
    cap: i32,
    needed: *mut i32,
) -> i32 {
    vba_call(out, cap, needed, || {
        let s = yibao_core::parse_settlement(&arg(settlement, len, "settlement")?)?;
        Ok(yibao_core::settlement_json::to_string(&yibao_core::adjudicate::reverse::reverse(&s, None, None)?))
    })
}

/// VBA `Currency` is a 64-bit integer scaled by 10 000: exact money.
fn from_currency(c: i64) -> Decimal {
    Decimal::new(c, 4)
}

fn to_currency(d: Decimal) -> Result<i64, FfiError> {
    let scaled = (d * Decimal::new(10_000, 0)).trunc();
    i64::try_from(scaled).map_err(|_| FfiError::new(YIBAO_STATUS_INTERNAL, None, "amount out of Currency range"))
}

/// Worksheet helper: settles a one-line claim of `amount` (VBA `Currency`, all
/// class A, in scope) for a member of `insutype`/`psn_type` at a hospital of
/// `hosp_lv`, visit type `med_type`, on `date` (`YYYY-MM-DD`), with no earlier
/// accumulators. `*fund` and `*cash` receive the fund total and the member's
/// share (Currency). Strings are UTF-16. Returns a status (0 = OK); the error
/// JSON is then in `yibao_vba_last_error`.
#[no_mangle]
pub extern "system" fn yibao_vba_simple_fund(
    policy: *const u16,
    policy_len: i32,
    insutype: *const u16,
    insutype_len: i32,
    psn_type: *const u16,
    psn_type_len: i32,
    med_type: *const u16,
    med_type_len: i32,
    hosp_lv: *const u16,
    hosp_lv_len: i32,
    date: *const u16,
    date_len: i32,
    amount: i64,
    fund: *mut i64,
    cash: *mut i64,
) -> i32 {
    let mut result: Option<(i64, i64)> = None;
    let slot = &mut result;
    let status = call(Out::None, move || {
        if fund.is_null() || cash.is_null() {
            return Err(FfiError::new(YIBAO_STATUS_NULL_ARGUMENT, Some("fund"), "fund and cash must not be NULL"));
        }
        let e = engine_for(&arg(policy, policy_len, "policy")?)?;
        let amt = from_currency(amount).round_dp(2);
        let date = arg(date, date_len, "date")?;
        let claim = serde_json::json!({
            "psn": {"psn_no": "EXCEL", "insutype": arg(insutype, insutype_len, "insutype")?, "psn_type": arg(psn_type, psn_type_len, "psn_type")?,
                    "insu_begn_date": "1900-01-01", "primary_fixmedins_code": "EXCEL"},
            "mdtrt": {"mdtrt_id": "EXCEL", "med_type": arg(med_type, med_type_len, "med_type")?, "begndate": date, "enddate": date,
                      "fixmedins_code": "EXCEL", "hosp_lv": arg(hosp_lv, hosp_lv_len, "hosp_lv")?,
                      "insuplc_admdvs": "000000", "mdtrtarea_admvs": "000000"},
            "feedetail": [{"feedetl_sn": "1", "med_chrgitm_type": "09", "chrgitm_lv": "01", "pric": amt.to_string(), "cnt": "1",
                           "det_item_fee_sumamt": amt.to_string()}]
        });
        let claim: yibao_core::Claim = serde_json::from_value(claim)
            .map_err(|err| FfiError::new(YIBAO_STATUS_INVALID_CLAIM, None, &err.to_string()))?;
        let s = e.settle(&claim)?;
        *slot = Some((to_currency(s.setlinfo.fund_pay_sumamt)?, to_currency(s.setlinfo.psn_part_amt)?));
        Ok(Vec::new())
    });
    if let (YIBAO_STATUS_OK, Some((f, c))) = (status, result) {
        // VBA passes `ByRef … As Currency`: pointers to writable 64-bit values.
        if !(crate::boundary::write_out(fund, f) && crate::boundary::write_out(cash, c)) {
            return YIBAO_STATUS_INVALID_ARGUMENT;
        }
    }
    status
}

/// Writes this thread's last error JSON (UTF-16) into `out`; `"null"` if none.
#[no_mangle]
pub extern "system" fn yibao_vba_last_error(out: *mut u16, cap: i32, needed: *mut i32) -> i32 {
    let saved = crate::boundary::last_error();
    let text = saved.as_ref().map_or_else(|| "null".to_string(), |e| e.json.clone());
    let s = write_utf16(&text, out, cap, needed);
    crate::boundary::restore_last_error(saved);
    s
}
