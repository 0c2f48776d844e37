//! GBK text (国标码), as legacy hospital systems write it: decoded as
//! GB18030, its superset, and written back as GB18030, which holds every
//! Unicode character. The engine itself reads and writes UTF-8; the C ABI's
//! `_gbk` functions and the command line's `--encoding gbk` convert at the
//! edge with these.

use encoding_rs::{DecoderResult, GB18030};

/// `bytes` decoded from GBK/GB18030, or the offset of the first byte that
/// does not decode.
pub fn decode(bytes: &[u8]) -> Result<String, usize> {
    let mut dec = GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3 / 2 + 16);
    let mut read_total = 0;
    loop {
        let (res, read) = dec.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match res {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(bytes.len().max(64)),
            DecoderResult::Malformed(bad, _) => return Err(read_total.saturating_sub(usize::from(bad))),
        }
    }
}

/// `text` encoded in GB18030 (lossless for every Unicode character).
pub fn encode(text: &str) -> Vec<u8> {
    GB18030.encode(text).0.into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn gbk_round_trips_and_a_bad_byte_is_located() {
        // 医保 in GBK is D2 BD B1 A3.
        let bytes = b"{\"x\":\"\xd2\xbd\xb1\xa3\"}";
        assert_eq!(super::decode(bytes).unwrap(), "{\"x\":\"医保\"}");
        assert_eq!(super::encode("{\"x\":\"医保\"}"), bytes);
        // A lead byte followed by a byte no GBK character has.
        assert_eq!(super::decode(b"ab\x81\x7f"), Err(2));
        assert_eq!(super::decode(b"abc\xff"), Err(3));
        // A character outside GBK survives GB18030's four-byte form.
        assert_eq!(super::decode(&super::encode("€😀")).unwrap(), "€😀");
    }
}
