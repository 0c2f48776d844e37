//! Reads a claim's JSON text straight into a [`Claim`], the counterpart of
//! [`crate::settlement_json`]: no serde visitor per field, no intermediate
//! value, and codes copied once into their inline [`Code`]s.
//!
//! It takes only the plain shapes — strings without escapes, whole numbers,
//! `true`, `false`, `null`, and the keys the contract names, each once — and
//! gives up (`None`) on anything else: an escape, a fraction or exponent in a
//! number, a negative number, an unknown or repeated key, a missing field, a
//! bad amount or date. Serde then reads the text, accepting what it accepts
//! and reporting an error with its path. The fields themselves come from the
//! tables of [`crate::claim_fields`], which the Python binding's dict reader
//! shares.
//!
//! A claim read here equals the one serde reads: the conformance harness
//! checks every case, and a property test checks random edits of claims
//! (whenever this reader accepts a text, serde accepts it too and reads the
//! same claim).

use crate::amounts::Amounts;
use crate::claim::{ChronicCert, Claim, Code, Date, Filing, Identity};
use crate::claim_fields::{self as fields, FieldValue, Seen};
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

/// Where the first `"`, `\` or control character at or after `from` is,
/// eight bytes at a time: in each word a byte is flagged where it equals
/// `"` or `\` (its XOR with that byte is zero) or is below 0x20. The
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

/// Bytes of the shortest fee line worth reserving room for: its six
/// required keys and their quotes alone take 80.
const MIN_LINE_BYTES: usize = 96;

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

    /// Consumes `open`; says whether the container is empty (its `close`
    /// consumed too).
    fn open(&mut self, open: u8, close: u8) -> Fast<bool> {
        self.eat(open)?;
        let empty = self.peek()? == close;
        if empty {
            self.at += 1;
        }
        Some(empty)
    }

    /// After an item: `,` says another follows; `close` ends the container.
    fn more(&mut self, close: u8) -> Fast<bool> {
        let next = self.peek()?;
        if next != b',' && next != close {
            return None;
        }
        self.at += 1;
        Some(next == b',')
    }

    /// Reads an object, calling `field` with each key to read its value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Fast<()>) -> Fast<()> {
        let mut more = !self.open(b'{', b'}')?;
        while more {
            let key = self.str()?;
            self.eat(b':')?;
            field(self, key)?;
            more = self.more(b'}')?;
        }
        Some(())
    }

    /// Reads an array of objects, each built where it stays: `blank` is
    /// pushed, then `item` fills it in place (a fee line is a few hundred
    /// bytes; building it in the vector saves two moves of it per line).
    /// `room` items are reserved up front, so that as many are never moved
    /// by the vector's growth.
    fn array<T>(
        &mut self,
        room: usize,
        blank: impl Fn() -> T,
        mut item: impl FnMut(&mut Self, &mut T) -> Fast<()>,
    ) -> Fast<Vec<T>> {
        let mut out = Vec::with_capacity(room);
        let mut more = !self.open(b'[', b']')?;
        while more {
            out.push(blank());
            item(self, out.last_mut()?)?;
            more = self.more(b']')?;
        }
        Some(out)
    }

    /// Reads an object into `target` through a field table, each key once
    /// and every `required` one present.
    fn fill_in<T>(
        &mut self,
        target: &mut T,
        set: impl Fn(&mut T, &str, &mut Self) -> Option<u32>,
        required: u32,
    ) -> Fast<()> {
        let mut seen = Seen::default();
        self.object(|r, key| seen.once(set(target, key, r)?))?;
        seen.all(required)
    }

    /// [`Reader::fill_in`] of a `blank` value, returned.
    fn fill<T>(
        &mut self,
        mut blank: T,
        set: impl Fn(&mut T, &str, &mut Self) -> Option<u32>,
        required: u32,
    ) -> Fast<T> {
        self.fill_in(&mut blank, set, required)?;
        Some(blank)
    }

    fn claim(&mut self) -> Fast<Claim> {
        let (mut policy, mut psn, mut ytd, mut mdtrt, mut feedetail) = (None, None, None, None, None);
        let mut seen = Seen::default();
        self.object(|r, key| {
            let n = match key {
                "policy" => {
                    policy = if r.null() { None } else { Some(String::from(r.str()?)) };
                    0
                }
                "psn" => {
                    psn = Some(r.fill(
                        fields::blank_person(),
                        |t, k, r| fields::person(t, k, r),
                        fields::PERSON_REQUIRED,
                    )?);
                    1
                }
                "ytd" => {
                    ytd = if r.null() { None } else { Some(FieldValue::ytd(&mut *r)?) };
                    2
                }
                "mdtrt" => {
                    mdtrt = Some(r.fill(
                        fields::blank_visit(),
                        |t, k, r| fields::visit(t, k, r),
                        fields::VISIT_REQUIRED,
                    )?);
                    3
                }
                "feedetail" => {
                    // No line is shorter than its required keys (about 100
                    // bytes): the rest of the text bounds the count, mostly.
                    let room = ((r.text.len() - r.at) / MIN_LINE_BYTES).clamp(1, 64);
                    feedetail = Some(r.array(room, fields::blank_line, |r, l| {
                        r.fill_in(l, |t, k, r| fields::line(t, k, r), fields::LINE_REQUIRED)
                    })?);
                    4
                }
                _ => return None,
            };
            seen.once(n)
        })?;
        Some(Claim { policy, psn: psn?, ytd, mdtrt: mdtrt?, feedetail: feedetail? })
    }
}

