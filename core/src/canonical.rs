//! The canonical encoding of a claim that its input hash is taken over
//! (`yibao-claim-v2`): every field in a fixed order, lengths and counts as
//! LEB128 varints, strings length-prefixed, decimals as their exact value
//! (in units of 10⁻⁸ when that is exact, else normalised mantissa and scale),
//! absent values marked; fields added since (the member's identities) follow
//! the fee lines, only when present. Two claims with the same meaning hash the same however their
//! JSON was spelled (spacing, key order, "12.5" or "12.50").

use crate::amounts::Amounts;
use crate::claim::{Claim, FeeLine};
use crate::money::{Decimal, POW10};
use crate::ytd::Ytd;
use sha2::{Digest, Sha256};

/// Where a full block of encoded bytes goes: the hasher, or (in tests) a
/// vector that keeps the bytes to look at.
trait Sink {
    fn take(&mut self, bytes: &[u8]);
}

impl Sink for Sha256 {
    fn take(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

#[cfg(test)]
impl Sink for Vec<u8> {
    fn take(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Bytes gathered in a block on the stack, handed to the sink when the block
/// fills. Many tiny hasher updates would cost more than the hashing, and a
/// growing `Vec` checks its capacity at every byte; here each field checks
/// once for [`ROOM`] bytes and then writes a fixed-size window.
struct W<S: Sink> {
    block: [u8; BLOCK],
    pos: usize,
    sink: S,
}

/// Size of the gathering block: a ten-line claim (about 770 bytes) fits in one.
const BLOCK: usize = 1024;
/// The most bytes one fixed-size write adds: a tag and a 128-bit varint (19
/// bytes), or a tag, a length byte and a short string (18 bytes).
const ROOM: usize = 24;
/// The longest string written straight into the window.
const SHORT: usize = 16;

/// Copies `src` (at most [`SHORT`] bytes) into `dst` of the same length with
/// two overlapping fixed-size moves.
#[inline]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..].copy_from_slice(&src[n - 4..]);
    } else if n >= 2 {
        dst[..2].copy_from_slice(&src[..2]);
        dst[n - 2..].copy_from_slice(&src[n - 2..]);
    } else if n == 1 {
        dst[0] = src[0];
    }
}

impl<S: Sink> W<S> {
    fn new(sink: S) -> Self {
        W { block: [0; BLOCK], pos: 0, sink }
    }
    /// Hands what has been gathered to the sink and gives the sink back.
    fn finish(mut self) -> S {
        self.flush();
        self.sink
    }
    fn flush(&mut self) {
        self.sink.take(&self.block[..self.pos]);
        self.pos = 0;
    }
    /// A window of [`ROOM`] free bytes at the current position (flushing
    /// first if the block is nearly full). The caller advances `pos` by
    /// what it wrote.
    #[inline]
    fn room(&mut self) -> &mut [u8; ROOM] {
        if self.pos > BLOCK - ROOM {
            self.flush();
        }
        match self.block[self.pos..].first_chunk_mut::<ROOM>() {
            Some(window) => window,
            // `pos ≤ BLOCK − ROOM` after the flush above.
            None => unreachable!("the block always has room after a flush"),
        }
    }
    fn update(&mut self, b: impl AsRef<[u8]>) {
        let b = b.as_ref();
        if self.pos + b.len() > BLOCK {
            self.flush();
            if b.len() > BLOCK {
                return self.sink.take(b);
            }
        }
        self.block[self.pos..self.pos + b.len()].copy_from_slice(b);
        self.pos += b.len();
    }
    /// One byte.
    #[inline]
    fn byte(&mut self, b: u8) {
        self.room()[0] = b;
        self.pos += 1;
    }
    /// An unsigned LEB128 varint.
    fn uv(&mut self, mut v: u128) {
        if let Ok(small) = u64::try_from(v) {
            return self.uv64(small);
        }
        let w = self.room();
        let mut n = 0;
        // At most 19 groups of 7 bits: `n` stays inside the window.
        while v >= 0x80 && n < ROOM - 1 {
            w[n] = (v as u8) | 0x80;
            v >>= 7;
            n += 1;
        }
        w[n] = v as u8;
        self.pos += n + 1;
    }
    /// [`W::uv`] for values that fit in 64 bits (same bytes, cheaper shifts).
    #[inline]
    fn uv64(&mut self, v: u64) {
        self.tagged_uv64(None, v);
    }
    /// A tag byte if given, then [`W::uv64`]'s bytes.
    #[inline]
    fn tagged_uv64(&mut self, tag: Option<u8>, mut v: u64) {
        let w = self.room();
        let mut n = 0;
        if let Some(t) = tag {
            w[0] = t;
            n = 1;
        }
        // A tag and at most ten 7-bit groups: `n` stays inside the window.
        while v >= 0x80 && n < ROOM - 1 {
            w[n] = (v as u8) | 0x80;
            v >>= 7;
            n += 1;
        }
        w[n] = v as u8;
        self.pos += n + 1;
    }
    /// A signed value as a zigzag varint.
    fn iv(&mut self, v: i128) {
        self.uv(((v << 1) ^ (v >> 127)) as u128);
    }
    fn len(&mut self, n: usize) {
        self.uv64(n as u64);
    }
    fn s(&mut self, s: &str) {
        self.tagged_str(None, s.as_bytes());
    }
    #[inline]
    fn os(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.tagged_str(Some(1), s.as_bytes()),
            None => self.byte(0),
        }
    }
    /// A tag byte if given, the length, then the bytes. Short strings (the
    /// codes, which are most of a claim) go into the window with a few fixed
    /// moves rather than a call to `memcpy` each.
    #[inline]
    fn tagged_str(&mut self, tag: Option<u8>, b: &[u8]) {
        if b.len() > SHORT {
            self.tagged_uv64(tag, b.len() as u64);
            return self.update(b);
        }
        let w = self.room();
        let mut n = 0;
        if let Some(t) = tag {
            w[0] = t;
            n = 1;
        }
        // `b.len() ≤ SHORT < 0x80`: its varint is the one byte.
        w[n] = b.len() as u8;
        n += 1;
        copy_short(&mut w[n..n + b.len()], b);
        self.pos += n + b.len();
    }
    /// A decimal by value: `12.5` and `12.50` encode alike. Tag 0 is the
    /// value in units of 10⁻⁸ (exact for every scale up to 8, which covers
    /// every field's places); tag 1 is the normalised mantissa and scale.
    fn d(&mut self, d: Decimal) {
        const UNIT_DP: u32 = 8;
        // 10^(8 - scale) ≤ 10^8: fits in an i64.
        let unit = |d: &Decimal| UNIT_DP.checked_sub(d.scale()).map(|k| POW10[k as usize] as i64);
        // Fast path: the value in units fits in an i64 (every real amount). Its
        // varint is the same bytes the i128 path below would write.
        if let Some(units) = unit(&d).and_then(|u| i64::try_from(d.mantissa()).ok()?.checked_mul(u)) {
            self.tagged_uv64(Some(0), ((units << 1) ^ (units >> 63)) as u64);
            return;
        }
        let fixed = |d: Decimal| unit(&d).map(|u| d.mantissa() * i128::from(u));
        // |mantissa| < 2^96 and 10^8 < 2^27: the product fits in an i128.
        match fixed(d).or_else(|| fixed(d.normalize())) {
            Some(units) => {
                self.byte(0);
                self.iv(units);
            }
            None => {
                let n = d.normalize();
                self.byte(1);
                self.iv(n.mantissa());
                self.byte(n.scale() as u8);
            }
        }
    }
    fn od(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => {
                self.byte(1);
                self.d(d);
            }
            None => self.byte(0),
        }
    }
    fn date(&mut self, d: Option<crate::date::Date>) {
        match d {
            Some(d) => {
                self.byte(1);
                self.iv(i128::from(d.ordinal()));
            }
            None => self.byte(0),
        }
    }
    fn b(&mut self, b: bool) {
        self.byte(u8::from(b));
    }
    fn map(&mut self, m: &Amounts) {
        self.len(m.len());
        for (k, v) in m {
            self.s(k);
            self.d(*v);
        }
    }
    fn ytd(&mut self, y: &Ytd) {
        self.iv(i128::from(y.year));
        self.d(y.dedc_paid);
        self.map(&y.dedc_paid_by);
        // Never negative in a claim that is settled (validation refuses
        // it), and written as before the field was signed, so that the
        // hashes of claims already stamped stay as they were.
        self.uv(u128::try_from(y.admissions).unwrap_or_default());
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
    let mut w = W::new(Sha256::new());
    encode(c, &mut w);
    let digest = w.finish().finalize();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    crate::policy::load::push_hex(&mut out, &digest);
    out
}

fn encode<S: Sink>(c: &Claim, w: &mut W<S>) {
    w.s("yibao-claim-v2");
    w.os(c.policy.as_deref());
    let p = &c.psn;
    w.s(&p.psn_no);
    w.s(&p.insutype);
    w.s(&p.psn_type);
    w.date(p.brdy);
    w.date(p.insu_begn_date);
    // An absent balance settles as zero, so it hashes as zero: the two
    // spellings are one claim (a batch writes the carried balance in first).
    w.d(p.balc.unwrap_or(Decimal::ZERO));
    w.s(&p.acct_used_flag);
    w.s(&p.cvlserv_flag);
    w.os(p.primary_fixmedins_code.as_deref());
    w.len(p.filings.len());
    for f in &p.filings {
        w.s(&f.kind);
        w.date(Some(f.begndate));
        w.date(f.enddate);
        w.s(&f.area_admdvs);
        w.s(&f.status);
    }
    w.len(p.chronic_certs.len());
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
    w.len(c.feedetail.len());
    for l in &c.feedetail {
        w.line(l);
    }
    // Fields added after v2 come last, and only when present: a claim
    // without them keeps the hash it always had. The encoding above is
    // self-delimiting, so the extra bytes cannot make two claims alike.
    if !p.idetinfo.is_empty() {
        w.s("idetinfo");
        w.len(p.idetinfo.len());
        for i in &p.idetinfo {
            w.s(&i.psn_idet_type);
            w.os(i.psn_type_lv.as_deref());
            w.date(i.begntime);
            w.date(i.endtime);
            w.os(i.memo.as_deref());
        }
    }
    // Each added visit field: its name, then its value, when given.
    let code = |w: &mut W<S>, name: &str, v: Option<&str>| {
        if let Some(x) = v {
            w.s(name);
            w.s(x);
        }
    };
    let money = |w: &mut W<S>, name: &str, v: Option<Decimal>| {
        if let Some(x) = v {
            w.s(name);
            w.d(x);
        }
    };
    code(w, "dedc_hosp_lv", v.dedc_hosp_lv.as_deref());
    money(w, "prior_leg_dedc", v.prior_leg_dedc);
    code(w, "psn_setlway", v.psn_setlway.as_deref());
    if let Some(d) = v.prior_dscg_date {
        w.s("prior_dscg_date");
        w.date(Some(d));
    }
    code(w, "prior_disease", v.prior_disease.as_deref());
    code(w, "mid_setl_flag", v.mid_setl_flag.as_deref());
    money(w, "medfee_sumamt", v.medfee_sumamt);
    money(w, "mulaid_balc", Some(p.mulaid_balc).filter(|b| !b.is_zero()));
    for (name, years) in [("zero_claim_years", p.zero_claim_years), ("gap_years", p.gap_years)] {
        if let Some(n) = years {
            w.s(name);
            w.uv64(u64::from(n));
        }
    }
    code(w, "psn_insu_stas", p.psn_insu_stas.as_deref());
    // Each refund line: its place among the lines, then the line it takes back.
    for (i, l) in c.feedetail.iter().enumerate() {
        if let Some(sn) = &l.init_feedetl_sn {
            w.s("init_feedetl_sn");
            w.uv64(i as u64);
            w.s(sn);
        }
    }
    money(w, "acct_credit", p.acct_credit);
}

#[cfg(test)]
mod tests {
    use super::W;
    use crate::money::Decimal;
    use std::str::FromStr;

