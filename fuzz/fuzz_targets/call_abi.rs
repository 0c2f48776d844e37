//! Arbitrary bytes through `yibao_call` (both output conventions): the first
//! byte picks the operation, the rest is its JSON input. Every call must
//! return a status, never crash; a too-small buffer must say how much it needs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::ptr;
use std::sync::OnceLock;
use yibao::*;

/// The operations `yibao_call` knows, and one it does not.
const OPS: [&str; 9] =
    ["settle", "reverse", "check", "filing", "certification", "deadline", "workdays", "policy", "nope"];

mod shared;

/// The engine, made once.
static ENGINE: OnceLock<usize> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else { return };
    let e = shared::engine(&ENGINE, "cn-xj-urumqi");
    let op = OPS[usize::from(pick) % OPS.len()];
    let mut out = ptr::null_mut();
    let mut out_len = 0usize;
    let first = yibao_call(e, op.as_ptr(), op.len(), input.as_ptr(), input.len(), &mut out, &mut out_len);
    assert_ne!(first, YIBAO_STATUS_PANIC);
    assert!(!out.is_null(), "every call gives a result or an error JSON");
    yibao_free_string(out);
    // The two-call pattern with a small buffer: it asks for the length the
    // first call gave (NUL included) and writes nothing truncated. A result
    // that does not fit is refused as too small; a failure keeps its status.
    let mut buf = [0u8; 64];
    let mut needed = 0usize;
    let st = yibao_call_into(
        e,
        op.as_ptr(),
        op.len(),
        input.as_ptr(),
        input.len(),
        buf.as_mut_ptr(),
        buf.len(),
        &mut needed,
    );
    assert_ne!(st, YIBAO_STATUS_PANIC);
    assert_eq!(needed, out_len + 1, "both conventions give the same result");
    if needed > buf.len() {
        assert!(buf.iter().all(|&b| b == 0), "nothing written into a buffer too small");
    }
    if first == YIBAO_STATUS_OK {
        assert_eq!(st == YIBAO_STATUS_BUFFER_TOO_SMALL, needed > buf.len());
    } else {
        assert_eq!(st, first);
    }
});
