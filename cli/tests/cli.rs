//! The `yibao` command as a user runs it: exit codes, stdout, stderr.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn yibao(args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yibao"));
    c.args(args).current_dir(root()).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // Fed from a thread: a large input must not wait on the output's pipe.
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.unwrap_or_default().to_string();
    let feeder = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    out
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn case_claim(name: &str) -> Value {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join(format!("tests/conformance/cases/{name}.json"))).unwrap(),
    )
    .unwrap();
    v["claim"].clone()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("yibao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

#[test]
fn demo_prints_a_table_and_traces() {
    let o = yibao(&["demo"], None);
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("level-3 adult admission"), "{out}");
    assert!(out.contains("settled") && out.contains("denied"));
    assert!(out.contains("TY-INP-DED") && out.contains("5894.50"));
}

#[test]
fn settle_from_a_file_and_from_stdin() {
    let claim = case_claim("ty-inp-level3-adult");
    let f = tmp("claim.json");
    std::fs::write(&f, claim.to_string()).unwrap();
    let o = yibao(&["settle", "--policy", "cn-sx-taiyuan-resident-2010", f.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["setlinfo"]["hifp_pay"], "4625.00");
    let o = yibao(&["settle", "--policy", "cn-sx-taiyuan-resident-2010", "-"], Some(&claim.to_string()));
    let s2: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s, s2);
}

#[test]
fn settle_with_a_policy_file_that_supplies_a_parameter() {
    let claim = case_claim("ty-chr-q-with-deductible");
    let o =
        yibao(&["settle", "--policy", "examples/policies/taiyuan-chronic-deductible.json"], Some(&claim.to_string()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["setlinfo"]["hifp_pay"], "1360.00");
    let o = yibao(&["settle", "--policy", "cn-sx-taiyuan-resident-2010"], Some(&claim.to_string()));
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["code"], "POLICY_PARAMETER_MISSING");
    assert_eq!(e["parameter"], "chronic_q_deductible");
}

#[test]
fn errors_are_json_on_stderr_with_a_path() {
    let mut claim = case_claim("ty-inp-level3-adult");
    claim["feedetail"][0]["chrgitm_lv"] = Value::from("09");
    let o = yibao(&["settle", "--policy", "cn-sx-taiyuan-resident-2010"], Some(&claim.to_string()));
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["code"], "UNKNOWN_CODE");
    assert_eq!(e["path"], "feedetail[0].chrgitm_lv");
    let o = yibao(&["settle", "--policy", "no-such-pack"], Some(&claim.to_string()));
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["code"], "UNKNOWN_POLICY");
    let o = yibao(&["settle", "--policy", "cn-sx-taiyuan-resident-2010"], Some("{not json"));
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["code"], "INVALID_JSON");
}

#[test]
fn denied_claims_exit_zero() {
    let claim = case_claim("ty-primary-no-referral-denied");
    let o = yibao(&["settle", "--policy", "cn-sx-taiyuan-resident-2010"], Some(&claim.to_string()));
    assert!(o.status.success());
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["status"], "denied");
}

#[test]
fn policies_lists_packs_rules_and_parameters() {
    let o = yibao(&["policies"], None);
    let out = String::from_utf8(o.stdout).unwrap();
    for id in [
        "cn-sx-taiyuan-resident-2010",
        "cn-sx-taiyuan-employee",
        "cn-xj-tiemenguan-2025",
        "cn-xj-urumqi",
        "cn-xj-region-employee",
    ] {
        assert!(out.contains(id), "{id}");
    }
    assert!(out.contains("chronic_q_deductible"));
    let o = yibao(&["policies", "--json"], None);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 5);
}

