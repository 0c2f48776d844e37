//! Reversal (结算撤销): the amounts of a settlement negated, and the
//! accumulators given back exactly as they were before it.

use crate::error::{Error, ErrorCode, Result};
use crate::money::Decimal;
use crate::settlement::{Settlement, Status};
use crate::ytd::Ytd;

/// Reverses `s`. With `current`, the accumulators the member has now (later
/// claims may have been settled since); without, the settlement's own `ytd_after`.
pub fn reverse(s: &Settlement, current: Option<&Ytd>) -> Result<Settlement> {
    if s.status == Status::Reversed {
        return Err(Error::at(
            ErrorCode::InvalidSettlement,
            "status",
            "a reversal cannot be reversed; settle the claim again",
        ));
    }
    // A record whose sums do not add up was altered or corrupted since it
    // was settled: negating it would only carry the damage on.
    if let Some(problem) = crate::identities::check(s).into_iter().next() {
        return Err(Error::at(
            ErrorCode::InvalidSettlement,
            "setlinfo",
            format!("the settlement does not add up ({problem}); reverse the record the engine returned"),
        ));
    }
    let base = current.unwrap_or(&s.ytd_after);
    if base.year != s.ytd_delta.year {
        return Err(Error::at(
            ErrorCode::InvalidSettlement,
            "ytd",
            format!("the accumulators are of {}, the settlement of {}", base.year, s.ytd_delta.year),
        ));
    }
    let restored = base.apply(&s.ytd_delta, -1);
    let neg = |d: Decimal| if d.is_zero() { d } else { -d };
    let mut out = s.clone();
    out.status = Status::Reversed;
    let i = &mut out.setlinfo;
    for f in [
        &mut i.medfee_sumamt,
        &mut i.fulamt_ownpay_amt,
        &mut i.overlmt_selfpay,
        &mut i.preselfpay_amt,
        &mut i.inscp_scp_amt,
        &mut i.act_pay_dedc,
        &mut i.hifp_pay,
        &mut i.cvlserv_pay,
        &mut i.hifes_pay,
        &mut i.hifmi_pay,
        &mut i.hifob_pay,
        &mut i.maf_pay,
        &mut i.oth_pay,
        &mut i.fund_pay_sumamt,
        &mut i.psn_part_amt,
        &mut i.acct_pay,
        &mut i.acct_mulaid_pay,
        &mut i.psn_cash_pay,
        &mut i.hosp_part_amt,
    ] {
        *f = neg(*f);
    }
    // The member's own balance gets back what it paid; the mutual-aid part
    // came from a family member's account.
    i.balc = s.setlinfo.balc + s.setlinfo.acct_pay - s.setlinfo.acct_mulaid_pay;
    for d in &mut out.setldetail {
        d.fund_payamt = neg(d.fund_payamt);
        d.inscp_scp_amt = neg(d.inscp_scp_amt);
    }
    for l in &mut out.feedetail {
        l.det_item_fee_sumamt = neg(l.det_item_fee_sumamt);
        l.fulamt_ownpay_amt = neg(l.fulamt_ownpay_amt);
        l.overlmt_amt = neg(l.overlmt_amt);
        l.preselfpay_amt = neg(l.preselfpay_amt);
        l.inscp_scp_amt = neg(l.inscp_scp_amt);
    }
    out.ytd_after = restored;
    out.ytd_delta = Ytd::fresh(s.ytd_delta.year).apply(&s.ytd_delta, -1);
    out.trace.push(crate::settlement::TraceEntry {
        step: "reverse".into(),
        rule: "GEN-YTD".into(),
        amount: out.setlinfo.fund_pay_sumamt,
        text: "settlement reversed; accumulators restored".into(),
    });
    Ok(out)
}
