//! Exact money, ratios and counts (`rust_decimal`), and their JSON forms.
//!
//! Amounts cross every boundary as JSON strings (`"12.50"`). A JSON number is
//! accepted too, read through its shortest decimal text, and refused when it
//! carries more places than the field allows (a float that is not exact to the
//! fen). Rounding is half-up (away from zero on the half) to the fen.

use rust_decimal::prelude::*;
use rust_decimal::RoundingStrategy;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

pub use rust_decimal::Decimal;

/// Places allowed for money (yuan to the fen).
pub const MONEY_DP: u32 = 2;
/// Places allowed for a ratio (`selfpay_prop`, 5,4 on the platform).
pub const RATIO_DP: u32 = 4;
/// Places allowed for a count (`cnt`, 16,4).
pub const COUNT_DP: u32 = 4;
/// Places allowed for a unit price (`pric`, 16,6).
pub const PRICE_DP: u32 = 6;

/// The largest amount accepted anywhere in a claim: one hundred million yuan.
/// Anything above is refused as absurd rather than settled.
pub fn max_amount() -> Decimal {
    Decimal::new(100_000_000, 0)
}

/// Rounds half-up to the fen.
#[inline]
pub fn fen(d: Decimal) -> Decimal {
    // Most amounts already carry two places or fewer: widening is exact and
    // cheaper than the general rounding path.
    if d.scale() == MONEY_DP {
        return d;
    }
    if d.scale() < MONEY_DP {
        let mut r = d;
        r.rescale(MONEY_DP);
        return r;
    }
    let mut r = d.round_dp_with_strategy(MONEY_DP, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(MONEY_DP);
    r
}

/// The powers of ten that fit in 64 bits.
pub(crate) const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// Whether `|d|` exceeds [`max_amount`], without the scale alignment a
/// general comparison needs.
#[inline]
pub fn above_max(d: Decimal) -> bool {
    const MAX: u128 = 100_000_000;
    let m = d.mantissa().unsigned_abs();
    match POW10.get(d.scale() as usize) {
        // 1e8 · 10^19 < 2^128: the bound is exact.
        Some(&p) => m > MAX * u128::from(p),
        None => d.abs() > max_amount(),
    }
}

/// Whether a line total is its price × count rounded half-up to the fen,
/// give or take one fen (what a HIS's own rounding may leave).
pub fn total_matches(pric: Decimal, cnt: Decimal, total: Decimal) -> bool {
    // In whole numbers when the three are non-negative 64-bit mantissas with
    // few places (every real line); the same answer as the decimal path.
    let exact = || -> Option<bool> {
        let p = u128::from(u64::try_from(pric.mantissa()).ok()?);
        let c = u128::from(u64::try_from(cnt.mantissa()).ok()?);
        let t = u128::from(u64::try_from(total.mantissa()).ok()?);
        let places = (pric.scale() + cnt.scale()) as usize;
        let (product, t_places) = (p * c, total.scale() as usize);
        let in_fen = match places.checked_sub(2) {
            Some(extra) => {
                let unit = u128::from(*POW10.get(extra)?);
                (product + unit / 2) / unit
            }
            None => product.checked_mul(u128::from(POW10[2 - places]))?,
        };
        let t_fen = t * u128::from(*POW10.get(2usize.checked_sub(t_places)?)?);
        Some(in_fen.abs_diff(t_fen) <= 1)
    };
    // A product too large for a Decimal matches no total a claim may carry.
    exact().unwrap_or_else(|| pric.checked_mul(cnt).is_some_and(|p| (fen(p) - total).abs() <= Decimal::new(1, 2)))
}

/// Zero with two places, the form every money output takes.
#[inline]
pub fn zero() -> Decimal {
    Decimal::new(0, MONEY_DP)
}

/// Parses decimal text, refusing more than `dp` places and anything that is not
/// a plain decimal (exponents, NaN, thousands separators).
pub fn parse_decimal(text: &str, dp: u32) -> Result<Decimal, String> {
    match plain_decimal(text.as_bytes(), dp) {
        Some(d) => Ok(d),
        None => parse_general(text, dp),
    }
}

/// [`parse_decimal`] for any spelling, through `Decimal::from_str`.
fn parse_general(text: &str, dp: u32) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty amount".into());
    }
    let ok =
        t.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && (b == b'-' || b == b'+')));
    if !ok {
        return Err(format!("`{t}` is not a decimal number"));
    }
    let d = Decimal::from_str(t).map_err(|_| format!("`{t}` is not a decimal number"))?;
    if d.scale() > dp {
        let n = d.normalize();
        if n.scale() > dp {
            return Err(format!("`{t}` has more than {dp} decimal places"));
        }
        return Ok(n);
    }
    Ok(d)
}

