//! Property tests on random policies: every example policy and built-in
//! pack, its figures changed, keys taken out and sections taken from another
//! file, either loads or is refused with a policy error naming a path (never
//! a panic), and what loads settles random claims soundly (the identities,
//! determinism, exact reversal: [`common::sound`]), alike whatever the
//! order of the lines, and never charges the member less for a further line. The examples and packs are checked on
//! the figures they have; these are the policies no one wrote yet, where
//! features meet in ways no example combines.

use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use yibao_core::policy::load::merge;
use yibao_core::{Engine, ErrorCode};

mod common;
use common::{claim, dated, line, sound};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("examples/policies")
}

/// A policy file with its `extends` chain of example files merged in, as
/// the loader merges it; an `extends` of a built-in pack is left for the
/// loader.
fn resolved(path: &Path) -> Value {
    let mut own: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let obj = own.as_object_mut().unwrap();
    obj.remove("$schema");
    match obj.get("extends").and_then(Value::as_str).map(str::to_string) {
        Some(parent) if parent.ends_with(".json") => {
            obj.remove("extends");
            let mut base = resolved(&path.parent().unwrap().join(&parent));
            merge(&mut base, own);
            base
        }
        _ => own,
    }
}

/// Every example policy and built-in pack, resolved, by file name.
static EXAMPLES: LazyLock<Vec<(String, Value)>> = LazyLock::new(|| {
    let packs = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files: Vec<PathBuf> = [examples_dir(), packs]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.iter().map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), resolved(p))).collect()
});

/// Keys whose values are codes or labels, not figures: a figure-shaped code
/// (`"hosp_lv": "3"`) is left alone.
const CODE_KEYS: [&str; 16] = [
    "hosp_lv",
    "hosp_levels",
    "fund_pay_type",
    "med_type",
    "med_chrgitm_type",
    "chrgitm_lv",
    "psn_idet_type",
    "psn_type",
    "psn_setlway",
    "psn_insu_stas",
    "insutype",
    "label",
    "mdtrtarea_admvs",
    "fixmedins_code",
    "med_list_codg",
    "id",
];

/// One change to a policy.
#[derive(Clone, Debug)]
enum Change {
    /// The n-th figure (mod their count) takes the k-th value of its kind.
    Figure(usize, usize),
    /// Every amount above 1 is multiplied by 1/2, 2 or 10 (bands stay joined).
    Scale(usize),
    /// The n-th key of an object below the top (mod their count) is taken out.
    Drop(usize),
    /// A body section is replaced by another example's (or added from it).
    Graft(usize, usize),
    /// A part of one benefit (its fund, deductible…) is replaced by the same
    /// part of another example's benefit.
    GraftPart(usize, usize, usize, usize),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => (any::<usize>(), 0usize..8).prop_map(|(n, k)| Change::Figure(n, k)),
        1 => (0usize..3).prop_map(Change::Scale),
        2 => any::<usize>().prop_map(Change::Drop),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(s, f)| Change::Graft(s, f)),
        3 => (any::<usize>(), any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(b, p, f, d)| Change::GraftPart(b, p, f, d)),
    ]
}

/// Sections a policy writer might take from another region's file.
const SECTIONS: [&str; 11] = [
    "layers",
    "preselfpay",
    "added_preselfpay",
    "item_caps",
    "account",
    "mulaid",
    "exclusions",
    "caps",
    "quota_accounts",
    "deny",
    "advice",
];

/// Parts of a benefit that another region's benefit may have instead.
const PARTS: [&str; 5] = ["fund", "deductible", "standard", "eligibility", "when"];

/// A figure: a number, or a string that reads as a decimal, under a key that
/// is not a code's.
fn is_figure(key: &str, v: &Value) -> bool {
    if CODE_KEYS.contains(&key) {
        return false;
    }
    match v {
        Value::Number(_) => true,
        Value::String(s) => s.parse::<rust_decimal::Decimal>().is_ok() && !s.contains('e') && !s.contains('E'),
        _ => false,
    }
}

/// Calls `f` on every figure; `key` is the key it stands under (an array's
/// items take the key of the array).
fn figures(v: &mut Value, key: &str, f: &mut dyn FnMut(&mut Value)) {
    match v {
        Value::Object(m) => m.iter_mut().for_each(|(k, x)| figures(x, k, f)),
        Value::Array(a) => a.iter_mut().for_each(|x| figures(x, key, f)),
        x if is_figure(key, x) => f(x),
        _ => {}
    }
}

