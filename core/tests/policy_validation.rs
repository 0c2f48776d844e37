//! Load-time validation: the mistakes people make in policy tables are caught
//! with an error that names the path.

use serde_json::{json, Value};
use yibao_core::{Engine, ErrorCode};

fn base() -> Value {
    json!({
        "id": "t", "hosp_levels": ["1", "2"],
        "uncovered": {"rule": "R", "message": "m"},
        "benefits": {"inpatient": {
            "when": {"med_type": ["21"]},
            "deductible": {"rule": "R", "amount": [{"when": {"hosp_lv": ["1"]}, "value": "100"}, {"when": {"hosp_lv": ["2"]}, "value": "200"}]},
            "fund": {"fund_pay_type": "390100", "rule": "R", "ratio": "0.5", "caps": [{"cap": "annual"}]}}},
        "caps": {"annual": {"rule": "R", "amount": "1000", "buckets": ["inpatient"]}}
    })
}

fn load_err(v: Value) -> (ErrorCode, String, String) {
    let e = Engine::from_json(&v.to_string()).expect_err("the policy must be refused");
    (e.code, e.path.unwrap_or_default(), e.message)
}

/// Asserts that `v` is refused as an invalid policy at `path`, with a
/// message that says `says`.
fn refused(v: Value, path: &str, says: &str) {
    let (c, p, m) = load_err(v);
    assert_eq!((c, p.as_str()), (ErrorCode::InvalidPolicy, path));
    assert!(m.contains(says), "{m}");
}

/// A level-1 local inpatient claim of one class-A line of `amount`.
fn local_inpatient_claim(amount: &str) -> Value {
    json!({"psn": {"psn_no": "P", "insutype": "390", "psn_type": "1501"},
        "mdtrt": {"mdtrt_id": "M", "med_type": "21", "begndate": "2010-03-01", "enddate": "2010-03-02", "fixmedins_code": "H",
                  "hosp_lv": "1", "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100"},
        "feedetail": [{"feedetl_sn": "1", "med_chrgitm_type": "09", "chrgitm_lv": "01", "pric": amount, "cnt": "1", "det_item_fee_sumamt": amount}]})
}

fn with(patch: Value) -> Value {
    let mut b = base();
    yibao_core::policy::load::merge(&mut b, patch);
    b
}

#[test]
fn the_base_policy_loads() {
    Engine::from_json(&base().to_string()).unwrap();
}

#[test]
fn ratio_outside_0_1() {
    let (c, p, m) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"ratio": "1.5"}}}})));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert_eq!(p, "benefits.inpatient.fund.ratio");
    assert!(m.contains("outside 0–1"), "{m}");
}

#[test]
fn overlapping_cost_bands() {
    let (_, p, m) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"ratio": {"segments": [
        {"from": "0", "to": "5000", "ratio": "0.5"}, {"from": "4000", "ratio": "0.7"}]}}}}})));
    assert_eq!(p, "benefits.inpatient.fund.ratio.segments[1]");
    assert!(m.contains("overlap"), "{m}");
}

#[test]
fn gapped_cost_bands() {
    let (_, p, m) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"ratio": {"segments": [
        {"from": "0", "to": "5000", "ratio": "0.5"}, {"from": "6000", "ratio": "0.7"}]}}}}})));
    assert_eq!(p, "benefits.inpatient.fund.ratio.segments[1]");
    assert!(m.contains("gap"), "{m}");
}

#[test]
fn overlapping_and_gapped_age_bands() {
    let rows = |a: Value, b: Value| {
        json!({"benefits": {"inpatient": {"fund": {"ratio": [
        {"when": {"age": a}, "value": "0.6"}, {"when": {"age": b}, "value": "0.7"}]}}}})
    };
    let (_, p, m) = load_err(with(rows(json!({"max": 60}), json!({"min": 55}))));
    assert_eq!(p, "benefits.inpatient.fund.ratio");
    assert!(m.contains("overlap"), "{m}");
    let (_, _, m) = load_err(with(rows(json!({"max": 60}), json!({"min": 65}))));
    assert!(m.contains("gap"), "{m}");
}

#[test]
fn age_bands_tile_within_each_group_of_rows() {
    // Employees and residents each have their own bands: the 60 of one
    // table and the 70 of the other neither overlap nor leave a gap.
    let row = |insutype: &str, age: Value, r: &str| json!({"when": {"insutype": [insutype], "age": age}, "value": r});
    let policy = with(json!({"benefits": {"inpatient": {"fund": {"ratio": [
        row("310", json!({"max": 60}), "0.8"), row("310", json!({"min": 60}), "0.9"),
        row("390", json!({"max": 70}), "0.6"), row("390", json!({"min": 70}), "0.7")]}}}}));
    Engine::from_json(&policy.to_string()).unwrap();
}

#[test]
fn a_level_with_no_deductible() {
    let (_, p, m) = load_err(with(json!({"hosp_levels": ["1", "2", "3"]})));
    assert_eq!(p, "benefits.inpatient.deductible.amount");
    assert!(m.contains("`3`"), "{m}");
}

#[test]
fn a_benefit_limited_to_some_levels_needs_deductible_rows_for_those_only() {
    let mut p = with(json!({"hosp_levels": ["1", "2", "3"]}));
    p["benefits"]["inpatient"]["when"]["hosp_lv"] = json!(["1", "2"]);
    Engine::from_json(&p.to_string()).unwrap();
    p["benefits"]["inpatient"]["when"]["hosp_lv"] = json!(["2", "3"]);
    let (_, path, m) = load_err(p);
    assert_eq!(path, "benefits.inpatient.deductible.amount");
    assert!(m.contains("`3`"), "{m}");
}

#[test]
fn a_layer_with_an_unknown_fund() {
    let (_, p, _) = load_err(with(
        json!({"layers": {"si": {"fund_pay_type": "123456", "rule": "R", "segments": [{"from": "0", "ratio": "0.5"}]}}}),
    ));
    assert_eq!(p, "layers.si.fund_pay_type");
}

#[test]
fn unknown_cap_bucket_and_group() {
    let (_, p, _) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"caps": [{"cap": "nope"}]}}}})));
    assert_eq!(p, "benefits.inpatient.fund.caps[0].cap");
    let (_, p, _) = load_err(with(json!({"caps": {"annual": {"buckets": ["nope"]}}})));
    assert_eq!(p, "caps.annual.buckets");
    let (_, p, _) = load_err(with(json!({"benefits": {"inpatient": {"when": {"disease": ["@nope"]}}}})));
    assert_eq!(p, "benefits.inpatient.when");
}

#[test]
fn unknown_parameter_reference_and_bad_value() {
    let (_, p, m) = load_err(with(json!({"caps": {"annual": {"amount": "$nope"}}})));
    assert_eq!(p, "caps.annual.amount");
    assert!(m.contains("$nope"), "{m}");
    let (_, p, _) = load_err(with(json!({"params": {"x": "ten"}})));
    assert_eq!(p, "params.x");
}

#[test]
fn typos_and_bad_values_name_their_path() {
    let (_, p, _) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"ratoi": "0.5"}}}})));
    assert_eq!(p, "benefits.inpatient.fund.ratoi");
    let (_, p, _) = load_err(with(json!({"caps": {"annual": {"amount": "lots"}}})));
    assert_eq!(p, "caps.annual.amount");
}

#[test]
fn overlapping_versions() {
    let (_, p, m) = load_err(with(json!({"versions": [{"from": "2010-01-01"}, {"from": "2011-01-01"}]})));
    assert_eq!(p, "versions");
    assert!(m.contains("overlap"), "{m}");
}

#[test]
fn extends_an_unknown_pack_or_a_cycle() {
    let e = Engine::from_json(&json!({"id": "x", "extends": "no-such-pack"}).to_string()).unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownPolicy);
    assert_eq!(e.path.as_deref(), Some("extends"));
    let dir = std::env::temp_dir().join(format!("yibao-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.json"), r#"{"id": "a", "extends": "b.json"}"#).unwrap();
    std::fs::write(dir.join("b.json"), r#"{"id": "b", "extends": "a.json"}"#).unwrap();
    let e = Engine::from_file(&dir.join("a.json")).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidPolicy);
    assert!(e.message.contains("cycle"), "{}", e.message);
}

#[test]
fn malformed_json_and_non_object() {
    assert_eq!(Engine::from_json("{").unwrap_err().code, ErrorCode::InvalidJson);
    assert_eq!(Engine::from_json("[1]").unwrap_err().code, ErrorCode::InvalidPolicy);
}

#[test]
fn extends_overrides_a_parameter_and_changes_the_hash() {
    let a = Engine::builtin("cn-xj-tiemenguan-2025").unwrap();
    let b = Engine::from_json(
        &json!({"id": "b", "extends": "cn-xj-tiemenguan-2025", "params": {"special_cap": "100"}}).to_string(),
    )
    .unwrap();
    assert_eq!(a.policy().missing_params().len(), 1);
    assert!(b.policy().missing_params().is_empty());
    assert_ne!(a.policy().hash, b.policy().hash);
    assert_eq!(b.policy().lineage, vec!["b".to_string(), "cn-xj-tiemenguan-2025".to_string()]);
}

#[test]
fn every_builtin_pack_loads_and_lists_its_parameters() {
    let list = yibao_core::policies().unwrap();
    assert_eq!(list.len(), 5);
    let ty = list.iter().find(|p| p.id == "cn-sx-taiyuan-resident-2010").unwrap();
    assert_eq!(ty.required_params.len(), 1);
    assert_eq!(ty.required_params[0].name, "chronic_q_deductible");
    assert!(ty.rules.contains(&"TY-INP-DED".to_string()));
}

#[test]
fn a_manual_route_naming_an_unknown_material_list() {
    let (_, p, m) = load_err(with(json!({"manual": [{"when": {}, "rule": "R", "materials": "nope", "message": "m"}]})));
    assert_eq!(p, "manual[0].materials");
    assert!(m.contains("nope"), "{m}");
}

