//! A settlement's JSON written straight into a byte buffer.
//!
//! The bytes are exactly those of `serde_json::to_string` over the derived
//! `Serialize` (tests hold the two equal on every conformance case and on
//! random claims), so the JSON paths (the C ABI, `yibao batch`,
//! `settle_json`) may use either. This writer exists for speed: serde_json
//! escapes every key byte by byte and calls through the serializer for every
//! field, which costs more than adjudicating the claim; here each key is one
//! constant copied with its punctuation, and a string is copied whole unless
//! it holds a character JSON must escape.

use crate::amounts::Amounts;
use crate::money::{push_plain, Decimal};
use crate::settlement::{Denial, LineResult, Notice, SetlDetail, SetlInfo, Settlement, Stamp, Status, TraceEntry};
use crate::ytd::Ytd;

/// The settlement as a JSON string.
pub fn to_string(s: &Settlement) -> String {
    let mut out = String::with_capacity(1024 + 320 * s.feedetail.len() + 160 * s.trace.len());
    write(s, &mut out);
    out
}

/// Appends the settlement's JSON to `out`.
pub fn write(s: &Settlement, out: &mut String) {
    // Bytes are gathered in a plain byte buffer (a byte push costs less than
    // a `char` push) and checked as UTF-8 once at the end: every piece
    // written is a `str` or ASCII, so the check always passes.
    let mut bytes = std::mem::take(out).into_bytes();
    write_bytes(s, &mut bytes);
    *out = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

/// Appends the settlement's JSON to a byte buffer: always UTF-8, as every
/// piece written is a `str` or ASCII. For writers that gather many
/// settlements in one buffer (`yibao batch`), with no check or copy per claim.
pub fn write_bytes(s: &Settlement, out: &mut Vec<u8>) {
    let mut w = W(out);
    w.raw("{\"status\":");
    w.str(status(s.status));
    w.raw(",\"mdtrt_id\":");
    w.str(&s.mdtrt_id);
    w.raw(",\"psn_no\":");
    w.str(&s.psn_no);
    if let Some(b) = &s.benefit {
        w.raw(",\"benefit\":");
        w.str(b);
    }
    w.raw(",\"setlinfo\":");
    w.setlinfo(&s.setlinfo);
    w.raw(",\"setldetail\":");
    w.list(&s.setldetail, W::detail);
    w.raw(",\"feedetail\":");
    w.list(&s.feedetail, W::line);
    w.raw(",\"ytd_after\":");
    w.ytd(&s.ytd_after);
    w.raw(",\"ytd_delta\":");
    w.ytd(&s.ytd_delta);
    w.raw(",\"trace\":");
    w.list(&s.trace, W::trace);
    w.raw(",\"notices\":");
    w.list(&s.notices, W::notice);
    w.raw(",\"denial\":");
    match &s.denial {
        Some(d) => w.denial(d),
        None => w.raw("null"),
    }
    w.raw(",\"stamp\":");
    w.stamp(&s.stamp);
    w.raw("}");
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Settled => "settled",
        Status::Denied => "denied",
        Status::Manual => "manual",
        Status::Reversed => "reversed",
    }
}

struct W<'a>(&'a mut Vec<u8>);

