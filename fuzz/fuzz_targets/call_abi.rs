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
    let st = yibao_call(e, op.as_ptr(), op.len(), input.as_ptr(), input.len(), &mut out, &mut out_len);
    assert_ne!(st, YIBAO_STATUS_PANIC);
    assert!(!out.is_null(), "every call gives a result or an error JSON");
    yibao_free_string(out);
    // The two-call pattern with a small buffer: too small reports the length
    // the first call gave, never a truncated result.
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
    if st == YIBAO_STATUS_BUFFER_TOO_SMALL {
        assert!(needed > buf.len());
    }
});