#[test]
fn an_empty_list_of_deductibles_by_order() {
    let (_, p, m) =
        load_err(with(json!({"benefits": {"inpatient": {"deductible": {"by_order": {"amounts": [], "rule": "R"}}}}})));
    assert_eq!(p, "benefits.inpatient.deductible.by_order.amounts");
    assert!(m.contains("at least one"), "{m}");
}

#[test]
fn a_deductible_only_for_remote_care_refuses_a_local_claim_instead_of_panicking() {
    let mut p = base();
    p["hosp_levels"] = json!([]);
    p["benefits"]["inpatient"]["deductible"] = json!({"rule": "R", "pct_of_cost": [
        {"when": {"area": ["cross_province"]}, "value": {"pct": "0.1", "rule": "R"}}]});
    let e = Engine::from_json(&p.to_string()).unwrap();
    let err = e.settle_json(&local_inpatient_claim("100").to_string()).unwrap_err();
    assert_eq!(err.code, ErrorCode::PolicyParameterMissing);
    assert_eq!(err.path.as_deref(), Some("benefits.inpatient.deductible.amount"));
}

#[test]
fn errors_name_the_version_only_where_the_policy_has_versions() {
    let (_, _, m) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"ratio": "1.5"}}}})));
    assert!(!m.contains("version"), "{m}");
    let (_, _, m) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"ratoi": "0.5"}}}})));
    assert!(!m.contains("version"), "{m}");
    let (_, _, m) = load_err(with(json!({"versions": [{"label": "2024", "from": "2024-01-01",
        "benefits": {"inpatient": {"fund": {"ratio": "1.5"}}}}]})));
    assert!(m.starts_with("version `2024`: "), "{m}");
}

#[test]
fn cost_bands_measured_on_the_in_scope_amount_load_and_a_bad_measure_names_its_path() {
    let bands = json!([{"from": "0", "to": "30000", "ratio": "0.85"}, {"from": "30000", "ratio": "0.9"}]);
    Engine::from_json(
        &with(json!({"benefits": {"inpatient": {"fund": {"ratio": {"segments": bands, "measure": "in_scope"}}}}}))
            .to_string(),
    )
    .unwrap();
    let (c, p, m) = load_err(with(
        json!({"benefits": {"inpatient": {"fund": {"ratio": {"segments": bands, "measure": "total"}}}}}),
    ));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert_eq!(p, "benefits.inpatient.fund.ratio.measure");
    assert!(m.contains("in_scope"), "{m}");
}

fn benefit_order(e: &Engine) -> Vec<String> {
    e.policy().versions[0].body.benefits.iter().map(|(k, _)| k.clone()).collect()
}

#[test]
fn deleting_a_benefit_with_null_keeps_the_order_of_the_others() {
    let e = Engine::from_json(
        &json!({"id": "d", "extends": "cn-sx-taiyuan-resident-2010", "benefits": {"maternity": null}, "caps": {"maternity": null}})
            .to_string(),
    )
    .unwrap();
    assert_eq!(
        benefit_order(&e),
        ["family_bed", "chronic_quarterly", "chronic_quota", "inpatient", "general_outpatient"]
    );
}

#[test]
fn before_puts_an_added_entry_ahead_of_a_named_one() {
    let added = json!({"when": {"med_type": ["21"]}, "before": "inpatient",
        "fund": {"fund_pay_type": "390100", "rule": "R", "ratio": "0.9"}});
    let e = Engine::from_json(&with(json!({"benefits": {"first": added}})).to_string()).unwrap();
    assert_eq!(benefit_order(&e), ["first", "inpatient"]);
    // Without `before` it goes last.
    let mut plain = added.clone();
    plain.as_object_mut().unwrap().remove("before");
    let e = Engine::from_json(&with(json!({"benefits": {"first": plain}})).to_string()).unwrap();
    assert_eq!(benefit_order(&e), ["inpatient", "first"]);
}

#[test]
fn before_naming_no_entry_or_not_a_string_names_its_path() {
    let (code, path, msg) = load_err(with(json!({"benefits": {"inpatient": {"before": "outpatient"}}})));
    assert_eq!(code, ErrorCode::InvalidPolicy);
    assert_eq!(path, "benefits.inpatient.before");
    assert!(msg.contains("no `outpatient`") && msg.contains("it has no other entry"), "{msg}");
    let (_, path, msg) = load_err(with(json!({"layers": {"x": {"before": 3}}})));
    assert_eq!(path, "layers.x.before");
    assert!(msg.contains("must name another key"), "{msg}");
}

#[test]
fn layers_sharing_a_counter_must_not_both_take_a_claim() {
    let layer = |c: &str| json!({"fund_pay_type": "390200", "rule": "R", "counter": c, "segments": [{"from": "0", "ratio": "0.5"}]});
    let (_, path, msg) = load_err(with(json!({"layers": {"a": layer(" ")}})));
    assert_eq!(path, "layers.a.counter");
    assert!(msg.contains("needs a name"), "{msg}");
    let e = Engine::from_json(&with(json!({"layers": {"a": layer("si"), "b": layer("si")}})).to_string()).unwrap();
    let err = e.settle_json(&local_inpatient_claim("500").to_string()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidPolicy);
    assert_eq!(err.path.as_deref(), Some("layers.b.counter"));
    assert!(err.message.contains("layers `a` and `b` share the counter `si`"), "{}", err.message);
}

#[test]
fn a_deductible_counter_needs_a_name_and_a_yearly_deductible() {
    let (_, path, msg) =
        load_err(with(json!({"benefits": {"inpatient": {"deductible": {"per": "year", "counter": ""}}}})));
    assert_eq!(path, "benefits.inpatient.deductible.counter");
    assert!(msg.contains("needs a name"), "{msg}");
    let (_, path, msg) = load_err(with(json!({"benefits": {"inpatient": {"deductible": {"counter": "all"}}}})));
    assert_eq!(path, "benefits.inpatient.deductible.counter");
    assert!(msg.contains("yearly deductible only"), "{msg}");
}

#[test]
fn a_policy_saved_with_a_byte_order_mark_loads_with_the_same_hash() {
    let plain = Engine::from_json(&base().to_string()).unwrap();
    let marked = Engine::from_json(&format!("\u{feff}{}", base())).unwrap();
    assert_eq!(plain.policy().hash, marked.policy().hash);
}

#[test]
fn a_version_may_not_take_the_label_of_a_policy_without_versions() {
    let (_, path, msg) = load_err(with(json!({"versions": [{"label": "unversioned", "from": "2010-01-01"}]})));
    assert_eq!(path, "versions[0].label");
    assert!(msg.contains("another label"), "{msg}");
}

#[test]
fn top_up_is_for_a_per_admission_deductible() {
    let top_up = json!({"when": {"referral_leg": true}, "rule": "R"});
    let (_, path, msg) =
        load_err(with(json!({"benefits": {"inpatient": {"deductible": {"per": "year", "top_up": top_up}}}})));
    assert_eq!(path, "benefits.inpatient.deductible.top_up");
    assert!(msg.contains("already counts"), "{msg}");
    Engine::from_json(&with(json!({"benefits": {"inpatient": {"deductible": {"top_up": top_up}}}})).to_string())
        .unwrap();
}

#[test]
fn a_version_with_an_end_but_no_start_is_not_stamped_unversioned() {
    let e = Engine::from_json(
        &with(json!({"versions": [{"to": "2010-12-31"}, {"label": "2011", "from": "2011-01-01"}]})).to_string(),
    )
    .unwrap();
    let labels: Vec<&str> = e.policy().versions.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["until 2010-12-31", "2011"]);
    // Described with an open start, not the placeholder date behind it.
    let described: Vec<String> = e.policy().versions.iter().map(|v| v.describe()).collect();
    assert_eq!(described, ["until 2010-12-31 ( – 2010-12-31)", "2011 (2011-01-01 – )"]);
}

#[test]
fn pro_rata_line_deductible_without_a_line_modifier() {
    let (c, p, m) = load_err(with(json!({"benefits": {"inpatient": {"fund": {"line_deductible": "pro_rata"}}}})));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert_eq!(p, "benefits.inpatient.fund.line_deductible");
    assert!(m.contains("no `adjust` tests a line field"), "{m}");
    // With a claim-level modifier only, still refused; with a line one, loaded.
    let claim_level = json!({"when": {"hosp_lv": ["1"]}, "delta": "0.05", "rule": "R"});
    let line_level = json!({"when": {"med_chrgitm_type": ["10"]}, "delta": "0.05", "rule": "R"});
    let fund = |adj: Value| {
        with(json!({"benefits": {"inpatient": {"fund": {"line_deductible": "pro_rata", "adjust": [adj]}}}}))
    };
    load_err(fund(claim_level));
    Engine::from_json(&fund(line_level).to_string()).unwrap();
}

/// A modifier testing a line field changes only the lines it matches; the
/// same modifier tested at claim level would change every line or none.
#[test]
fn a_line_modifier_changes_only_its_lines() {
    let line_level = json!({"when": {"med_chrgitm_type": ["10"]}, "delta": "0.10", "rule": "TCM"});
    let p = with(json!({"rules": {"TCM": "t"}, "benefits": {"inpatient": {"fund": {"adjust": [line_level]}}}}));
    let e = Engine::from_json(&p.to_string()).unwrap();
    let mut claim = local_inpatient_claim("1000.00");
    claim["feedetail"]
        .as_array_mut()
        .unwrap()
        .push(json!({"feedetl_sn": "2", "med_chrgitm_type": "10", "chrgitm_lv": "01",
        "pric": "500.00", "cnt": "1", "det_item_fee_sumamt": "500.00"}));
    let s = e.settle(&yibao_core::parse_claim(&claim.to_string()).unwrap()).unwrap();
    // Deductible 100 borne by the western drug: (1000 − 100) × 50 % + 500 × 60 % = 450 + 300.
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "750.00");
    assert!(s.trace.iter().any(|t| t.rule.as_ref() as &str == "TCM"));
    // Without the herbal line, nothing changes: 900 × 50 %.
    let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("1000.00").to_string()).unwrap()).unwrap();
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "450.00");
    assert!(!s.trace.iter().any(|t| t.rule.as_ref() as &str == "TCM"));
}