impl W<'_> {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    /// A JSON string, escaped as serde_json escapes it: `"` and `\`, the
    /// short escapes for control characters that have one, `\u00XX`
    /// (lowercase hex) for the others; everything else as is.
    fn str(&mut self, s: &str) {
        let out = &mut *self.0;
        out.push(b'"');
        let bytes = s.as_bytes();
        // A fold, not `any`: no early exit, so the check runs over whole vectors.
        if !bytes.iter().fold(false, |esc, &b| esc | (b < 0x20) | (b == b'"') | (b == b'\\')) {
            out.extend_from_slice(bytes);
        } else {
            let mut start = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let short = match b {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'\n' => b'n',
                    b'\r' => b'r',
                    b'\t' => b't',
                    0x08 => b'b',
                    0x0c => b'f',
                    0..=0x1f => 0,
                    _ => continue,
                };
                // `i` is at an ASCII byte, so both slices end on character boundaries.
                out.extend_from_slice(&bytes[start..i]);
                start = i + 1;
                out.push(b'\\');
                if short != 0 {
                    out.push(short);
                } else {
                    out.extend_from_slice(b"u00");
                    out.extend_from_slice(crate::policy::load::hex(&[b]).as_bytes());
                }
            }
            out.extend_from_slice(&bytes[start..]);
        }
        out.push(b'"');
    }

    /// A decimal as its plain string, scale kept (as the serde helpers write it).
    fn dec(&mut self, d: &Decimal) {
        self.0.push(b'"');
        push_plain(d, self.0);
        self.0.push(b'"');
    }

    /// `key` is the constant `,"name":` (or `{"name":` for the first field).
    fn field_dec(&mut self, key: &str, d: &Decimal) {
        self.raw(key);
        self.dec(d);
    }

    fn int(&mut self, v: i64) {
        use std::io::Write;
        // Writing into a byte vector cannot fail.
        let _ = write!(self.0, "{v}");
    }

    /// `open`, the items separated by commas, `close`.
    fn items<I: IntoIterator>(&mut self, open: u8, close: u8, items: I, mut each: impl FnMut(&mut Self, I::Item)) {
        self.0.push(open);
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            each(self, item);
        }
        self.0.push(close);
    }

    fn list<T>(&mut self, items: &[T], each: impl FnMut(&mut Self, &T)) {
        self.items(b'[', b']', items, each);
    }

    fn setlinfo(&mut self, i: &SetlInfo) {
        self.field_dec("{\"medfee_sumamt\":", &i.medfee_sumamt);
        self.field_dec(",\"fulamt_ownpay_amt\":", &i.fulamt_ownpay_amt);
        self.field_dec(",\"overlmt_selfpay\":", &i.overlmt_selfpay);
        self.field_dec(",\"preselfpay_amt\":", &i.preselfpay_amt);
        self.field_dec(",\"inscp_scp_amt\":", &i.inscp_scp_amt);
        self.field_dec(",\"act_pay_dedc\":", &i.act_pay_dedc);
        self.field_dec(",\"hifp_pay\":", &i.hifp_pay);
        self.field_dec(",\"pool_prop_selfpay\":", &i.pool_prop_selfpay);
        self.field_dec(",\"cvlserv_pay\":", &i.cvlserv_pay);
        self.field_dec(",\"hifes_pay\":", &i.hifes_pay);
        self.field_dec(",\"hifmi_pay\":", &i.hifmi_pay);
        self.field_dec(",\"hifob_pay\":", &i.hifob_pay);
        self.field_dec(",\"maf_pay\":", &i.maf_pay);
        self.field_dec(",\"oth_pay\":", &i.oth_pay);
        self.field_dec(",\"fund_pay_sumamt\":", &i.fund_pay_sumamt);
        self.field_dec(",\"psn_part_amt\":", &i.psn_part_amt);
        self.field_dec(",\"acct_pay\":", &i.acct_pay);
        self.field_dec(",\"acct_mulaid_pay\":", &i.acct_mulaid_pay);
        self.field_dec(",\"psn_cash_pay\":", &i.psn_cash_pay);
        self.field_dec(",\"hosp_part_amt\":", &i.hosp_part_amt);
        self.field_dec(",\"balc\":", &i.balc);
        self.raw("}");
    }

    fn detail(&mut self, d: &SetlDetail) {
        self.raw("{\"fund_pay_type\":");
        self.str(&d.fund_pay_type);
        self.field_dec(",\"inscp_scp_amt\":", &d.inscp_scp_amt);
        self.field_dec(",\"crt_payb_lmt_amt\":", &d.crt_payb_lmt_amt);
        self.field_dec(",\"fund_payamt\":", &d.fund_payamt);
        self.raw(",\"setl_proc_info\":");
        self.str(&d.setl_proc_info);
        self.raw("}");
    }

    fn line(&mut self, l: &LineResult) {
        self.raw("{\"feedetl_sn\":");
        self.str(&l.feedetl_sn);
        self.field_dec(",\"det_item_fee_sumamt\":", &l.det_item_fee_sumamt);
        self.field_dec(",\"fulamt_ownpay_amt\":", &l.fulamt_ownpay_amt);
        self.field_dec(",\"overlmt_amt\":", &l.overlmt_amt);
        self.field_dec(",\"preselfpay_amt\":", &l.preselfpay_amt);
        self.field_dec(",\"inscp_scp_amt\":", &l.inscp_scp_amt);
        self.field_dec(",\"selfpay_prop\":", &l.selfpay_prop);
        if !l.rules.is_empty() {
            self.raw(",\"rules\":");
            self.list(&l.rules, |w, r| w.str(r));
        }
        self.raw("}");
    }

    fn amounts(&mut self, m: &Amounts) {
        self.items(b'{', b'}', m, |w, (k, v)| {
            w.str(k);
            w.0.push(b':');
            w.dec(v);
        });
    }

    fn ytd(&mut self, y: &Ytd) {
        self.raw("{\"year\":");
        self.int(i64::from(y.year));
        self.field_dec(",\"dedc_paid\":", &y.dedc_paid);
        if !y.dedc_paid_by.is_empty() {
            self.raw(",\"dedc_paid_by\":");
            self.amounts(&y.dedc_paid_by);
        }
        self.raw(",\"admissions\":");
        self.int(i64::from(y.admissions));
        self.field_dec(",\"cost_sum\":", &y.cost_sum);
        self.raw(",\"fund_paid\":");
        self.amounts(&y.fund_paid);
        self.raw(",\"benefit_paid\":");
        self.amounts(&y.benefit_paid);
        if !y.eligible_sum.is_empty() {
            self.raw(",\"eligible_sum\":");
            self.amounts(&y.eligible_sum);
        }
        if !y.quota_used.is_empty() {
            self.raw(",\"quota_used\":");
            self.amounts(&y.quota_used);
        }
        self.raw("}");
    }

    fn trace(&mut self, t: &TraceEntry) {
        self.raw("{\"step\":");
        self.str(&t.step);
        self.raw(",\"rule\":");
        self.str(&t.rule);
        self.field_dec(",\"amount\":", &t.amount);
        self.raw(",\"text\":");
        self.str(&t.text);
        self.raw("}");
    }

    fn notice(&mut self, n: &Notice) {
        self.raw("{\"code\":");
        self.str(&n.code);
        self.raw(",\"rule\":");
        self.str(&n.rule);
        if !n.message.is_empty() {
            self.raw(",\"message\":");
            self.str(&n.message);
        }
        if !n.materials.is_empty() {
            self.raw(",\"materials\":");
            self.list(&n.materials, |w, m| w.str(m));
        }
        if let Some(d) = n.deadline {
            self.raw(",\"deadline\":");
            self.str(&d.to_string());
        }
        if !n.lines.is_empty() {
            self.raw(",\"lines\":");
            self.list(&n.lines, |w, l| w.str(l));
        }
        self.raw("}");
    }

    fn denial(&mut self, d: &Denial) {
        self.raw("{\"code\":");
        self.str(&d.code);
        self.raw(",\"rule\":");
        self.str(&d.rule);
        self.raw(",\"message\":");
        self.str(&d.message);
        self.raw("}");
    }

    fn stamp(&mut self, s: &Stamp) {
        self.raw("{\"engine\":");
        self.str(&s.engine);
        self.raw(",\"policy\":");
        self.str(&s.policy);
        self.raw(",\"policy_version\":");
        self.str(&s.policy_version);
        self.raw(",\"policy_hash\":");
        self.str(&s.policy_hash);
        self.raw(",\"input_hash\":");
        self.str(&s.input_hash);
        self.raw("}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_as_serde_json_escapes_them() {
        let mut samples: Vec<String> =
            ["plain", "", "q\"uote", "back\\slash", "tab\tnl\ncr\r", "\u{1}\u{8}\u{c}\u{1f}\u{7f}", "医保 ¥12.50"]
                .map(String::from)
                .into();
        // Every pair of one- or two-byte strings of the bytes that matter:
        // an escape alone, twice, or next to a plain byte.
        let bytes = ["\"", "\\", "\n", "\u{0}", "\u{1f}", " ", "a", "\u{7f}"];
        for a in bytes {
            samples.push(a.to_string());
            samples.extend(bytes.map(|b| format!("{a}{b}")));
        }
        for s in &samples {
            let mut out = Vec::new();
            W(&mut out).str(s);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn a_settlement_writes_the_bytes_serde_json_writes() {
        let engine = crate::Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        for n in [1, 3, 10] {
            let claim = crate::parse_claim(&crate::demo::sample_claim(n)).unwrap();
            let mut s = engine.settle(&claim).unwrap();
            assert_eq!(to_string(&s), serde_json::to_string(&s).unwrap());
            // The optional parts too: a denial, notices with every field, odd text.
            s.benefit = None;
            s.denial = Some(Denial { code: "X".into(), rule: "R\"1".into(), message: "line\nbreak".into() });
            s.notices.push(Notice {
                code: "N".into(),
                rule: "R".into(),
                message: "m".into(),
                materials: vec!["a".into(), "b\\c".into()],
                deadline: Some("2010-03-31".parse().unwrap()),
                lines: vec!["1".into(), "1\"0".into()],
            });
            s.notices.push(Notice {
                code: "N2".into(),
                rule: "R2".into(),
                message: String::new(),
                materials: vec![],
                deadline: None,
                lines: vec![],
            });
            s.ytd_after.dedc_paid_by.insert("inpatient", Decimal::new(-12345, 2));
            s.ytd_after.eligible_sum.insert("layer:x", Decimal::new(1, 0));
            s.ytd_after.quota_used.insert("q", Decimal::new(5, 1));
            s.ytd_after.year = -1;
            s.feedetail[0].rules.clear();
            assert_eq!(to_string(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
