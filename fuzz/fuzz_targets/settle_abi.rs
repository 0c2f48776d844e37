//! Arbitrary bytes through the C ABI's settle exports (UTF-8 and GBK, both
//! output conventions): every call must return a status, never crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::ptr;
use std::sync::OnceLock;
use yibao::*;

mod shared;

/// The engine, made once.
static ENGINE: OnceLock<usize> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let e = shared::engine(&ENGINE, "cn-sx-taiyuan-resident-2010");
    let mut out = ptr::null_mut();
    let st = yibao_settle(e, data.as_ptr(), data.len(), &mut out, ptr::null_mut());
    assert_ne!(st, YIBAO_STATUS_PANIC);
    yibao_free_string(out);
    let mut buf = [0u8; 256];
    let mut needed = 0usize;
    let st = yibao_settle_gbk_into(e, data.as_ptr(), data.len(), buf.as_mut_ptr(), buf.len(), &mut needed);
    assert_ne!(st, YIBAO_STATUS_PANIC);
    let mut out = ptr::null_mut();
    let st = yibao_reverse(e, data.as_ptr(), data.len(), ptr::null(), 0, &mut out, ptr::null_mut());
    assert_ne!(st, YIBAO_STATUS_PANIC);
    yibao_free_string(out);
});
