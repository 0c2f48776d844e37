//! # libyibao — the C ABI of yibao
//!
//! Conventions (also in `include/README.md`):
//! - Every fallible function returns a [`yibao_status`]; `YIBAO_STATUS_OK` is 0.
//! - Byte inputs are a pointer followed by their length (`size_t`); no NUL is needed.
//!   JSON is UTF-8 unless the function name says `_gbk` (GBK/GB18030) or `_utf16`.
//! - Outputs come two ways: a library-owned NUL-terminated string freed with
//!   [`yibao_free_string`], or a caller buffer (`_into` functions) with the
//!   two-call pattern: a buffer too small gets `YIBAO_STATUS_BUFFER_TOO_SMALL`,
//!   nothing written, and `*needed` set to the bytes required (NUL included).
//! - On failure the output receives the error JSON of the contract
//!   (`{"code","path","message"}`), into a caller buffer if it fits: the
//!   status is the error's either way, and `*needed` the error JSON's size.
//!   The same JSON is kept as this thread's last error ([`yibao_last_error`]).
//! - Every pointer is checked for NULL; every export catches panics
//!   (`YIBAO_STATUS_PANIC`); input larger than [`YIBAO_MAX_INPUT`] is refused.
//! - An engine handle is an opaque token looked up in a registry: a freed,
//!   forged or twice-freed handle gets `YIBAO_STATUS_INVALID_HANDLE`, never
//!   undefined behaviour. Engines are immutable and safe to share between threads.
#![allow(non_camel_case_types)]

mod boundary;
mod engine;
mod exports;
pub mod status;
mod text;
pub mod vba;

pub use engine::yibao_engine;
pub use exports::*;
pub use status::*;

/// ABI version: bumped only when a signature or a meaning changes
/// (functions are added, never changed; retired ones are kept).
pub const YIBAO_ABI_VERSION: u32 = 1;

/// Largest input accepted by any function, in bytes (16 MiB).
pub const YIBAO_MAX_INPUT: usize = 16 * 1024 * 1024;

/// Input encoding: UTF-8.
pub const YIBAO_ENCODING_UTF8: i32 = 0;
/// Input encoding: GBK / GB18030 (output in GB18030).
pub const YIBAO_ENCODING_GBK: i32 = 1;
