//! Reversal (结算撤销): the amounts of a settlement negated, and the
//! accumulators given back exactly as they were before it.

use crate::error::{Error, ErrorCode, Result};
use crate::money::Decimal;
use crate::settlement::{Settlement, Status};
use crate::ytd::Ytd;

/// Reverses `s`. With `current`, the accumulators the member has now (later
/// claims may have been settled since); without, the settlement's own
/// `ytd_after`. With `balc`, the personal-account balance the member has
/// now, which gets back what their own account paid (the reversal's
/// `balc`); without, the balance the settlement left gets it.
pub fn reverse(s: &Settlement, current: Option<&Ytd>, balc: Option<Decimal>) -> Result<Settlement> {
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
    if let Some(b) = balc {
        super::validate::balance(b, "balc")?;
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
    // The member's own balance gets back what it paid; the mutual-aid part
    // came from a family member's account.
    let refund = i.acct_pay - i.acct_mulaid_pay;
    let mut now = balc.unwrap_or(i.balc);
    now.rescale(2);
    i.balc = now + refund;
    for f in i.claim_amounts_mut() {
        *f = neg(*f);
    }
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

#[cfg(test)]
mod tests {
    use super::reverse;
    use crate::error::ErrorCode;
    use crate::money::Decimal;
    use crate::{Engine, Settlement};
    use std::str::FromStr;

    /// The example whose account pays the in-scope share: its case's stay
    /// has the account pay 3 700.00 of a 5 000.00 balance.
    fn account_stay() -> (Engine, Settlement) {
        let (e, claim) = crate::batch::tests::account_case();
        let s = e.settle(&claim).unwrap();
        assert_eq!((s.setlinfo.acct_pay, s.setlinfo.balc), (Decimal::from(3700), Decimal::from(1300)));
        (e, s)
    }

    #[test]
    fn the_balance_the_member_has_now_gets_back_what_their_account_paid() {
        let (e, s) = account_stay();
        // Without the balance of now, the one the settlement left gets it.
        assert_eq!(reverse(&s, None, None).unwrap().setlinfo.balc.to_string(), "5000.00");
        // Later claims spent the account down to 250.5: it gets the 3 700.00, at the fen.
        let r = reverse(&s, None, Some(Decimal::from_str("250.5").unwrap())).unwrap();
        assert_eq!(r.setlinfo.balc.to_string(), "3950.50");
        let r = reverse(&s, None, Some(Decimal::from_str("250.57").unwrap())).unwrap();
        assert_eq!(r.setlinfo.balc.to_string(), "3950.57");
        assert_eq!(r.setlinfo.acct_pay.to_string(), "-3700.00");
        // Through the JSON call every binding makes.
        let text = crate::settlement_json::to_string(&s);
        let out = e.call("reverse", &format!("{{\"settlement\":{text},\"balc\":\"250.50\"}}")).unwrap();
        assert!(out.contains("\"balc\":\"3950.50\""), "{out}");
        // A balance below zero, above the limit or finer than the fen is refused at `balc`.
        for bad in ["-0.01", "100000000.01", "0.001"] {
            let err = reverse(&s, None, Some(Decimal::from_str(bad).unwrap())).unwrap_err();
            assert_eq!((err.code, err.path.as_deref()), (ErrorCode::InvalidClaim, Some("balc")), "{bad}");
        }
        let err = e.call("reverse", &format!("{{\"settlement\":{text},\"balc\":\"x\"}}")).unwrap_err();
        assert_eq!(err.path.as_deref(), Some("balc"));
    }
}