#[test]
fn batch_carries_accumulators_per_member_and_reports_bad_lines() {
    let mut a = case_claim("ty-inp-level3-adult");
    a.as_object_mut().unwrap().remove("ytd");
    let mut b = a.clone();
    b["mdtrt"]["mdtrt_id"] = Value::from("M2");
    let mut other = a.clone();
    other["psn"]["psn_no"] = Value::from("P9");
    let input = format!("{a}\n{other}\nnot json\n{b}\n");
    let inp = tmp("in.jsonl");
    let out = tmp("out.jsonl");
    std::fs::write(&inp, input).unwrap();
    let o = yibao(
        &["batch", "--policy", "cn-sx-taiyuan-resident-2010", inp.to_str().unwrap(), "-o", out.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "one line failed");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("4 claims, 1 failed"), "{err}");
    let lines: Vec<Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["ytd_after"]["admissions"], 1);
    assert_eq!(lines[1]["ytd_after"]["admissions"], 1, "another member starts fresh");
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[2]["error"]["code"], "INVALID_JSON");
    assert_eq!(lines[3]["ytd_after"]["admissions"], 2, "P1's second claim continues from the first");
    assert_eq!(lines[3]["ytd_after"]["benefit_paid"]["inpatient"], "9250.00");
}

#[test]
fn batch_reverses_a_settlement_and_the_member_goes_on_from_what_it_gave_back() {
    // Two stays, the first cancelled, a third: the third is the year's
    // second stay again, at every thread count.
    let mut a = case_claim("ty-inp-level3-adult");
    a.as_object_mut().unwrap().remove("ytd");
    let first = yibao(&["batch", "--policy", "cn-sx-taiyuan-resident-2010", "-"], Some(&format!("{a}\n")));
    let settled: Value = serde_json::from_slice(&first.stdout).unwrap();
    let input = format!(
        "{a}\n{a}\n{{\"reverse\": {settled}}}\n{a}\n{{\"reverse\": {{\"status\": \"settled\"}}}}\n{{\"reverse\": {settled}}}\n"
    );
    for threads in ["0", "2"] {
        let o = yibao(&["batch", "--policy", "cn-sx-taiyuan-resident-2010", "--threads", threads, "-"], Some(&input));
        assert_eq!(o.status.code(), Some(1), "the last lines fail");
        let lines: Vec<Value> =
            String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0], settled);
        assert_eq!(lines[1]["ytd_after"]["admissions"], 2);
        assert_eq!(lines[2]["status"], "reversed");
        assert_eq!(lines[2]["setlinfo"]["hifp_pay"], format!("-{}", settled["setlinfo"]["hifp_pay"].as_str().unwrap()));
        assert_eq!(lines[2]["ytd_after"]["admissions"], 1, "the second stay is left");
        assert_eq!(lines[3]["ytd_after"], lines[1]["ytd_after"], "the third stay is the second again");
        assert_eq!(lines[4]["line"], 5);
        assert_eq!(lines[4]["error"]["code"], "INVALID_SETTLEMENT");
        assert_eq!(lines[4]["error"]["path"], "reverse.mdtrt_id", "{}", lines[4]);
        assert_eq!(lines[5]["error"]["path"], "reverse.stamp.input_hash", "reversed once: {}", lines[5]);
    }
}

#[test]
fn batch_carries_the_account_balance_to_a_claim_that_gives_none() {
    // The account pays the in-scope share of each stay (3 700.00) while the
    // 5 000.00 given on the first line lasts; the later lines give no balance.
    let first = case_claim("feature-account-inscp-share");
    let mut later = first.clone();
    later["psn"].as_object_mut().unwrap().remove("balc");
    let mut own = first.clone();
    own["psn"]["balc"] = Value::from("100.00");
    let input = format!("{first}\n{later}\n{later}\n{own}\n");
    let o = yibao(&["batch", "--policy", "examples/policies/account-inscp.json", "-"], Some(&input));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paid: Vec<_> =
        lines.iter().map(|l| (l["setlinfo"]["acct_pay"].clone(), l["setlinfo"]["balc"].clone())).collect();
    let want = [("3700.00", "1300.00"), ("1300.00", "0.00"), ("0.00", "0.00"), ("100.00", "0.00")];
    assert_eq!(paid, want.map(|(a, b)| (Value::from(a), Value::from(b))));
}

