//! Errors with a stable code, the JSON path of the offending field and a
//! message a HIS operator can act on (`contract.md`, "Errors").

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable error codes. Their text forms never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The claim is malformed or inconsistent (a field, a date, an amount).
    InvalidClaim,
    /// The input is not valid JSON at all.
    InvalidJson,
    /// A code is not in the national table or not defined by the policy.
    UnknownCode,
    /// No built-in pack or loaded policy has this ID.
    UnknownPolicy,
    /// The policy file is malformed or fails validation.
    InvalidPolicy,
    /// The claim needs a parameter the policy declares required but does not set.
    PolicyParameterMissing,
    /// No policy version is in force on the claim's date.
    NoPolicyVersion,
    /// The input is larger than the documented limit.
    InputTooLarge,
    /// A settlement given for reversal is inconsistent.
    InvalidSettlement,
    /// An input/output problem (a file that cannot be read).
    Io,
    /// An internal error; never expected, reported instead of crashing.
    Internal,
}

impl ErrorCode {
    /// The stable text form (`INVALID_CLAIM`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidClaim => "INVALID_CLAIM",
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::UnknownCode => "UNKNOWN_CODE",
            ErrorCode::UnknownPolicy => "UNKNOWN_POLICY",
            ErrorCode::InvalidPolicy => "INVALID_POLICY",
            ErrorCode::PolicyParameterMissing => "POLICY_PARAMETER_MISSING",
            ErrorCode::NoPolicyVersion => "NO_POLICY_VERSION",
            ErrorCode::InputTooLarge => "INPUT_TOO_LARGE",
            ErrorCode::InvalidSettlement => "INVALID_SETTLEMENT",
            ErrorCode::Io => "IO",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error every binding reports the same way: code, path, message, and the
/// rule or parameter involved where there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}{}", path.as_deref().map(|p| format!(" (at {p})")).unwrap_or_default())]
pub struct Error {
    /// Stable code.
    pub code: ErrorCode,
    /// JSON path of the offending field (`feedetail[3].pric`), where there is one.
    pub path: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
    /// The rule ID involved (for `POLICY_PARAMETER_MISSING`, the rule needing it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rule: Option<String>,
    /// The missing parameter's name, for `POLICY_PARAMETER_MISSING`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parameter: Option<String>,
}

impl Error {
    /// A new error with no path.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, path: None, message: message.into(), rule: None, parameter: None }
    }
    /// A new error at a JSON path.
    pub fn at(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error { code, path: Some(path.into()), message: message.into(), rule: None, parameter: None }
    }
    /// An `INVALID_CLAIM` at a path.
    pub fn claim(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::at(ErrorCode::InvalidClaim, path, message)
    }
    /// An `INVALID_POLICY` at a path.
    pub fn policy(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::at(ErrorCode::InvalidPolicy, path, message)
    }
    /// Sets the rule.
    pub fn with_rule(mut self, rule: impl Into<String>) -> Self {
        self.rule = Some(rule.into());
        self
    }
    /// The error as the contract's JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            format!("{{\"code\":\"{}\",\"path\":null,\"message\":\"unprintable error\"}}", self.code)
        })
    }
    /// Maps a serde error met at `path` while reading a claim or policy.
    pub fn from_serde(code: ErrorCode, path: &str, e: &serde_json::Error) -> Self {
        let mut msg = e.to_string();
        // serde_json appends " at line L column C"; keep it, it helps operators.
        let code = if e.is_syntax() || e.is_eof() { ErrorCode::InvalidJson } else { code };
        let path = serde_path(path, &msg);
        // Only a claim's visit reads `dise_codg` as `disease`: a policy's
        // condition that repeats `disease` gets no word about it.
        let visit_disease = path.as_deref().is_some_and(|p| p == "mdtrt.disease" || p.ends_with(".mdtrt.disease"));
        if code == ErrorCode::InvalidClaim && visit_disease && msg.starts_with("duplicate field") {
            msg.push_str(" (`dise_codg`, the platform's name for `disease`, is the same field: give one of them)");
        }
        Error { code, path, message: msg, rule: None, parameter: None }
    }
}

/// The path of a serde error met at `path` (`.` or empty at the top): a
/// missing or repeated field is reported at the field itself, not at the
/// object that lacks or repeats it, since that is the name the user looks for.
pub(crate) fn serde_path(path: &str, message: &str) -> Option<String> {
    let at = Some(path).filter(|p| !p.is_empty() && *p != ".");
    let field = message.strip_prefix("missing field `").or_else(|| message.strip_prefix("duplicate field `"));
    match field.and_then(|r| r.split('`').next()) {
        Some(field) => Some(at.map_or_else(|| field.to_string(), |p| format!("{p}.{field}"))),
        None => at.map(str::to_string),
    }
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod serde_error_tests {
    use super::{Error, ErrorCode};

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct WithDisease {
        disease: Option<String>,
    }

    fn repeated() -> serde_json::Error {
        serde_json::from_str::<WithDisease>(r#"{"disease": "A", "disease": "B"}"#).unwrap_err()
    }

    /// A repeated field is reported at the field; the word on `dise_codg`
    /// goes only to a claim's visit, not to a policy that repeats a key.
    #[test]
    fn a_repeated_disease_names_the_platform_alias_only_in_a_claim_visit() {
        let claim = Error::from_serde(ErrorCode::InvalidClaim, "mdtrt", &repeated());
        assert_eq!(claim.path.as_deref(), Some("mdtrt.disease"));
        assert!(claim.message.contains("dise_codg"), "{}", claim.message);
        let policy = Error::from_serde(ErrorCode::InvalidPolicy, "benefits.b.when", &repeated());
        assert_eq!(policy.path.as_deref(), Some("benefits.b.when.disease"));
        assert!(!policy.message.contains("dise_codg"), "{}", policy.message);
        let elsewhere = Error::from_serde(ErrorCode::InvalidClaim, "psn.chronic_certs[0]", &repeated());
        assert!(!elsewhere.message.contains("dise_codg"), "{}", elsewhere.message);
    }
}