/// A parameter may be a table of rows where the place using it takes one;
/// a malformed row, or a table where one value is needed, is refused with
/// the path of the parameter or of the place.
#[test]
fn a_parameter_may_be_a_table_where_a_table_is_taken() {
    let rows = json!([{"when": {"hosp_lv": ["1"]}, "value": "50"}, {"when": {"hosp_lv": ["2"]}, "value": "80"}]);
    let with_param = |value: Value, used_at: Value| {
        let mut p = with(used_at);
        p["params"] = json!({"x": {"required": true, "rule": "R"}});
        yibao_core::policy::load::merge(&mut p, json!({"params": {"x": value}}));
        p
    };
    let deductible = json!({"benefits": {"inpatient": {"deductible": {"amount": "$x"}}}});
    let e = Engine::from_json(&with_param(rows.clone(), deductible.clone()).to_string()).unwrap();
    let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("1000.00").to_string()).unwrap()).unwrap();
    // Level 1: the table's 50, then 50 % of 950.
    assert_eq!(s.setlinfo.act_pay_dedc.to_string(), "50.00");
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "475.00");

    let (c, p, m) = load_err(with_param(json!([{"value": "50"}]), deductible));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert_eq!(p, "params.x[0]");
    assert!(m.contains("`when` and `value`"), "{m}");

    let segment = json!({"benefits": {"inpatient": {"fund": {"ratio": {"segments": [{"from": "0", "ratio": "$x"}]}}}}});
    let (_, p, m) = load_err(with_param(rows, segment));
    assert_eq!(p, "benefits.inpatient.fund.ratio.segments[0].ratio");
    assert!(m.contains("not a table of rows"), "{m}");

    // An object is a definition: a segmented ratio goes under `value`.
    let (_, p, m) = load_err(with_param(json!({"segments": []}), json!({})));
    assert_eq!(p, "params.x.segments");
    assert!(m.contains("goes under `value`"), "{m}");
    let bands =
        json!({"value": {"segments": [{"from": "0", "to": "500", "ratio": "0.5"}, {"from": "500", "ratio": "0.9"}]}});
    let e = Engine::from_json(
        &with_param(bands, json!({"benefits": {"inpatient": {"fund": {"ratio": "$x"}}}})).to_string(),
    )
    .unwrap();
    let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("1000.00").to_string()).unwrap()).unwrap();
    // 900 above the deductible of 100: 500 × 50 % + 400 × 90 %.
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "610.00");
}

#[test]
fn a_fixed_standard_is_checked_at_load() {
    let std = |amount: Value| json!({"benefits": {"inpatient": {"standard": {"rule": "S", "amount": amount}}}});
    Engine::from_json(&with(std(json!("3000"))).to_string()).unwrap();
    let (c, p, m) = load_err(with(std(json!("-1"))));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert_eq!(p, "benefits.inpatient.standard.amount");
    assert!(m.contains("negative"), "{m}");
    let (_, p, _) = load_err(with(std(json!([{"when": {"disease": ["K35"]}, "value": "-5"}]))));
    assert_eq!(p, "benefits.inpatient.standard.amount[0].value");
    // A line modifier would pay lines above a standard that settles the case as a whole.
    let mut v = with(std(json!("3000")));
    yibao_core::policy::load::merge(
        &mut v,
        json!({"benefits": {"inpatient": {"fund": {"adjust": [{"when": {"med_chrgitm_type": ["10"]}, "delta": "0.1", "rule": "T"}]}}}}),
    );
    let (_, p, m) = load_err(v);
    assert_eq!(p, "benefits.inpatient.standard");
    assert!(m.contains("line modifier"), "{m}");
    let (_, p, _) =
        load_err(with(json!({"benefits": {"inpatient": {"standard": {"rule": "S", "amount": "1", "amont": "2"}}}})));
    assert!(p.starts_with("benefits.inpatient.standard"), "{p}");
    // A standard per case or per bed-day, not both, not neither.
    Engine::from_json(
        &with(json!({"benefits": {"inpatient": {"standard": {"rule": "S", "per_day": "150"}}}})).to_string(),
    )
    .unwrap();
    for st in [json!({"rule": "S"}), json!({"rule": "S", "amount": "1", "per_day": "2"})] {
        let (_, p, m) = load_err(with(json!({"benefits": {"inpatient": {"standard": st}}})));
        assert_eq!(p, "benefits.inpatient.standard");
        assert!(m.contains("exactly one of `amount` and `per_day`"), "{m}");
    }
}

#[test]
fn a_layer_is_borne_by_a_fund_or_the_hospital() {
    let layer = |by: &str| {
        json!({"layers": {"relief": {"fund_pay_type": "630100", "rule": "L", "borne_by": by, "basis": "member_share",
            "segments": [{"from": "0", "ratio": "0.5"}]}}})
    };
    let e = Engine::from_json(&with(layer("hospital")).to_string()).unwrap();
    // 1000 in scope at level 1: deductible 100, the fund pays 450, the member
    // bears 550, of which the hospital waives half.
    let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("1000.00").to_string()).unwrap()).unwrap();
    assert_eq!(s.setlinfo.hosp_part_amt.to_string(), "275.00");
    assert_eq!(s.setlinfo.fund_pay_sumamt.to_string(), "450.00");
    assert_eq!(s.setlinfo.psn_part_amt.to_string(), "275.00");
    assert_eq!(s.setldetail.len(), 1, "no fund row for the hospital's part");
    assert!(yibao_core::identities::check(&s).is_empty());
    let e = Engine::from_json(&with(layer("fund")).to_string()).unwrap();
    let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("1000.00").to_string()).unwrap()).unwrap();
    assert_eq!(
        (s.setlinfo.hosp_part_amt.to_string(), s.setlinfo.oth_pay.to_string()),
        ("0.00".into(), "275.00".into())
    );
    let (c, p, _) = load_err(with(layer("insurer")));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert!(p.starts_with("layers.relief"), "{p}");
}

#[test]
fn a_layer_cap_may_be_a_table_by_enrolment_years() {
    let layer = |cap: Value| {
        json!({"layers": {"si": {"fund_pay_type": "390200", "rule": "L", "cap": cap,
            "segments": [{"from": "0", "ratio": "0.5"}]}}})
    };
    let rows = json!([{"when": {"enrol_years": {"min": 5}}, "value": "10"}, {"value": "0"}]);
    let e = Engine::from_json(&with(layer(rows)).to_string()).unwrap();
    // 1000 at level 1: the fund pays 450 and the layer half the 550 left, up
    // to its cap: 10 for five years of enrolment, nothing for four.
    for (begin, paid) in [("2005-03-01", "10.00"), ("2005-03-02", "0.00")] {
        let mut c = local_inpatient_claim("1000.00");
        c["psn"]["insu_begn_date"] = json!(begin);
        let s = e.settle(&yibao_core::parse_claim(&c.to_string()).unwrap()).unwrap();
        assert_eq!(s.setlinfo.hifmi_pay.to_string(), paid, "enrolled {begin}");
    }
    let (_, p, m) = load_err(with(layer(json!([{"when": {"enrol_years": {"min": 5, "max": 5}}, "value": "10"}]))));
    assert_eq!(p, "layers.si.cap[0].when");
    assert!(m.contains("enrolment-year band 5–5 is empty"), "{m}");
    let (_, p, _) = load_err(with(layer(json!([{"value": "-1"}]))));
    assert_eq!(p, "layers.si.cap[0].value");
}

#[test]
fn a_price_band_is_checked_where_it_stands() {
    let pre = |band: Value| json!({"preselfpay": {"rule": "P", "rows": [{"when": {"chrgitm_lv": ["02"], "pric": band}, "value": "0.1"}]}});
    Engine::from_json(&with(pre(json!({"above": "1", "up_to": "2"}))).to_string()).unwrap();
    let (_, p, m) = load_err(with(pre(json!({"above": "2", "up_to": "2"}))));
    assert_eq!(p, "preselfpay.rows[0].when");
    assert!(m.contains("price band above 2 up to 2 is empty"), "{m}");
    let (_, p, _) = load_err(with(pre(json!({"below": "2"}))));
    assert!(p.starts_with("preselfpay.rows[0].when.pric"), "{p}");
    let cap = json!({"item_caps": [{"when": {"pric": {"above": "9", "up_to": "3"}}, "limit": "1", "per": "line", "rule": "C"}]});
    let (_, p, _) = load_err(with(cap));
    assert_eq!(p, "item_caps[0].when");
}

#[test]
fn waiting_periods_are_checked_at_load() {
    let wait = |extra: serde_json::Value| {
        let mut c = json!({"check": "waiting_period", "months": 3, "rule": "W"});
        c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        with(json!({"benefits": {"inpatient": {"eligibility": [c]}}}))
    };
    Engine::from_json(&wait(json!({"per_gap_year": 1, "gap_years_after": 1, "max_months": 12})).to_string()).unwrap();
    let (_, p, m) = load_err(wait(json!({"per_gap_year": -1})));
    assert_eq!(p, "benefits.inpatient.eligibility[0]");
    assert!(m.contains("negative"), "{m}");
    let (_, p, _) = load_err(wait(json!({"exempt": {"disease": ["@nope"]}})));
    assert_eq!(p, "benefits.inpatient.eligibility[0].exempt");
    let (_, p, _) = load_err(wait(json!({"weeks": 2})));
    assert!(p.starts_with("benefits.inpatient.eligibility"), "{p}");
}