/// The common spelling of an amount, `digits` or `digits.digits` with at
/// most `dp` places and 18 characters (so the mantissa fits an `i64`), read
/// without the general parser; `None` for anything else. Gives the mantissa
/// and scale `Decimal::from_str` gives.
fn plain_decimal(b: &[u8], dp: u32) -> Option<Decimal> {
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    let mut mantissa = 0i64;
    let mut scale = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => mantissa = mantissa * 10 + i64::from(c - b'0'),
            b'.' if scale == 0 && i > 0 && i + 1 < b.len() => scale = b.len() - i - 1,
            _ => return None,
        }
    }
    let scale = u32::try_from(scale).ok().filter(|&s| s <= dp)?;
    Some(Decimal::new(mantissa, scale))
}

/// Reads a JSON number given as `f64` through its shortest decimal text.
fn from_f64(v: f64, dp: u32) -> Result<Decimal, String> {
    if !v.is_finite() {
        return Err("not a finite number".into());
    }
    let text = format!("{v}");
    if text.contains('e') || text.contains('E') {
        return Err(format!("`{text}` is out of range"));
    }
    parse_decimal(&text, dp)
        .map_err(|_| format!("the number {text} is not exact to {dp} decimal places; send amounts as strings"))
}

/// Writes a decimal as plain text (`-12.50`) without the formatting
/// machinery: the hot path of serialising a settlement.
pub fn write_plain<'b>(d: &Decimal, buf: &'b mut [u8; 64]) -> &'b str {
    let start = plain_digits(d, buf);
    // Only ASCII digits, '.' and '-' were written.
    std::str::from_utf8(&buf[start..]).unwrap_or("0")
}

