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
    if let Some(c) = current {
        super::validate::ytd(c)?;
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
    // Accumulators that hold this settlement are at least what it added:
    // taking it back cannot leave a negative count or amount.
    if let Err(e) = super::validate::ytd(&restored) {
        return Err(Error::at(
            ErrorCode::InvalidSettlement,
            e.path.as_deref().unwrap_or("ytd"),
            format!("the accumulators do not hold this settlement: taking it back leaves {}", e.message),
        ));
    }
    let neg = |d: Decimal| if d.is_zero() { d } else { -d };
    let mut out = s.clone();
    // A record kept in a database may come back as `4114.5` or `3600`:
    // exact to the fen, written shorter. Such amounts are read at two places.
    fen_places(&mut out);
    // A record whose sums do not add up was altered or corrupted since it
    // was settled: negating it would only carry the damage on.
    if let Some(problem) = crate::identities::check(&out).into_iter().next() {
        return Err(Error::at(
            ErrorCode::InvalidSettlement,
            "setlinfo",
            format!("the settlement does not add up ({problem}); reverse the record the engine returned"),
        ));
    }
    out.status = Status::Reversed;
    let i = &mut out.setlinfo;
    for f in i.claim_amounts_mut() {
        *f = neg(*f);
    }
    // The member's own balance gets back what it paid (both amounts were
    // negated above); the mutual-aid part came from a family member's account.
    i.balc = i.balc - i.acct_pay + i.acct_mulaid_pay;
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

/// Every amount of `s` that is exact to the fen, at exactly two places; an
/// amount finer than the fen is left as it is, for the identities to refuse.
fn fen_places(s: &mut Settlement) {
    let at_two = |d: &mut Decimal| {
        if d.normalize().scale() <= 2 {
            d.rescale(2);
        }
    };
    at_two(&mut s.setlinfo.balc);
    let info = s.setlinfo.claim_amounts_mut();
    let funds =
        s.setldetail.iter_mut().flat_map(|d| [&mut d.fund_payamt, &mut d.inscp_scp_amt, &mut d.crt_payb_lmt_amt]);
    let lines = s.feedetail.iter_mut().flat_map(|l| {
        [
            &mut l.det_item_fee_sumamt,
            &mut l.fulamt_ownpay_amt,
            &mut l.overlmt_amt,
            &mut l.preselfpay_amt,
            &mut l.inscp_scp_amt,
        ]
    });
    info.into_iter().chain(funds).chain(lines).for_each(at_two);
}
