//! Text encodings at the boundary: core only ever sees UTF-8. Invalid input
//! is refused with the offset of the first bad byte or unit.

use crate::status::*;

/// UTF-8 bytes to `&str`.
pub fn utf8<'a>(b: &'a [u8], what: &str) -> Result<&'a str, FfiError> {
    std::str::from_utf8(b).map_err(|e| {
        FfiError::new(
            YIBAO_STATUS_INVALID_UTF8,
            Some(&format!("{what}@byte {}", e.valid_up_to())),
            &format!("{what} is not valid UTF-8 at byte {}", e.valid_up_to()),
        )
    })
}

/// GBK / GB18030 bytes to a `String`.
pub fn gbk(b: &[u8], what: &str) -> Result<String, FfiError> {
    yibao_core::gbk::decode(b).map_err(|at| {
        FfiError::new(
            YIBAO_STATUS_INVALID_GBK,
            Some(&format!("{what}@byte {at}")),
            &format!("{what} is not valid GBK/GB18030 at byte {at}"),
        )
    })
}

/// A `String` to GB18030 bytes (lossless for every Unicode character).
pub fn to_gb18030(s: &str) -> Vec<u8> {
    yibao_core::gbk::encode(s)
}

/// UTF-16 units to a `String`, refusing lone surrogates.
pub fn utf16(u: &[u16], what: &str) -> Result<String, FfiError> {
    let mut out = String::with_capacity(u.len());
    let mut at = 0usize;
    for c in char::decode_utf16(u.iter().copied()) {
        match c {
            Ok(ch) => {
                at += ch.len_utf16();
                out.push(ch);
            }
            Err(_) => {
                return Err(FfiError::new(
                    YIBAO_STATUS_INVALID_UTF16,
                    Some(&format!("{what}@unit {at}")),
                    &format!("{what} has a lone surrogate at UTF-16 unit {at}"),
                ))
            }
        }
    }
    Ok(out)
}