#[test]
fn batch_reads_lines_across_buffer_ends_and_writes_every_settlement_in_order() {
    // Several mebibytes in and out, from a file and from stdin: lines of
    // uneven length (padded with spaces) fall across the ends of the
    // reader's buffer, and the output is handed on in chunks.
    let mut a = case_claim("ty-inp-level3-adult");
    a.as_object_mut().unwrap().remove("ytd");
    let n = 3000;
    let mut input = String::new();
    for k in 0..n {
        a["mdtrt"]["mdtrt_id"] = Value::from(format!("M{k}"));
        a["psn"]["psn_no"] = Value::from(format!("P{}", k % 7));
        input.push_str(&a.to_string());
        input.push_str(&" ".repeat(k * 37 % 1500));
        input.push('\n');
    }
    assert!(input.len() > 3 << 20);
    let inp = tmp("many.jsonl");
    std::fs::write(&inp, &input).unwrap();
    let from_file = yibao(&["batch", "--policy", "cn-sx-taiyuan-resident-2010", inp.to_str().unwrap()], None);
    std::fs::remove_file(&inp).unwrap();
    let from_stdin = yibao(&["batch", "--policy", "cn-sx-taiyuan-resident-2010", "-"], Some(&input));
    for o in [from_file, from_stdin] {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), n);
        for (k, s) in lines.iter().enumerate() {
            assert_eq!(s["mdtrt_id"], format!("M{k}").as_str());
            assert_eq!(s["ytd_after"]["admissions"], k / 7 + 1, "P{}'s claims carry in order", k % 7);
        }
    }
}

#[test]
fn batch_reports_an_oversize_or_non_utf8_line_and_goes_on() {
    let mut a = case_claim("ty-inp-level3-adult");
    a.as_object_mut().unwrap().remove("ytd");
    let mut input = format!("{a}\n").into_bytes();
    // A line longer than the 16 MiB claim limit, then one that is not UTF-8.
    input.extend(std::iter::repeat_n(b' ', 17 << 20));
    input.extend_from_slice(b"{}\n\"\xff\xfe\"\n");
    input.extend_from_slice(format!("{a}").as_bytes());
    let inp = tmp("odd.jsonl");
    let out = tmp("odd-out.jsonl");
    std::fs::write(&inp, input).unwrap();
    let o = yibao(
        &["batch", "--policy", "cn-sx-taiyuan-resident-2010", inp.to_str().unwrap(), "-o", out.to_str().unwrap()],
        None,
    );
    std::fs::remove_file(&inp).unwrap();
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["code"], "INPUT_TOO_LARGE");
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[2]["error"]["code"], "INVALID_JSON");
    assert_eq!(lines[3]["ytd_after"]["admissions"], 2, "the last line, with no newline, continues the member");
}

#[test]
fn reverse_gives_back_the_accumulators() {
    let claim = case_claim("ty-cap-binds");
    let o = yibao(&["settle", "--policy", "cn-sx-taiyuan-resident-2010"], Some(&claim.to_string()));
    // Saved by a Windows editor, the settlement starts with a byte-order mark.
    let marked = format!("\u{feff}{}", std::str::from_utf8(&o.stdout).unwrap());
    let o = yibao(&["reverse", "-"], Some(&marked));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["status"], "reversed");
    assert_eq!(r["setlinfo"]["hifp_pay"], "-1000.00");
    assert_eq!(r["ytd_after"]["benefit_paid"]["inpatient"], claim["ytd"]["benefit_paid"]["inpatient"]);
    assert_eq!(r["ytd_after"]["admissions"], claim["ytd"]["admissions"]);
}