/// The k-th replacement of a figure of the same kind and JSON type: a ratio
/// (a fraction within 0–1) another ratio, a negative delta another delta, a
/// whole number another whole number, an amount a bigger or smaller one.
fn replacement(v: &Value, k: usize) -> Value {
    const RATIOS: [&str; 8] = ["0", "0.05", "0.3", "0.5", "0.6", "0.85", "0.95", "1"];
    const DELTAS: [&str; 4] = ["-0.3", "-0.1", "-0.05", "0"];
    const WHOLE: [u64; 8] = [0, 1, 2, 3, 6, 12, 30, 90];
    match v {
        Value::Number(n) if n.is_u64() => json!(WHOLE[k % 8]),
        Value::Number(_) => json!(RATIOS[k % 8].parse::<f64>().unwrap()),
        Value::String(s) => {
            let d: rust_decimal::Decimal = s.parse().unwrap();
            let text = if d.is_sign_negative() {
                DELTAS[k % 4].to_string()
            } else if s.contains('.') && d <= rust_decimal::Decimal::ONE {
                RATIOS[k % 8].to_string()
            } else {
                let factors = ["0", "0.5", "2", "10", "1", "100", "0.1", "3"];
                (d * factors[k % 8].parse::<rust_decimal::Decimal>().unwrap()).round_dp(2).normalize().to_string()
            };
            json!(text)
        }
        _ => v.clone(),
    }
}

/// Takes out the n-th key (mod their count) of the objects below the top.
fn drop_key(v: &mut Value, n: usize) {
    fn count(v: &Value) -> usize {
        match v {
            Value::Object(m) => m.len() + m.values().map(count).sum::<usize>(),
            Value::Array(a) => a.iter().map(count).sum(),
            _ => 0,
        }
    }
    fn take(v: &mut Value, n: &mut usize) -> bool {
        match v {
            Value::Object(m) => {
                if *n < m.len() {
                    let k = m.keys().nth(*n).unwrap().clone();
                    m.shift_remove(&k);
                    return true;
                }
                *n -= m.len();
                m.values_mut().any(|x| take(x, n))
            }
            Value::Array(a) => a.iter_mut().any(|x| take(x, n)),
            _ => false,
        }
    }
    let Value::Object(top) = v else { return };
    let mut inner: Vec<&mut Value> = top.iter_mut().filter(|(k, _)| k.as_str() != "id").map(|(_, x)| x).collect();
    let total: usize = inner.iter().map(|x| count(x)).sum();
    if total == 0 {
        return;
    }
    let mut n = n % total;
    inner.iter_mut().any(|x| take(x, &mut n));
}

fn apply(policy: &mut Value, c: &Change) {
    match *c {
        Change::Figure(n, k) => {
            let mut count = 0;
            figures(policy, "", &mut |_| count += 1);
            if count == 0 {
                return;
            }
            let (target, mut at) = (n % count, 0);
            figures(policy, "", &mut |v| {
                if at == target {
                    *v = replacement(v, k);
                }
                at += 1;
            });
        }
        Change::Scale(f) => {
            let factor: rust_decimal::Decimal = ["0.5", "2", "10"][f].parse().unwrap();
            figures(policy, "", &mut |v| {
                if let Value::String(s) = v {
                    let d: rust_decimal::Decimal = s.parse().unwrap();
                    if d > rust_decimal::Decimal::ONE {
                        *v = json!((d * factor).round_dp(2).normalize().to_string());
                    }
                }
            });
        }
        Change::Drop(n) => drop_key(policy, n),
        Change::GraftPart(b, p, f, d) => {
            let part = PARTS[p % PARTS.len()];
            let Some(Value::Object(donors)) = EXAMPLES[f % EXAMPLES.len()].1.get("benefits") else { return };
            let Some(from) = donors.values().nth(d % donors.len().max(1)).and_then(|x| x.get(part)) else { return };
            let Some(Value::Object(benefits)) = policy.get_mut("benefits") else { return };
            let n = benefits.len();
            if let Some(Value::Object(to)) = benefits.values_mut().nth(b % n.max(1)) {
                to.insert(part.to_string(), from.clone());
            }
        }
        Change::Graft(s, f) => {
            let section = SECTIONS[s % SECTIONS.len()];
            let (_, donor) = &EXAMPLES[f % EXAMPLES.len()];
            if let (Some(part), Value::Object(m)) = (donor.get(section), &mut *policy) {
                m.insert(section.to_string(), part.clone());
            }
        }
    }
}

