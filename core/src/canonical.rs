//! The canonical encoding of a claim that its input hash is taken over
//! (`yibao-claim-v1`): every field in a fixed order, strings length-prefixed,
//! decimals as their exact value normalised (trailing zeros dropped), absent
//! values marked. Two claims with the same meaning hash the same however their
//! JSON was spelled (spacing, key order, "12.5" or "12.50").

use crate::claim::{Claim, FeeLine};
use crate::money::Decimal;
use crate::ytd::Ytd;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Bytes are gathered in one buffer and hashed once (many tiny hasher
/// updates cost more than the hashing itself).
struct W(Vec<u8>);

impl W {
    fn update(&mut self, b: impl AsRef<[u8]>) {
        self.0.extend_from_slice(b.as_ref());
    }
    fn s(&mut self, s: &str) {
        self.update((s.len() as u32).to_le_bytes());
        self.update(s.as_bytes());
    }
    fn os(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.update([1]);
                self.s(s);
            }
            None => self.update([0]),
        }
    }
    fn d(&mut self, d: Decimal) {
        let n = d.normalize();
        self.update(n.mantissa().to_le_bytes());
        self.update(n.scale().to_le_bytes());
    }
    fn od(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => {
                self.update([1]);
                self.d(d);
            }
            None => self.update([0]),
        }
    }
    fn date(&mut self, d: Option<crate::date::Date>) {
        let v = d.map_or(i64::MIN, |d| d.ordinal());
        self.update(v.to_le_bytes());
    }
    fn b(&mut self, b: bool) {
        self.update([u8::from(b)]);
    }
    fn map(&mut self, m: &BTreeMap<String, Decimal>) {
        self.update((m.len() as u32).to_le_bytes());
        for (k, v) in m {
            self.s(k);
            self.d(*v);
        }
    }
    fn ytd(&mut self, y: &Ytd) {
        self.update(y.year.to_le_bytes());
        self.d(y.dedc_paid);
        self.map(&y.dedc_paid_by);
        self.update(y.admissions.to_le_bytes());
        self.d(y.cost_sum);
        self.map(&y.fund_paid);
        self.map(&y.benefit_paid);
        self.map(&y.eligible_sum);
        self.map(&y.quota_used);
    }
    fn line(&mut self, l: &FeeLine) {
        self.s(&l.feedetl_sn);
        self.s(&l.med_list_codg);
        self.s(&l.med_chrgitm_type);
        self.s(&l.chrgitm_lv);
        self.d(l.pric);
        self.d(l.cnt);
        self.d(l.det_item_fee_sumamt);
        self.od(l.selfpay_prop);
        self.od(l.pric_uplmt_amt);
        self.os(l.excl.as_deref());
        self.os(l.item_class.as_deref());
        self.os(l.lmt_used_flag.as_deref());
        self.os(l.hosp_appr_flag.as_deref());
        self.b(l.dual_channel);
    }
}

/// `sha256:` of the canonical encoding of a claim.
pub fn claim_hash(c: &Claim) -> String {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|b| {
        let mut buf = std::mem::take(&mut *b.borrow_mut());
        buf.clear();
        let mut w = W(buf);
        encode(c, &mut w);
        let digest = Sha256::digest(&w.0);
        *b.borrow_mut() = w.0;
        format!("sha256:{}", crate::policy::load::hex(&digest))
    })
}

fn encode(c: &Claim, w: &mut W) {
    w.s("yibao-claim-v1");
    w.os(c.policy.as_deref());
    let p = &c.psn;
    w.s(&p.psn_no);
    w.s(&p.insutype);
    w.s(&p.psn_type);
    w.date(p.brdy);
    w.date(p.insu_begn_date);
    w.d(p.balc);
    w.s(&p.acct_used_flag);
    w.s(&p.cvlserv_flag);
    w.os(p.primary_fixmedins_code.as_deref());
    w.update((p.filings.len() as u32).to_le_bytes());
    for f in &p.filings {
        w.s(&f.kind);
        w.date(Some(f.begndate));
        w.date(f.enddate);
        w.s(&f.area_admdvs);
        w.s(&f.status);
    }
    w.update((p.chronic_certs.len() as u32).to_le_bytes());
    for cc in &p.chronic_certs {
        w.s(&cc.disease);
        w.date(Some(cc.begndate));
        w.date(cc.enddate);
    }
    w.map(&p.quota_balc);
    w.date(p.death_date);
    match &c.ytd {
        Some(y) => {
            w.b(true);
            w.ytd(y);
        }
        None => w.b(false),
    }
    let v = &c.mdtrt;
    w.s(&v.mdtrt_id);
    w.s(&v.med_type);
    w.date(Some(v.begndate));
    w.date(Some(v.enddate));
    w.s(&v.fixmedins_code);
    w.s(&v.hosp_lv);
    w.b(v.designated);
    w.s(&v.insuplc_admdvs);
    w.s(&v.mdtrtarea_admvs);
    w.s(&v.adm_route);
    w.os(v.cause.as_deref());
    w.os(v.disease.as_deref());
    w.b(v.referral_leg);
    w.b(v.sudden);
    w.b(v.networked);
    w.update((c.feedetail.len() as u32).to_le_bytes());
    for l in &c.feedetail {
        w.line(l);
    }
}