/// Appends a decimal as plain text (ASCII), as [`write_plain`] writes it.
///
/// A mantissa that fits in 64 bits (every amount of a settlement) is
/// written in place: the text's length is known from the digit count and
/// the scale, so the vector grows by a fixed block of `'0'`s (leading and
/// padding zeros come free), the digits and the point are put from the
/// end, and the block is cut to length. No scratch buffer, no copy.
pub fn push_plain(d: &Decimal, out: &mut Vec<u8>) {
    let m = d.mantissa();
    let Ok(mut v) = u64::try_from(m.unsigned_abs()) else {
        let mut buf = [0u8; 64];
        let start = plain_digits(d, &mut buf);
        return out.extend_from_slice(&buf[start..]);
    };
    // At most 20 digits, a scale of at most 28: at most 31 bytes with the
    // point, a leading zero and the sign.
    const BLOCK: usize = 32;
    let scale = d.scale() as usize;
    let digits = v.checked_ilog10().map_or(1, |l| l as usize + 1);
    let body = if scale == 0 { digits } else { digits.max(scale + 1) + 1 };
    let len = body + usize::from(m < 0);
    let at = out.len();
    out.extend_from_slice(&[b'0'; BLOCK]);
    let text = &mut out[at..at + len];
    if m < 0 {
        text[0] = b'-';
    }
    // Digits go from the end, two at a time: first the `scale` digits of
    // the fraction (pairs of zeros once `v` runs out, which the block
    // already holds), then the point, then the whole part. A leading zero
    // (`0.05`) is already in the block.
    let mut i = len;
    let mut frac = scale;
    while frac >= 2 {
        i -= 2;
        text[i..i + 2].copy_from_slice(&PAIRS[(v % 100) as usize]);
        v /= 100;
        frac -= 2;
    }
    if frac == 1 {
        i -= 1;
        text[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if scale > 0 {
        i -= 1;
        text[i] = b'.';
    }
    while v >= 10 {
        i -= 2;
        text[i..i + 2].copy_from_slice(&PAIRS[(v % 100) as usize]);
        v /= 100;
    }
    if v > 0 {
        text[i - 1] = b'0' + v as u8;
    }
    out.truncate(at + len);
}

/// The two digits of every number below 100.
const PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut n = 0;
    while n < 100 {
        t[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    t
};

/// Writes the plain text of `d` (ASCII only) at the end of `buf`; returns where it starts.
fn plain_digits(d: &Decimal, buf: &mut [u8; 64]) -> usize {
    let m = d.mantissa();
    let mut i = put_digits(buf, m.unsigned_abs(), d.scale() as usize);
    if m < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    i
}

/// Writes `v` in decimal with its last `scale` digits after a point, ending
/// at the end of `buf` (at most 29 digits, a point and a leading zero: 31
/// bytes); returns where the text starts. Digits come one at a time from the
/// lowest, by u128 division while `v` is wider than 64 bits (rare), then by
/// the cheaper u64.
fn put_digits(buf: &mut [u8; 64], v: u128, scale: usize) -> usize {
    let mut end = buf.len();
    let mut written = 0;
    // Puts one digit (and the point before the fraction's top digit);
    // says whether the whole part has begun.
    let mut put = |digit: u8| {
        if written == scale && scale > 0 {
            end -= 1;
            buf[end] = b'.';
        }
        end -= 1;
        buf[end] = b'0' + digit;
        written += 1;
        written > scale
    };
    let mut wide = v;
    // Above u64::MAX there are at least 20 digits left, so the loop below
    // still writes the point and the whole part.
    while u64::try_from(wide).is_err() {
        put((wide % 10) as u8);
        wide /= 10;
    }
    let mut v = wide as u64;
    loop {
        let whole_begun = put((v % 10) as u8);
        v /= 10;
        if v == 0 && whole_begun {
            break;
        }
    }
    end
}

struct DecVisitor(u32);

impl Visitor<'_> for DecVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a decimal string with at most {} places", self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v, self.0).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        from_f64(v, self.0).map_err(E::custom)
    }
}

macro_rules! dec_module {
    ($name:ident, $dp:expr, $doc:literal) => {
        #[doc = $doc]
        pub mod $name {
            use super::*;
            /// Deserialises from a decimal string or an exact JSON number.
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
                d.deserialize_any(DecVisitor($dp))
            }
            /// Serialises as a decimal string.
            pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(write_plain(v, &mut [0u8; 64]))
            }
            /// The same for an optional field (`null` or absent is `None`).
            pub mod opt {
                use super::*;
                /// Deserialises an optional decimal.
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
                    struct V;
                    impl<'de> Visitor<'de> for V {
                        type Value = Option<Decimal>;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str("a decimal or null")
                        }
                        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                            Ok(None)
                        }
                        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                            Ok(None)
                        }
                        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                            d.deserialize_any(DecVisitor($dp)).map(Some)
                        }
                    }
                    d.deserialize_option(V)
                }
                /// Serialises an optional decimal (`null` when absent).
                pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
                    match v {
                        Some(v) => s.serialize_str(write_plain(v, &mut [0u8; 64])),
                        None => s.serialize_none(),
                    }
                }
            }
        }
    };
}

dec_module!(money, MONEY_DP, "Serde for money: at most two places.");
dec_module!(ratio, RATIO_DP, "Serde for ratios: at most four places.");
dec_module!(count, COUNT_DP, "Serde for counts: at most four places.");
dec_module!(price, PRICE_DP, "Serde for unit prices: at most six places.");

/// Serde for [`crate::amounts::Amounts`]: a JSON object of money amounts
/// keyed by string.
pub mod money_map {
    use super::*;
    use crate::amounts::Amounts;
    use crate::claim::Code;
    use serde::ser::SerializeMap;

