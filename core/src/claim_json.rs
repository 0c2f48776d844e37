//! Reads a claim's JSON text straight into a [`Claim`], the counterpart of
//! [`crate::settlement_json`]: no serde visitor per field, no intermediate
//! value, and codes copied once into their inline [`Code`]s.
//!
//! It takes only the plain shapes — strings without escapes, whole numbers,
//! `true`, `false`, `null`, and the keys the contract names, each once — and
//! gives up (`None`) on anything else: an escape, a fraction or exponent in a
//! number, a negative number, an unknown or repeated key, a missing field, a
//! bad amount or date. Serde then reads the text, accepting what it accepts
//! and reporting an error with its path. A claim read here equals the one
//! serde reads: the conformance harness checks every case, and a property test
//! checks random edits of claims (whenever this reader accepts a text, serde
//! accepts it too and reads the same claim).

use crate::amounts::Amounts;
use crate::claim::{ChronicCert, Claim, Code, Date, FeeLine, Filing, Person, Visit};
use crate::money::{self, parse_decimal, Decimal};
use crate::ytd::Ytd;

/// The claim in `json`, or `None` when serde must read it.
pub fn read(json: &str) -> Option<Claim> {
    let mut r = Reader { text: json, at: 0 };
    let claim = r.claim()?;
    r.ws();
    (r.at == json.len()).then_some(claim)
}

/// `None` is "give up": serde reads the text instead.
type Fast<T> = Option<T>;

/// The keys of one object seen so far, by field number: a repeated key
/// (which serde refuses) gives up, and so does a missing required one.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn once(&mut self, field: u32) -> Fast<()> {
        let bit = 1 << field;
        if self.0 & bit != 0 {
            return None;
        }
        self.0 |= bit;
        Some(())
    }

    /// Every field of `required` (a mask of field bits) was seen.
    fn all(&self, required: u32) -> Fast<()> {
        (self.0 & required == required).then_some(())
    }
}

