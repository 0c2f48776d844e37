//! The reconciliation identities of `contract.md`, checked on a settlement.
//! Used by the tests and available to callers who want to verify a result.
//! The member's share is the total less the funds and what the hospital
//! bears (`hosp_part_amt`, zero unless the policy has a fixed standard or a
//! hospital relief layer), which is the contract's form whenever it is zero.

use crate::money::Decimal;
use crate::settlement::Settlement;

/// Every identity that fails, as readable strings (empty when all hold).
pub fn check(s: &Settlement) -> Vec<String> {
    let mut bad = Vec::new();
    let i = &s.setlinfo;
    let mut sums = [Decimal::ZERO; 4];
    for l in &s.feedetail {
        let parts = l.fulamt_ownpay_amt + l.overlmt_amt + l.preselfpay_amt + l.inscp_scp_amt;
        if parts != l.det_item_fee_sumamt {
            bad.push(format!("line {}: {} ≠ {}", l.feedetl_sn, l.det_item_fee_sumamt, parts));
        }
        sums[0] += l.fulamt_ownpay_amt;
        sums[1] += l.overlmt_amt;
        sums[2] += l.preselfpay_amt;
        sums[3] += l.inscp_scp_amt;
    }
    let pairs = [
        ("fulamt_ownpay_amt", i.fulamt_ownpay_amt, sums[0]),
        ("overlmt_selfpay", i.overlmt_selfpay, sums[1]),
        ("preselfpay_amt", i.preselfpay_amt, sums[2]),
        ("inscp_scp_amt", i.inscp_scp_amt, sums[3]),
        (
            "medfee_sumamt",
            i.medfee_sumamt,
            i.fulamt_ownpay_amt + i.overlmt_selfpay + i.preselfpay_amt + i.inscp_scp_amt,
        ),
        (
            "fund_pay_sumamt",
            i.fund_pay_sumamt,
            i.hifp_pay + i.cvlserv_pay + i.hifes_pay + i.hifmi_pay + i.hifob_pay + i.maf_pay + i.oth_pay,
        ),
        (
            "psn_part_amt (medfee − fund − hospital)",
            i.psn_part_amt,
            i.medfee_sumamt - i.fund_pay_sumamt - i.hosp_part_amt,
        ),
        ("psn_part_amt (acct + cash)", i.psn_part_amt, i.acct_pay + i.psn_cash_pay),
        ("Σ setldetail", i.fund_pay_sumamt, s.setldetail.iter().map(|d| d.fund_payamt).sum()),
    ];
    for (name, got, want) in pairs {
        if got != want {
            bad.push(format!("{name}: {got} ≠ {want}"));
        }
    }
    for d in &s.setldetail {
        if d.fund_payamt > d.crt_payb_lmt_amt {
            bad.push(format!("fund {} pays {} above its limit {}", d.fund_pay_type, d.fund_payamt, d.crt_payb_lmt_amt));
        }
    }
    let all = [
        i.medfee_sumamt,
        i.fulamt_ownpay_amt,
        i.overlmt_selfpay,
        i.preselfpay_amt,
        i.inscp_scp_amt,
        i.act_pay_dedc,
        i.hifp_pay,
        i.cvlserv_pay,
        i.hifes_pay,
        i.hifmi_pay,
        i.hifob_pay,
        i.maf_pay,
        i.oth_pay,
        i.fund_pay_sumamt,
        i.psn_part_amt,
        i.acct_pay,
        i.acct_mulaid_pay,
        i.psn_cash_pay,
        i.hosp_part_amt,
        i.balc,
    ];
    if s.status != crate::settlement::Status::Reversed {
        if all.iter().any(|a| a.is_sign_negative() && !a.is_zero()) {
            bad.push("a negative amount".into());
        }
        if i.acct_mulaid_pay > i.acct_pay {
            bad.push("the mutual-aid part above the account payment".into());
        }
        if i.act_pay_dedc > i.inscp_scp_amt {
            bad.push("deductible above the in-scope amount".into());
        }
        if i.fund_pay_sumamt + i.hosp_part_amt > i.medfee_sumamt {
            bad.push("funds and hospital bear more than the total charges".into());
        }
        if i.hifp_pay > i.inscp_scp_amt - i.act_pay_dedc {
            bad.push("the basic fund pays more than the in-scope amount above the deductible".into());
        }
    }
    let lines = s
        .feedetail
        .iter()
        .flat_map(|l| [l.det_item_fee_sumamt, l.fulamt_ownpay_amt, l.overlmt_amt, l.preselfpay_amt, l.inscp_scp_amt]);
    let funds = s.setldetail.iter().map(|d| d.fund_payamt);
    if all.into_iter().chain(lines).chain(funds).any(|a| a.scale() != 2) {
        bad.push("an amount not to the fen".into());
    }
    bad
}
