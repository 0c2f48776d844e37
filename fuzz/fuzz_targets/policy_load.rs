//! Arbitrary bytes as a policy (through the ABI and through core), and, when
//! a policy loads, a fixed claim settled under it: never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::ptr;
use yibao::*;

const CLAIM: &str = r#"{"psn":{"psn_no":"P","insutype":"390","psn_type":"1501","insu_begn_date":"2008-01-01","primary_fixmedins_code":"H"},"mdtrt":{"mdtrt_id":"M","med_type":"21","begndate":"2010-03-01","enddate":"2010-03-02","fixmedins_code":"H","hosp_lv":"1","insuplc_admdvs":"140100","mdtrtarea_admvs":"140100"},"feedetail":[{"feedetl_sn":"1","med_chrgitm_type":"09","chrgitm_lv":"02","pric":"100","cnt":"1","det_item_fee_sumamt":"100.00","selfpay_prop":"0.1"}]}"#;

fuzz_target!(|data: &[u8]| {
    let mut e = ptr::null_mut();
    let st = yibao_engine_new_json(data.as_ptr(), data.len(), &mut e);
    assert_ne!(st, YIBAO_STATUS_PANIC);
    if st == YIBAO_STATUS_OK {
        let mut out = ptr::null_mut();
        let s = yibao_settle(e, CLAIM.as_ptr(), CLAIM.len(), &mut out, ptr::null_mut());
        assert_ne!(s, YIBAO_STATUS_PANIC);
        yibao_free_string(out);
        assert_eq!(yibao_engine_free(e), YIBAO_STATUS_OK);
    }
    // Core directly, so a panic inside it is not hidden by the boundary.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(engine) = yibao_core::Engine::from_json(text) {
            let claim = yibao_core::parse_claim(CLAIM).unwrap();
            let _ = engine.settle(&claim);
        }
    }
});
