//! Property tests on random claims: identities to the fen, caps respected,
//! monotone member share, exact reversal, determinism, and no panics.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::path::Path;
use yibao_core::{identities, parse_claim, parse_settlement, Engine, Settlement};

mod common;
use common::{claim, dated, line, sound};

fn engines() -> Vec<Engine> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let mut v = vec![Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap()];
    for f in [
        "taiyuan-chronic-deductible",
        "taiyuan-employee-ratios",
        "layers",
        "layers-before",
        "item-caps",
        "deductible-pct-of-cost",
        "deductible-shared-year",
        "referral-top-up",
        "segmented-ratio",
        "segmented-in-scope",
        "identity-layers",
        "layers-preselfpay",
        "outpatient-pooling",
        "tiemenguan-special-cap",
        "line-adjust",
        "line-adjust-pro-rata",
        "line-adjust-segmented",
        "day-surgery",
        "readmission",
        "layers-assistance-per-stay",
        "layers-civil-servant",
        "layers-civil-servant-deductible",
        "region-template",
        "fixed-standard",
        "hospital-relief",
        "layers-enrolment-incentive",
        "per-bed-day",
        "price-bands",
        "quarterly-cap",
        "remote-preselfpay",
        "family-mutual-aid",
        "layers-cap-raises",
        "waiting-period",
        "item-cap-per-day",
        "readmission-category",
        "benefit-year",
        "adjust-bounds",
        "deductible-order-by-level",
        "layers-above-cap-segmented",
        "line-ratio-set",
        "two-diseases-cap",
        "account-credit-first",
        "monthly-cap-accrues",
        "stay-days",
        "deductible-per-disease",
        "advice-remote-filing",
        "disease-range",
        "retiree-share",
        "chronic-limits-by-disease",
        "single-payment-drugs",
        "line-adjust-bound",
        "advice-self-pay-consent",
        "inpatient-ceiling-large-amount",
        "civil-servant-outpatient",
    ] {
        v.push(Engine::from_file(&root.join(format!("examples/policies/{f}.json"))).unwrap());
    }
    v
}