#[test]
fn reverse_gives_the_account_back_on_the_balance_of_now() {
    // The account paid 3 700.00 of this stay; later claims left 250.50.
    let claim = case_claim("feature-account-inscp-share");
    let o = yibao(&["settle", "--policy", "examples/policies/account-inscp.json"], Some(&claim.to_string()));
    let settled = String::from_utf8(o.stdout).unwrap();
    let o = yibao(&["reverse", "--balc", "250.5", "-"], Some(&settled));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (&r["setlinfo"]["acct_pay"], &r["setlinfo"]["balc"]),
        (&Value::from("-3700.00"), &Value::from("3950.50"))
    );
    let o = yibao(&["reverse", "--balc=-1", "-"], Some(&settled));
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!((&e["code"], &e["path"]), (&Value::from("INVALID_CLAIM"), &Value::from("balc")));
}

#[test]
fn check_policy_reports_what_is_still_required() {
    let o = yibao(&["check-policy", "examples/policies/taiyuan-employee-ratios.json"], None);
    assert!(o.status.success());
    let o = yibao(&["check-policy", "core/policies/cn-xj-urumqi.json"], None);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("still required: `inpatient_deductible`"), "{out}");
    // The order a file that extends a pack ends up with is shown.
    let o = yibao(&["check-policy", "examples/policies/layers-before.json"], None);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("layers, paid in order: serious_illness, civil_servant, assistance"), "{out}");
    assert!(!out.contains("warning"), "{out}");
    // A rule cited without a text is a warning, with where it is cited.
    let dir = std::env::temp_dir().join(format!("yibao-cli-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("typo.json");
    let base = root().join("examples/policies/base.json");
    let policy = serde_json::json!({"id": "typo", "extends": base.to_str().unwrap(),
        "benefits": {"inpatient": {"fund": {"adjust": [{"when": {"age": {"min": 70}}, "delta": "0.05", "rule": "EX-AGE7O"}]}}}});
    std::fs::write(&file, policy.to_string()).unwrap();
    let o = yibao(&["check-policy", file.to_str().unwrap()], None);
    let out = String::from_utf8(o.stdout).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("warning: rule `EX-AGE7O` (cited at benefits.inpatient.fund.adjust[0].rule) has no text"),
        "{out}"
    );
}

#[test]
fn paperwork_commands() {
    let o = yibao(&["workdays"], Some(r#"{"from": "2025-09-30", "days": 1}"#));
    assert!(o.status.success());
    assert_eq!(String::from_utf8(o.stdout).unwrap().trim(), r#"{"date":"2025-10-09"}"#);
    let req = r#"{"action": "cancel", "date": "2025-07-14", "filing": {"kind": "long_term_residence", "begndate": "2025-01-15", "area_admdvs": "440100"}}"#;
    let o = yibao(&["filing", "--policy", "cn-xj-urumqi"], Some(req));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["refusal"]["rule"], "URU-FIL-LOCK");
    assert_eq!(v["earliest_change"], "2025-07-15");
    let case: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/conformance/cases/check-daily-list-refused.json")).unwrap(),
    )
    .unwrap();
    let o = yibao(&["check", "--policy", case["policy"].as_str().unwrap()], Some(&case["input"].to_string()));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["accepted"], false);
    assert_eq!(v["refused"][0]["code"], "FORM_REFUSED");
    let o = yibao(&["certify", "--policy", "cn-xj-tiemenguan-2025"], Some("{}"));
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["code"], "INVALID_CLAIM");
}

#[test]
fn schema_prints_the_committed_schemas() {
    for (args, file) in [
        (&["schema"][..], "schemas/policy.schema.json"),
        (&["schema", "policy"][..], "schemas/policy.schema.json"),
        (&["schema", "claim"][..], "schemas/claim.schema.json"),
    ] {
        let o = yibao(args, None);
        assert!(o.status.success(), "{args:?}");
        let committed = std::fs::read_to_string(root().join(file)).unwrap();
        assert_eq!(String::from_utf8(o.stdout).unwrap(), committed, "{args:?}");
    }
    let o = yibao(&["schema", "settlement"], None);
    assert!(!o.status.success());
}