/// Absurd but valid counts of years or months in a policy give far dates and
/// no raise; they never wrap round (or panic, in a debug build).
#[test]
fn absurd_counts_of_years_and_months_saturate() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let example = root.join("examples/policies/layers-cap-raises.json");
    let policy = json!({
        "id": "t", "extends": example.to_str().unwrap(),
        "benefits": {"inpatient": {"eligibility": [
            {"check": "waiting_period", "months": 3, "per_gap_year": 2_000_000_000, "rule": "EX-SI"}]}},
        "layers": {"serious_illness": {"cap_raises": {"raises": [
            {"rule": "EX-SI-RAISE-ENROL", "per": "enrol_year", "after": 4_294_967_295u32, "amount": "1000"}]}}}
    });
    let e = Engine::from_json(&policy.to_string()).unwrap();
    let case: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/conformance/cases/feature-layer-cap-raises.json")).unwrap(),
    )
    .unwrap();
    let mut claim = case["claim"].clone();
    claim["psn"]["insu_begn_date"] = json!("2011-01-01");
    let s = e.settle_json(&claim.to_string()).unwrap();
    assert!(s.contains("\"status\":\"settled\""), "{s}");
    assert!(!s.contains("cap raised"), "{s}");
    claim["psn"]["gap_years"] = json!(2);
    let s = e.settle_json(&claim.to_string()).unwrap();
    assert!(s.contains("NOT_ELIGIBLE"), "{s}");
}

#[test]
fn cap_raises_are_checked_at_load() {
    let layer = |raises: serde_json::Value, cap: Option<&str>| {
        let mut l = json!({"fund_pay_type": "390200", "rule": "A", "segments": [{"from": "0", "ratio": "0.5"}],
                           "cap_raises": raises});
        if let Some(c) = cap {
            l["cap"] = json!(c);
        }
        with(json!({"layers": {"si": l}}))
    };
    let raise = |per: &str| json!({"rule": "R", "per": per, "amount": "1000"});
    let ok = json!({"rule": "M", "raises": [raise("enrol_year"), raise("zero_claim_year")], "max_share": "0.2"});
    Engine::from_json(&layer(ok.clone(), Some("300000")).to_string()).unwrap();
    let (_, p, m) = load_err(layer(ok, None));
    assert_eq!(p, "layers.si.cap_raises");
    assert!(m.contains("`cap`"), "{m}");
    let (_, p, _) =
        load_err(layer(json!({"rule": "M", "raises": [raise("enrol_year")], "max_share": "1.5"}), Some("1")));
    assert_eq!(p, "layers.si.cap_raises.max_share");
    let mut bad = raise("zero_claim_year");
    bad["after"] = json!(4);
    let (_, p, m) = load_err(layer(json!({"rule": "M", "raises": [bad]}), Some("1")));
    assert_eq!(p, "layers.si.cap_raises.raises[0]");
    assert!(m.contains("enrol_year"), "{m}");
    let (_, p, _) =
        load_err(layer(json!({"rule": "M", "raises": [{"rule": "R", "per": "age", "amount": "1"}]}), Some("1")));
    assert!(p.starts_with("layers.si.cap_raises.raises[0]"), "{p}");
}

#[test]
fn account_conditions_are_checked_at_load() {
    for key in ["account", "mulaid"] {
        let ok = json!({ key: {"rule": "A", "when": {"insutype": ["310"]}, "pays": "inscp_share"} });
        Engine::from_json(&with(ok).to_string()).unwrap();
        let (_, p, _) = load_err(with(json!({ key: {"rule": "A", "when": {"disease": ["@nope"]}} })));
        assert_eq!(p, format!("{key}.when"));
        let (_, p, _) = load_err(with(json!({ key: {"rule": "A", "pays": "everything"} })));
        assert!(p.starts_with(key), "{p}");
    }
}

#[test]
fn an_added_pre_self_pay_is_checked_at_load() {
    let added = |v: &str| json!({"added_preselfpay": {"rule": "A", "rows": [{"when": {"filed": false}, "value": v}]}});
    Engine::from_json(&with(added("0.2")).to_string()).unwrap();
    let (_, p, m) = load_err(with(added("1.2")));
    assert_eq!(p, "added_preselfpay.rows[0].value");
    assert!(m.contains("outside 0–1"), "{m}");
    let (_, p, _) = load_err(with(
        json!({"added_preselfpay": {"rule": "A", "rows": [{"when": {"disease": ["@nope"]}, "value": "0.2"}]}}),
    ));
    assert_eq!(p, "added_preselfpay.rows[0].when");
}

/// Each amount over a limit is traced to the rule that cut it: the price
/// limit and two counted limits of different rules, each with its own sum.
#[test]
fn over_limit_amounts_cite_each_rule() {
    let p = with(json!({"rules": {"CAP-EXAM": "e", "CAP-BED": "b"}, "item_caps": [
        {"when": {"med_chrgitm_type": ["03"]}, "limit": "100", "per": "line", "rule": "CAP-EXAM"},
        {"when": {"med_chrgitm_type": ["01"]}, "limit": "40", "per": "unit", "rule": "CAP-BED"}]}));
    let e = Engine::from_json(&p.to_string()).unwrap();
    let mut claim = local_inpatient_claim("1000.00");
    let lines = claim["feedetail"].as_array_mut().unwrap();
    // 30 over its price limit of 120, then the 120 left counted up to 100: 30 + 20.
    lines.push(json!({"feedetl_sn": "2", "med_chrgitm_type": "03", "chrgitm_lv": "01", "pric": "150.00",
        "pric_uplmt_amt": "120.00", "cnt": "1", "det_item_fee_sumamt": "150.00"}));
    // 3 bed-days at 60 counted at 40: 60 over.
    lines.push(json!({"feedetl_sn": "3", "med_chrgitm_type": "01", "chrgitm_lv": "01", "pric": "60.00",
        "cnt": "3", "det_item_fee_sumamt": "180.00"}));
    let s = e.settle(&yibao_core::parse_claim(&claim.to_string()).unwrap()).unwrap();
    assert_eq!(s.setlinfo.overlmt_selfpay.to_string(), "110.00");
    let over: Vec<(String, String)> = s
        .trace
        .iter()
        .filter(|t| t.text.starts_with("over the"))
        .map(|t| (t.rule.to_string(), t.amount.to_string()))
        .collect();
    let want = [("GEN-PRICE-CAP", "30.00"), ("CAP-EXAM", "20.00"), ("CAP-BED", "60.00")];
    assert_eq!(over, want.map(|(r, a)| (r.to_string(), a.to_string())));
}

/// `same_disease` is a flag or the word `category`; anything else is refused
/// at load with the path of the condition.
#[test]
fn same_disease_takes_a_flag_or_category() {
    let waive = |same: Value| {
        with(json!({"rules": {"RA": "r"}, "benefits": {"inpatient": {"deductible": {"waive": [
            {"when": {"readmission": {"days": 15, "same_disease": same}}, "rule": "RA"}]}}}}))
    };
    for ok in [json!(true), json!(false), json!("category")] {
        Engine::from_json(&waive(ok).to_string()).unwrap();
    }
    let (c, p, m) = load_err(waive(json!("chapter")));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert!(m.contains("expected true, false or \"category\""), "{m}");
    assert!(p.starts_with("benefits.inpatient.deductible.waive[0]"), "{p}");
}

/// A cap that binds is traced with what was left of it and the eligible cost
/// above it, under the cap's rule.
#[test]
fn a_binding_cap_is_traced_with_its_room() {
    let p = with(json!({"rules": {"CAP": "c"}, "caps": {"annual": {"rule": "CAP"}}}));
    let e = Engine::from_json(&p.to_string()).unwrap();
    let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("5000.00").to_string()).unwrap()).unwrap();
    // (5000 − 100) × 50 % = 2450 held to the cap of 1000: 2900 of the 4900 is above it.
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "1000.00");
    let cap = s.trace.iter().find(|t| t.rule.as_ref() as &str == "CAP").expect("the cap is traced");
    assert_eq!(cap.text, "CAP: the fund's cap, 1000.00 left this period; 2900.00 of eligible cost above it");
}

/// A required key left out is reported at the key itself, as a user looks
/// for it, not at the object that lacks it.
#[test]
fn a_missing_key_is_reported_at_its_own_path() {
    let mut v = base();
    v["benefits"]["inpatient"]["fund"].as_object_mut().unwrap().remove("fund_pay_type");
    let (c, p, m) = load_err(v);
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert_eq!(p, "benefits.inpatient.fund.fund_pay_type");
    assert!(m.contains("missing field"), "{m}");
    let mut v = base();
    v.as_object_mut().unwrap().remove("benefits");
    assert_eq!(load_err(v).1, "benefits");
}

/// A policy need not write its own `uncovered`: a claim no benefit takes is
/// denied `NOT_COVERED` citing `YB-UNCOVERED`.
#[test]
fn without_uncovered_a_claim_no_benefit_takes_is_denied_citing_yb_uncovered() {
    let mut v = base();
    v.as_object_mut().unwrap().remove("uncovered");
    let engine = Engine::from_json(&v.to_string()).unwrap();
    let mut claim = local_inpatient_claim("100");
    claim["mdtrt"]["med_type"] = json!("11");
    let s = engine.settle_json(&claim.to_string()).unwrap();
    let s: Value = serde_json::from_str(&s).unwrap();
    assert_eq!(s["status"], "denied", "{s}");
    assert_eq!(s["denial"]["code"], "NOT_COVERED");
    assert_eq!(s["denial"]["rule"], "YB-UNCOVERED");
    // A policy's own wins.
    let engine = Engine::from_json(&base().to_string()).unwrap();
    let s: Value = serde_json::from_str(&engine.settle_json(&claim.to_string()).unwrap()).unwrap();
    assert_eq!(s["denial"]["rule"], "R");
}

/// A benefit year's first day is a day of every year, `MM-DD`.
#[test]
fn a_bad_year_start_names_its_path() {
    for bad in ["02-29", "13-01", "4-1", "2011-04-01"] {
        let (c, p, m) = load_err(with(json!({"year_start": bad})));
        assert_eq!((c, p.as_str()), (ErrorCode::InvalidPolicy, "year_start"), "{bad}: {m}");
        assert!(m.contains("MM-DD"), "{m}");
    }
    Engine::from_json(&with(json!({"year_start": "07-01"})).to_string()).unwrap();
}

