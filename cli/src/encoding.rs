//! The text encoding of what the command reads and writes: UTF-8, or
//! GBK/GB18030 (`--encoding gbk`) for files a legacy HIS exports. JSON's
//! own characters are ASCII in both, so a JSONL file splits into lines the
//! same way; a GBK file is decoded as GB18030, its superset, and output is
//! written in GB18030, as the C ABI's `_gbk` functions do.

use std::borrow::Cow;
use std::sync::OnceLock;
use yibao_core::{Error, ErrorCode};

/// An encoding the command line reads and writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 (the default).
    #[default]
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GBK, read as GB18030 (its superset); output in GB18030.
    #[value(name = "gbk", alias = "gb18030")]
    Gbk,
}

static CHOSEN: OnceLock<Encoding> = OnceLock::new();

/// Sets the encoding for the run (once, before anything is read or written).
pub fn choose(e: Encoding) {
    let _ = CHOSEN.set(e);
}

fn chosen() -> Encoding {
    CHOSEN.get().copied().unwrap_or_default()
}

/// `bytes` as text in the chosen encoding, or `INVALID_JSON` naming
/// `what` and the offset of the first byte that is not of the encoding.
pub fn decode<'a>(bytes: &'a [u8], what: &str) -> Result<Cow<'a, str>, Error> {
    match chosen() {
        Encoding::Utf8 => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
            Error::new(ErrorCode::InvalidJson, format!("{what} is not valid UTF-8 at byte {}", e.valid_up_to()))
        }),
        Encoding::Gbk => yibao_core::gbk::decode(bytes)
            .map(Cow::Owned)
            .map_err(|at| Error::new(ErrorCode::InvalidJson, format!("{what} is not valid GBK/GB18030 at byte {at}"))),
    }
}

/// `text` in the chosen encoding, to be written out.
pub fn encode(text: &str) -> Cow<'_, [u8]> {
    match chosen() {
        Encoding::Utf8 => Cow::Borrowed(text.as_bytes()),
        Encoding::Gbk => Cow::Owned(yibao_core::gbk::encode(text)),
    }
}

/// Whether output must be re-encoded (anything but UTF-8).
pub fn recodes() -> bool {
    chosen() != Encoding::Utf8
}
