//! Every rule ID a built-in pack carries is exercised by at least one
//! conformance case that names it in its `rules` list (and those cases assert
//! the rule's effect, so a wrong rule fails them).

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn every_builtin_rule_has_a_conformance_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut covered = BTreeSet::new();
    for f in std::fs::read_dir(root.join("tests/conformance/cases")).unwrap() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
        for r in v["rules"].as_array().unwrap() {
            covered.insert(r.as_str().unwrap().to_string());
        }
    }
    let mut missing = Vec::new();
    for id in yibao_core::policy::builtin::ids() {
        let p = yibao_core::policy::builtin::get(id).unwrap().unwrap();
        for rule in p.rules.keys() {
            if !covered.contains(rule) {
                missing.push(format!("{id}: {rule}"));
            }
        }
    }
    assert!(missing.is_empty(), "rules with no conformance case:\n{}", missing.join("\n"));
}
