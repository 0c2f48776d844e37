//! The C functions. Each one is a thin translation: check and decode the
//! arguments, call core, encode the result — inside [`call`].

use crate::boundary::{self, bytes, call, call_gb18030, Out};
use crate::engine::{self, yibao_engine};
use crate::status::*;
use crate::text;
use std::ffi::c_char;
use yibao_core::Engine;

fn write_handle(out: *mut *mut yibao_engine, e: Engine) -> Result<Vec<u8>, FfiError> {
    if out.is_null() {
        return Err(FfiError::new(YIBAO_STATUS_NULL_ARGUMENT, Some("out"), "out is NULL"));
    }
    let h = engine::register(e);
    if !boundary::write_out(out, h) {
        engine::release(h);
        return Err(FfiError::new(YIBAO_STATUS_INVALID_ARGUMENT, Some("out"), "out is misaligned"));
    }
    Ok(Vec::new())
}

/// The library version, e.g. `"0.1.0"` (static; do not free).
#[no_mangle]
pub extern "C" fn yibao_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version of this library ([`crate::YIBAO_ABI_VERSION`] of the header it was built with).
#[no_mangle]
pub extern "C" fn yibao_abi_version() -> u32 {
    crate::YIBAO_ABI_VERSION
}

/// The stable name of a status (`"INVALID_CLAIM"`…); `"UNKNOWN_STATUS"` for
/// any other value (static; do not free).
#[no_mangle]
pub extern "C" fn yibao_status_name(status: yibao_status) -> *const c_char {
    crate::status::name_nul(status).as_ptr().cast()
}

/// Creates an engine over a built-in pack (`id`: UTF-8, `id_len` bytes).
/// On success `*out` receives the handle; free it with [`yibao_engine_free`].
/// Thread-safety: the engine is immutable and may be used from any thread.
#[no_mangle]
pub extern "C" fn yibao_engine_new_builtin(id: *const u8, id_len: usize, out: *mut *mut yibao_engine) -> yibao_status {
    call(Out::None, || {
        let id = text::utf8(bytes(id, id_len, "id")?, "id")?;
        write_handle(out, Engine::builtin(id)?)
    })
}

/// Creates an engine over a policy given as JSON text (UTF-8); its `extends`
/// may name built-in packs or files. On success `*out` receives the handle.
#[no_mangle]
pub extern "C" fn yibao_engine_new_json(json: *const u8, len: usize, out: *mut *mut yibao_engine) -> yibao_status {
    call(Out::None, || {
        let j = text::utf8(bytes(json, len, "policy")?, "policy")?;
        write_handle(out, Engine::from_json(j)?)
    })
}

/// Creates an engine over a policy file (`path`: UTF-8); relative `extends`
/// resolve against the file's directory. On success `*out` receives the handle.
#[no_mangle]
pub extern "C" fn yibao_engine_new_file(path: *const u8, len: usize, out: *mut *mut yibao_engine) -> yibao_status {
    call(Out::None, || {
        let p = text::utf8(bytes(path, len, "path")?, "path")?;
        write_handle(out, Engine::from_file(std::path::Path::new(p))?)
    })
}

/// Frees an engine. NULL is a no-op (`OK`); a handle that was already freed or
/// never issued returns `INVALID_HANDLE` and nothing happens. Other threads
/// still settling with it finish safely.
#[no_mangle]
pub extern "C" fn yibao_engine_free(e: *mut yibao_engine) -> yibao_status {
    call(Out::None, || {
        if e.is_null() || engine::release(e) {
            Ok(Vec::new())
        } else {
            Err(FfiError::new(
                YIBAO_STATUS_INVALID_HANDLE,
                Some("engine"),
                "this engine was already freed or never issued",
            ))
        }
    })
}

fn settle_utf8(e: *const yibao_engine, claim: *const u8, len: usize) -> Result<Vec<u8>, FfiError> {
    let eng = engine::lookup(e)?;
    let c = text::utf8(bytes(claim, len, "claim")?, "claim")?;
    Ok(eng.settle_json(c)?.into_bytes())
}

fn settle_gbk(e: *const yibao_engine, claim: *const u8, len: usize) -> Result<String, FfiError> {
    let eng = engine::lookup(e)?;
    let c = text::gbk(bytes(claim, len, "claim")?, "claim")?;
    Ok(eng.settle_json(&c)?)
}

