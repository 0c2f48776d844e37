//! Refund lines (退费): a HIS that uploads a stay's fee lines as they occur
//! (the platform's 2301) takes an item back with a line of negative count
//! that names the line it takes back (`init_feedetl_sn`). Before anything is
//! computed, each refund line is netted into that line, which then carries
//! what was kept; the refund lines themselves get no split of their own.
//! Validation has checked that each refund names a line of the claim at the
//! same price and takes back no more than it carried.

use crate::claim::{code_eq, Claim};

/// Whether the claim has a refund line.
pub fn any(claim: &Claim) -> bool {
    claim.feedetail.iter().any(|l| l.init_feedetl_sn.is_some())
}

/// The claim with each refund line netted into the line it takes back.
pub fn net(claim: &Claim) -> Claim {
    let mut out = claim.clone();
    for refund in claim.feedetail.iter() {
        let Some(sn) = &refund.init_feedetl_sn else { continue };
        let taken = out.feedetail.iter_mut().find(|l| l.init_feedetl_sn.is_none() && code_eq(&l.feedetl_sn, sn));
        if let Some(line) = taken {
            line.cnt += refund.cnt;
            line.det_item_fee_sumamt += refund.det_item_fee_sumamt;
        }
    }
    out.feedetail.retain(|l| l.init_feedetl_sn.is_none());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refunds_are_netted_into_the_lines_they_take_back() {
        let mut c = crate::parse_claim(&crate::demo::sample_claim(3)).unwrap();
        assert!(!any(&c));
        let mut r = c.feedetail[1].clone();
        r.feedetl_sn = "R1".into();
        r.init_feedetl_sn = Some(c.feedetail[1].feedetl_sn.clone());
        r.cnt = -r.cnt / crate::money::Decimal::TWO;
        r.det_item_fee_sumamt = -r.det_item_fee_sumamt / crate::money::Decimal::TWO;
        let (cnt, sum) = (c.feedetail[1].cnt, c.feedetail[1].det_item_fee_sumamt);
        c.feedetail.push(r.clone());
        c.feedetail.push(r);
        assert!(any(&c));
        let n = net(&c);
        assert_eq!(n.feedetail.len(), 3);
        assert_eq!(n.feedetail[1].cnt, cnt - cnt);
        assert_eq!(n.feedetail[1].det_item_fee_sumamt, sum - sum);
        assert_eq!(n.feedetail[0], c.feedetail[0]);
        assert_eq!(n.feedetail[2], c.feedetail[2]);
    }
}
