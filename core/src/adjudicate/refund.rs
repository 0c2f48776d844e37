//! Refund lines (退费): a HIS that uploads a stay's fee lines as they occur
//! (the platform's 2301) takes an item back with a line of negative count
//! that names the line it takes back (`init_feedetl_sn`). Before anything is
//! computed, each refund line is netted into that line, which then carries
//! what was kept; the refund lines themselves get no split of their own.
//! Validation has checked that each refund names a line of the claim at the
//! same price and takes back no more than it carried.

use crate::claim::Claim;
use std::collections::HashMap;

/// Whether the claim has a refund line.
pub fn any(claim: &Claim) -> bool {
    claim.feedetail.iter().any(|l| l.init_feedetl_sn.is_some())
}

/// Each refund line's index with the index of the line it names (`None`
/// when no other line has that serial number), in line order. Serial
/// numbers are unique in a valid claim; one lookup table serves all refunds.
pub fn targets(claim: &Claim) -> Vec<(usize, Option<usize>)> {
    let lines = &claim.feedetail;
    let by_sn: HashMap<&str, usize> = lines.iter().enumerate().map(|(j, l)| (l.feedetl_sn.as_str(), j)).collect();
    let named = lines.iter().enumerate().filter_map(|(i, l)| Some((i, l.init_feedetl_sn.as_deref()?)));
    named.map(|(i, sn)| (i, by_sn.get(sn).copied().filter(|&j| j != i))).collect()
}

/// The claim with each refund line netted into the line it takes back.
pub fn net(claim: &Claim) -> Claim {
    let mut out = claim.clone();
    for (i, j) in targets(claim) {
        if let Some(j) = j {
            let refund = &claim.feedetail[i];
            out.feedetail[j].cnt += refund.cnt;
            out.feedetail[j].det_item_fee_sumamt += refund.det_item_fee_sumamt;
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
        r.feedetl_sn = "R2".into();
        c.feedetail.push(r);
        assert!(any(&c));
        assert_eq!(targets(&c), vec![(3, Some(1)), (4, Some(1))]);
        let n = net(&c);
        assert_eq!(n.feedetail.len(), 3);
        assert_eq!(n.feedetail[1].cnt, cnt - cnt);
        assert_eq!(n.feedetail[1].det_item_fee_sumamt, sum - sum);
        assert_eq!(n.feedetail[0], c.feedetail[0]);
        assert_eq!(n.feedetail[2], c.feedetail[2]);
        // A refund naming itself or no line names nothing.
        c.feedetail[3].init_feedetl_sn = Some("R1".into());
        c.feedetail[4].init_feedetl_sn = Some("nine".into());
        assert_eq!(targets(&c), vec![(3, None), (4, None)]);
    }
}