/// A reader that stops early (`yibao schema | head`) ends the program
/// quietly with success, never with a panic on the closed pipe.
#[test]
fn a_closed_stdout_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yibao"))
        .arg("schema")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The schema (about 90 kB) is more than a pipe holds: with the reading
    // end closed before anything is read, its write must fail.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}, stderr {err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn the_readme_worked_example_is_what_settle_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let example = readme.split("## A worked example").nth(1).unwrap().split("\n## ").next().unwrap();
    let o = yibao(&["settle", "examples/claims/taiyuan-admission.json", "--pretty"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let trace: Vec<(&str, &str, &str)> = s["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["step"].as_str().unwrap(), t["rule"].as_str().unwrap(), t["amount"].as_str().unwrap()))
        .collect();
    // The table's rows: | step | rule | amount | why |, amounts with spaces between thousands.
    let rows: Vec<Vec<String>> = example
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| step"))
        .map(|l| l.split('|').skip(1).take(3).map(|c| c.trim().replace(' ', "")).collect())
        .collect();
    assert_eq!(rows.len(), 7, "{rows:?}");
    for r in &rows {
        assert!(
            trace.contains(&(r[0].as_str(), r[1].as_str(), r[2].as_str())),
            "README row {r:?} is not in the trace {trace:?}"
        );
    }
    assert_eq!(s["setlinfo"]["hifp_pay"], "4114.50");
    assert_eq!(s["setlinfo"]["psn_cash_pay"], "6695.50");
    assert_eq!(s["ytd_after"]["admissions"], 1);
    assert_eq!(s["ytd_after"]["dedc_paid"], "750.00");
}

#[test]
fn gbk_files_are_read_and_written_in_gbk_when_asked() {
    use yibao_core::gbk;
    // A claim as a legacy HIS exports it: GBK, with the member's name in it.
    let mut claim = case_claim("claim-declared-total");
    claim["psn"]["psn_name"] = Value::from("张三");
    let utf8 = claim.to_string();
    let file = tmp("gbk.json");
    std::fs::write(&file, gbk::encode(&utf8)).unwrap();
    let path = file.to_str().unwrap();
    let policy = ["--policy", "examples/policies/base.json"];
    // Read as UTF-8 (the default), it is refused at its first GBK byte.
    let o = yibao(&[&["settle"][..], &policy, &[path]].concat(), None);
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["code"], "INVALID_JSON");
    let at = utf8.find('张').unwrap();
    assert!(e["message"].as_str().unwrap().ends_with(&format!("is not valid UTF-8 at byte {at}")), "{e}");
    // With --encoding gbk it settles as the UTF-8 claim does, and the
    // settlement (whose trace has Chinese) comes out in GB18030.
    let plain = yibao(&[&["settle"][..], &policy].concat(), Some(&utf8));
    assert_eq!(plain.status.code(), Some(0));
    let o = yibao(&[&["settle", "--encoding", "gbk"][..], &policy, &[path]].concat(), None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8(o.stdout.clone()).is_err(), "the output is GB18030, not UTF-8");
    assert_eq!(gbk::decode(&o.stdout).unwrap().as_bytes(), plain.stdout);
    // An error quoting a Chinese value is written in GB18030 too.
    let mut bad = claim.clone();
    bad["mdtrt"]["med_type"] = Value::from("住院");
    std::fs::write(&file, gbk::encode(&bad.to_string())).unwrap();
    let o = yibao(&[&["--encoding", "gbk", "settle"][..], &policy, &[path]].concat(), None);
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_str(&gbk::decode(&o.stderr).unwrap()).unwrap();
    assert_eq!(e["code"], "UNKNOWN_CODE");
    assert!(e["message"].as_str().unwrap().contains("住院"), "{e}");
    // A byte that is not GBK is located.
    std::fs::write(&file, b"{\"psn\":\xff}").unwrap();
    let o = yibao(&[&["settle", "--encoding", "gbk"][..], &policy, &[path]].concat(), None);
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["message"], format!("`{path}` is not valid GBK/GB18030 at byte 7"));
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn batch_reads_and_writes_gbk_lines_when_asked() {
    use yibao_core::gbk;
    let mut a = case_claim("claim-declared-total");
    a["psn"]["psn_name"] = Value::from("张三");
    let mut b = a.clone();
    b["mdtrt"]["mdtrt_id"] = Value::from("M2");
    let utf8 = format!("{a}\n{b}\n");
    let inp = tmp("gbk.jsonl");
    std::fs::write(&inp, gbk::encode(&utf8)).unwrap();
    let args = ["batch", "--policy", "examples/policies/base.json", inp.to_str().unwrap()];
    let plain = yibao(&[&args[..3], &["-"][..]].concat(), Some(&utf8));
    assert_eq!(plain.status.code(), Some(0));
    let o = yibao(&[&args[..], &["--encoding", "gbk"][..]].concat(), None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8(o.stdout.clone()).is_err(), "the output is GB18030, not UTF-8");
    assert_eq!(gbk::decode(&o.stdout).unwrap().as_bytes(), plain.stdout);
    // Read as UTF-8, each line is refused and the run goes on.
    let o = yibao(&args, None);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["error"]["code"] == "INVALID_JSON"));
    std::fs::remove_file(&inp).unwrap();
}