/// A modifier's bounds are ratios, the lower not above the higher.
#[test]
fn a_modifiers_bounds_are_ratios_in_order() {
    let adjust = |extra: Value| {
        let mut a = json!({"when": {"psn_type": ["12"]}, "delta": "0.05", "rule": "R"});
        yibao_core::policy::load::merge(&mut a, extra);
        with(json!({"benefits": {"inpatient": {"fund": {"adjust": [a]}}}}))
    };
    let (c, p, m) = load_err(adjust(json!({"max": "1.2"})));
    assert_eq!((c, p.as_str()), (ErrorCode::InvalidPolicy, "benefits.inpatient.fund.adjust[0].max"), "{m}");
    let (_, p, m) = load_err(adjust(json!({"max": "0.8", "min": "0.9"})));
    assert_eq!(p, "benefits.inpatient.fund.adjust[0].min");
    assert!(m.contains("above the highest"), "{m}");
    Engine::from_json(&adjust(json!({"max": "0.95", "min": "0.5"})).to_string()).unwrap();
}

/// An admission-order band must hold some admission.
#[test]
fn an_empty_admission_order_band_names_its_path() {
    let (c, p, m) = load_err(with(json!({"benefits": {"inpatient": {"deductible": {"amount": [
        {"when": {"hosp_lv": ["1"], "admission_order": {"min": 3, "max": 3}}, "value": "0"},
        {"when": {"hosp_lv": ["1"]}, "value": "100"}, {"when": {"hosp_lv": ["2"]}, "value": "200"}]}}}})));
    assert_eq!(c, ErrorCode::InvalidPolicy);
    assert!(p.starts_with("benefits.inpatient.deductible.amount"), "{p}");
    assert!(m.contains("admission-order band 3–3 is empty"), "{m}");
}

