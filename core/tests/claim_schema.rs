//! The JSON Schema of claims (`schemas/claim.schema.json`): it is the one
//! generated from the claim's types, it takes every claim the project ships
//! and every conformance claim the engine settles, and it refuses, at the
//! field the engine names, what the engine refuses for a wrong name, type,
//! spelling or code.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use yibao_core::json_schema::claim_schema;
use yibao_core::Engine;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&claim_schema()).expect("the generated schema is a valid JSON Schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let path = root().join("schemas/claim.schema.json");
    let committed = std::fs::read_to_string(&path).expect("schemas/claim.schema.json");
    let fresh = serde_json::to_string_pretty(&claim_schema()).unwrap() + "\n";
    assert!(
        committed == fresh,
        "schemas/claim.schema.json is stale: regenerate it with `yibao schema claim > schemas/claim.schema.json`"
    );
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn json_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The claims of the settle cases that the engine settles (no `error`
/// expected), with the case's file name.
fn settled_case_claims() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for path in json_files("tests/conformance/cases") {
        let case = read(&path);
        let op = case.get("op").and_then(Value::as_str).unwrap_or("settle");
        if op != "settle" || case["expect"].get("error").is_some() || case.get("claim_text").is_some() {
            continue;
        }
        let claim = case.get("claim").or_else(|| case.get("input")).cloned().expect("a settle case has a claim");
        out.push((path.file_name().unwrap().to_string_lossy().into_owned(), claim));
    }
    out
}

#[test]
fn every_shipped_and_settled_claim_follows_the_schema() {
    let v = validator();
    let mut checked = 0;
    for path in json_files("examples/claims") {
        assert_eq!(errors(&v, &read(&path)), Vec::<String>::new(), "{}", path.display());
        checked += 1;
    }
    for (name, claim) in settled_case_claims() {
        assert_eq!(errors(&v, &claim), Vec::<String>::new(), "conformance case {name}");
        checked += 1;
    }
    assert!(checked >= 150, "only {checked} claims checked");
}

/// A claim that settles.
fn base() -> Value {
    json!({
        "policy": "cn-sx-taiyuan-resident-2010",
        "psn": {"psn_no": "P1", "insutype": "390", "psn_type": "1501", "brdy": "1980-05-01",
                "insu_begn_date": "2008-01-01", "primary_fixmedins_code": "H001"},
        "ytd": {"year": 2010, "admissions": 0, "dedc_paid": "0.00", "benefit_paid": {}},
        "mdtrt": {"mdtrt_id": "M1", "med_type": "21", "begndate": "2010-03-01", "enddate": "2010-03-10",
                  "fixmedins_code": "H001", "hosp_lv": "3", "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100"},
        "feedetail": [
            {"feedetl_sn": "1", "med_chrgitm_type": "09", "chrgitm_lv": "01", "pric": "120.00", "cnt": "30",
             "det_item_fee_sumamt": "3600.00"}
        ]
    })
}

fn with(mut doc: Value, pointer: &str, value: Option<Value>) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = doc.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    match value {
        Some(v) => parent.insert(key.to_string(), v),
        None => parent.remove(key),
    };
    doc
}

fn settle(doc: &Value) -> Result<(), yibao_core::Error> {
    let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
    engine.settle_json(&doc.to_string()).map(|_| ())
}

#[test]
fn the_base_claim_follows_the_schema_and_settles() {
    assert_eq!(errors(&validator(), &base()), Vec::<String>::new());
    settle(&base()).expect("the base claim settles");
}