    /// Deserialises `{ "key": "12.50", ... }` (`null` is an empty map).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amounts, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Amounts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of amounts")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Amounts, E> {
                Ok(Amounts::default())
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<Amounts, A::Error> {
                let mut out = Amounts::default();
                while let Some(k) = m.next_key::<Code>()? {
                    let v: Amt = m.next_value()?;
                    out.insert(k, v.0);
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }

    /// Serialises amounts as strings, in key order.
    pub fn serialize<S: Serializer>(v: &Amounts, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(v.len()))?;
        for (k, a) in v {
            m.serialize_entry(k.as_str(), write_plain(a, &mut [0u8; 64]))?;
        }
        m.end()
    }

    struct Amt(Decimal);
    impl<'de> serde::Deserialize<'de> for Amt {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(DecVisitor(MONEY_DP)).map(Amt)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_to_the_fen() {
        assert_eq!(fen(Decimal::from_str("1.005").unwrap()).to_string(), "1.01");
        assert_eq!(fen(Decimal::from_str("1.004").unwrap()).to_string(), "1.00");
        assert_eq!(fen(Decimal::from_str("2").unwrap()).to_string(), "2.00");
        assert_eq!(fen(Decimal::from_str("-1.005").unwrap()).to_string(), "-1.01");
    }