/// A policy of up to 8 MiB loads, from text or from a file; a byte more is
/// refused as too large before it is read.
#[test]
fn a_policy_of_8_mib_loads_and_a_byte_more_is_refused() {
    let limit = yibao_core::policy::load::MAX_POLICY_BYTES;
    assert_eq!(limit, 8 * 1024 * 1024);
    let sized = |len: usize| {
        let mut p = with(json!({"rules": {"PAD": ""}}));
        let short = p.to_string().len();
        p["rules"]["PAD"] = Value::String("x".repeat(len - short));
        let text = p.to_string();
        assert_eq!(text.len(), len);
        text
    };
    let dir = std::env::temp_dir().join(format!("yibao-policy-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fits = sized(limit);
    Engine::from_json(&fits).unwrap();
    std::fs::write(dir.join("fits.json"), &fits).unwrap();
    Engine::from_file(&dir.join("fits.json")).unwrap();
    let over = sized(limit + 1);
    assert_eq!(Engine::from_json(&over).unwrap_err().code, ErrorCode::InputTooLarge);
    std::fs::write(dir.join("over.json"), &over).unwrap();
    assert_eq!(Engine::from_file(&dir.join("over.json")).unwrap_err().code, ErrorCode::InputTooLarge);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_extends_chain_of_16_links_loads_and_one_more_is_refused() {
    let dir = std::env::temp_dir().join(format!("yibao-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut last = base();
    last["id"] = json!("f16");
    std::fs::write(dir.join("f16.json"), last.to_string()).unwrap();
    for k in 0..16 {
        let link = json!({"id": format!("f{k}"), "extends": format!("f{}.json", k + 1)});
        std::fs::write(dir.join(format!("f{k}.json")), link.to_string()).unwrap();
    }
    let e = Engine::from_file(&dir.join("f0.json")).unwrap();
    assert_eq!(e.policy().lineage.len(), 17, "16 links: 17 files");
    std::fs::write(dir.join("g.json"), r#"{"id": "g", "extends": "f0.json"}"#).unwrap();
    let e = Engine::from_file(&dir.join("g.json")).unwrap_err();
    assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidPolicy, Some("extends")));
    assert!(e.message.contains("deeper than 16"), "{}", e.message);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn extends_null_is_a_policy_that_extends_nothing() {
    // Set by hand: `with` merges, and a merged null deletes its key.
    let mut policy = base();
    policy["extends"] = Value::Null;
    let e = Engine::from_json(&policy.to_string()).unwrap();
    assert_eq!(e.policy().lineage, vec!["t".to_string()]);
    let (_, p, _) = load_err(with(json!({"extends": 7})));
    assert_eq!(p, "extends");
}

#[test]
fn a_parameter_set_to_null_is_declared_but_not_given() {
    for def in [json!(null), json!({"value": null, "rule": "R"})] {
        let policy = with(json!({"params": {"x": def}, "caps": {"annual": {"amount": "$x"}}}));
        let e = Engine::from_json(&policy.to_string()).unwrap();
        assert_eq!(e.policy().missing_params().len(), 1, "{def}");
        let err = e.settle_json(&local_inpatient_claim("500").to_string()).unwrap_err();
        assert_eq!(err.code, ErrorCode::PolicyParameterMissing, "{def}");
        assert_eq!(err.path.as_deref(), Some("params.x"));
    }
}

#[test]
fn an_empty_id_or_list_of_versions_is_refused() {
    let (c, p, _) = load_err(with(json!({"id": ""})));
    assert_eq!((c, p.as_str()), (ErrorCode::InvalidPolicy, "id"));
    let (c, p, m) = load_err(with(json!({"versions": []})));
    assert_eq!((c, p.as_str()), (ErrorCode::InvalidPolicy, "versions"));
    assert!(m.contains("non-empty"), "{m}");
}

#[test]
fn a_version_may_last_one_day_but_not_end_before_it_starts() {
    let one_day = with(json!({"versions": [{"label": "d", "from": "2010-03-01", "to": "2010-03-01"}]}));
    Engine::from_json(&one_day.to_string()).unwrap();
    refused(
        with(json!({"versions": [{"label": "d", "from": "2010-03-02", "to": "2010-03-01"}]})),
        "versions",
        "ends before it starts",
    );
}

#[test]
fn a_value_of_the_wrong_type_says_what_is_expected() {
    refused(
        with(json!({"caps": {"annual": {"amount": true}}})),
        "caps.annual.amount",
        "expected a decimal string, or a `$parameter` reference",
    );
}

#[test]
fn ratios_0_and_1_load_and_a_negative_one_is_refused() {
    for r in ["0", "1"] {
        Engine::from_json(&with(json!({"benefits": {"inpatient": {"fund": {"ratio": r}}}})).to_string()).unwrap();
    }
    refused(
        with(json!({"benefits": {"inpatient": {"fund": {"ratio": "-0.1"}}}})),
        "benefits.inpatient.fund.ratio",
        "outside 0–1",
    );
}

#[test]
fn a_layer_may_pay_from_a_fund_the_policy_declares() {
    let layer = |code: &str| {
        json!({"funds": ["619901"], "layers": {"si": {"fund_pay_type": code, "rule": "R",
            "segments": [{"from": "0", "ratio": "0.5"}]}}})
    };
    Engine::from_json(&with(layer("619901")).to_string()).unwrap();
    refused(with(layer("619902")), "layers.si.fund_pay_type", "unknown fund `619902`");
}

#[test]
fn claim_cost_bands_start_at_0_and_year_bands_at_their_threshold() {
    let bands = |basis: &str| {
        with(json!({"benefits": {"inpatient": {"fund": {"ratio": {"basis": basis, "segments": [
            {"from": "1000", "to": "5000", "ratio": "0.5"}, {"from": "5000", "ratio": "0.7"}]}}}}}))
    };
    Engine::from_json(&bands("year").to_string()).unwrap();
    refused(bands("claim"), "benefits.inpatient.fund.ratio.segments[0].from", "start at 0");
}

#[test]
fn bounds_may_meet_but_not_cross() {
    let pct = |min: &str, max: &str| {
        with(json!({"benefits": {"inpatient": {"deductible": {"pct_of_cost": [
            {"when": {"hosp_lv": ["2"]}, "value": {"pct": "0.1", "min": min, "max": max, "rule": "R"}}]}}}}))
    };
    Engine::from_json(&pct("500", "500").to_string()).unwrap();
    refused(pct("501", "500"), "benefits.inpatient.deductible.pct_of_cost[0].value", "minimum 501 above maximum 500");
    let adjust = |min: &str, max: &str| {
        with(json!({"benefits": {"inpatient": {"fund": {"adjust": [
            {"when": {"hosp_lv": ["2"]}, "delta": "0.05", "min": min, "max": max, "rule": "R"}]}}}}))
    };
    Engine::from_json(&adjust("0.6", "0.6").to_string()).unwrap();
    let (_, p, _) = load_err(adjust("0.61", "0.6"));
    assert_eq!(p, "benefits.inpatient.fund.adjust[0].min");
}

#[test]
fn a_modifier_may_move_a_ratio_by_100_points_and_no_more() {
    let delta = |d: &str| {
        with(
            json!({"benefits": {"inpatient": {"fund": {"adjust": [{"when": {"hosp_lv": ["2"]}, "delta": d, "rule": "R"}]}}}}),
        )
    };
    for d in ["1", "-1", "0"] {
        Engine::from_json(&delta(d).to_string()).unwrap();
    }
    for d in ["1.01", "-1.5"] {
        refused(delta(d), "benefits.inpatient.fund.adjust[0].delta", "outside −1–1");
    }
}

/// A modifier does one thing: move the ratio by points, scale it, scale
/// the member's part, or set it to a ratio of its own.
#[test]
fn a_modifier_gives_one_of_delta_factor_share_factor_and_set() {
    let adjust = |a: Value| with(json!({"benefits": {"inpatient": {"fund": {"adjust": [a]}}}}));
    let a = |extra: Value| {
        let mut a = json!({"when": {"med_chrgitm_type": ["10"]}, "rule": "R"});
        yibao_core::policy::load::merge(&mut a, extra);
        adjust(a)
    };
    Engine::from_json(&a(json!({"set": "0.9"})).to_string()).unwrap();
    refused(a(json!({"set": "1.1"})), "benefits.inpatient.fund.adjust[0].set", "");
    Engine::from_json(&a(json!({"share_factor": "0.6"})).to_string()).unwrap();
    refused(a(json!({"share_factor": "1.2"})), "benefits.inpatient.fund.adjust[0].share_factor", "");
    refused(a(json!({"share_factor": "-0.1"})), "benefits.inpatient.fund.adjust[0].share_factor", "");
    for both in [
        json!({"set": "0.9", "delta": "0.1"}),
        json!({"set": "0.9", "factor": "0.5"}),
        json!({"share_factor": "0.6", "factor": "0.5"}),
        json!({}),
    ] {
        refused(
            a(both),
            "benefits.inpatient.fund.adjust[0]",
            "exactly one of `delta`, `factor`, `share_factor` and `set`",
        );
    }
}

#[test]
fn an_eligible_ceiling_counts_known_buckets_only() {
    let ceiling = |bucket: &str| {
        with(
            json!({"benefits": {"inpatient": {"fund": {"eligible_ceiling": {"amount": "2000", "rule": "R", "buckets": [bucket]}}}}}),
        )
    };
    Engine::from_json(&ceiling("inpatient").to_string()).unwrap();
    refused(ceiling("nope"), "benefits.inpatient.fund.eligible_ceiling.buckets", "unknown benefit bucket `nope`");
}

#[test]
fn an_eligibility_requirement_is_checked_at_load() {
    let require = |when: Value| {
        with(json!({"benefits": {"inpatient": {"eligibility": [
            {"check": "require", "when": when, "rule": "R", "message": "m"}]}}}))
    };
    Engine::from_json(&require(json!({"designated": true})).to_string()).unwrap();
    let (_, p, _) = load_err(require(json!({"disease": ["@nope"]})));
    assert_eq!(p, "benefits.inpatient.eligibility[0].when");
}

#[test]
fn a_waiting_period_of_0_months_loads_and_a_negative_one_is_refused() {
    let wait = |months: i64, max_months: i64| {
        with(json!({"benefits": {"inpatient": {"eligibility": [
            {"check": "waiting_period", "months": months, "max_months": max_months, "rule": "W"}]}}}))
    };
    Engine::from_json(&wait(0, 0).to_string()).unwrap();
    for (months, max_months) in [(-1, 0), (0, -1)] {
        refused(wait(months, max_months), "benefits.inpatient.eligibility[0]", "negative");
    }
}

#[test]
fn province_level_places_are_province_codes() {
    let places = |code: &str| with(json!({"filings": {"lock_months": 6, "lock_rule": "L", "province_level": [code]}}));
    Engine::from_json(&places("110000").to_string()).unwrap();
    for code in ["110100", "1100000", "11000"] {
        refused(places(code), "filings.province_level", "is not a province code");
    }
}

#[test]
fn a_cap_may_be_named_by_its_id_alone() {
    let hifp = |v: Value| {
        let e = Engine::from_json(&v.to_string()).unwrap();
        let s: Value =
            serde_json::from_str(&e.settle_json(&local_inpatient_claim("5000").to_string()).unwrap()).unwrap();
        (s["setlinfo"]["hifp_pay"].clone(), s["notices"][0]["rule"].clone())
    };
    let short = with(json!({"benefits": {"inpatient": {"fund": {"caps": ["annual"]}}}}));
    // 50 % of 4900 would be 2450; the cap of 1000 binds, citing the cap's rule.
    assert_eq!(hifp(short), (json!("1000.00"), json!("R")));
    assert_eq!(hifp(base()), (json!("1000.00"), json!("R")));
    refused(
        with(json!({"benefits": {"inpatient": {"fund": {"caps": [7]}}}})),
        "benefits.inpatient.fund.caps[0]",
        "expected a cap's ID, or `{cap, rule}`",
    );
    refused(
        with(json!({"benefits": {"inpatient": {"fund": {"caps": [{"cap": "annual", "rul": "X"}]}}}})),
        "benefits.inpatient.fund.caps[0].rul",
        "unknown field `rul`",
    );
    refused(
        with(json!({"benefits": {"inpatient": {"fund": {"caps": ["anual"]}}}})),
        "benefits.inpatient.fund.caps[0].cap",
        "unknown cap `anual`",
    );
}

/// A disease group a condition names must be defined, whether it tests the
/// visit's diagnosis or the member's certifications.
#[test]
fn a_condition_names_known_disease_groups() {
    let when = |w: Value| {
        let mut p = with(json!({"benefits": {"inpatient": {"when": w}}}));
        p["disease_groups"] = json!({"two": ["I10", "E11"]});
        p
    };
    Engine::from_json(&when(json!({"disease": ["@two"], "holds_cert": ["@two"]})).to_string()).unwrap();
    refused(when(json!({"disease": ["@too"]})), "benefits.inpatient.when", "unknown disease group `@too`");
    refused(when(json!({"holds_cert": ["@too"]})), "benefits.inpatient.when", "unknown disease group `@too`");
    refused(when(json!({"all": [{"holds_cert": ["@too"]}]})), "benefits.inpatient.when.all[0]", "`@too`");
}

#[test]
fn a_condition_on_a_code_no_claim_carries_is_refused() {
    let when = |w: Value| with(json!({"benefits": {"inpatient": {"when": w}}}));
    for (w, path, says) in [
        (json!({"med_type": ["21", "221"]}), "med_type[1]", "`221` can never match"),
        (json!({"med_type": ["9901x"]}), "med_type[0]", "regional 99xx"),
        (json!({"insutype": ["39"]}), "insutype[0]", "insurance type"),
        (json!({"psn_type": ["15011"]}), "psn_type[0]", "person type"),
        (json!({"psn_insu_stas": ["suspended"]}), "psn_insu_stas[0]", "insurance status"),
        (json!({"mdtrtarea_admvs": ["65xx"]}), "mdtrtarea_admvs[0]", "admvs"),
        (json!({"adm_route": ["transfer"]}), "adm_route[0]", "normal, emergency or referral"),
        (json!({"cause": ["drunk"]}), "cause[0]", "cause"),
        (json!({"area": ["remote"]}), "area[0]", "cross_province"),
        (json!({"filing_kind": ["long_term"]}), "filing_kind[0]", "filing kind"),
        (json!({"active_filing_kind": ["referal"]}), "active_filing_kind[0]", "filing kind"),
        (json!({"psn_setlway": ["0x"]}), "psn_setlway[0]", "settlement-way"),
        (json!({"any": [{"hosp_lv": ["1"]}, {"chrgitm_lv": ["2"]}]}), "any[1].chrgitm_lv[0]", "01, 02 or 03"),
        (json!({"not": {"med_chrgitm_type": ["15"]}}), "not.med_chrgitm_type[0]", "01–14"),
        (json!({"all": [{"hosp_lv": ["1"]}, {"med_type": ["2x"]}]}), "all[1].med_type[0]", "can never match"),
    ] {
        refused(when(w), &format!("benefits.inpatient.when.{path}"), says);
    }
    // The codes claims may carry all load: a regional medical type, person
    // types and admvs codes by their first digits, `none` for no cause.
    Engine::from_json(
        &when(
            json!({"med_type": ["21", "9901"], "insutype": ["390"], "psn_type": ["14", "1501"], "psn_insu_stas": ["1"],
                     "mdtrtarea_admvs": ["65"], "adm_route": ["emergency"], "cause": ["none", "traffic_accident"],
                     "area": ["local", "same_province"], "filing_kind": ["referral"], "psn_setlway": ["02"]}),
        )
        .to_string(),
    )
    .unwrap();
    // A level the policy does not list (its claims are refused).
    refused(
        with(json!({"benefits": {"inpatient": {"fund": {"ratio": [{"when": {"hosp_lv": ["3"]}, "value": "0.5"}]}}}})),
        "benefits.inpatient.fund.ratio[0].when.hosp_lv[0]",
        "hosp_lv takes a level of `hosp_levels`: 1, 2",
    );
    // Line conditions and the rows of a deductible are checked too.
    refused(
        with(json!({"benefits": {"inpatient": {"deductible": {"amount": [
            {"when": {"hosp_lv": ["1"], "insutype": ["3901"]}, "value": "100"}, {"when": {"hosp_lv": ["2"]}, "value": "200"}]}}}})),
        "benefits.inpatient.deductible.amount[0].when.insutype[0]",
        "can never match",
    );
}

/// The year's account credit is deducted once a year, on top of any fixed
/// amount (a 自负段 after the current-year account): a yearly deductible
/// only.
#[test]
fn the_account_credit_is_added_to_a_yearly_deductible_only() {
    let credit = |per: &str| {
        with(json!({"rules": {"AC": "a"}, "benefits": {"inpatient": {"deductible": {
            "per": per, "amount": "300", "acct_credit": {"rule": "AC"}}}}}))
    };
    refused(credit("admission"), "benefits.inpatient.deductible.acct_credit", "once a year");
    let e = Engine::from_json(&credit("year").to_string()).unwrap();
    let settle = |acct_credit: &str, borne: &str| {
        let mut claim = local_inpatient_claim("2000.00");
        claim["psn"]["acct_credit"] = json!(acct_credit);
        claim["ytd"] = json!({"year": 2010, "dedc_paid": borne, "dedc_paid_by": {"inpatient": borne}});
        e.settle(&yibao_core::parse_claim(&claim.to_string()).unwrap()).unwrap()
    };
    // 300 + 500 credited, none borne: 800 borne, 50 % of the other 1200.
    let s = settle("500", "0");
    assert_eq!(
        (s.setlinfo.act_pay_dedc.to_string(), s.setlinfo.hifp_pay.to_string()),
        ("800.00".into(), "600.00".into())
    );
    // 700 of it borne already: 100 more.
    let s = settle("500", "700");
    assert_eq!(
        (s.setlinfo.act_pay_dedc.to_string(), s.setlinfo.hifp_pay.to_string()),
        ("100.00".into(), "950.00".into())
    );
    // A credit of nothing leaves the fixed amount.
    let s = settle("0", "0");
    assert_eq!(s.setlinfo.act_pay_dedc.to_string(), "300.00");
}

/// A cap earned quarter by quarter counts the quarters of the benefit year
/// up to the visit's, the year beginning where `year_start` says; only a
/// yearly cap is earned so.
#[test]
fn a_cap_accrues_quarter_by_quarter_of_the_benefit_year() {
    let policy = |scope: &str| {
        with(json!({"year_start": "04-01", "caps": {"annual": {"amount": "300", "scope": scope,
            "accrues": "quarter"}}, "benefits": {"inpatient": {"fund": {"ratio": "1"}}}}))
    };
    refused(policy("month"), "caps.annual.accrues", "a yearly cap");
    let e = Engine::from_json(&policy("year").to_string()).unwrap();
    for (day, year, earned) in [
        ("2010-04-01", 2010, "300.00"),
        ("2010-06-30", 2010, "300.00"),
        ("2010-08-15", 2010, "600.00"),
        ("2011-02-01", 2010, "1200.00"),
        ("2011-03-31", 2010, "1200.00"),
        ("2011-04-01", 2011, "300.00"),
    ] {
        let mut claim = local_inpatient_claim("9000.00");
        claim["mdtrt"]["begndate"] = json!(day);
        claim["mdtrt"]["enddate"] = json!(day);
        claim["ytd"] = json!({"year": year});
        let s = e.settle(&yibao_core::parse_claim(&claim.to_string()).unwrap()).unwrap();
        assert_eq!(s.setlinfo.hifp_pay.to_string(), earned, "{day}");
    }
}

/// Counted from the certification, the quarters start with the one the
/// member's certification for the visit's disease began in, a certification
/// that has ended not counting.
#[test]
fn a_cap_accrues_from_the_certification_in_force() {
    let p = with(json!({"year_start": "04-01", "caps": {"annual": {"amount": "300",
        "accrues": {"per": "quarter", "from": "certification"}}}, "benefits": {"inpatient": {"fund": {"ratio": "1"}}}}));
    let e = Engine::from_json(&p.to_string()).unwrap();
    for (certs, earned) in [
        // Certified in the year's second quarter: its quarters to the fourth.
        (json!([{"disease": "E11", "begndate": "2010-08-20"}]), "900.00"),
        // Certified before the year: every quarter of it.
        (json!([{"disease": "E11", "begndate": "2009-08-20"}]), "1200.00"),
        // An earlier certification that ended before the visit does not count.
        (
            json!([{"disease": "E11", "begndate": "2010-04-01", "enddate": "2010-06-30"},
                   {"disease": "E11", "begndate": "2010-10-01"}]),
            "600.00",
        ),
        // Nor does one for another disease.
        (json!([{"disease": "I10", "begndate": "2010-04-01"}, {"disease": "E11", "begndate": "2010-10-01"}]), "600.00"),
    ] {
        let mut claim = local_inpatient_claim("9000.00");
        claim["psn"]["chronic_certs"] = certs.clone();
        claim["mdtrt"]["disease"] = json!("E11.900");
        claim["mdtrt"]["begndate"] = json!("2011-02-01");
        claim["mdtrt"]["enddate"] = json!("2011-02-01");
        claim["ytd"] = json!({"year": 2010});
        let s = e.settle(&yibao_core::parse_claim(&claim.to_string()).unwrap()).unwrap();
        assert_eq!(s.setlinfo.hifp_pay.to_string(), earned, "{certs}");
    }
}

/// A stay-day band must hold some stay.
#[test]
fn an_empty_stay_day_band_names_its_path() {
    refused(
        with(json!({"benefits": {"inpatient": {"when": {"stay_days": {"min": 90, "max": 90}}}}})),
        "benefits.inpatient.when",
        "stay-day band 90–90 is empty",
    );
}

/// A province's own medical types are declared in `med_types`; then a
/// condition may name them, and only then. The list itself takes only new
/// codes of 2 to 4 digits.
#[test]
fn regional_medical_types_are_declared_before_use() {
    let when = |w: Value| with(json!({"benefits": {"inpatient": {"when": w}}}));
    refused(when(json!({"med_type": ["21", "2101"]})), "benefits.inpatient.when.med_type[1]", "one of `med_types`");
    let mut declared = when(json!({"med_type": ["21", "2101"]}));
    declared["med_types"] = json!(["2101"]);
    Engine::from_json(&declared.to_string()).unwrap();
    for (list, i, says) in [
        (json!(["2101", "21"]), 1, "already known"),
        (json!(["9901"]), 0, "already known"),
        (json!(["21a"]), 0, "2 to 4 digits"),
        (json!(["21011"]), 0, "2 to 4 digits"),
        (json!(["2101", "2101"]), 1, "listed twice"),
    ] {
        let mut p = base();
        p["med_types"] = list;
        refused(p, &format!("med_types[{i}]"), says);
    }
}

/// A condition's list with nothing in it could never hold: refused, rather
/// than leaving a benefit or a row that silently takes no claim.
#[test]
fn an_empty_list_in_a_condition_is_refused() {
    for key in ["med_type", "psn_type", "disease", "holds_cert", "med_chrgitm_type", "fixmedins_code", "any"] {
        refused(
            with(json!({"benefits": {"inpatient": {"when": {key: []}}}})),
            &format!("benefits.inpatient.when.{key}"),
            "an empty list can never match",
        );
    }
    refused(
        with(
            json!({"benefits": {"inpatient": {"fund": {"adjust": [{"when": {"not": {"area": []}}, "delta": "0.1", "rule": "R"}]}}}}),
        ),
        "benefits.inpatient.fund.adjust[0].when.not.area",
        "an empty list can never match",
    );
}

/// A deductible per disease is a yearly one.
#[test]
fn a_deductible_per_disease_is_yearly() {
    let d = |per: &str| with(json!({"benefits": {"inpatient": {"deductible": {"per": per, "per_disease": true}}}}));
    refused(d("admission"), "benefits.inpatient.deductible.per_disease", "once a year for each");
    Engine::from_json(&d("year").to_string()).unwrap();
}

/// A rule the policy cites without a text in `rules` loads, and is listed
/// with the first place that cites it; every shipped policy gives a text
/// for each rule it cites.
#[test]
fn rules_cited_without_a_text_are_listed() {
    let rule =
        |rule: &str, place: &str| yibao_core::policy::load::RuleWithoutText { rule: rule.into(), place: place.into() };
    let mut p = with(json!({"rules": {"R": "r"}, "benefits": {"inpatient": {"fund": {"adjust": [
        {"when": {"age": {"min": 70}}, "delta": "0.05", "rule": "R-AGE"},
        {"when": {"age": {"min": 80}}, "delta": "0.05", "rule": "R-AGE"}]}}}}));
    p["params"] = json!({"x": {"required": true, "rule": "R-PARAM"}});
    let e = Engine::from_json(&p.to_string()).unwrap();
    assert_eq!(
        e.policy().undefined_rules,
        vec![
            rule("R-PARAM", "cited at params.x.rule"),
            rule("R-AGE", "cited at benefits.inpatient.fund.adjust[0].rule"),
            // The rules the engine cites itself are looked for too.
            rule("GEN-CLASS", "cited by the engine, for line classes"),
            rule("GEN-PRICE-CAP", "cited by the engine, for price limits"),
            rule("GEN-ACCOUNT", "cited by the engine, for the member's share"),
        ]
    );
    let mut p = p;
    p["rules"] =
        json!({"R": "r", "R-AGE": "a", "R-PARAM": "p", "GEN-CLASS": "c", "GEN-PRICE-CAP": "l", "GEN-ACCOUNT": "m"});
    p.as_object_mut().unwrap().remove("uncovered");
    let e = Engine::from_json(&p.to_string()).unwrap();
    assert_eq!(
        e.policy().undefined_rules,
        vec![rule("YB-UNCOVERED", "cited by the engine, for a claim no benefit takes")]
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen = 0;
    for entry in std::fs::read_dir(root.join("examples/policies")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            let e = Engine::from_file(&path).unwrap();
            assert_eq!(e.policy().undefined_rules, vec![], "{}", path.display());
            seen += 1;
        }
    }
    for id in yibao_core::policy::builtin::ids() {
        assert_eq!(Engine::builtin(id).unwrap().policy().undefined_rules, vec![], "{id}");
    }
    assert!(seen > 50, "{seen} example policies");
}

/// Advice is given on a denied claim too, and its code is in capitals.
#[test]
fn advice_is_given_whatever_the_status_and_checked_at_load() {
    let advice = |a: Value| {
        with(
            json!({"rules": {"A": "a"}, "deny": [{"when": {"cause": ["traffic_accident"]}, "code": "EXCLUDED_CAUSE", "rule": "R", "message": "no"}],
            "advice": [a]}),
        )
    };
    let good = json!({"when": {"cause": ["traffic_accident"]}, "code": "ASK_THIRD_PARTY", "rule": "A", "message": "claim from the party liable"});
    let e = Engine::from_json(&advice(good.clone()).to_string()).unwrap();
    let mut claim = local_inpatient_claim("1000.00");
    claim["mdtrt"]["cause"] = json!("traffic_accident");
    let s = e.settle(&yibao_core::parse_claim(&claim.to_string()).unwrap()).unwrap();
    assert_eq!(s.status, yibao_core::Status::Denied);
    assert_eq!(
        s.notices.iter().map(|n| (n.code.as_str(), n.rule.as_str())).collect::<Vec<_>>(),
        [("ASK_THIRD_PARTY", "A")]
    );
    // Advice about the whole claim names no line: its JSON has no `lines`.
    assert!(s.notices[0].lines.is_empty());
    let json: Value = serde_json::from_str(&e.settle_json(&claim.to_string()).unwrap()).unwrap();
    assert!(json["notices"][0].get("lines").is_none(), "{json}");
    let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("1000.00").to_string()).unwrap()).unwrap();
    assert!(s.notices.is_empty());
    let mut bad = good.clone();
    bad["code"] = json!("ask-third-party");
    refused(advice(bad), "advice[0].code", "capitals");
    let mut bad = good;
    bad["when"] = json!({"cause": ["fight"]});
    refused(advice(bad), "advice[0].when.cause[0]", "fight");
}

/// Advice on lines is given when some line with a cost holds its condition
/// (and the claim holds the claim fields it also tests), and names those
/// lines in the order of their serial numbers, whatever the claim's order;
/// a line a refund took back entirely is not named.
#[test]
fn advice_on_lines_names_the_lines_that_hold_it() {
    let policy = with(json!({"rules": {"C": "consent"},
        "advice": [{"when": {"chrgitm_lv": ["03"], "hosp_lv": ["1"]}, "code": "SELF_PAY_CONSENT", "rule": "C",
                    "message": "the member signs the consent to self-paid items"}]}));
    let e = Engine::from_json(&policy.to_string()).unwrap();
    let mut claim = local_inpatient_claim("100.00");
    let line = |sn: &str, lv: &str| json!({"feedetl_sn": sn, "med_chrgitm_type": "09", "chrgitm_lv": lv, "pric": "10.00", "cnt": "1", "det_item_fee_sumamt": "10.00"});
    for (sn, lv) in [("10", "03"), ("2", "01"), ("9", "03")] {
        claim["feedetail"].as_array_mut().unwrap().push(line(sn, lv));
    }
    let settle = |c: &Value| e.settle(&yibao_core::parse_claim(&c.to_string()).unwrap()).unwrap();
    let s = settle(&claim);
    assert_eq!(s.notices.len(), 1);
    assert_eq!((s.notices[0].code.as_str(), s.notices[0].rule.as_str()), ("SELF_PAY_CONSENT", "C"));
    assert_eq!(s.notices[0].lines, ["9", "10"]);
    let json: Value = serde_json::from_str(&e.settle_json(&claim.to_string()).unwrap()).unwrap();
    assert_eq!(json["notices"][0]["lines"], json!(["9", "10"]));
    // The claim field it also tests must hold.
    let mut other = claim.clone();
    other["mdtrt"]["hosp_lv"] = json!("2");
    assert!(settle(&other).notices.is_empty());
    // No class-C line: no notice.
    let mut none = local_inpatient_claim("100.00");
    none["feedetail"].as_array_mut().unwrap().push(line("2", "01"));
    assert!(settle(&none).notices.is_empty());
    // Line 9 taken back by a refund: only line 10 is named.
    claim["feedetail"].as_array_mut().unwrap().push(json!({"feedetl_sn": "11", "init_feedetl_sn": "9",
        "med_chrgitm_type": "09", "chrgitm_lv": "03", "pric": "10.00", "cnt": "-1", "det_item_fee_sumamt": "-10.00"}));
    assert_eq!(settle(&claim).notices[0].lines, ["10"]);
}

/// A disease range runs from its first code to its last, in a condition or
/// in a disease group.
#[test]
fn a_backwards_disease_range_is_refused() {
    refused(
        with(json!({"benefits": {"inpatient": {"when": {"disease": ["C97-C00"]}}}})),
        "benefits.inpatient.when",
        "`C97-C00` runs backwards",
    );
    let mut p = with(json!({"benefits": {"inpatient": {"when": {"disease": ["@tumour"]}}}}));
    p["disease_groups"] = json!({"tumour": ["C00-C97", "D46-D37"]});
    refused(p.clone(), "disease_groups.tumour[1]", "runs backwards");
    p["disease_groups"] = json!({"tumour": ["C00-C97", "D37-D48", "type-2", "N18.5-N18.5"]});
    Engine::from_json(&p.to_string()).unwrap();
}

/// A cap set by the member's certified diseases: each 病种 brings its own
/// amount or the common one, and the amounts add up, or the highest counts
/// with what each other adds, up to the ceiling.
#[test]
fn a_cap_by_certified_diseases_combines_their_amounts() {
    let policy = |per_cert: Value| {
        with(json!({"disease_groups": {"htn": ["I10-I15"]},
            "caps": {"annual": {"amount": null, "per_cert": per_cert}},
            "benefits": {"inpatient": {"fund": {"ratio": "1"}}}}))
    };
    let limits = json!([{"diseases": ["@htn"], "amount": "1200"}, {"diseases": ["E10-E14"], "amount": "1500"}]);
    let certs =
        |codes: &[&str]| -> Value { codes.iter().map(|d| json!({"disease": d, "begndate": "2009-01-01"})).collect() };
    for (per_cert, held, cap) in [
        // The sum of the rows held; two codes of one row count once.
        (json!({"limits": limits}), certs(&["I10", "I11.9", "E11"]), "2700.00"),
        // A disease no row names brings the common amount, each code once.
        (
            json!({"limits": limits, "amount": "1000", "diseases": ["J44", "N18"]}),
            certs(&["I10", "J44", "N18"]),
            "3200.00",
        ),
        // Certified for none of them: nothing.
        (json!({"limits": limits, "amount": "1000", "diseases": ["J44"]}), certs(&["K70"]), "0.00"),
        // The highest alone (按最高病种限额执行).
        (json!({"limits": limits, "combine": "highest"}), certs(&["I10", "E11"]), "1500.00"),
        // The highest, and half of each other's.
        (json!({"limits": limits, "combine": "highest", "more_share": "0.5"}), certs(&["I10", "E11"]), "2100.00"),
        // The highest, and 300 for each other.
        (
            json!({"limits": limits, "amount": "1000", "diseases": ["J44"], "combine": "highest", "more_each": "300"}),
            certs(&["I10", "E11", "J44"]),
            "2100.00",
        ),
        // Up to the ceiling.
        (json!({"limits": limits, "ceiling": "2500"}), certs(&["I10", "E11"]), "2500.00"),
        // A share is rounded to the fen.
        (
            json!({"limits": [{"diseases": ["I10"], "amount": "1000.01"}, {"diseases": ["E11"], "amount": "2000"}],
                "combine": "highest", "more_share": "0.5"}),
            certs(&["I10", "E11"]),
            "2500.01",
        ),
    ] {
        let e = Engine::from_json(&policy(per_cert.clone()).to_string()).unwrap();
        let mut claim = local_inpatient_claim("9000.00");
        claim["psn"]["chronic_certs"] = held;
        let s = e.settle(&yibao_core::parse_claim(&claim.to_string()).unwrap()).unwrap();
        assert_eq!(s.setlinfo.hifp_pay.to_string(), cap, "{per_cert}");
    }
    for (per_cert, path, says) in [
        (json!({"ceiling": "2000"}), "caps.annual.per_cert", "give `amount`"),
        (json!({"amount": "1000"}), "caps.annual.per_cert", "give them"),
        (json!({"diseases": ["I10"]}), "caps.annual.per_cert", "give it"),
        (json!({"amount": "1000", "diseases": []}), "caps.annual.per_cert", "give them"),
        (
            json!({"amount": "1000", "diseases": ["@nope"]}),
            "caps.annual.per_cert.diseases",
            "unknown disease group `@nope`",
        ),
        (json!({"limits": [{"diseases": [], "amount": "1"}]}), "caps.annual.per_cert.limits[0].diseases", "empty"),
        (
            json!({"limits": [{"diseases": ["E14-E10"], "amount": "1"}]}),
            "caps.annual.per_cert.limits[0].diseases",
            "backwards",
        ),
        (json!({"limits": limits, "more_share": "0.5"}), "caps.annual.per_cert.more_share", "\"highest\""),
        (json!({"limits": limits, "more_each": "300"}), "caps.annual.per_cert.more_each", "\"highest\""),
        (json!({"limits": limits, "combine": "highest", "more_share": "1.5"}), "caps.annual.per_cert.more_share", ""),
    ] {
        refused(policy(per_cert), path, says);
    }
}

/// The fund's trace line for `rule` (its text), if the trace has one.
fn fund_line(s: &yibao_core::settlement::Settlement, rule: &str) -> Option<String> {
    s.trace.iter().find(|t| t.step == "fund" && t.rule == rule).map(|t| t.text.to_string())
}

/// Of two caps that leave the same room, the one the fund lists first is
/// the one cited as binding.
#[test]
fn of_two_caps_leaving_the_same_room_the_first_listed_is_cited() {
    for (first, second) in [("annual", "other"), ("other", "annual")] {
        let p = with(json!({"rules": {"R-ANNUAL": "A cap.", "R-OTHER": "Another cap."},
            "caps": {"annual": {"rule": "R-ANNUAL", "amount": "500"},
                     "other": {"rule": "R-OTHER", "amount": "500", "buckets": ["inpatient"]}},
            "benefits": {"inpatient": {"fund": {"ratio": "1", "caps": [first, second]}}}}));
        let e = Engine::from_json(&p.to_string()).unwrap();
        let s = e.settle(&yibao_core::parse_claim(&local_inpatient_claim("9000.00").to_string()).unwrap()).unwrap();
        assert_eq!(s.setlinfo.hifp_pay.to_string(), "500.00");
        let (cited, not) = if first == "annual" { ("R-ANNUAL", "R-OTHER") } else { ("R-OTHER", "R-ANNUAL") };
        let line = fund_line(&s, cited).expect("the binding cap's rule is cited");
        assert!(line.contains("the fund's cap, 500.00 left"), "{line}");
        assert_eq!(fund_line(&s, not), None);
    }
}

/// A yearly eligible-cost ceiling with a rule of its own is cited, with what
/// it left above it, when it takes part of the claim, and not otherwise.
#[test]
fn an_eligible_cost_ceiling_is_cited_with_what_lies_above_it() {
    let p = with(json!({"rules": {"R-CEIL": "Eligible cost at most 2 000 a year."},
        "benefits": {"inpatient": {"fund": {"ratio": "0.5", "eligible_ceiling": {"amount": "2000", "rule": "R-CEIL"}}}}}));
    let e = Engine::from_json(&p.to_string()).unwrap();
    let settle =
        |amount: &str| e.settle(&yibao_core::parse_claim(&local_inpatient_claim(amount).to_string()).unwrap()).unwrap();
    let s = settle("9000.00");
    // 9 000 counted against a ceiling of 2 000: 7 000 above it; 50 % of the
    // 1 900 left above the deductible of 100.
    assert_eq!(s.setlinfo.hifp_pay.to_string(), "950.00");
    assert_eq!(fund_line(&s, "R-CEIL").as_deref(), Some("R-CEIL: 7000.00 above the yearly eligible-cost ceiling"));
    assert_eq!(fund_line(&settle("1500.00"), "R-CEIL"), None);
}