impl FieldValue for &mut Reader<'_> {
    fn null(&mut self) -> bool {
        Reader::null(self)
    }
    fn code(self) -> Option<Code> {
        self.str().map(Code::from)
    }
    fn dec(self, dp: u32) -> Option<Decimal> {
        Reader::dec(self, dp)
    }
    fn date(self) -> Option<Date> {
        self.str()?.parse().ok()
    }
    fn day(self) -> Option<Date> {
        crate::date::date_or_datetime(self.str()?).ok()
    }
    fn bool(self) -> Option<bool> {
        Reader::bool(self)
    }
    fn uint(self) -> Option<u64> {
        Reader::uint(self)
    }
    /// A repeated key keeps the last amount, as serde's reading does.
    fn amounts(self) -> Option<Amounts> {
        let mut out = Amounts::new();
        if !Reader::null(self) {
            self.object(|r, key| {
                out.insert(key, Reader::dec(r, money::MONEY_DP)?);
                Some(())
            })?;
        }
        Some(out)
    }
    fn filings(self) -> Option<Vec<Filing>> {
        self.array(0, fields::blank_filing, |r, f| {
            r.fill_in(f, |t, k, r| fields::filing(t, k, r), fields::FILING_REQUIRED)
        })
    }
    fn chronic_certs(self) -> Option<Vec<ChronicCert>> {
        self.array(0, fields::blank_chronic_cert, |r, c| {
            r.fill_in(c, |t, k, r| fields::chronic_cert(t, k, r), fields::CHRONIC_CERT_REQUIRED)
        })
    }
    fn identities(self) -> Option<Vec<Identity>> {
        self.array(0, fields::blank_identity, |r, c| {
            r.fill_in(c, |t, k, r| fields::identity(t, k, r), fields::IDENTITY_REQUIRED)
        })
    }
    fn ytd(self) -> Option<Ytd> {
        self.fill(fields::blank_ytd(), |t, k, r| fields::ytd(t, k, r), fields::YTD_REQUIRED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A claim that spells every field the contract names, with spacing
    /// between tokens and a repeated key in a map; the Python dict reader's
    /// tests read the same file.
    static EVERY_FIELD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        std::fs::read_to_string(root.join("tests/fixtures/every-field.claim.json")).unwrap()
    });

    /// The claim with its amounts at their exact scale (a `Decimal`
    /// comparison would take `5` and `5.00` as equal).
    fn exact(c: &Claim) -> String {
        serde_json::to_string(c).unwrap()
    }

    fn samples() -> Vec<String> {
        vec![crate::demo::sample_claim(1), crate::demo::sample_claim(3), EVERY_FIELD.clone()]
    }

    #[test]
    fn stop_byte_finds_the_first_quote_backslash_or_control_character() {
        let stops = [b'"', b'\\', 0x00, 0x01, b'\t', b'\n', 0x1f];
        let passes = [b' ', b'!', b'#', b'[', b']', b'a', 0x7f, 0x80, 0xbf, 0xff];
        // Every position in, and past, the eight-byte words and the tail.
        for len in [1, 7, 8, 9, 16, 23] {
            for at in 0..len {
                for &c in &stops {
                    let mut b = vec![b'a'; len];
                    b[at] = c;
                    assert_eq!(stop_byte(&b, 0), Some(at), "{c:#x} at {at} of {len}");
                    // A later stop does not hide the first; a start past it finds the later one.
                    b[len - 1] = b'"';
                    assert_eq!(stop_byte(&b, 0), Some(at), "{c:#x} at {at} of {len}, quote last");
                    assert_eq!(stop_byte(&b, at + 1), (at + 1 < len).then_some(len - 1));
                }
                for &c in &passes {
                    let mut b = vec![b'a'; len];
                    b[at] = c;
                    assert_eq!(stop_byte(&b, 0), None, "{c:#x} at {at} of {len}");
                }
            }
        }
        // A byte just above a stop byte sits next to it in every word.
        let b = [0x20, 0x21, 0x23, 0x5d, 0x5b, 0x20, 0x21, 0x23, 0x20, 0x1f];
        assert_eq!(stop_byte(&b, 0), Some(9));
    }

    #[test]
    fn plain_claims_are_read_here_as_serde_reads_them() {
        for text in samples() {
            let fast = read(&text).expect("a plainly spelt claim is read here");
            let serde: Claim = serde_json::from_str(&text).unwrap();
            assert_eq!(exact(&fast), exact(&serde));
        }
        let rich = read(&EVERY_FIELD).unwrap();
        assert_eq!(rich.psn.quota_balc.get("opc").map(ToString::to_string).as_deref(), Some("12"));
        assert_eq!(rich.psn.filings[1].status, "active");
        assert!(rich.mdtrt.disease.is_none() && rich.mdtrt.referral_leg && !rich.mdtrt.networked);
        assert_eq!(rich.psn.idetinfo.len(), 2);
        assert_eq!(rich.psn.idetinfo[1].psn_type_lv.as_deref(), Some("2"));
        assert!(rich.psn.idetinfo[1].begntime.is_none());
        // The platform's date-time is read here, its time of day dropped.
        assert_eq!(rich.psn.idetinfo[0].begntime, "2024-01-01".parse().ok());
        // Every field the contract names is read here, none left to serde.
        assert_eq!((rich.psn.zero_claim_years, rich.psn.gap_years), (Some(2), Some(0)));
        assert_eq!(rich.psn.mulaid_balc.to_string(), "88.8");
        assert_eq!(rich.psn.psn_insu_stas.as_deref(), Some("1"));
        assert_eq!(rich.psn.acct_credit.map(|c| c.to_string()), Some("1200.00".into()));
        let m = &rich.mdtrt;
        assert_eq!((m.dedc_hosp_lv.as_deref(), m.psn_setlway.as_deref()), (Some("2"), Some("01")));
        assert_eq!((m.prior_disease.as_deref(), m.mid_setl_flag.as_deref()), (Some("I10"), Some("0")));
        assert_eq!(m.prior_dscg_date, "2025-04-20".parse().ok());
        assert_eq!(m.prior_leg_dedc.map(|d| d.to_string()).as_deref(), Some("300"));
        assert_eq!(m.medfee_sumamt.map(|d| d.to_string()).as_deref(), Some("35.86"));
        assert_eq!(rich.feedetail[0].init_feedetl_sn.as_deref(), Some("0"));
        assert!(rich.feedetail[1].init_feedetl_sn.is_none());
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
            // Only the four letters of `null` are null.
            ("\"insu_begn_date\":\"2008-01-01\"", "\"insu_begn_date\":nulL"),
            ("\"insu_begn_date\":\"2008-01-01\"", "\"insu_begn_date\":none"),
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