    #[test]
    fn plain_writing_matches_display() {
        for t in [
            "0",
            "0.00",
            "-0.05",
            "12.50",
            "100000000.00",
            "0.1000",
            "-1234567.891234",
            "7",
            "18446744073709551615",
            "18446744073709551616",
            "-184467440737095516.17",
            "79228162514264337593543950335",
            "-7922816251426433759354395.0335",
            "0.0000000000000000000000000001",
            "0.05",
            "0.5",
            "1.00",
            "0",
            "0.00",
            "0.0000000000000000000000000000",
            "10",
            "99.99",
            "100.01",
            "0.000000000000000001",
            "-9.9999999999999999999",
            "1844674407370955161.5",
        ] {
            let d = Decimal::from_str(t).unwrap();
            assert_eq!(write_plain(&d, &mut [0u8; 64]), d.to_string(), "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_amounts_parse_as_the_general_parser_does(text in "[-+ 0-9.e]{0,20}|[0-9]{1,12}\\.[0-9]{1,7}", dp in 0u32..=6) {
            let exact = |r: Result<Decimal, String>| r.map(|d| (d.mantissa(), d.scale()));
            proptest::prop_assert_eq!(exact(parse_decimal(&text, dp)), exact(parse_general(&text, dp)));
        }
    }

    #[test]
    fn small_and_zero_amounts_write_as_display_writes_them() {
        for (m, scale) in [(0, 0), (0, 2), (0, 4), (0, 28), (5, 2), (-5, 2), (7, 0), (-7, 0), (1234, 2), (-1234, 2)]
            .into_iter()
            .chain([(1, 28), (-1, 28), (i64::MAX, 0), (i64::MIN + 1, 19), (i64::MIN, 28), (100, 2), (10, 1)])
        {
            let d = Decimal::new(m, scale);
            let mut pushed = b"x".to_vec();
            push_plain(&d, &mut pushed);
            assert_eq!(String::from_utf8_lossy(&pushed[1..]), d.to_string(), "{m} scale {scale}");
            assert_eq!(write_plain(&d, &mut [0u8; 64]), d.to_string(), "{m} scale {scale}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_text_is_what_display_writes(m in proptest::prelude::any::<i64>(), wide in -(1i128 << 95)..(1i128 << 95), scale in 0u32..=28) {
            for d in [Decimal::new(m, scale), Decimal::from_i128_with_scale(wide, scale)] {
                let mut buf = [0u8; 64];
                proptest::prop_assert_eq!(write_plain(&d, &mut buf), d.to_string());
                let mut pushed = b"x".to_vec();
                push_plain(&d, &mut pushed);
                proptest::prop_assert_eq!(String::from_utf8_lossy(&pushed[1..]), d.to_string());
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn line_totals_check_alike_in_whole_numbers_and_decimals(
            p in 0i64..100_000_000_000_000, ps in 0u32..=6,
            c in 0i64..1_000_000_000_000, cs in 0u32..=4,
            t in 0i64..10_000_000_000, ts in 0u32..=3,
            near in proptest::prelude::any::<bool>(),
        ) {
            let (pric, cnt) = (Decimal::new(p, ps), Decimal::new(c, cs));
            // Half the cases a total within a few fen of the product, so both answers occur.
            let total = if near { fen(pric * cnt) + Decimal::new(t % 5 - 2, 2) } else { Decimal::new(t, ts) };
            let decimal_path = (fen(pric * cnt) - total).abs() <= Decimal::new(1, 2);
            proptest::prop_assert_eq!(total_matches(pric, cnt, total), decimal_path);
        }
    }

    proptest::proptest! {
        /// Amounts of real lines, whose three mantissas fit 64 bits, so
        /// that the whole-number path answers rather than the fallback.
        #[test]
        fn line_totals_of_real_sizes_check_alike(
            p in 0i64..1_000_000_000, ps in 0u32..=4, c in 1i64..100_000, cs in 0u32..=3, off in -3i64..=3,
        ) {
            let (pric, cnt) = (Decimal::new(p, ps), Decimal::new(c, cs));
            let total = fen(pric * cnt) + Decimal::new(off, 2);
            proptest::prop_assert_eq!(total_matches(pric, cnt, total), off.abs() <= 1, "{} × {} = {}", pric, cnt, total);
        }
    }

    #[test]
    fn line_totals_with_few_places() {
        let d = |t: &str| Decimal::from_str(t).unwrap();
        for (pric, cnt, total, want) in [
            ("5.5", "2", "11.00", true),
            ("5.5", "2", "11", true),
            ("5.5", "2", "11.02", false),
            ("5", "2", "10.01", true),
            ("5", "2", "9.98", false),
            ("0.333", "3", "1.00", true),
            ("0.333", "3", "0.98", false),
            ("100000000", "1", "100000000.00", true),
        ] {
            assert_eq!(total_matches(d(pric), d(cnt), d(total)), want, "{pric} × {cnt} against {total}");
        }
    }

    #[test]
    fn the_largest_amount_is_accepted_and_a_fen_more_is_not() {
        let d = |t: &str| Decimal::from_str(t).unwrap();
        assert_eq!(max_amount(), d("100000000"));
        for (t, want) in [
            ("100000000", false),
            ("100000000.00", false),
            ("100000000.01", true),
            ("-100000000.01", true),
            ("100000001", true),
            ("99999999.99", false),
            // Scales beyond the 64-bit powers of ten take the general comparison.
            ("1.0000000000000000000000001", false),
            ("100000000.00000000000000000001", true),
            ("100000000.00000000000000000000", false),
        ] {
            assert_eq!(above_max(d(t)), want, "{t}");
        }
    }

    #[test]
    fn line_totals_of_huge_amounts_are_refused_without_overflow() {
        let huge = Decimal::from(u64::MAX);
        assert!(!total_matches(huge, huge, Decimal::ONE));
        assert!(!total_matches(Decimal::MAX, Decimal::MAX, Decimal::ONE));
        assert!(total_matches(Decimal::new(1250, 2), Decimal::from(3), Decimal::new(3750, 2)));
    }

    #[test]
    fn parse_refuses_extra_places_and_junk() {
        assert!(parse_decimal("12.345", 2).is_err());
        assert_eq!(parse_decimal("12.3400", 2).unwrap().to_string(), "12.34");
        assert!(parse_decimal("1e3", 2).is_err());
        assert!(parse_decimal("1,000", 2).is_err());
        for junk in ["_1000", "1_000", "x5", "5-3", "1 000", "--5", "+-5"] {
            assert!(parse_decimal(junk, 2).is_err(), "{junk}");
        }
        assert_eq!(parse_decimal("+5", 2).unwrap(), Decimal::from(5));
        assert!(parse_decimal("", 2).is_err());
        assert!(from_f64(0.1, 2).is_ok());
        assert!(from_f64(12.345, 2).is_err());
        assert!(from_f64(f64::NAN, 2).is_err());
    }
}
