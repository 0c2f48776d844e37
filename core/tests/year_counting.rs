//! Which date places a stay in a year, a quarter or a month (`year_by`):
//! the periodic caps follow the same date as the yearly accumulators.

use serde_json::{json, Value};
use std::path::Path;
use yibao_core::Engine;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The quarterly-cap example, counted by `year_by`.
fn quarterly(year_by: &str) -> Engine {
    let file = root().join("examples/policies/quarterly-cap.json");
    let mut p: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    p["extends"] = json!(root().join("examples/policies/base.json").to_string_lossy());
    p["year_by"] = json!(year_by);
    Engine::from_json(&p.to_string()).unwrap()
}

/// A chronic outpatient claim from 30 September to 2 October 2010, with
/// 2 900 of the third quarter's 3 000 already paid.
fn claim() -> String {
    json!({
        "psn": {"psn_no": "P1", "insutype": "390", "psn_type": "1501",
                "chronic_certs": [{"disease": "diabetes", "begndate": "2010-01-01"}]},
        "ytd": {"year": 2010, "benefit_paid": {"chronic": "2900.00", "chronic@2010-Q3": "2900.00"}},
        "mdtrt": {"mdtrt_id": "M1", "med_type": "14", "begndate": "2010-09-30", "enddate": "2010-10-02",
                  "fixmedins_code": "H1", "hosp_lv": "2", "disease": "diabetes",
                  "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100"},
        "feedetail": [{"feedetl_sn": "1", "med_chrgitm_type": "09", "chrgitm_lv": "01",
                       "pric": "1000", "cnt": "1", "det_item_fee_sumamt": "1000"}]
    })
    .to_string()
}

#[test]
fn a_quarterly_cap_counts_by_the_same_date_as_the_year() {
    // By admission: the third quarter, 100 left of its cap.
    let s = quarterly("admission").settle(&yibao_core::parse_claim(&claim()).unwrap()).unwrap();
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "100.00");
    assert_eq!(s.ytd_after.benefit_paid.get("chronic@2010-Q3").map(ToString::to_string).as_deref(), Some("3000.00"));
    // By discharge: the fourth quarter, its cap untouched: 80 % of 1 000.
    let s = quarterly("discharge").settle(&yibao_core::parse_claim(&claim()).unwrap()).unwrap();
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "800.00");
    assert_eq!(s.ytd_after.benefit_paid.get("chronic@2010-Q4").map(ToString::to_string).as_deref(), Some("800.00"));
}