/// Each bad value is refused by the schema at the field the engine names
/// in its error, and by the engine.
#[test]
fn the_schema_refuses_what_the_engine_refuses_at_the_same_field() {
    let v = validator();
    let cases: [(&str, Option<Value>, &str, &str); 17] = [
        // Negative only on a refund line, however it is spaced.
        ("/feedetail/0/cnt", Some(json!("-1")), "/feedetail/0/cnt", "feedetail[0].cnt"),
        ("/feedetail/0/cnt", Some(json!(" -1")), "/feedetail/0/cnt", "feedetail[0].cnt"),
        (
            "/feedetail/0/det_item_fee_sumamt",
            Some(json!(-3600)),
            "/feedetail/0/det_item_fee_sumamt",
            "feedetail[0].det_item_fee_sumamt",
        ),
        ("/feedetail/0/selfpay_prob", Some(json!("0.1")), "/feedetail/0", "feedetail[0].selfpay_prob"),
        (
            "/feedetail/0/det_item_fee_sumamt",
            Some(json!("3600.005")),
            "/feedetail/0/det_item_fee_sumamt",
            "feedetail[0].det_item_fee_sumamt",
        ),
        ("/feedetail/0/pric", Some(json!("-120.00")), "/feedetail/0/pric", "feedetail[0].pric"),
        ("/feedetail/0/chrgitm_lv", Some(json!("04")), "/feedetail/0/chrgitm_lv", "feedetail[0].chrgitm_lv"),
        (
            "/feedetail/0/med_chrgitm_type",
            Some(json!("15")),
            "/feedetail/0/med_chrgitm_type",
            "feedetail[0].med_chrgitm_type",
        ),
        ("/feedetail/0/feedetl_sn", Some(json!(" ")), "/feedetail/0/feedetl_sn", "feedetail[0].feedetl_sn"),
        ("/psn/psn_no", None, "/psn", "psn.psn_no"),
        ("/psn/insutype", Some(json!("395")), "/psn/insutype", "psn.insutype"),
        ("/psn/psn_type", Some(json!("150")), "/psn/psn_type", "psn.psn_type"),
        ("/mdtrt/begndate", Some(json!("2010-3-1")), "/mdtrt/begndate", "mdtrt.begndate"),
        ("/mdtrt/med_type", Some(json!("2A")), "/mdtrt/med_type", "mdtrt.med_type"),
        ("/mdtrt/insuplc_admdvs", Some(json!("1401")), "/mdtrt/insuplc_admdvs", "mdtrt.insuplc_admdvs"),
        ("/mdtrt/cause", Some(json!("war")), "/mdtrt/cause", "mdtrt.cause"),
        ("/ytd/admissions", Some(json!(5000)), "/ytd/admissions", "ytd.admissions"),
    ];
    for (pointer, value, schema_at, engine_at) in cases {
        let doc = with(base(), pointer, value.clone());
        let found = v.iter_errors(&doc).map(|e| e.instance_path().to_string()).collect::<Vec<_>>();
        assert!(found.iter().any(|p| p == schema_at), "{pointer} = {value:?}: schema errors at {found:?}");
        let err = settle(&doc).expect_err(pointer);
        assert_eq!(err.path.as_deref(), Some(engine_at), "{pointer} = {value:?}: {err}");
    }
    let empty = with(base(), "/feedetail", Some(json!([])));
    assert!(!v.is_valid(&empty), "a claim with no fee lines");
    assert!(settle(&empty).is_err());
}

/// A local medical type (`99xx`), the platform's date-time identity bounds,
/// whole-number amounts and null optional fields are taken, as the engine
/// takes them.
#[test]
fn the_schema_takes_what_the_engine_takes() {
    let v = validator();
    let local = with(base(), "/mdtrt/med_type", Some(json!("9901")));
    assert!(v.is_valid(&local), "{:?}", errors(&v, &local));
    let idet = with(
        base(),
        "/psn/idetinfo",
        Some(json!([{"psn_idet_type": "2301", "begntime": "2009-01-01 08:00:00", "endtime": null}])),
    );
    assert_eq!(errors(&v, &idet), Vec::<String>::new());
    settle(&idet).expect("identity with a date-time settles");
    let numbers = with(base(), "/feedetail/0/det_item_fee_sumamt", Some(json!(3600)));
    assert_eq!(errors(&v, &numbers), Vec::<String>::new());
    settle(&numbers).expect("a whole number amount settles");
    // A person type's 2-digit parent (`15` 居民(成年)), as some regions send it.
    let parent = with(base(), "/psn/psn_type", Some(json!("15")));
    assert_eq!(errors(&v, &parent), Vec::<String>::new());
    settle(&parent).expect("a 2-digit person type settles");
    let nulls = with(with(base(), "/ytd", Some(Value::Null)), "/mdtrt/cause", Some(Value::Null));
    assert_eq!(errors(&v, &nulls), Vec::<String>::new());
    settle(&nulls).expect("null optional fields settle");
}

/// The visit's disease under the platform's name (`dise_codg`, 病种编码)
/// is taken alone by both; given with `disease` too, both refuse it, at the
/// visit and at the field.
#[test]
fn the_platform_disease_code_is_the_disease() {
    let v = validator();
    let platform = with(base(), "/mdtrt/dise_codg", Some(json!("I10")));
    assert_eq!(errors(&v, &platform), Vec::<String>::new());
    settle(&platform).expect("a visit with dise_codg settles");
    let claim = yibao_core::parse_claim(&platform.to_string()).unwrap();
    assert_eq!(claim.mdtrt.disease.as_deref(), Some("I10"));
    let both = with(platform, "/mdtrt/disease", Some(json!("I10")));
    let found = v.iter_errors(&both).map(|e| e.instance_path().to_string()).collect::<Vec<_>>();
    assert_eq!(found, ["/mdtrt"]);
    let err = settle(&both).expect_err("disease given twice");
    assert_eq!(err.path.as_deref(), Some("mdtrt.disease"), "{err}");
    assert!(err.message.contains("dise_codg"), "{err}");
}
