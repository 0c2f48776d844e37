//! The JSON Schema of policy files (`schemas/policy.schema.json`): it is the
//! one generated from the loader's types, it takes every policy the project
//! ships, and it refuses what the loader refuses for a wrong name, type or word.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use yibao_core::policy::builtin::SOURCES;
use yibao_core::policy::json_schema::policy_file_schema;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&policy_file_schema()).expect("the generated schema is a valid JSON Schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let path = root().join("schemas/policy.schema.json");
    let committed = std::fs::read_to_string(&path).expect("schemas/policy.schema.json");
    let fresh = serde_json::to_string_pretty(&policy_file_schema()).unwrap() + "\n";
    assert!(
        committed == fresh,
        "schemas/policy.schema.json is stale: regenerate it with `yibao schema > schemas/policy.schema.json`"
    );
}

#[test]
fn every_shipped_policy_follows_the_schema() {
    let v = validator();
    let mut checked = 0;
    for (id, text) in SOURCES {
        let doc: Value = serde_json::from_str(text).unwrap();
        assert_eq!(errors(&v, &doc), Vec::<String>::new(), "built-in pack {id}");
        checked += 1;
    }
    for entry in std::fs::read_dir(root().join("examples/policies")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} policies checked");
}

/// A small standalone policy that loads.
fn base() -> Value {
    json!({
        "$schema": "../../schemas/policy.schema.json",
        "id": "schema-test",
        "rules": {"R": "rule"},
        "params": {"ratio": {"value": "0.7", "rule": "R", "doc": "ratio"}, "floor": {"required": true, "rule": "R"}},
        "uncovered": {"rule": "R", "message": "no"},
        "caps": {"monthly": {"rule": "R", "amount": "100", "accrues": "month", "buckets": ["inpatient"]}},
        "benefits": {
            "inpatient": {
                "when": {"med_type": ["21"], "readmission": {"days": 15, "same_disease": "category"}},
                "deductible": {"rule": "R", "amount": [{"when": {"hosp_lv": ["3"]}, "value": "1300"}, {"value": 800}]},
                "fund": {"fund_pay_type": "310100", "rule": "R", "ratio": {"segments": [{"from": "0", "to": "$floor", "ratio": "$ratio"}, {"from": "$floor", "ratio": "0.9"}]}}
            }
        },
        "versions": [{"label": "2025", "from": "2025-01-01", "params": {"floor": "30000"}}]
    })
}

fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    doc.pointer_mut(parent).unwrap().as_object_mut().unwrap().insert(key.to_string(), value);
    doc
}

fn loads(doc: &Value) -> Result<(), yibao_core::Error> {
    yibao_core::Engine::from_json(&doc.to_string()).map(|_| ())
}

#[test]
fn a_good_policy_passes_both_and_its_schema_key_changes_nothing() {
    let v = validator();
    let doc = base();
    assert_eq!(errors(&v, &doc), Vec::<String>::new());
    loads(&doc).expect("the base policy loads");
    let mut bare = doc.clone();
    bare.as_object_mut().unwrap().shift_remove("$schema");
    let a = yibao_core::Engine::from_json(&doc.to_string()).unwrap();
    let b = yibao_core::Engine::from_json(&bare.to_string()).unwrap();
    assert_eq!(a.policy().hash, b.policy().hash, "`$schema` is no part of the policy's hash");
}

#[test]
fn what_the_loader_refuses_by_name_type_or_word_the_schema_refuses() {
    let v = validator();
    // Each wrong value, and where the schema must say the error lies: at
    // the value, or at its object for a key that has no place there.
    let bad = [
        ("/benefit", json!({})),
        ("/benefits/inpatient/fund/ratoi", json!("0.8")),
        ("/benefits/inpatient/fund/ratio", json!(true)),
        ("/benefits/inpatient/deductible/per", json!("week")),
        ("/caps/monthly/accrues", json!("week")),
        ("/caps/monthly/accrues", json!({"per": "month", "from": "cert"})),
        ("/benefits/inpatient/when/readmission/same_disease", json!("code")),
        ("/benefits/inpatient/when/med_type", json!("21")),
        ("/benefits/inpatient/when/age", json!({"min": 60, "upto": 70})),
        ("/benefits/inpatient/deductible/amount", json!("12,00")),
        ("/versions/0/from", json!("2025/01/01")),
        ("/params/ratio/requried", json!(true)),
    ];
    for (pointer, value) in bad {
        let doc = with(base(), pointer, value.clone());
        let found = errors(&v, &doc);
        let unexpected_key =
            ["/benefit", "/benefits/inpatient/fund/ratoi", "/params/ratio/requried"].contains(&pointer);
        let at = if unexpected_key { pointer.rsplit_once('/').unwrap().0 } else { pointer };
        assert!(
            found.iter().any(|e| e.ends_with(&format!(" at {at}"))),
            "the schema takes {pointer} = {value}, or reports it elsewhere: {found:?}"
        );
        assert!(loads(&doc).is_err(), "the loader takes {pointer} = {value}");
    }
}

#[test]
fn an_extending_file_may_give_part_of_a_table_and_delete_keys() {
    let v = validator();
    let doc = json!({
        "id": "part",
        "extends": "cn-xj-urumqi",
        "params": {"inpatient_ratio": "0.8"},
        "benefits": {"inpatient": {"fund": {"ratio": "0.85"}, "before": "outpatient"}},
        "account": null
    });
    assert_eq!(errors(&v, &doc), Vec::<String>::new());
}