/// Every engine of the property tests settles most random claims: a policy
/// that refused them all would leave the properties untested for it.
#[test]
fn every_engine_settles_random_claims() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let claims: Vec<Value> = (0..50).map(|_| claim().new_tree(&mut runner).unwrap().current()).collect();
    for e in engines() {
        let settled = claims.iter().filter(|c| e.settle_json(&dated(c, &e).to_string()).is_ok()).count();
        assert!(settled >= 40, "{} settled only {settled} of 50 random claims", e.policy().id);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn identities_caps_reversal_determinism(c in claim()) {
        for e in engines() {
            let text = dated(&c, &e).to_string();
            if sound(&e, &text)?.is_some() {
                // What settles follows the claim schema.
                prop_assert!(CLAIM_SCHEMA.is_valid(&dated(&c, &e)), "{}: refused by the claim schema\n{}", e.policy().id, text);
            }
        }
    }

    #[test]
    fn a_fixed_standard_caps_what_the_member_and_funds_share(c in claim(), k35 in any::<bool>()) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let e = Engine::from_file(&root.join("examples/policies/fixed-standard.json")).unwrap();
        let mut c = c;
        c["mdtrt"]["med_type"] = json!("21");
        c["mdtrt"]["psn_setlway"] = json!("0201");
        c["mdtrt"]["disease"] = json!(if k35 { "K35" } else { "O82" });
        let standard = rust_decimal::Decimal::from(if k35 { 6000 } else { 5000 });
        let Ok(out) = e.settle_json(&c.to_string()) else { return Ok(()) };
        let s = parse_settlement(&out).unwrap();
        let i = &s.setlinfo;
        prop_assert!(identities::check(&s).is_empty(), "{:?}", identities::check(&s));
        // The hospital bears exactly the cost above the standard; the funds and
        // the member share no more than the standard.
        prop_assert_eq!(i.hosp_part_amt, (i.medfee_sumamt - standard).max(rust_decimal::Decimal::ZERO).round_dp(2));
        prop_assert!(i.fund_pay_sumamt + i.psn_part_amt <= standard.max(i.medfee_sumamt.min(standard)));
        prop_assert!(i.hifp_pay <= (i.inscp_scp_amt.min(standard) - i.act_pay_dedc).max(rust_decimal::Decimal::ZERO));
    }

    #[test]
    fn adding_a_line_never_lowers_the_member_share(c in claim(), extra in line(99)) {
        for e in engines() {
            let c = dated(&c, &e);
            let Ok(a) = e.settle_json(&c.to_string()) else { continue };
            let mut c2 = c.clone();
            c2["feedetail"].as_array_mut().unwrap().push(extra.clone());
            let Ok(b) = e.settle_json(&c2.to_string()) else { continue };
            let (a, b) = (parse_settlement(&a).unwrap(), parse_settlement(&b).unwrap());
            let (a, b) = (&a.setlinfo, &b.setlinfo);
            // Above a fixed standard the hospital bears the added cost and
            // the funds may pay more of the standard: what the member and the
            // hospital bear together never lowers, and the member's share
            // alone never lowers where no standard cuts the bill.
            prop_assert!(b.psn_part_amt + b.hosp_part_amt >= a.psn_part_amt + a.hosp_part_amt,
                "{}: {} + {} -> {} + {}", e.policy().id, a.psn_part_amt, a.hosp_part_amt, b.psn_part_amt, b.hosp_part_amt);
            if e.policy().id != "example-fixed-standard" {
                prop_assert!(b.psn_part_amt >= a.psn_part_amt,
                    "{}: {} -> {}", e.policy().id, a.psn_part_amt, b.psn_part_amt);
            }
        }
    }

    /// A refund line (退费) taking back `back` of a line's items settles as
    /// the line with those items left out would: the same money, lines,
    /// accumulators and trace, wherever the refund line stands.
    #[test]
    fn a_refund_line_settles_as_the_line_it_leaves(c in claim(), k in 0usize..12, back in 1i64..15, at in 0usize..13) {
        let lines = c["feedetail"].as_array().unwrap().clone();
        let k = k % lines.len();
        let cnt: i64 = lines[k]["cnt"].as_str().unwrap().parse().unwrap();
        let back = 1 + (back - 1) % cnt;
        let fen: i64 = lines[k]["pric"].as_str().unwrap().replace('.', "").parse().unwrap();
        let yuan = |f: i64| format!("{}{}.{:02}", if f < 0 { "-" } else { "" }, f.abs() / 100, f.abs() % 100);
        let mut refund = lines[k].clone();
        refund["feedetl_sn"] = json!("R");
        refund["init_feedetl_sn"] = lines[k]["feedetl_sn"].clone();
        refund["cnt"] = json!((-back).to_string());
        refund["det_item_fee_sumamt"] = json!(yuan(-fen * back));
        let mut with_refund = c.clone();
        with_refund["feedetail"].as_array_mut().unwrap().insert(at % (lines.len() + 1), refund);
        let mut netted = c.clone();
        netted["feedetail"][k]["cnt"] = json!((cnt - back).to_string());
        netted["feedetail"][k]["det_item_fee_sumamt"] = json!(yuan(fen * (cnt - back)));
        for e in engines() {
            let Some((mut a, b)) = settle_both(&e, &with_refund, &netted)? else { continue };
            prop_assert_ne!(&a.stamp.input_hash, &b.stamp.input_hash);
            a.stamp = b.stamp.clone();
            prop_assert_eq!(a, b, "{}", e.policy().id);
        }
    }

    /// The order of the fee lines (or of the member's certified diseases) is
    /// no part of the claim's meaning: the lines in another order settle to
    /// the same money, funds, accumulators and trace, and each line to the
    /// same parts.
    #[test]
    fn the_order_of_the_lines_does_not_change_the_settlement(c in claim(), keys in prop::collection::vec(any::<u32>(), 12)) {
        let mut shuffled = c.clone();
        let lines = shuffled["feedetail"].as_array_mut().unwrap();
        let mut keyed: Vec<(u32, Value)> = lines.drain(..).enumerate().map(|(i, l)| (keys[i], l)).collect();
        keyed.sort_by_key(|(k, _)| *k);
        lines.extend(keyed.into_iter().map(|(_, l)| l));
        // Nor is the order of the member's certified diseases.
        if keys[0] % 2 == 1 {
            shuffled["psn"]["chronic_certs"].as_array_mut().unwrap().reverse();
        }
        for e in engines() {
            let Some((a, b)) = settle_both(&e, &c, &shuffled)? else { continue };
            let id = &e.policy().id;
            prop_assert_eq!(a.status, b.status, "{}", id);
            prop_assert_eq!(&a.setlinfo, &b.setlinfo, "{}", id);
            prop_assert_eq!(&a.setldetail, &b.setldetail, "{}", id);
            prop_assert_eq!(&a.ytd_after, &b.ytd_after, "{}", id);
            prop_assert_eq!(&a.denial, &b.denial, "{}", id);
            prop_assert_eq!(&a.notices, &b.notices, "{}", id);
            prop_assert_eq!(&a.trace, &b.trace, "{}", id);
            // Each line settles alike wherever it stands.
            let by_sn = |s: &Settlement| {
                let mut v = s.feedetail.clone();
                v.sort_by(|x, y| x.feedetl_sn.cmp(&y.feedetl_sn));
                v
            };
            prop_assert_eq!(by_sn(&a), by_sn(&b), "{}", id);
        }
    }

    /// A line of several items split into two lines of the same item (the
    /// same price, the counts summing to the first) settles to the same
    /// money, but for the rounding to the fen of each line's parts: a limit
    /// of the claim or of the day counts the two lines once, as it counted
    /// the one.
    #[test]
    fn a_line_split_in_two_settles_as_the_line(c in claim(), k in 0usize..12, cut in 1i64..15) {
        let mut c = c;
        let k = k % c["feedetail"].as_array().unwrap().len();
        let fen: i64 = c["feedetail"][k]["pric"].as_str().unwrap().replace('.', "").parse().unwrap();
        let yuan = |f: i64| format!("{}.{:02}", f / 100, f % 100);
        // A line of one item is made a line of two.
        let mut cnt: i64 = c["feedetail"][k]["cnt"].as_str().unwrap().parse().unwrap();
        if cnt == 1 {
            cnt = 2;
            c["feedetail"][k]["cnt"] = json!("2");
            c["feedetail"][k]["det_item_fee_sumamt"] = json!(yuan(fen * 2));
        }
        let lines = c["feedetail"].as_array().unwrap().clone();
        let cut = 1 + (cut - 1) % (cnt - 1);
        let mut split = c.clone();
        let mut second = lines[k].clone();
        second["feedetl_sn"] = json!("S");
        second["cnt"] = json!((cnt - cut).to_string());
        second["det_item_fee_sumamt"] = json!(yuan(fen * (cnt - cut)));
        split["feedetail"][k]["cnt"] = json!(cut.to_string());
        split["feedetail"][k]["det_item_fee_sumamt"] = json!(yuan(fen * cut));
        split["feedetail"].as_array_mut().unwrap().push(second);
        for e in engines() {
            // A limit of each line (a surgery fee counted up to 1 000 a
            // line) is a line's own: two lines count twice.
            if e.policy().id == "example-item-caps" && lines[k]["med_chrgitm_type"] == "06" {
                continue;
            }
            let Some((a, b)) = settle_both(&e, &c, &split)? else { continue };
            let (a, b, id) = (&a.setlinfo, &b.setlinfo, &e.policy().id);
            prop_assert_eq!(a.medfee_sumamt, b.medfee_sumamt, "{}", id);
            prop_assert_eq!(a.fulamt_ownpay_amt, b.fulamt_ownpay_amt, "{}", id);
            prop_assert_eq!(a.overlmt_selfpay, b.overlmt_selfpay, "{}", id);
            // Each line's pre-self-pay is rounded to the fen, and a limit
            // shared by the lines is cut from each to the fen: a fen a line
            // may move between pre-self-pay, the lines' shares and the
            // funds' ratios.
            let slack = Decimal::new(lines.len() as i64 + 1, 2);
            prop_assert!((a.preselfpay_amt - b.preselfpay_amt).abs() <= slack, "{}: {} {}", id, a.preselfpay_amt, b.preselfpay_amt);
            let slack = slack * Decimal::from(3);
            prop_assert!((a.fund_pay_sumamt - b.fund_pay_sumamt).abs() <= slack, "{}: fund {} -> {}", id, a.fund_pay_sumamt, b.fund_pay_sumamt);
            prop_assert!((a.hosp_part_amt - b.hosp_part_amt).abs() <= slack, "{}: hospital {} -> {}", id, a.hosp_part_amt, b.hosp_part_amt);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let e = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(e.settle_json(&text).is_err());
        let _ = Engine::from_json(&text);
    }

    #[test]
    fn mutated_claims_never_panic(c in claim(), path in 0usize..40, v in prop_oneof![
        Just(json!(null)), Just(json!(-1)), Just(json!("")), Just(json!("abc")), Just(json!(1e30)),
        Just(json!("99999999999999999999999")), Just(json!([])), Just(json!({})), Just(json!(0.001)), Just(json!(true))]) {
        let e = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let mut c = c;
        let mut leaves = Vec::new();
        collect(&c, String::new(), &mut leaves);
        let target = &leaves[path % leaves.len()];
        *c.pointer_mut(target).unwrap() = v;
        if let Ok(out) = e.settle_json(&c.to_string()) {
            let s = parse_settlement(&out).unwrap();
            prop_assert!(identities::check(&s).is_empty());
            // The claim schema is never stricter than the engine: what
            // settles follows it.
            let errors: Vec<String> = CLAIM_SCHEMA.iter_errors(&c).map(|e| format!("{e} at {}", e.instance_path())).collect();
            prop_assert!(errors.is_empty(), "{} = {}: {:?}", target, c.pointer(target).unwrap(), errors);
        }
    }
}

