//! Sample claims bundled with the engine for `yibao demo` and the examples.

use once_cell::sync::Lazy;

/// The JSON source of the bundled sample claims.
pub const SOURCE: &str = include_str!("../demo/claims.json");

/// `(name, claim JSON)` of every sample claim.
pub static CLAIMS: Lazy<Vec<(String, String)>> = Lazy::new(|| {
    let v: serde_json::Value = serde_json::from_str(SOURCE).unwrap_or_default();
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    let name = e["name"].as_str().unwrap_or_default().to_string();
                    let mut claim = e["claim"].clone();
                    if let Some(o) = claim.as_object_mut() {
                        o.remove("_comment");
                    }
                    (name, claim.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
});

/// A generated claim for benchmarks and profilers: a Taiyuan resident's
/// second admission of 2010 at a level-3 hospital with `lines` fee lines
/// cycling through classes A, B (10% pre-self-pay) and C, large enough that
/// the deductible is passed and the pooling fund pays.
pub fn sample_claim(lines: usize) -> String {
    use serde_json::json;
    let lines: Vec<_> = (0..lines)
        .map(|i| {
            let amt = format!("{}.{:02}", 200 + i * 37, (i * 7) % 100);
            let mut l = json!({"feedetl_sn": (i + 1).to_string(), "med_list_codg": format!("X{i}"),
                "med_chrgitm_type": "09", "chrgitm_lv": (["01", "02", "03"][i % 3]), "pric": amt, "cnt": "1",
                "det_item_fee_sumamt": amt});
            if i % 3 == 1 {
                l["selfpay_prop"] = json!("0.10");
            }
            l
        })
        .collect();
    json!({
        "psn": {"psn_no": "P1", "insutype": "390", "psn_type": "1501", "brdy": "1980-05-01",
                "insu_begn_date": "2008-01-01", "primary_fixmedins_code": "H001"},
        "ytd": {"year": 2010, "admissions": 1, "dedc_paid": "750.00", "benefit_paid": {"inpatient": "3000.00"}},
        "mdtrt": {"mdtrt_id": "M1", "med_type": "21", "begndate": "2010-03-01", "enddate": "2010-03-10",
                  "fixmedins_code": "H001", "hosp_lv": "3", "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100"},
        "feedetail": lines
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sample_claim_settles_with_the_fund_paying() {
        let e = crate::Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        for n in [1, 10, 100] {
            let c = crate::parse_claim(&super::sample_claim(n)).unwrap();
            assert_eq!(c.feedetail.len(), n);
            let s = e.settle(&c).unwrap();
            assert_eq!(s.status, crate::settlement::Status::Settled);
            if n >= 10 {
                assert!(s.setlinfo.hifp_pay > crate::money::Decimal::ZERO, "{n} lines: {:?}", s.setlinfo);
            }
        }
    }
}
