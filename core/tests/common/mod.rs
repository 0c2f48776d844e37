//! Random claims shared by the property tests.

use proptest::prelude::*;
use serde_json::{json, Value};
use yibao_core::{identities, parse_claim, Engine, ErrorCode, Settlement, Status};

/// The claim moved into the year of the engine's first version (the random
/// claims are dated 2010; a 2025 pack has no version then).
pub fn dated(c: &Value, e: &Engine) -> Value {
    let y = e.policy().versions[0].from.y.max(2010);
    if y == 2010 {
        return c.clone();
    }
    let t = c.to_string().replace("2010-", &format!("{y}-")).replace("\"year\":2010", &format!("\"year\":{y}"));
    serde_json::from_str(&t).unwrap()
}

pub fn money(max_fen: i64) -> impl Strategy<Value = String> {
    (0..max_fen).prop_map(|f| format!("{}.{:02}", f / 100, f % 100))
}

pub fn line(sn: usize) -> impl Strategy<Value = Value> {
    (
        1i64..2_000_000,
        prop_oneof![Just("01"), Just("02"), Just("03")],
        prop::option::of(0u32..=10_000),
        prop::option::of(1i64..1_000_000),
        prop::sample::select(vec!["01", "03", "04", "05", "06", "07", "08", "09", "10", "11"]),
        prop_oneof![3 => Just(1i64), 1 => 2i64..15],
        (
            prop::option::of(prop::sample::select(vec![
                "imported_implant",
                "special_exam",
                "imported",
                "blood_product",
            ])),
            prop::sample::select(vec![false, false, false, true]),
        ),
    )
        .prop_map(move |(fen, lv, prop, uplmt, typ, cnt, (class, dual))| {
            let yuan = |f: i64| format!("{}.{:02}", f / 100, f % 100);
            let mut l = json!({"feedetl_sn": sn.to_string(), "med_list_codg": format!("X{sn}"), "med_chrgitm_type": typ,
                "chrgitm_lv": lv, "pric": yuan(fen), "cnt": cnt.to_string(), "det_item_fee_sumamt": yuan(fen * cnt)});
            if lv == "02" {
                l["selfpay_prop"] = json!(format!("{:.4}", f64::from(prop.unwrap_or(1000)) / 10_000.0));
            }
            if let Some(u) = uplmt {
                l["pric_uplmt_amt"] = json!(format!("{}.{:02}", u / 100, u % 100));
            }
            if let Some(c) = class {
                l["item_class"] = json!(c);
            }
            if dual {
                l["dual_channel"] = json!(true);
            }
            l
        })
}