/// The claim schema's validator, built once.
static CLAIM_SCHEMA: std::sync::LazyLock<jsonschema::Validator> = std::sync::LazyLock::new(|| {
    jsonschema::validator_for(&yibao_core::json_schema::claim_schema()).expect("a valid JSON Schema")
});

/// Settles two claims that should settle alike under `e`: both settle
/// (the pair is given) or both are refused with the same code (`None`).
fn settle_both(e: &Engine, x: &Value, y: &Value) -> Result<Option<(Settlement, Settlement)>, TestCaseError> {
    let id = &e.policy().id;
    match (e.settle_json(&dated(x, e).to_string()), e.settle_json(&dated(y, e).to_string())) {
        (Ok(a), Ok(b)) => Ok(Some((parse_settlement(&a).unwrap(), parse_settlement(&b).unwrap()))),
        (Err(a), Err(b)) => {
            prop_assert_eq!(a.code, b.code, "{}", id);
            Ok(None)
        }
        (a, b) => Err(TestCaseError::fail(format!("{id}: the first {:?}, the second {:?}", a.err(), b.err()))),
    }
}

fn collect(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| collect(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| collect(x, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 30, .. ProptestConfig::default() })]

    /// Cancelling a replayed stream's settlements, last first, gives each
    /// member back, step by step, the accumulators and the balance they had
    /// before each; and workers given the cancellations in the stream give
    /// what one loop gives.
    #[test]
    fn reversals_in_a_stream_give_back_each_step(claims in prop::collection::vec(claim(), 1..30), members in 1usize..4) {
        use yibao_core::batch::{settle_many, Carry, Entry};
        use yibao_core::Ytd;
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        // The Taiyuan pack, and a policy whose own account and a family
        // member's (mutual aid) pay the member's part.
        let aid = Engine::from_file(&root.join("examples/policies/family-mutual-aid.json")).unwrap();
        for e in [Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap(), aid] {
            let mut carry = Carry::default();
            // Per member: each settlement with the accumulators and balance it started from.
            let mut held: Vec<Vec<(Settlement, Option<Ytd>, Decimal)>> = vec![Vec::new(); members];
            let mut entries = Vec::new();
            for (i, c) in claims.iter().enumerate() {
                let mut c = dated(c, &e);
                c["psn"]["psn_no"] = json!(format!("P{}", i % members));
                c["psn"]["acct_used_flag"] = json!("1");
                c["mdtrt"]["mdtrt_id"] = json!(format!("M{i}"));
                // Each carries from the last, but for a member's first balance: a
                // claim that gives one is the account as the hospital saw it then.
                c.as_object_mut().unwrap().remove("ytd");
                if i >= members {
                    c["psn"].as_object_mut().unwrap().remove("balc");
                }
                let Ok(claim) = parse_claim(&c.to_string()) else { continue };
                let mine = &mut held[i % members];
                let (ytd, balc) = match mine.last() {
                    Some((s, _, _)) => (Some(s.ytd_after.clone()), claim.psn.balc.unwrap_or(s.setlinfo.balc)),
                    None => (None, claim.psn.balc.unwrap_or_default()),
                };
                entries.push(Ok(Entry::Claim(claim.clone())));
                if let Ok(s) = carry.settle(&e, claim) {
                    mine.push((s, ytd, balc.round_dp(2)));
                }
            }
            // Members in turn, each one's last settlement first.
            let mut turn = 0;
            while held.iter().any(|m| !m.is_empty()) {
                let Some((s, ytd, balc)) = held[turn % members].pop() else { turn += 1; continue };
                let r = carry.reverse(&e, &s).map_err(|x| TestCaseError::fail(format!("{x:?}")))?;
                // A member's first claim started the year afresh.
                let ytd = ytd.unwrap_or_else(|| Ytd::fresh(s.ytd_after.year));
                prop_assert_eq!(r.ytd_after.normalized(), ytd.normalized(), "{}", s.mdtrt_id);
                prop_assert_eq!(r.setlinfo.balc, balc, "{}", s.mdtrt_id);
                entries.push(Ok(Entry::Reverse(Box::new(s))));
                turn += 1;
            }
            let mut carry = Carry::default();
            let looped: Vec<_> = entries.iter().cloned().map(|x| x.and_then(|x| carry.take(&e, x))).collect();
            for threads in [0, 2] {
                prop_assert_eq!(&settle_many(&e, entries.clone(), threads), &looped);
            }
        }
    }

    /// Spreading members over threads gives exactly what one loop gives.
    #[test]
    fn settle_many_equals_a_loop(claims in prop::collection::vec(claim(), 1..40), members in 1usize..6) {
        let e = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let parsed: Vec<_> = claims.iter().enumerate().map(|(i, c)| {
            let mut c = c.clone();
            c["psn"]["psn_no"] = json!(format!("P{}", i % members));
            if i % 3 != 0 { c.as_object_mut().unwrap().remove("ytd"); }
            parse_claim(&c.to_string())
        }).collect();
        let mut carry = yibao_core::batch::Carry::default();
        let looped: Vec<_> = parsed.iter().cloned().map(|c| c.and_then(|c| carry.settle(&e, c))).collect();
        // 0: no worker thread, every chunk settled on the caller's thread.
        for threads in [0, 1, 2, 3] {
            let many = yibao_core::batch::settle_many(&e, parsed.clone(), threads);
            prop_assert_eq!(&many, &looped);
            // Chunked, with carries kept across chunks and results taken as they come.
            let mut p = yibao_core::batch::Pool::new(&e, threads);
            prop_assert_eq!(p.workers(), threads);
            let mut chunked = Vec::new();
            for chunk in parsed.chunks(7) {
                p.submit(chunk.to_vec());
                chunked.extend(p.ready(false));
            }
            while p.outstanding() > 0 {
                chunked.extend(p.ready(true));
            }
            prop_assert_eq!(p.ready(true).len(), 0);
            let chunked: Vec<_> = chunked.into_iter().map(|r| r.map(|s| (*s).clone())).collect();
            prop_assert_eq!(&chunked, &looped);
        }
    }
}