    fn enc(d: &str) -> Vec<u8> {
        let mut w = W::new(Vec::new());
        w.d(Decimal::from_str(d).unwrap());
        w.finish()
    }

    #[test]
    fn decimals_encode_by_value_whatever_their_scale() {
        assert_eq!(enc("12.5"), enc("12.50"));
        assert_eq!(enc("12.5"), enc("12.500000000000"));
        assert_eq!(enc("0"), enc("0.0000000000"));
        assert_eq!(enc("-3.1"), enc("-3.10"));
        assert_ne!(enc("12.5"), enc("12.05"));
        assert_ne!(enc("1"), enc("-1"));
        // Beyond 8 places, and beyond what fits in 64 bits: still by value, still distinct.
        assert_eq!(enc("0.123456789"), enc("0.1234567890"));
        assert_ne!(enc("0.123456789"), enc("0.12345679"));
        assert_eq!(enc("79228162514264337593543950335"), enc("79228162514264337593543950335"));
        assert_ne!(enc("792281625142643375935439503.35"), enc("79228162514264337593543950.335"));
    }

    #[test]
    fn the_64_bit_varint_writes_the_same_bytes_as_the_128_bit_one() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX >> 1, u64::MAX] {
            let (mut a, mut b) = (W::new(Vec::new()), W::new(Vec::new()));
            a.uv64(v);
            b.uv(u128::from(v));
            assert_eq!(a.finish(), b.finish(), "{v}");
        }
        let mut w = W::new(Vec::new());
        w.uv(u128::from(u64::MAX) + 1);
        assert_eq!(w.finish().len(), 10);
    }

    /// LEB128, written out afresh: seven bits a byte, low first, the high
    /// bit set on every byte but the last.
    fn leb128(mut v: u128) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let low = (v % 128) as u8;
            v /= 128;
            if v == 0 {
                out.push(low);
                return out;
            }
            out.push(low + 128);
        }
    }

    /// Zigzag: 0, -1, 1, -2, 2… as 0, 1, 2, 3, 4…
    fn zigzag(v: i128) -> u128 {
        if v < 0 {
            (-(v + 1)) as u128 * 2 + 1
        } else {
            v as u128 * 2
        }
    }

    #[test]
    fn varints_are_leb128_and_zigzag_across_the_whole_range() {
        let big = [1u128 << 64, (1 << 64) + 1, (1 << 100) + 12_345, u128::MAX >> 1, u128::MAX - 1, u128::MAX];
        for v in [0, 1, 127, 128, 300, u128::from(u64::MAX)].into_iter().chain(big) {
            let mut w = W::new(Vec::new());
            w.uv(v);
            assert_eq!(w.finish(), leb128(v), "{v}");
        }
        for v in [0i128, 1, -1, 63, -64, 64, -65, i128::from(i64::MIN) - 1, -(1 << 100), i128::MIN, i128::MAX] {
            let mut w = W::new(Vec::new());
            w.iv(v);
            assert_eq!(w.finish(), leb128(zigzag(v)), "{v}");
        }
        assert_eq!(zigzag(-2), 3);
    }

    #[test]
    fn decimals_encode_as_documented_signed_and_huge() {
        for text in [
            "0",
            "1",
            "-1",
            "12.5",
            "-12.50",
            "-0.00000001",
            "92233720368.54775807",
            "92233720368.54775808",
            "-92233720368.54775808",
            "-92233720368.54775809",
            "-4000.00",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.123456789",
            "-0.123456789",
            "-1.0000000000000000000000000001",
        ] {
            let n = Decimal::from_str(text).unwrap().normalize();
            // Tag 0: the value in units of 10^-8 when that is exact; tag 1:
            // the normalised mantissa, then the scale.
            let want = if n.scale() <= 8 {
                let units = n.mantissa() * 10i128.pow(8 - n.scale());
                [vec![0], leb128(zigzag(units))].concat()
            } else {
                [vec![1], leb128(zigzag(n.mantissa())), vec![n.scale() as u8]].concat()
            };
            assert_eq!(enc(text), want, "{text}");
        }
    }

    #[test]
    fn a_claims_hash_ignores_spelling_and_sees_every_amount() {
        let text = crate::demo::sample_claim(3);
        let a = crate::parse_claim(&text).unwrap();
        let respelled = crate::parse_claim(&text.replace("\"0.10\"", "\"0.1000\"")).unwrap();
        assert_eq!(super::claim_hash(&a), super::claim_hash(&respelled));
        let mut b = a.clone();
        b.feedetail[2].cnt += Decimal::new(1, 4);
        assert_ne!(super::claim_hash(&a), super::claim_hash(&b));
        assert!(super::claim_hash(&a).starts_with("sha256:") && super::claim_hash(&a).len() == 71);
    }

    #[test]
    fn a_balance_left_out_hashes_as_the_zero_it_settles_as() {
        let mut a = crate::parse_claim(&crate::demo::sample_claim(3)).unwrap();
        a.psn.balc = Some(Decimal::ZERO);
        let mut none = a.clone();
        none.psn.balc = None;
        assert_eq!(super::claim_hash(&a), super::claim_hash(&none));
        let mut some = a.clone();
        some.psn.balc = Some(Decimal::new(1, 2));
        assert_ne!(super::claim_hash(&a), super::claim_hash(&some));
    }

    #[test]
    fn identities_count_in_the_hash_however_their_times_are_spelt() {
        let text = crate::demo::sample_claim(3);
        let plain = crate::parse_claim(&text).unwrap();
        let with = |ids: &str| {
            let t = text.replacen("\"psn_type\":", &format!("\"idetinfo\":{ids},\"psn_type\":"), 1);
            super::claim_hash(&crate::parse_claim(&t).unwrap())
        };
        let by_date = with(r#"[{"psn_idet_type":"2302","begntime":"2010-01-01"}]"#);
        let by_datetime = with(r#"[{"psn_idet_type":"2302","begntime":"2010-01-01 08:30:00"}]"#);
        assert_eq!(by_date, by_datetime);
        assert_ne!(by_date, super::claim_hash(&plain));
        assert_ne!(by_date, with(r#"[{"psn_idet_type":"2301","begntime":"2010-01-01"}]"#));
        assert_ne!(by_date, with(r#"[{"psn_idet_type":"2302","begntime":"2010-01-02"}]"#));
        assert_ne!(by_date, with(r#"[{"psn_idet_type":"2302","begntime":"2010-01-01","endtime":"2010-12-31"}]"#));
        assert_ne!(by_date, with(r#"[{"psn_idet_type":"2302","begntime":"2010-01-01","memo":""}]"#));
        assert_ne!(by_date, with(r#"[{"psn_idet_type":"2302","begntime":"2010-01-01","psn_type_lv":"1"}]"#));
        // An empty list is no identity: the hash a claim always had.
        assert_eq!(with("[]"), super::claim_hash(&plain));
    }

    /// The hash of the 3-line sample claim with visit fields added (`"key":value,` each).
    fn hash_with_visit_fields(fields: &[(&str, &str)]) -> String {
        let added: String = fields.iter().map(|(k, v)| format!("\"{k}\":{v},")).collect();
        let text = crate::demo::sample_claim(3).replacen("\"hosp_lv\":", &format!("{added}\"hosp_lv\":"), 1);
        super::claim_hash(&crate::parse_claim(&text).unwrap())
    }

    /// Visit fields added since v2 count in the hash, by value, only when given,
    /// and each apart from the others.
    #[test]
    fn added_visit_fields_count_in_the_hash_only_when_given() {
        let plain = hash_with_visit_fields(&[]);
        let lv = |v: &str| hash_with_visit_fields(&[("dedc_hosp_lv", v)]);
        let prior = |v: &str| hash_with_visit_fields(&[("prior_leg_dedc", v)]);
        assert_eq!(lv("null"), plain);
        assert_eq!(prior("null"), plain);
        assert_ne!(lv("\"2\""), plain);
        assert_ne!(lv("\"2\""), lv("\"1\""));
        assert_eq!(prior("\"600\""), prior("\"600.00\""));
        assert_ne!(prior("\"600\""), plain);
        assert_ne!(prior("\"600\""), prior("\"600.01\""));
        let both = hash_with_visit_fields(&[("dedc_hosp_lv", "\"2\""), ("prior_leg_dedc", "\"600\"")]);
        assert!(both != lv("\"2\"") && both != prior("\"600\""));
        // Each later field: absent as null, and two values apart from each other.
        let later = [
            ("psn_setlway", "\"0202\"", "\"0201\"", true),
            ("prior_dscg_date", "\"2010-02-14\"", "\"2010-02-13\"", false),
            ("prior_disease", "\"appendicitis\"", "\"2\"", true),
            ("mid_setl_flag", "\"0\"", "\"1\"", true),
            ("medfee_sumamt", "\"100\"", "\"100.01\"", true),
        ];
        for (field, a, b, takes_2) in later {
            let h = |v: &str| hash_with_visit_fields(&[(field, v)]);
            assert_eq!(h("null"), plain, "{field}");
            assert_ne!(h(a), plain, "{field}");
            assert_ne!(h(a), h(b), "{field}");
            // A value spelt like another field's still hashes apart from it.
            if takes_2 {
                assert_ne!(h("\"2\""), lv("\"2\""), "{field}");
            }
        }
        let declared = |v: &str| hash_with_visit_fields(&[("medfee_sumamt", v)]);
        assert_eq!(declared("\"100\""), declared("\"100.00\""));
        assert_ne!(declared("\"100\""), prior("\"100\""));
        // Beside identities too.
        let text = crate::demo::sample_claim(3)
            .replacen("\"hosp_lv\":", "\"dedc_hosp_lv\":\"2\",\"hosp_lv\":", 1)
            .replacen("\"psn_type\":", "\"idetinfo\":[{\"psn_idet_type\":\"2302\"}],\"psn_type\":", 1);
        assert_ne!(super::claim_hash(&crate::parse_claim(&text).unwrap()), lv("\"2\""));
    }

    /// The hash of the 3-line sample claim with the member field `key` set
    /// to `value` (JSON text).
    fn hash_with_person_field(key: &str, value: &str) -> String {
        let text =
            crate::demo::sample_claim(3).replacen("\"psn_type\":", &format!("\"{key}\":{value},\"psn_type\":"), 1);
        super::claim_hash(&crate::parse_claim(&text).unwrap())
    }

    /// The family mutual-aid balance counts in the hash when it is not zero,
    /// by value, and apart from the visit's amounts; so do the years
    /// without a reimbursement, the years of a break, the insurance status
    /// and the year's account credit, when given.
    #[test]
    fn member_fields_added_later_count_in_the_hash_when_given() {
        let with = |v: &str| hash_with_person_field("mulaid_balc", v);
        let plain = hash_with_visit_fields(&[]);
        assert_eq!(with("\"0.00\""), plain);
        assert_ne!(with("\"100\""), plain);
        assert_eq!(with("\"100\""), with("\"100.00\""));
        assert_ne!(with("\"100\""), with("\"100.01\""));
        assert_ne!(with("\"100\""), hash_with_visit_fields(&[("medfee_sumamt", "\"100\"")]));
        // The years without a reimbursement count when given, zero included.
        let years = |v: &str| hash_with_person_field("zero_claim_years", v);
        assert_eq!(years("null"), plain);
        assert_ne!(years("0"), plain);
        assert_ne!(years("0"), years("1"));
        let gap = |v: &str| hash_with_person_field("gap_years", v);
        assert_eq!(gap("null"), plain);
        assert_ne!(gap("0"), plain);
        assert_ne!(gap("1"), years("1"));
        // The insurance status counts when given, apart from other codes.
        let status = |v: &str| hash_with_person_field("psn_insu_stas", v);
        assert_eq!(status("null"), plain);
        assert_ne!(status("\"1\""), plain);
        assert_ne!(status("\"1\""), status("\"2\""));
        assert_ne!(status("\"2\""), hash_with_visit_fields(&[("dedc_hosp_lv", "\"2\"")]));
        // The year's account credit counts when given, zero included, by value.
        let credit = |v: &str| hash_with_person_field("acct_credit", v);
        assert_eq!(credit("null"), plain);
        assert_ne!(credit("\"0\""), plain);
        assert_eq!(credit("\"1200\""), credit("\"1200.00\""));
        assert_ne!(credit("\"1200\""), credit("\"1200.01\""));
        assert_ne!(credit("\"100\""), with("\"100\""));
    }

    /// The line a refund line takes back counts in the hash, with the
    /// refund line's place, and only when given.
    #[test]
    fn refund_lines_count_in_the_hash_when_given() {
        let mut c = crate::parse_claim(&crate::demo::sample_claim(3)).unwrap();
        let plain = super::claim_hash(&c);
        c.feedetail[2].init_feedetl_sn = None;
        assert_eq!(super::claim_hash(&c), plain);
        let sn = c.feedetail[0].feedetl_sn.clone();
        c.feedetail[2].init_feedetl_sn = Some(sn.clone());
        let third = super::claim_hash(&c);
        assert_ne!(third, plain);
        c.feedetail[2].init_feedetl_sn = None;
        c.feedetail[1].init_feedetl_sn = Some(sn);
        assert_ne!(super::claim_hash(&c), third);
        c.feedetail[1].init_feedetl_sn = Some(c.feedetail[2].feedetl_sn.clone());
        assert_ne!(super::claim_hash(&c), plain);
    }

    /// The hash is part of every stamped settlement, kept for audit: the
    /// encoding must never change by accident. These values were computed
    /// when the encoding was `yibao-claim-v2`; a deliberate change needs a
    /// new version tag and new values here.
    #[test]
    fn hashes_of_known_claims_never_change() {
        let hash = |text: &str| super::claim_hash(&crate::parse_claim(text).unwrap());
        assert_eq!(
            hash(&crate::demo::sample_claim(1)),
            "sha256:d606243bf539e43dfc441588b3bcafd636e4a8cd301814bd0e9c2b109f4fdf15"
        );
        assert_eq!(
            hash(&crate::demo::sample_claim(10)),
            "sha256:9bb3107eee5ed7c874dc367ed6c87531af9678b1b17b517fd7b91ef907e6af52"
        );
        let expected = [
            "sha256:c3f054454fda9718a6d37d673fca34380cb071576617ce5406ae134acc37f13b",
            "sha256:8d58803943a3aade6ffd25495375ea809f7c651559064fcb2d6787a214950f0b",
            "sha256:7707f512c3abb4f7a33fdff86fda071311083e907c6badcc397ba1c976694efd",
            "sha256:b93cc6eb2ac79eecf18475b079735976287890f5fdd59586e01dce8ae843a31c",
            "sha256:ee09a1a665cbd401273ac8e9e97e6a7c5f630c36700b53472e33b51f7f54f52d",
        ];
        // Longer than one gathering block, and a single code longer than a
        // block: the block boundaries must not show in the hash.
        assert_eq!(
            hash(&crate::demo::sample_claim(100)),
            "sha256:c17443ebbd4e31d18b0095ae600bb114feecfd241764c3296da4da17bc9eb437"
        );
        let long_code = crate::demo::sample_claim(3).replace("\"X1\"", &format!("\"{}\"", "Y".repeat(3000)));
        assert_eq!(hash(&long_code), "sha256:34bfba755aa48b5ee269309594ebf3e1f02a62268d6257abfdb851bd64079c43");
        assert_eq!(crate::demo::CLAIMS.len(), expected.len());
        for ((name, text), want) in crate::demo::CLAIMS.iter().zip(expected) {
            assert_eq!(hash(text), want, "{name}");
        }
    }
}