/// Where the first `"`, `\\` or control character at or after `from` is,
/// eight bytes at a time: in each word a byte is flagged where it equals
/// `"` or `\\` (its XOR with that byte is zero) or is below 0x20. The
/// borrow of the subtraction can flag bytes above a flagged one, never below
/// it, so the lowest flag is exact.
fn stop_byte(b: &[u8], mut from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(chunk) = b.get(from..from + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let flags = zero(w ^ (ONES * u64::from(b'"')))
            | zero(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
        if flags != 0 {
            return Some(from + (flags.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    b[from..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).map(|i| from + i)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Skips JSON whitespace.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Fast<u8> {
        self.ws();
        self.bytes().get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> Fast<()> {
        (self.peek()? == c).then(|| self.at += 1)
    }

    /// Consumes `null` when it comes next.
    fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.bytes()[self.at..].starts_with(b"null") {
            self.at += 4;
            return true;
        }
        false
    }

    /// A string with no escape and no control character.
    fn str(&mut self) -> Fast<&'a str> {
        self.eat(b'"')?;
        let (b, start) = (self.bytes(), self.at);
        let end = stop_byte(b, start)?;
        if b[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        // Both ends sit next to an ASCII quote: character boundaries.
        self.text.get(start..end)
    }

    fn code(&mut self) -> Fast<Code> {
        self.str().map(Code::from)
    }

    fn opt_code(&mut self) -> Fast<Option<Code>> {
        if self.null() {
            return Some(None);
        }
        self.code().map(Some)
    }

    fn bool(&mut self) -> Fast<bool> {
        self.peek()?;
        let rest = &self.bytes()[self.at..];
        if rest.starts_with(b"true") {
            self.at += 4;
            return Some(true);
        }
        if rest.starts_with(b"false") {
            self.at += 5;
            return Some(false);
        }
        None
    }

    /// A non-negative whole number as JSON spells it (no leading zero), up
    /// to `u64`; a fraction or exponent gives up (serde reads it as a float).
    fn uint(&mut self) -> Fast<u64> {
        self.peek()?;
        let digits = self.bytes()[self.at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let text = &self.text[self.at..self.at + digits];
        if digits == 0 || (digits > 1 && text.starts_with('0')) {
            return None;
        }
        self.at += digits;
        if let Some(b'.' | b'e' | b'E') = self.bytes().get(self.at) {
            return None;
        }
        text.parse().ok()
    }

    /// An amount with at most `dp` places, from a string or a whole number.
    fn dec(&mut self, dp: u32) -> Fast<Decimal> {
        if self.peek()? == b'"' {
            return parse_decimal(self.str()?, dp).ok();
        }
        self.uint().map(Decimal::from)
    }

    fn opt_dec(&mut self, dp: u32) -> Fast<Option<Decimal>> {
        if self.null() {
            return Some(None);
        }
        self.dec(dp).map(Some)
    }

    fn date(&mut self) -> Fast<Date> {
        self.str()?.parse().ok()
    }

    fn opt_date(&mut self) -> Fast<Option<Date>> {
        if self.null() {
            return Some(None);
        }
        self.date().map(Some)
    }

    /// An object of money amounts (`null` is none); a repeated key keeps
    /// the last amount, as serde's reading does.
    fn amounts(&mut self) -> Fast<Amounts> {
        let mut out = Amounts::new();
        if !self.null() {
            self.object(|r, key| {
                out.insert(key, r.dec(money::MONEY_DP)?);
                Some(())
            })?;
        }
        Some(out)
    }

    /// Reads an object, calling `field` with each key to read its value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Fast<()>) -> Fast<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':')?;
            field(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads an array, one item per call of `item`.
    fn array<T>(&mut self, mut item: impl FnMut(&mut Self) -> Fast<T>) -> Fast<Vec<T>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(out);
        }
        loop {
            out.push(item(self)?);
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    fn claim(&mut self) -> Fast<Claim> {
        let (mut policy, mut psn, mut ytd, mut mdtrt, mut feedetail) = (None, None, None, None, None);
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "policy" => {
                    seen.once(0)?;
                    policy = if r.null() { None } else { Some(String::from(r.str()?)) };
                }
                "psn" => {
                    seen.once(1)?;
                    psn = Some(r.person()?);
                }
                "ytd" => {
                    seen.once(2)?;
                    ytd = if r.null() { None } else { Some(r.ytd()?) };
                }
                "mdtrt" => {
                    seen.once(3)?;
                    mdtrt = Some(r.visit()?);
                }
                "feedetail" => {
                    seen.once(4)?;
                    feedetail = Some(r.array(Reader::line)?);
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(Claim { policy, psn: psn?, ytd, mdtrt: mdtrt?, feedetail: feedetail? })
    }

    fn person(&mut self) -> Fast<Person> {
        let mut p = Person {
            psn_no: Code::default(),
            insutype: Code::default(),
            psn_type: Code::default(),
            brdy: None,
            insu_begn_date: None,
            balc: money::zero(),
            acct_used_flag: Code::const_new("0"),
            cvlserv_flag: Code::const_new("0"),
            primary_fixmedins_code: None,
            filings: Vec::new(),
            chronic_certs: Vec::new(),
            quota_balc: Amounts::new(),
            death_date: None,
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "psn_no" => (seen.once(0)?, p.psn_no = r.code()?),
                "insutype" => (seen.once(1)?, p.insutype = r.code()?),
                "psn_type" => (seen.once(2)?, p.psn_type = r.code()?),
                "brdy" => (seen.once(3)?, p.brdy = r.opt_date()?),
                "insu_begn_date" => (seen.once(4)?, p.insu_begn_date = r.opt_date()?),
                "balc" => (seen.once(5)?, p.balc = r.dec(money::MONEY_DP)?),
                "acct_used_flag" => (seen.once(6)?, p.acct_used_flag = r.code()?),
                "cvlserv_flag" => (seen.once(7)?, p.cvlserv_flag = r.code()?),
                "primary_fixmedins_code" => (seen.once(8)?, p.primary_fixmedins_code = r.opt_code()?),
                "filings" => (seen.once(9)?, p.filings = r.array(Reader::filing)?),
                "chronic_certs" => (seen.once(10)?, p.chronic_certs = r.array(Reader::chronic_cert)?),
                "quota_balc" => (seen.once(11)?, p.quota_balc = r.amounts()?),
                "death_date" => (seen.once(12)?, p.death_date = r.opt_date()?),
                _ => return None,
            };
            Some(())
        })?;
        seen.all(0b111)?;
        Some(p)
    }

    fn filing(&mut self) -> Fast<Filing> {
        let mut f = Filing {
            kind: Code::default(),
            begndate: Date { y: 1970, m: 1, d: 1 },
            enddate: None,
            area_admdvs: Code::default(),
            status: Code::const_new("active"),
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "kind" => (seen.once(0)?, f.kind = r.code()?),
                "begndate" => (seen.once(1)?, f.begndate = r.date()?),
                "area_admdvs" => (seen.once(2)?, f.area_admdvs = r.code()?),
                "enddate" => (seen.once(3)?, f.enddate = r.opt_date()?),
                "status" => (seen.once(4)?, f.status = r.code()?),
                _ => return None,
            };
            Some(())
        })?;
        seen.all(0b111)?;
        Some(f)
    }

    fn chronic_cert(&mut self) -> Fast<ChronicCert> {
        let mut c = ChronicCert { disease: Code::default(), begndate: Date { y: 1970, m: 1, d: 1 }, enddate: None };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "disease" => (seen.once(0)?, c.disease = r.code()?),
                "begndate" => (seen.once(1)?, c.begndate = r.date()?),
                "enddate" => (seen.once(2)?, c.enddate = r.opt_date()?),
                _ => return None,
            };
            Some(())
        })?;
        seen.all(0b11)?;
        Some(c)
    }

    fn ytd(&mut self) -> Fast<Ytd> {
        let mut y = Ytd::fresh(0);
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "year" => (seen.once(0)?, y.year = i32::try_from(r.uint()?).ok()?),
                "dedc_paid" => (seen.once(1)?, y.dedc_paid = r.dec(money::MONEY_DP)?),
                "dedc_paid_by" => (seen.once(2)?, y.dedc_paid_by = r.amounts()?),
                "admissions" => (seen.once(3)?, y.admissions = u32::try_from(r.uint()?).ok()?),
                "cost_sum" => (seen.once(4)?, y.cost_sum = r.dec(money::MONEY_DP)?),
                "fund_paid" => (seen.once(5)?, y.fund_paid = r.amounts()?),
                "benefit_paid" => (seen.once(6)?, y.benefit_paid = r.amounts()?),
                "eligible_sum" => (seen.once(7)?, y.eligible_sum = r.amounts()?),
                "quota_used" => (seen.once(8)?, y.quota_used = r.amounts()?),
                _ => return None,
            };
            Some(())
        })?;
        seen.all(0b1)?;
        Some(y)
    }

    fn visit(&mut self) -> Fast<Visit> {
        let day = Date { y: 1970, m: 1, d: 1 };
        let mut v = Visit {
            mdtrt_id: Code::default(),
            med_type: Code::default(),
            begndate: day,
            enddate: day,
            fixmedins_code: Code::default(),
            hosp_lv: Code::default(),
            designated: true,
            insuplc_admdvs: Code::default(),
            mdtrtarea_admvs: Code::default(),
            adm_route: Code::const_new("normal"),
            cause: None,
            disease: None,
            referral_leg: false,
            sudden: false,
            networked: true,
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "mdtrt_id" => (seen.once(0)?, v.mdtrt_id = r.code()?),
                "med_type" => (seen.once(1)?, v.med_type = r.code()?),
                "begndate" => (seen.once(2)?, v.begndate = r.date()?),
                "enddate" => (seen.once(3)?, v.enddate = r.date()?),
                "fixmedins_code" => (seen.once(4)?, v.fixmedins_code = r.code()?),
                "hosp_lv" => (seen.once(5)?, v.hosp_lv = r.code()?),
                "insuplc_admdvs" => (seen.once(6)?, v.insuplc_admdvs = r.code()?),
                "mdtrtarea_admvs" => (seen.once(7)?, v.mdtrtarea_admvs = r.code()?),
                "designated" => (seen.once(8)?, v.designated = r.bool()?),
                "adm_route" => (seen.once(9)?, v.adm_route = r.code()?),
                "cause" => (seen.once(10)?, v.cause = r.opt_code()?),
                "disease" => (seen.once(11)?, v.disease = r.opt_code()?),
                "referral_leg" => (seen.once(12)?, v.referral_leg = r.bool()?),
                "sudden" => (seen.once(13)?, v.sudden = r.bool()?),
                "networked" => (seen.once(14)?, v.networked = r.bool()?),
                _ => return None,
            };
            Some(())
        })?;
        seen.all(0xff)?;
        Some(v)
    }

    fn line(&mut self) -> Fast<FeeLine> {
        let zero = Decimal::ZERO;
        let mut l = FeeLine {
            feedetl_sn: Code::default(),
            med_list_codg: Code::default(),
            med_chrgitm_type: Code::default(),
            chrgitm_lv: Code::default(),
            pric: zero,
            cnt: zero,
            det_item_fee_sumamt: zero,
            selfpay_prop: None,
            pric_uplmt_amt: None,
            excl: None,
            item_class: None,
            lmt_used_flag: None,
            hosp_appr_flag: None,
            dual_channel: false,
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "feedetl_sn" => (seen.once(0)?, l.feedetl_sn = r.code()?),
                "med_chrgitm_type" => (seen.once(1)?, l.med_chrgitm_type = r.code()?),
                "chrgitm_lv" => (seen.once(2)?, l.chrgitm_lv = r.code()?),
                "pric" => (seen.once(3)?, l.pric = r.dec(money::PRICE_DP)?),
                "cnt" => (seen.once(4)?, l.cnt = r.dec(money::COUNT_DP)?),
                "det_item_fee_sumamt" => (seen.once(5)?, l.det_item_fee_sumamt = r.dec(money::MONEY_DP)?),
                "med_list_codg" => (seen.once(6)?, l.med_list_codg = r.code()?),
                "selfpay_prop" => (seen.once(7)?, l.selfpay_prop = r.opt_dec(money::RATIO_DP)?),
                "pric_uplmt_amt" => (seen.once(8)?, l.pric_uplmt_amt = r.opt_dec(money::PRICE_DP)?),
                "excl" => (seen.once(9)?, l.excl = r.opt_code()?),
                "item_class" => (seen.once(10)?, l.item_class = r.opt_code()?),
                "lmt_used_flag" => (seen.once(11)?, l.lmt_used_flag = r.opt_code()?),
                "hosp_appr_flag" => (seen.once(12)?, l.hosp_appr_flag = r.opt_code()?),
                "dual_channel" => (seen.once(13)?, l.dual_channel = r.bool()?),
                _ => return None,
            };
            Some(())
        })?;
        seen.all(0b11_1111)?;
        Some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A claim that spells every field, with spacing between tokens.
    const EVERY_FIELD: &str = r#" {
        "policy": "cn-sx-taiyuan-resident-2010",
        "psn": {"psn_no": "P9", "insutype": "310", "psn_type": "1102", "brdy": "1950-02-28",
            "insu_begn_date": null, "balc": "1200.5", "acct_used_flag": "1", "cvlserv_flag": "1",
            "primary_fixmedins_code": "H001",
            "filings": [{"kind": "referral", "begndate": "2025-01-02", "enddate": "2025-12-31",
                "area_admdvs": "650100", "status": "cancelled"}, {"kind": "emergency_registration",
                "begndate": "2025-03-01", "area_admdvs": "650000"}],
            "chronic_certs": [{"disease": "diabetes", "begndate": "2024-01-01", "enddate": null}],
            "quota_balc": {"opc": "300.00", "b": 7, "opc": "12"}, "death_date": "2026-01-01"},
        "ytd": {"year": 2025, "dedc_paid": 800, "dedc_paid_by": {"inpatient": "800.00"},
            "admissions": 2, "cost_sum": "10000.10", "fund_paid": {"310100": "5000"},
            "benefit_paid": {}, "eligible_sum": null, "quota_used": {"opc": "1.10"}},
        "mdtrt": {"mdtrt_id": "M9", "med_type": "21", "begndate": "2025-05-01", "enddate": "2025-05-09",
            "fixmedins_code": "H001", "hosp_lv": "3", "designated": false, "insuplc_admdvs": "650100",
            "mdtrtarea_admvs": "650102", "adm_route": "referral", "cause": "traffic_accident",
            "disease": null, "referral_leg": true, "sudden": false, "networked": false},
        "feedetail": [
            {"feedetl_sn": "1", "med_list_codg": "X0", "med_chrgitm_type": "09", "chrgitm_lv": "02",
             "pric": "12.345678", "cnt": "2.5", "det_item_fee_sumamt": "30.86", "selfpay_prop": "0.1000",
             "pric_uplmt_amt": 20, "excl": "XJ-EXCL-DRUG", "item_class": "special_exam",
             "lmt_used_flag": "1", "hosp_appr_flag": null, "dual_channel": true},
            {"feedetl_sn": "医保-2", "med_chrgitm_type": "01", "chrgitm_lv": "01", "pric": 5, "cnt": 1,
             "det_item_fee_sumamt": "5.00", "selfpay_prop": null}
        ]
    } "#;

    /// The claim with its amounts at their exact scale (a `Decimal`
    /// comparison would take `5` and `5.00` as equal).
    fn exact(c: &Claim) -> String {
        serde_json::to_string(c).unwrap()
    }

    fn samples() -> Vec<String> {
        vec![crate::demo::sample_claim(1), crate::demo::sample_claim(3), EVERY_FIELD.to_string()]
    }

    #[test]
    fn plain_claims_are_read_here_as_serde_reads_them() {
        for text in samples() {
            let fast = read(&text).expect("a plainly spelt claim is read here");
            let serde: Claim = serde_json::from_str(&text).unwrap();
            assert_eq!(exact(&fast), exact(&serde));
        }
        let rich = read(EVERY_FIELD).unwrap();
        assert_eq!(rich.psn.quota_balc.get("opc").map(ToString::to_string).as_deref(), Some("12"));
        assert_eq!(rich.psn.filings[1].status, "active");
        assert!(rich.mdtrt.disease.is_none() && rich.mdtrt.referral_leg && !rich.mdtrt.networked);
    }

    #[test]
    fn unusual_spellings_are_left_to_serde() {
        let base = crate::demo::sample_claim(1);
        for (from, to) in [
            ("\"psn_no\":\"P1\"", "\"psn_no\":\"P\\u0031\""),
            ("\"psn_no\":\"P1\"", "\"psn_no\":\"P1\",\"psn_no\":\"P1\""),
            ("\"psn_no\":\"P1\"", "\"psn_no\":\"P1\",\"extra\":1"),
            ("\"cnt\":\"1\"", "\"cnt\":1.0"),
            ("\"cnt\":\"1\"", "\"cnt\":1e0"),
            ("\"cnt\":\"1\"", "\"cnt\":01"),
            ("\"cnt\":\"1\"", "\"cnt\":-1"),
            ("\"year\":2010", "\"year\":2010.0"),
            ("\"year\":2010", "\"year\":99999999999"),
            ("\"psn_no\":\"P1\",", ""),
        ] {
            assert!(base.contains(from), "{from}");
            let text = base.replacen(from, to, 1);
            assert!(read(&text).is_none(), "{to}");
        }
        assert!(read(&format!("{base} x")).is_none());
        assert!(read(&base[..base.len() - 1]).is_none());
    }

    /// Pieces spliced into claims: JSON tokens that are right in one place
    /// and wrong in another, near-miss numbers, dates and keys.
    const PIECES: &[&str] = &[
        "",
        " ",
        "\n",
        ",",
        ":",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        "null",
        "true",
        "false",
        "0",
        "01",
        "7",
        "-1",
        "1.5",
        "1e2",
        "18446744073709551616",
        "4294967296",
        "\"\"",
        "\"x\"",
        "\"12.345\"",
        "\"1.5\"",
        "\" 1\"",
        "\"+1\"",
        "\"1.\"",
        "\"\\u0041\"",
        "\"\t\"",
        "\"é\"",
        "\"2025-02-30\"",
        "\"2010-03-01\"",
        "{}",
        "[]",
        "\"year\":2011,",
        "\"psn_no\":\"Z\",",
        "\"pric\":\"1\",",
        "\"unknown\":1,",
        "\"balc\":null,",
        "\"ytd\":null,",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn whatever_is_read_here_serde_reads_alike(
            which in 0usize..3,
            at in any::<prop::sample::Index>(),
            cut in 0usize..6,
            piece in prop::sample::select(PIECES),
            again in any::<prop::sample::Index>(),
            piece2 in prop::sample::select(PIECES),
        ) {
            let mut text = samples().swap_remove(which);
            // Two splices: the first replaces a whole value (after a random
            // `:`), the second goes anywhere.
            let colons: Vec<usize> = text.match_indices(':').map(|(i, _)| i + 1).collect();
            let i = colons[at.index(colons.len())];
            let j = text[i..].find([',', '}', ']']).map_or(text.len(), |k| i + k);
            text.replace_range(i..j, piece);
            let mut i = again.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + cut).min(text.len());
            while !text.is_char_boundary(j) {
                j += 1;
            }
            text.replace_range(i..j, piece2);
            if let Some(fast) = read(&text) {
                let serde: Result<Claim, _> = serde_json::from_str(&text);
                prop_assert!(serde.is_ok(), "read here but refused by serde: {text}");
                prop_assert_eq!(exact(&fast), exact(&serde.unwrap()));
            }
        }
    }
}