pub fn claim() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["21", "11", "14", "52", "24", "92", "9901"]),
        prop::sample::select(vec!["1", "2", "3"]),
        prop::sample::select(vec!["1501", "1403", "1101", "1201", "1560"]),
        prop::sample::select(vec!["normal", "emergency", "referral"]),
        prop::sample::select(vec!["140100", "110105", "140200", "659006"]),
        prop::collection::vec(line(0), 1..12),
        (0u32..4, money(4_000_000), money(3_000_000), money(500_000), money(5000)),
        prop::sample::select(vec!["dialysis_renal_failure", "coronary_stent", "diabetes", "malignant_tumour", "cerebrovascular_sequela", "K35", "O82", "E11.9"]),
        any::<bool>(),
        (
            prop::sample::select(vec!["", "2301", "2302", "9"]),
            any::<bool>(),
            prop::option::of(prop::sample::select(vec!["1", "2", "3"])),
            prop::sample::select(vec![false, false, false, true]),
            money(200_000),
            prop::option::of(prop::sample::select(vec!["01", "0201", "0202"])),
            prop::option::of(prop::sample::select(vec!["2010-05-20", "2010-05-10", "2010-06-01"])),
        ),
        prop::sample::select(vec!["1970-01-01", "1940-01-01"]),
        (prop::sample::select(vec!["diabetes", "K35.8"]), prop::sample::select(vec!["2010-06-20", "2010-06-01", "2010-09-30"])),
    )
        .prop_map(|(med, lv, pt, route, area, mut lines, (adm, paid, elig, balc, quota), disease, acct, (idet, cvlserv, dedc_lv, leg, prior, way, out), brdy, (prior_disease, end))| {
            for (i, l) in lines.iter_mut().enumerate() {
                l["feedetl_sn"] = json!((i + 1).to_string());
            }
            let insutype = if pt.starts_with("11") || pt.starts_with("12") { "310" } else { "390" };
            // One claim in ten gives no balance (settled as zero).
            let no_balc = balc.ends_with('7');
            let mut claim = json!({
                "psn": {"psn_no": "P", "insutype": insutype, "psn_type": pt, "brdy": brdy, "insu_begn_date": "2005-01-01",
                        "balc": balc, "acct_used_flag": if acct {"1"} else {"0"}, "cvlserv_flag": if cvlserv {"1"} else {"0"},
                        "primary_fixmedins_code": "H001",
                        "quota_balc": {"opool": quota}, "mulaid_balc": quota, "acct_credit": quota, "zero_claim_years": adm, "gap_years": adm,
                        "chronic_certs": [{"disease": disease, "begndate": "2010-01-01"}, {"disease": "copd", "begndate": "2010-01-01"},
                                          {"disease": "I10", "begndate": "2010-01-01"}],
                        "idetinfo": if idet.is_empty() { json!([]) } else { json!([{"psn_idet_type": idet, "begntime": "2010-01-01 00:00:00"}]) }},
                "ytd": {"year": 2010, "admissions": adm, "dedc_paid": "0.00",
                        "benefit_paid": {"inpatient": paid, "chronic": paid, "special": paid},
                        "eligible_sum": {"inpatient": elig, "general_outpatient": elig, "layer:serious_illness": elig,
                                         "layer:serious_illness_assisted": elig, "seg:inpatient": elig}},
                "mdtrt": {"mdtrt_id": "M", "med_type": med, "begndate": "2010-06-01", "enddate": end,
                          "fixmedins_code": if route == "emergency" {"H009"} else {"H001"}, "hosp_lv": lv, "dedc_hosp_lv": dedc_lv,
                          "referral_leg": leg, "prior_leg_dedc": prior, "psn_setlway": way,
                          "prior_dscg_date": out, "prior_disease": prior_disease,
                          "insuplc_admdvs": "140100", "mdtrtarea_admvs": area, "adm_route": route, "disease": disease},
                "feedetail": lines
            });
            if no_balc {
                claim["psn"].as_object_mut().map(|p| p.remove("balc"));
            }
            claim
        })
}

/// Settles `text` and checks what every settlement owes, whatever the
/// policy: the identities to the fen, the direct writer equal to serde, the
/// same bytes twice, and a reversal that gives back the accumulators and the
/// account exactly (also after a later claim of the same member). A refusal
/// is fine unless it is an internal error. Gives the settlement, if any.
pub fn sound(e: &Engine, text: &str) -> Result<Option<Settlement>, TestCaseError> {
    let id = &e.policy().id;
    let out = match e.settle_json(text) {
        Ok(out) => out,
        Err(err) => {
            prop_assert_ne!(err.code, ErrorCode::Internal, "{}: {:?}\n{}", id, err, text);
            return Ok(None);
        }
    };
    let s = yibao_core::parse_settlement(&out).unwrap();
    let bad = identities::check(&s);
    prop_assert!(bad.is_empty(), "{}: {:?}\n{}", id, bad, text);
    // The direct JSON writer and serde write the same bytes.
    prop_assert_eq!(&out, &serde_json::to_string(&s).unwrap());
    // Same input, byte-identical output.
    prop_assert_eq!(&out, &e.settle_json(text).unwrap());
    // Reversal restores the accumulators exactly.
    let claim = parse_claim(text).unwrap();
    let body = &e.policy().version_on(claim.mdtrt.begndate).unwrap().body;
    let before = yibao_core::adjudicate::starting_ytd(&yibao_core::policy::facts::Facts::of(&claim, body)).unwrap();
    let r = e.reverse(&s, None, None).unwrap();
    prop_assert_eq!(&r.ytd_after, &before, "{}", id);
    prop_assert!(identities::check(&r).is_empty(), "{}: {:?}", id, identities::check(&r));
    // ... and the member's own account balance; what mutual aid paid
    // goes back to the family account, within its balance.
    prop_assert_eq!(r.setlinfo.balc, claim.psn.balc.unwrap_or_default().round_dp(2));
    prop_assert!(s.setlinfo.acct_mulaid_pay <= claim.psn.mulaid_balc);
    // Reversal after a later claim of the same member: subtracting the delta
    // from the current accumulators gives what the later claim alone left.
    if s.status == Status::Settled {
        let mut later = claim.clone();
        later.ytd = Some(s.ytd_after.clone());
        if let Ok(s2) = e.settle(&later) {
            let r1 = e.reverse(&s, Some(&s2.ytd_after), None).unwrap();
            prop_assert_eq!(r1.ytd_after, before.apply(&s2.ytd_delta, 1), "{}", id);
        }
    }
    Ok(Some(s))
}