/// The codes a policy may be refused with.
const POLICY_CODES: [ErrorCode; 2] = [ErrorCode::InvalidPolicy, ErrorCode::PolicyParameterMissing];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn changed_policies_load_or_are_refused_and_settle_soundly(
        file in any::<usize>(),
        changes in prop::collection::vec(change(), 1..6),
        claims in prop::collection::vec(claim(), 4),
        extra in line(99),
        excl in any::<usize>(),
    ) {
        let (name, original) = &EXAMPLES[file % EXAMPLES.len()];
        let mut policy = original.clone();
        for c in &changes {
            apply(&mut policy, c);
        }
        let text = policy.to_string();
        let e = match Engine::from_json(&text) {
            Ok(e) => e,
            Err(err) => {
                prop_assert!(POLICY_CODES.contains(&err.code), "{name} {changes:?}: {err:?}");
                prop_assert!(!err.message.is_empty());
                // A refusal names where the policy is wrong.
                prop_assert!(err.path.is_some(), "{name} {changes:?}: {err:?}");
                return Ok(());
            }
        };
        let fail = |f: TestCaseError| TestCaseError::fail(format!("{name} {changes:?}: {f}"));
        // One line of each claim falls in one of the policy's exclusion
        // categories, if it has any.
        let categories: Vec<&String> = policy.get("exclusions").and_then(Value::as_object).map(|m| m.keys().collect()).unwrap_or_default();
        for c in &claims {
            let mut c = dated(c, &e);
            if !categories.is_empty() {
                let lines = c["feedetail"].as_array_mut().unwrap();
                let n = lines.len();
                lines[excl % n]["excl"] = json!(categories[excl / n % categories.len()]);
            }
            let Some(a) = sound(&e, &c.to_string()).map_err(fail)? else { continue };
            // The lines in the other order settle alike.
            let mut reversed = c.clone();
            reversed["feedetail"].as_array_mut().unwrap().reverse();
            let out = e.settle_json(&reversed.to_string());
            let out = out.map_err(|err| fail(TestCaseError::fail(format!("the lines reversed are refused: {err:?}"))))?;
            let r = yibao_core::parse_settlement(&out).unwrap();
            prop_assert!(r.setlinfo == a.setlinfo && r.setldetail == a.setldetail && r.ytd_after == a.ytd_after,
                "{name} {changes:?}: the lines reversed settle otherwise\n{:?}\n{:?}\nclaim {}\npolicy {}",
                (&a.setlinfo, &a.setldetail, &a.ytd_after), (&r.setlinfo, &r.setldetail, &r.ytd_after), c, text);
            // A further fee line never lowers what the member and the
            // hospital bear together.
            let mut more = c.clone();
            more["feedetail"].as_array_mut().unwrap().push(extra.clone());
            let Some(b) = sound(&e, &more.to_string()).map_err(fail)? else { continue };
            let (a, b) = (&a.setlinfo, &b.setlinfo);
            prop_assert!(b.psn_part_amt + b.hosp_part_amt >= a.psn_part_amt + a.hosp_part_amt,
                "{name} {changes:?}: {} + {} -> {} + {}\nclaim {}\npolicy {}", a.psn_part_amt, a.hosp_part_amt, b.psn_part_amt, b.hosp_part_amt, more, text);
        }
    }
}

/// Most changed policies still load: a generator whose every policy were
/// refused would test only the refusals.
#[test]
fn most_changed_policies_still_load() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (any::<usize>(), prop::collection::vec(change(), 1..6), claim());
    let (mut loaded, mut settled, mut unplaced, n) = (0, 0, Vec::new(), 300);
    for _ in 0..n {
        let (file, changes, c) = strategy.new_tree(&mut runner).unwrap().current();
        let mut policy = EXAMPLES[file % EXAMPLES.len()].1.clone();
        changes.iter().for_each(|c| apply(&mut policy, c));
        match Engine::from_json(&policy.to_string()) {
            Ok(e) => {
                loaded += 1;
                settled +=
                    usize::from(e.settle_json(&dated(&c, &e).to_string()).is_ok_and(|s| s.contains("\"settled\"")));
            }
            Err(err) if err.path.is_none() => unplaced.push(err.message),
            Err(_) => {}
        }
    }
    assert!(loaded * 2 >= n, "only {loaded} of {n} changed policies load");
    assert!(settled * 5 >= loaded, "only {settled} random claims of {loaded} settle under the changed policies");
    assert!(unplaced.is_empty(), "refused without a path: {unplaced:?}");
}