#[test]
fn batch_on_worker_threads_writes_what_it_writes_on_one() {
    // Members interleaved, a line that is not JSON, an empty line, a claim
    // refused, a claim with its own accumulators, and more claims than one
    // chunk of work: every thread count gives the same lines in input order.
    let mut a = case_claim("ty-inp-level3-adult");
    a.as_object_mut().unwrap().remove("ytd");
    let mut input = String::new();
    for k in 0..700 {
        match k {
            5 => input.push_str("not json"),
            9 => input.push_str("   "),
            13 => {
                let mut bad = a.clone();
                bad["mdtrt"]["med_type"] = Value::from("77");
                input.push_str(&bad.to_string());
            }
            _ => {
                a["mdtrt"]["mdtrt_id"] = Value::from(format!("M{k}"));
                a["psn"]["psn_no"] = Value::from(format!("P{}", k % 11));
                input.push_str(&a.to_string());
            }
        }
        input.push('\n');
    }
    let run = |threads: &str| {
        yibao(&["batch", "--policy", "cn-sx-taiyuan-resident-2010", "--threads", threads, "-"], Some(&input))
    };
    let one = run("0");
    assert_eq!(one.status.code(), Some(1));
    let lines: Vec<Value> =
        String::from_utf8(one.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 699, "the empty line gives nothing");
    assert_eq!(lines[5]["line"], 6);
    assert_eq!(lines[12]["line"], 14);
    assert_eq!(lines[12]["error"]["code"], "UNKNOWN_CODE");
    assert_eq!(lines[698]["ytd_after"]["admissions"], 64, "P6's 64th claim of the file");
    for threads in ["1", "2", "5"] {
        let many = run(threads);
        assert_eq!(many.status.code(), Some(1), "{threads} threads");
        assert!(many.stdout == one.stdout, "{threads} threads");
        assert!(String::from_utf8_lossy(&many.stderr).contains("699 claims, 2 failed"), "{threads} threads");
    }
    // Without `--threads`, as many workers as the cores allow.
    let default = yibao(&["batch", "--policy", "cn-sx-taiyuan-resident-2010", "-"], Some(&input));
    assert_eq!(default.status.code(), Some(1));
    assert!(default.stdout == one.stdout, "the default thread count");
}
