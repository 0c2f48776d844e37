//! Runs every case of `tests/conformance/cases/` through the typed engine.
//! The same files run from C and Python; the matching rule is the same
//! everywhere: every key of `expect` must be present in the result with an
//! equal value (objects recursively, arrays element by element and of the same
//! length); `expect.trace_rules` must each be cited by some trace entry;
//! `expect.error` is matched against the error object instead.

use serde_json::Value;
use std::path::{Path, PathBuf};
use yibao_core::{identities, Engine};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn subset(exp: &Value, got: &Value, path: &str, errs: &mut Vec<String>) {
    match (exp, got) {
        (Value::Object(e), Value::Object(g)) => {
            for (k, v) in e {
                match g.get(k) {
                    Some(gv) => subset(v, gv, &format!("{path}.{k}"), errs),
                    None => errs.push(format!("{path}.{k}: missing (expected {v})")),
                }
            }
        }
        (Value::Array(e), Value::Array(g)) => {
            if e.len() != g.len() {
                errs.push(format!("{path}: {} elements, expected {}", g.len(), e.len()));
                return;
            }
            for (i, (a, b)) in e.iter().zip(g).enumerate() {
                subset(a, b, &format!("{path}[{i}]"), errs);
            }
        }
        (e, g) if e == g => {}
        (e, g) => errs.push(format!("{path}: got {g}, expected {e}")),
    }
}

/// Runs one case; returns the problems found.
fn run_case(file: &Path) -> Vec<String> {
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("readable case")).expect("case is JSON");
    let policy = case["policy"].as_str().expect("policy");
    let engine =
        if policy.ends_with(".json") { Engine::from_file(&root().join(policy)) } else { Engine::builtin(policy) }
            .unwrap_or_else(|e| panic!("{}: policy {policy}: {e}", file.display()));
    let op = case.get("op").and_then(Value::as_str).unwrap_or("settle");
    let text = match (case.get("claim_text"), case.get("input")) {
        (Some(Value::String(t)), _) => t.clone(),
        (_, Some(input)) => input.to_string(),
        _ => case["claim"].to_string(),
    };
    let expect = &case["expect"];
    let mut errs = Vec::new();
    if op == "settle" {
        // The direct claim reader reads what serde reads, or leaves it to serde.
        if let Some(fast) = yibao_core::claim_json::read(&text) {
            match serde_json::from_str::<yibao_core::Claim>(&text) {
                Ok(c) if serde_json::to_string(&c).unwrap() == serde_json::to_string(&fast).unwrap() => {}
                Ok(_) => errs.push("claim_json reads the claim differently from serde".into()),
                Err(e) => errs.push(format!("claim_json reads a claim serde refuses: {e}")),
            }
        }
    }
    match engine.call(op, &text) {
        Err(e) => match expect.get("error") {
            Some(ee) => subset(ee, &serde_json::to_value(&e).unwrap(), "error", &mut errs),
            None => errs.push(format!("unexpected error {}", e.to_json())),
        },
        Ok(out) => {
            if expect.get("error").is_some() {
                errs.push(format!("expected an error, got a settlement: {out}"));
                return errs;
            }
            let got: Value = serde_json::from_str(&out).unwrap();
            let mut e = expect.clone();
            let rules = e.as_object_mut().unwrap().remove("trace_rules");
            subset(&e, &got, "", &mut errs);
            for r in rules.iter().flat_map(|r| r.as_array().unwrap()) {
                let cited = got["trace"].as_array().unwrap().iter().any(|t| &t["rule"] == r);
                if !cited {
                    errs.push(format!("trace cites no {r}"));
                }
            }
            if op == "settle" || op == "reverse" {
                let s = yibao_core::parse_settlement(&out).expect("settlement round-trips");
                errs.extend(identities::check(&s));
                // The direct writer and serde write the same bytes.
                if serde_json::to_string(&s).unwrap() != out {
                    errs.push("settlement_json differs from serde_json".into());
                }
            }
        }
    }
    errs
}

#[test]
fn conformance_cases() {
    let dir = root().join("tests/conformance/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 40, "expected at least 40 cases, found {}", files.len());
    let mut failed = Vec::new();
    for f in &files {
        let errs = run_case(f);
        if !errs.is_empty() {
            failed.push(format!("{}:\n    {}", f.file_name().unwrap().to_string_lossy(), errs.join("\n    ")));
        }
    }
    assert!(failed.is_empty(), "{} of {} cases failed:\n{}", failed.len(), files.len(), failed.join("\n"));
}
