//! The boundary: every export runs inside [`call`], which catches panics,
//! records the thread's last error and delivers the result through one of
//! the two output conventions. Every raw-pointer access lives in this module
//! and in `text.rs`, each with the reason it is sound.

use crate::status::*;
use crate::YIBAO_MAX_INPUT;
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static LAST_ERROR: RefCell<Option<FfiError>> = const { RefCell::new(None) };
}

/// This thread's last error, if the last call failed.
pub fn last_error() -> Option<FfiError> {
    LAST_ERROR.with(|l| l.borrow().clone())
}

/// Puts back a saved last error (for calls that only read it).
pub fn restore_last_error(e: Option<FfiError>) {
    set_last_error(e);
}

fn set_last_error(e: Option<FfiError>) {
    LAST_ERROR.with(|l| *l.borrow_mut() = e);
}

/// Where a call's output goes.
pub enum Out {
    /// A library-owned NUL-terminated string (`*out`), with its length in `*out_len` if not NULL.
    Owned {
        /// Receives the string.
        out: *mut *mut c_char,
        /// Receives its length without the NUL (may be NULL).
        out_len: *mut usize,
    },
    /// The caller's buffer of `cap` bytes; `*needed` receives the size required (NUL included).
    Into {
        /// The buffer (may be NULL when `cap` is 0).
        buf: *mut u8,
        /// Its capacity in bytes.
        cap: usize,
        /// Receives the bytes required (may be NULL).
        needed: *mut usize,
    },
    /// No output besides the status.
    None,
}

/// Runs `f` at the boundary and delivers its bytes (or the error JSON).
pub fn call(out: Out, f: impl FnOnce() -> Result<Vec<u8>, FfiError>) -> yibao_status {
    run(out, f, String::into_bytes)
}

/// [`call`] for the `_gbk` exports: what `f` returns, and the error JSON on
/// failure, are delivered in GB18030. The thread's last error stays UTF-8,
/// as [`crate::exports::yibao_last_error`] gives it for every call.
pub fn call_gb18030(out: Out, f: impl FnOnce() -> Result<String, FfiError>) -> yibao_status {
    run(out, || f().map(|s| crate::text::to_gb18030(&s)), |json| crate::text::to_gb18030(&json))
}

/// [`call`], with the error JSON turned into the bytes delivered by `error_bytes`.
fn run(
    out: Out,
    f: impl FnOnce() -> Result<Vec<u8>, FfiError>,
    error_bytes: impl FnOnce(String) -> Vec<u8>,
) -> yibao_status {
    let result = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(FfiError::new(
            YIBAO_STATUS_PANIC,
            None,
            "an internal panic was caught at the library boundary; the call had no effect",
        ))
    });
    let delivered = catch_unwind(AssertUnwindSafe(|| match result {
        Ok(bytes) => {
            let s = deliver(&out, bytes);
            set_last_error(if s == YIBAO_STATUS_OK {
                None
            } else {
                Some(FfiError::new(s, None, "the output buffer is too small; call again with *needed bytes"))
            });
            s
        }
        Err(e) => {
            set_last_error(Some(e.clone()));
            let _ = deliver(&out, error_bytes(e.json));
            e.status
        }
    }));
    delivered.unwrap_or(YIBAO_STATUS_PANIC)
}

fn deliver(out: &Out, bytes: Vec<u8>) -> yibao_status {
    match *out {
        Out::None => YIBAO_STATUS_OK,
        Out::Owned { out, out_len } => {
            if out.is_null() {
                return YIBAO_STATUS_NULL_ARGUMENT;
            }
            let len = bytes.len();
            let Ok(c) = CString::new(bytes) else {
                return YIBAO_STATUS_INTERNAL;
            };
            // SAFETY: `out` is non-NULL and the caller promises it points to a writable `char*`.
            unsafe { *out = c.into_raw() };
            if !out_len.is_null() {
                // SAFETY: non-NULL, and the caller promises it points to a writable `size_t`.
                unsafe { *out_len = len };
            }
            YIBAO_STATUS_OK
        }
        Out::Into { buf, cap, needed } => {
            let need = bytes.len() + 1;
            if !needed.is_null() {
                // SAFETY: non-NULL, and the caller promises it points to a writable `size_t`.
                unsafe { *needed = need };
            }
            if buf.is_null() || cap < need {
                return YIBAO_STATUS_BUFFER_TOO_SMALL;
            }
            // SAFETY: `buf` is non-NULL and the caller promises `cap` writable bytes; we write
            // `need <= cap` bytes; the source is our own vector, so the regions cannot overlap.
            unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len());
                *buf.add(bytes.len()) = 0;
            }
            YIBAO_STATUS_OK
        }
    }
}