/// Settles a claim (UTF-8 JSON, `len` bytes). `*out` receives the settlement
/// JSON (or, on failure, the error JSON); free it with [`yibao_free_string`].
/// `out_len` may be NULL.
#[no_mangle]
pub extern "C" fn yibao_settle(
    e: *const yibao_engine,
    claim: *const u8,
    len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> yibao_status {
    call(Out::Owned { out, out_len }, || settle_utf8(e, claim, len))
}

/// Settles a claim into the caller's buffer (`cap` bytes). `*needed` receives
/// the bytes required, NUL included; a buffer too small gets `BUFFER_TOO_SMALL`
/// and nothing written. Pass `buf = NULL, cap = 0` to ask for the size.
#[no_mangle]
pub extern "C" fn yibao_settle_into(
    e: *const yibao_engine,
    claim: *const u8,
    len: usize,
    buf: *mut u8,
    cap: usize,
    needed: *mut usize,
) -> yibao_status {
    call(Out::Into { buf, cap, needed }, || settle_utf8(e, claim, len))
}

/// Like [`yibao_settle`], for a claim in GBK/GB18030; the output, the error
/// JSON included, is GB18030 (the last error, [`yibao_last_error`], stays UTF-8).
#[no_mangle]
pub extern "C" fn yibao_settle_gbk(
    e: *const yibao_engine,
    claim: *const u8,
    len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> yibao_status {
    call_gb18030(Out::Owned { out, out_len }, || settle_gbk(e, claim, len))
}

/// Like [`yibao_settle_into`], for a claim in GBK/GB18030; the output, the
/// error JSON included, is GB18030 (the last error stays UTF-8).
#[no_mangle]
pub extern "C" fn yibao_settle_gbk_into(
    e: *const yibao_engine,
    claim: *const u8,
    len: usize,
    buf: *mut u8,
    cap: usize,
    needed: *mut usize,
) -> yibao_status {
    call_gb18030(Out::Into { buf, cap, needed }, || settle_gbk(e, claim, len))
}

fn reverse(
    e: *const yibao_engine,
    s: *const u8,
    len: usize,
    ytd: *const u8,
    ytd_len: usize,
) -> Result<Vec<u8>, FfiError> {
    let eng = engine::lookup(e)?;
    let st = yibao_core::parse_settlement(text::utf8(bytes(s, len, "settlement")?, "settlement")?)?;
    let current = if ytd.is_null() && ytd_len == 0 {
        None
    } else {
        let t = text::utf8(bytes(ytd, ytd_len, "ytd")?, "ytd")?;
        Some(serde_json::from_str(t).map_err(|err| {
            FfiError::from(yibao_core::Error::from_serde(yibao_core::ErrorCode::InvalidClaim, "ytd", &err))
        })?)
    };
    Ok(yibao_core::settlement_json::to_string(&eng.reverse(&st, current.as_ref(), None)?).into_bytes())
}

/// Reverses a settlement (UTF-8 JSON). `ytd` (may be NULL with `ytd_len` 0) is
/// the member's current accumulators when later claims were settled since.
/// `*out` receives the reversal JSON, whose `ytd_after` are the accumulators restored.
/// To give the member's current account balance too (it gets back what the
/// account paid), call `yibao_call` with op `reverse` and
/// `{"settlement": …, "ytd": …, "balc": "…"}`.
#[no_mangle]
pub extern "C" fn yibao_reverse(
    e: *const yibao_engine,
    settlement: *const u8,
    len: usize,
    ytd: *const u8,
    ytd_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> yibao_status {
    call(Out::Owned { out, out_len }, || reverse(e, settlement, len, ytd, ytd_len))
}

/// Like [`yibao_reverse`], into the caller's buffer (two-call pattern).
#[no_mangle]
pub extern "C" fn yibao_reverse_into(
    e: *const yibao_engine,
    settlement: *const u8,
    len: usize,
    ytd: *const u8,
    ytd_len: usize,
    buf: *mut u8,
    cap: usize,
    needed: *mut usize,
) -> yibao_status {
    call(Out::Into { buf, cap, needed }, || reverse(e, settlement, len, ytd, ytd_len))
}

fn call_op(
    e: *const yibao_engine,
    op: *const u8,
    op_len: usize,
    input: *const u8,
    len: usize,
) -> Result<Vec<u8>, FfiError> {
    let eng = engine::lookup(e)?;
    let op = text::utf8(bytes(op, op_len, "op")?, "op")?;
    let input = text::utf8(bytes(input, len, "input")?, "input")?;
    Ok(eng.call(op, input)?.into_bytes())
}

/// Runs one operation on UTF-8 JSON: `settle`, `reverse`
/// (`{"settlement", "ytd"?, "balc"?}`), `check` (a manual-reimbursement application),
/// `filing` (a filing transition), `certification` (a certification step),
/// `deadline` (a claim), `workdays` (`{"from", "days"}`) or `policy` (the
/// loaded policy: its ID, versions, hash, rules, the parameters still
/// required and the rules cited without a text; the input is not read). `*out` receives
/// the result JSON or the error JSON; free it with [`yibao_free_string`].
#[no_mangle]
pub extern "C" fn yibao_call(
    e: *const yibao_engine,
    op: *const u8,
    op_len: usize,
    input: *const u8,
    len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> yibao_status {
    call(Out::Owned { out, out_len }, || call_op(e, op, op_len, input, len))
}

/// Like [`yibao_call`], into the caller's buffer (two-call pattern).
#[no_mangle]
pub extern "C" fn yibao_call_into(
    e: *const yibao_engine,
    op: *const u8,
    op_len: usize,
    input: *const u8,
    len: usize,
    buf: *mut u8,
    cap: usize,
    needed: *mut usize,
) -> yibao_status {
    call(Out::Into { buf, cap, needed }, || call_op(e, op, op_len, input, len))
}

fn policies() -> Result<Vec<u8>, FfiError> {
    let list = yibao_core::policies()?;
    serde_json::to_vec(&list).map_err(|err| FfiError::new(YIBAO_STATUS_INTERNAL, None, &err.to_string()))
}

/// Lists the built-in packs (JSON array with rule IDs and required parameters).
#[no_mangle]
pub extern "C" fn yibao_policies(out: *mut *mut c_char, out_len: *mut usize) -> yibao_status {
    call(Out::Owned { out, out_len }, policies)
}

/// Like [`yibao_policies`], into the caller's buffer (two-call pattern).
#[no_mangle]
pub extern "C" fn yibao_policies_into(buf: *mut u8, cap: usize, needed: *mut usize) -> yibao_status {
    call(Out::Into { buf, cap, needed }, policies)
}

/// The status of this thread's last call that failed since the last success
/// (`OK` when the last call succeeded).
#[no_mangle]
pub extern "C" fn yibao_last_error_status() -> yibao_status {
    boundary::last_error().map_or(YIBAO_STATUS_OK, |e| e.status)
}

/// Copies this thread's last error JSON (UTF-8, whichever entry point
/// failed) into the caller's buffer (`"null"` when the last call
/// succeeded). Does not change the last error.
#[no_mangle]
pub extern "C" fn yibao_last_error(buf: *mut u8, cap: usize, needed: *mut usize) -> yibao_status {
    let saved = boundary::last_error();
    let json = saved.as_ref().map_or_else(|| "null".to_string(), |e| e.json.clone());
    let mut dummy = 0usize;
    let needed = if needed.is_null() { &mut dummy as *mut usize } else { needed };
    let s = call(Out::Into { buf, cap, needed }, move || Ok(json.into_bytes()));
    boundary::restore_last_error(saved);
    s
}

/// Frees a string this library returned. NULL is a no-op. Each string must
/// be freed once. The thread's last error is left as it was.
#[no_mangle]
pub extern "C" fn yibao_free_string(s: *mut c_char) {
    // Freeing does not touch the thread's last error.
    let _ = std::panic::catch_unwind(|| boundary::free_string(s));
}

/// Panics inside the boundary on purpose and returns `PANIC`: lets callers
/// and tests check that no panic ever crosses the ABI.
#[no_mangle]
pub extern "C" fn yibao_selftest_panic() -> yibao_status {
    call(Out::None, || panic!("deliberate panic for the boundary self-test"))
}
