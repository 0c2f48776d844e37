//! The ABI from Rust: version macros agree with Cargo.toml, the header is the
//! one cbindgen makes, and the boundary behaves (panics caught, handles checked).

use std::ffi::CStr;
use std::ptr;
use yibao::*;

fn header() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/yibao.h")).unwrap()
}

fn macro_value(h: &str, name: &str) -> String {
    h.lines()
        .find_map(|l| l.strip_prefix(&format!("#define {name} ")))
        .unwrap_or_else(|| panic!("{name} missing from the header"))
        .trim()
        .to_string()
}

#[test]
fn header_version_macros_match_the_crate() {
    let h = header();
    let v: Vec<&str> = env!("CARGO_PKG_VERSION").split('.').collect();
    assert_eq!(macro_value(&h, "YIBAO_VERSION_MAJOR"), v[0]);
    assert_eq!(macro_value(&h, "YIBAO_VERSION_MINOR"), v[1]);
    assert_eq!(macro_value(&h, "YIBAO_VERSION_PATCH"), v[2]);
    assert_eq!(macro_value(&h, "YIBAO_ABI_VERSION"), YIBAO_ABI_VERSION.to_string());
    // SAFETY: yibao_version returns a static NUL-terminated string.
    let s = unsafe { CStr::from_ptr(yibao_version()) };
    assert_eq!(s.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(yibao_abi_version(), YIBAO_ABI_VERSION);
}

#[test]
fn every_status_has_a_name_in_the_header() {
    let h = header();
    for (code, name) in yibao::NAMES.iter() {
        let name = name.trim_end_matches('\0');
        assert_eq!(macro_value(&h, &format!("YIBAO_STATUS_{name}")), code.to_string());
    }
}

#[test]
fn vba_exports_stay_out_of_the_c_header() {
    assert!(!header().contains("yibao_vba_"));
}

#[test]
fn panics_are_caught() {
    assert_eq!(yibao_selftest_panic(), YIBAO_STATUS_PANIC);
    assert_eq!(yibao_last_error_status(), YIBAO_STATUS_PANIC);
}

#[test]
fn handles_are_checked() {
    let id = b"cn-sx-taiyuan-resident-2010";
    let mut e = ptr::null_mut();
    assert_eq!(yibao_engine_new_builtin(id.as_ptr(), id.len(), &mut e), YIBAO_STATUS_OK);
    let mut needed = 0usize;
    let claim = b"{}";
    assert_eq!(yibao_settle_into(e, claim.as_ptr(), 2, ptr::null_mut(), 0, &mut needed), YIBAO_STATUS_INVALID_CLAIM);
    assert_eq!(yibao_engine_free(e), YIBAO_STATUS_OK);
    assert_eq!(yibao_engine_free(e), YIBAO_STATUS_INVALID_HANDLE);
    assert_eq!(yibao_settle_into(e, claim.as_ptr(), 2, ptr::null_mut(), 0, &mut needed), YIBAO_STATUS_INVALID_HANDLE);
    let forged = 0x1234_5678usize as *mut yibao_engine;
    assert_eq!(yibao_engine_free(forged), YIBAO_STATUS_INVALID_HANDLE);
}