/// Borrows `len` bytes at `p` (NULL is allowed only with `len == 0`).
pub fn bytes<'a>(p: *const u8, len: usize, what: &str) -> Result<&'a [u8], FfiError> {
    if len > YIBAO_MAX_INPUT {
        return Err(FfiError::new(
            YIBAO_STATUS_INPUT_TOO_LARGE,
            Some(what),
            &format!("{what} is longer than {YIBAO_MAX_INPUT} bytes"),
        ));
    }
    if p.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(FfiError::new(YIBAO_STATUS_NULL_ARGUMENT, Some(what), &format!("{what} is NULL")))
        };
    }
    // SAFETY: `p` is non-NULL and the caller promises `len` readable bytes that stay
    // unchanged for the duration of the call; `len` is bounded by YIBAO_MAX_INPUT.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Borrows `len` UTF-16 units at `p` (NULL is allowed only with `len == 0`).
pub fn units<'a>(p: *const u16, len: usize, what: &str) -> Result<&'a [u16], FfiError> {
    if len > YIBAO_MAX_INPUT / 2 {
        return Err(FfiError::new(
            YIBAO_STATUS_INPUT_TOO_LARGE,
            Some(what),
            &format!("{what} is longer than {} units", YIBAO_MAX_INPUT / 2),
        ));
    }
    if p.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(FfiError::new(YIBAO_STATUS_NULL_ARGUMENT, Some(what), &format!("{what} is NULL")))
        };
    }
    if (p as usize) % std::mem::align_of::<u16>() != 0 {
        return Err(FfiError::new(
            YIBAO_STATUS_INVALID_ARGUMENT,
            Some(what),
            &format!("{what} is not aligned to 2 bytes"),
        ));
    }
    // SAFETY: `p` is non-NULL and aligned, and the caller promises `len` readable UTF-16
    // units that stay unchanged for the duration of the call; `len` is bounded.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Writes UTF-16 `text` into the caller's buffer of `cap` units, NUL-terminated;
/// `*needed` receives the units required (NUL included).
pub fn write_utf16(text: &str, buf: *mut u16, cap: i32, needed: *mut i32) -> yibao_status {
    let units: Vec<u16> = text.encode_utf16().collect();
    let need = units.len() + 1;
    let Ok(need_i32) = i32::try_from(need) else {
        return YIBAO_STATUS_INPUT_TOO_LARGE;
    };
    if !needed.is_null() {
        // SAFETY: non-NULL, and the caller promises it points to a writable 32-bit integer.
        unsafe { *needed = need_i32 };
    }
    if buf.is_null() || cap < need_i32 || (buf as usize) % 2 != 0 {
        return YIBAO_STATUS_BUFFER_TOO_SMALL;
    }
    // SAFETY: `buf` is non-NULL and aligned, the caller promises `cap >= need` writable units;
    // the source is our own vector, so the regions cannot overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(units.as_ptr(), buf, units.len());
        *buf.add(units.len()) = 0;
    }
    YIBAO_STATUS_OK
}

/// Writes `v` through a caller's out-pointer; false if it is NULL or misaligned.
pub fn write_out<T: Copy>(p: *mut T, v: T) -> bool {
    if p.is_null() || (p as usize) % std::mem::align_of::<T>() != 0 {
        return false;
    }
    // SAFETY: `p` is non-NULL and aligned, and the caller promises it points to a writable `T`.
    unsafe { *p = v };
    true
}

/// Frees a string returned by an `Owned` output.
pub fn free_string(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: the caller promises `s` came from this library's `Owned` output
        // (`CString::into_raw`) and is freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}