/// Every example loads as resolved here, so the changes start from policies
/// the loader takes.
#[test]
fn every_example_loads_resolved() {
    assert!(EXAMPLES.len() >= 60);
    for (name, p) in EXAMPLES.iter() {
        Engine::from_json(&p.to_string()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
}

/// A modifier of one line category, `(key, value, max)`: points more or
/// less (within a `max` or 100 %), a ratio of its own, the member's part
/// scaled, or the ratio scaled.
fn modifier() -> impl Strategy<Value = (&'static str, &'static str, Option<&'static str>)> {
    prop_oneof![
        (
            prop::sample::select(vec!["-0.2", "0.05", "0.1", "0.3", "0.5"]),
            prop::option::of(prop::sample::select(vec!["0.8", "0.95"]))
        )
            .prop_map(|(v, max)| ("delta", v, max)),
        prop::sample::select(vec!["0.6", "0.9", "1"]).prop_map(|v| ("set", v, None)),
        prop::sample::select(vec!["0.5", "0.8"]).prop_map(|v| ("share_factor", v, None)),
        prop::sample::select(vec!["0.8", "0.9"]).prop_map(|v| ("factor", v, None)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, .. ProptestConfig::default() })]

    /// Cost bands, rising or not, with modifiers of several line categories
    /// whose ratios may cross from band to band: a further line never lowers
    /// what the member pays.
    #[test]
    fn line_modifiers_under_bands_never_charge_less_for_more(
        ratios in prop::collection::vec(prop::sample::select(vec!["0.3", "0.5", "0.7", "0.85", "0.9", "0.95", "1"]), 3),
        rising in any::<bool>(),
        mods in prop::collection::vec(modifier(), 3),
        pro_rata in any::<bool>(),
        c in claim(),
        types in prop::collection::vec(prop::sample::select(vec!["09", "10", "11", "03"]), 12),
        extra in line(99),
        extra_type in prop::sample::select(vec!["09", "10", "11", "03"]),
    ) {
        let mut ratios = ratios;
        if rising {
            ratios.sort();
        }
        let mut policy = EXAMPLES.iter().find(|(n, _)| n == "base").unwrap().1.clone();
        let fund = &mut policy["benefits"]["inpatient"]["fund"];
        fund["ratio"] = json!({"segments": [
            {"from": "0", "to": "5000", "ratio": ratios[0]},
            {"from": "5000", "to": "20000", "ratio": ratios[1]},
            {"from": "20000", "ratio": ratios[2]}]});
        fund["line_deductible"] = json!(if pro_rata { "pro_rata" } else { "others_first" });
        fund["adjust"] = mods.iter().zip(["10", "11", "03"]).map(|((k, v, max), t)| {
            let mut m = json!({"when": {"med_chrgitm_type": [t]}, "rule": "EX-RATIO", "max": max});
            m[*k] = json!(v);
            m
        }).collect();
        let e = Engine::from_json(&policy.to_string()).unwrap();
        let mut c = c;
        c["mdtrt"]["med_type"] = json!("21");
        for (l, t) in c["feedetail"].as_array_mut().unwrap().iter_mut().zip(&types) {
            l["med_chrgitm_type"] = json!(t);
        }
        let Some(a) = sound(&e, &c.to_string())? else { return Ok(()) };
        let mut extra = extra;
        extra["med_chrgitm_type"] = json!(extra_type);
        c["feedetail"].as_array_mut().unwrap().push(extra);
        let Some(b) = sound(&e, &c.to_string())? else { return Ok(()) };
        prop_assert!(b.setlinfo.psn_part_amt >= a.setlinfo.psn_part_amt,
            "{} -> {}\nclaim {}\nfund {}", a.setlinfo.psn_part_amt, b.setlinfo.psn_part_amt, c, policy["benefits"]["inpatient"]["fund"]);
    }
}
