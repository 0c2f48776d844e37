//! Status codes: a plain `int32_t` with named constants, so the header stays
//! C89-clean and the ABI never depends on an enum's size. Values never change
//! meaning and are never reused.

use yibao_core::ErrorCode;

/// The result of every fallible call. Codes 1–99 mirror the contract's error
/// codes; 100 and above are ABI-level problems.
pub type yibao_status = i32;

/// Success.
pub const YIBAO_STATUS_OK: yibao_status = 0;
/// The claim is malformed or inconsistent.
pub const YIBAO_STATUS_INVALID_CLAIM: yibao_status = 1;
/// The input is not JSON.
pub const YIBAO_STATUS_INVALID_JSON: yibao_status = 2;
/// A code is not in the national table or not defined by the policy.
pub const YIBAO_STATUS_UNKNOWN_CODE: yibao_status = 3;
/// No such policy.
pub const YIBAO_STATUS_UNKNOWN_POLICY: yibao_status = 4;
/// The policy is malformed or fails validation.
pub const YIBAO_STATUS_INVALID_POLICY: yibao_status = 5;
/// The claim needs a required policy parameter that is not set.
pub const YIBAO_STATUS_POLICY_PARAMETER_MISSING: yibao_status = 6;
/// No policy version is in force on the claim's date.
pub const YIBAO_STATUS_NO_POLICY_VERSION: yibao_status = 7;
/// The input is larger than the documented limit.
pub const YIBAO_STATUS_INPUT_TOO_LARGE: yibao_status = 8;
/// A settlement given for reversal is inconsistent.
pub const YIBAO_STATUS_INVALID_SETTLEMENT: yibao_status = 9;
/// A file could not be read.
pub const YIBAO_STATUS_IO: yibao_status = 10;
/// An internal error (reported, never a crash).
pub const YIBAO_STATUS_INTERNAL: yibao_status = 11;
/// A required pointer was NULL.
pub const YIBAO_STATUS_NULL_ARGUMENT: yibao_status = 100;
/// The caller's buffer is too small; `*needed` says how large it must be.
pub const YIBAO_STATUS_BUFFER_TOO_SMALL: yibao_status = 101;
/// The input is not valid UTF-8 (`path` gives the byte offset).
pub const YIBAO_STATUS_INVALID_UTF8: yibao_status = 102;
/// The input is not valid UTF-16 (a lone surrogate).
pub const YIBAO_STATUS_INVALID_UTF16: yibao_status = 103;
/// The input is not valid GBK/GB18030.
pub const YIBAO_STATUS_INVALID_GBK: yibao_status = 104;
/// The engine handle is NULL, freed, or was never issued.
pub const YIBAO_STATUS_INVALID_HANDLE: yibao_status = 105;
/// A panic was caught at the boundary.
pub const YIBAO_STATUS_PANIC: yibao_status = 106;
/// An argument is out of range (a negative length, a misaligned pointer).
pub const YIBAO_STATUS_INVALID_ARGUMENT: yibao_status = 107;

/// `(code, name)` of every status.
pub const NAMES: [(yibao_status, &str); 20] = [
    (YIBAO_STATUS_OK, "OK\0"),
    (YIBAO_STATUS_INVALID_CLAIM, "INVALID_CLAIM\0"),
    (YIBAO_STATUS_INVALID_JSON, "INVALID_JSON\0"),
    (YIBAO_STATUS_UNKNOWN_CODE, "UNKNOWN_CODE\0"),
    (YIBAO_STATUS_UNKNOWN_POLICY, "UNKNOWN_POLICY\0"),
    (YIBAO_STATUS_INVALID_POLICY, "INVALID_POLICY\0"),
    (YIBAO_STATUS_POLICY_PARAMETER_MISSING, "POLICY_PARAMETER_MISSING\0"),
    (YIBAO_STATUS_NO_POLICY_VERSION, "NO_POLICY_VERSION\0"),
    (YIBAO_STATUS_INPUT_TOO_LARGE, "INPUT_TOO_LARGE\0"),
    (YIBAO_STATUS_INVALID_SETTLEMENT, "INVALID_SETTLEMENT\0"),
    (YIBAO_STATUS_IO, "IO\0"),
    (YIBAO_STATUS_INTERNAL, "INTERNAL\0"),
    (YIBAO_STATUS_NULL_ARGUMENT, "NULL_ARGUMENT\0"),
    (YIBAO_STATUS_BUFFER_TOO_SMALL, "BUFFER_TOO_SMALL\0"),
    (YIBAO_STATUS_INVALID_UTF8, "INVALID_UTF8\0"),
    (YIBAO_STATUS_INVALID_UTF16, "INVALID_UTF16\0"),
    (YIBAO_STATUS_INVALID_GBK, "INVALID_GBK\0"),
    (YIBAO_STATUS_INVALID_HANDLE, "INVALID_HANDLE\0"),
    (YIBAO_STATUS_PANIC, "PANIC\0"),
    (YIBAO_STATUS_INVALID_ARGUMENT, "INVALID_ARGUMENT\0"),
];

/// The name of a status with its trailing NUL (`"UNKNOWN_STATUS\0"` for others).
pub fn name_nul(s: yibao_status) -> &'static str {
    NAMES.iter().find(|(c, _)| *c == s).map_or("UNKNOWN_STATUS\0", |(_, n)| n)
}

/// The name of a status (`"INVALID_CLAIM"`…).
pub fn name(s: yibao_status) -> &'static str {
    name_nul(s).trim_end_matches('\0')
}

/// The status for a core error code.
pub fn of(c: ErrorCode) -> yibao_status {
    match c {
        ErrorCode::InvalidClaim => YIBAO_STATUS_INVALID_CLAIM,
        ErrorCode::InvalidJson => YIBAO_STATUS_INVALID_JSON,
        ErrorCode::UnknownCode => YIBAO_STATUS_UNKNOWN_CODE,
        ErrorCode::UnknownPolicy => YIBAO_STATUS_UNKNOWN_POLICY,
        ErrorCode::InvalidPolicy => YIBAO_STATUS_INVALID_POLICY,
        ErrorCode::PolicyParameterMissing => YIBAO_STATUS_POLICY_PARAMETER_MISSING,
        ErrorCode::NoPolicyVersion => YIBAO_STATUS_NO_POLICY_VERSION,
        ErrorCode::InputTooLarge => YIBAO_STATUS_INPUT_TOO_LARGE,
        ErrorCode::InvalidSettlement => YIBAO_STATUS_INVALID_SETTLEMENT,
        ErrorCode::Io => YIBAO_STATUS_IO,
        ErrorCode::Internal => YIBAO_STATUS_INTERNAL,
    }
}

/// An error crossing the ABI: a status plus the contract's error JSON.
#[derive(Debug, Clone)]
pub struct FfiError {
    /// The status returned.
    pub status: yibao_status,
    /// `{"code","path","message",…}`.
    pub json: String,
}

impl FfiError {
    /// An ABI-level error with a path and a message.
    pub fn new(status: yibao_status, path: Option<&str>, message: &str) -> FfiError {
        let json = serde_json::json!({"code": name(status), "path": path, "message": message}).to_string();
        FfiError { status, json }
    }
}

impl From<yibao_core::Error> for FfiError {
    fn from(e: yibao_core::Error) -> Self {
        FfiError { status: of(e.code), json: e.to_json() }
    }
}
