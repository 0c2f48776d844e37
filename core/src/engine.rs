//! The public entry point: an immutable [`Engine`] over one loaded policy,
//! safe to share between threads, that settles and reverses claims.

use crate::adjudicate;
use crate::claim::Claim;
use crate::error::{Error, ErrorCode, Result};
use crate::money::Decimal;
use crate::paperwork;
use crate::policy::builtin;
use crate::policy::load::{self, DefaultResolver, ParamInfo, Policy};
use crate::settlement::{Settlement, Stamp};
use crate::ytd::Ytd;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// Engine name and version, stamped on every settlement.
pub const ENGINE: &str = concat!("yibao ", env!("CARGO_PKG_VERSION"));

/// The largest claim JSON accepted (bytes).
pub const MAX_CLAIM_BYTES: usize = 16 * 1024 * 1024;

/// An immutable policy ready to settle claims.
#[derive(Debug, Clone)]
pub struct Engine {
    policy: Arc<Policy>,
    /// Stamp parts shared by every settlement: engine, policy ID and hash.
    ids: [Arc<str>; 3],
    /// Version labels, in the policy's version order.
    labels: Arc<[Arc<str>]>,
    /// Working-day calendar for deadlines.
    calendar: Arc<paperwork::calendar::Calendar>,
}

/// A built-in pack as `yibao policies` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PolicySummary {
    /// Pack ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Versions with their dates.
    pub versions: Vec<String>,
    /// `sha256:` of the pack.
    pub hash: String,
    /// Rule IDs the pack carries.
    pub rules: Vec<String>,
    /// Parameters a claim may need that no value is given for.
    pub required_params: Vec<ParamInfo>,
    /// Rules cited without a text in `rules` (what `yibao check-policy`
    /// warns of).
    pub warnings: Vec<load::RuleWithoutText>,
}

impl PolicySummary {
    fn of(p: &Policy) -> PolicySummary {
        PolicySummary {
            id: p.id.clone(),
            title: p.title.clone(),
            versions: p.versions.iter().map(load::Version::describe).collect(),
            hash: p.hash.clone(),
            rules: p.rules.keys().cloned().collect(),
            required_params: p.missing_params().into_iter().cloned().collect(),
            warnings: p.undefined_rules.clone(),
        }
    }
}

/// Summaries of every built-in pack.
pub fn policies() -> Result<Vec<PolicySummary>> {
    builtin::ids().map(|id| builtin::get(id).expect("listed ids exist").map(|p| PolicySummary::of(&p))).collect()
}

/// Text without a leading byte-order mark (U+FEFF). Windows editors write
/// one at the start of UTF-8 files, and a UTF-16 or GB18030 mark decodes to
/// it; JSON does not allow it and it means nothing, so every reader of
/// claims, settlements, requests and policies drops it.
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses a claim, reporting the JSON path of the first bad field.
pub fn parse_claim(json: &str) -> Result<Claim> {
    let json = without_bom(json);
    if json.len() > MAX_CLAIM_BYTES {
        return Err(Error::new(ErrorCode::InputTooLarge, format!("claim is larger than {MAX_CLAIM_BYTES} bytes")));
    }
    // Most claims are well formed and plainly spelt: read them directly. Read
    // the rest with serde, and a failing one again with path tracking to say
    // where it failed.
    if let Some(claim) = crate::claim_json::read(json) {
        return Ok(claim);
    }
    if let Ok(claim) = serde_json::from_str::<Claim>(json) {
        return Ok(claim);
    }
    // A record copied from the platform may carry fields that settle
    // nothing: read it without them.
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(json) {
        if crate::platform_fields::strip(&mut v) {
            return claim_of_value(v);
        }
    }
    let de = &mut serde_json::Deserializer::from_str(json);
    let claim: Claim = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::from_serde(ErrorCode::InvalidClaim, &path, e.inner())
    })?;
    Ok(claim)
}

/// A claim from an already-parsed JSON value (bindings that build values),
/// reporting the path of the first bad field. The platform's pass-through
/// fields ([`crate::platform_fields`]) are dropped first.
pub fn claim_from_value(mut v: serde_json::Value) -> Result<Claim> {
    crate::platform_fields::strip(&mut v);
    claim_of_value(v)
}

/// Reads a claim value as it stands, with the path of the first bad field.
fn claim_of_value(v: serde_json::Value) -> Result<Claim> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        Error::from_serde(ErrorCode::InvalidClaim, &path, e.inner())
    })
}

/// Parses a settlement (for reversal).
pub fn parse_settlement(json: &str) -> Result<Settlement> {
    let json = without_bom(json);
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::from_serde(ErrorCode::InvalidSettlement, &path, e.inner())
    })
}

/// `sha256:` of a claim's canonical encoding (see [`crate::canonical`]):
/// the same for every spelling of the same claim.
pub fn input_hash(claim: &Claim) -> String {
    crate::canonical::claim_hash(claim)
}

impl Engine {
    fn over(policy: Arc<Policy>) -> Engine {
        let ids = [Arc::from(ENGINE), Arc::from(policy.id.as_str()), Arc::from(policy.hash.as_str())];
        let labels = policy.versions.iter().map(|v| Arc::from(v.label.as_str())).collect();
        Engine { policy, ids, labels, calendar: Arc::new(paperwork::calendar::Calendar::official().clone()) }
    }

    /// An engine over a built-in pack.
    pub fn builtin(id: &str) -> Result<Engine> {
        match builtin::get(id) {
            Some(p) => Ok(Engine::over(p?)),
            None => Err(Error::new(
                ErrorCode::UnknownPolicy,
                format!("no built-in pack `{id}`; known: {}", builtin::ids().collect::<Vec<_>>().join(", ")),
            )),
        }
    }

    /// An engine over a policy given as JSON text (`extends` may name built-in packs).
    pub fn from_json(text: &str) -> Result<Engine> {
        Ok(Engine::over(Arc::new(load::load(text, None, &DefaultResolver)?)))
    }

    /// An engine over a policy file (`extends` paths are relative to it).
    pub fn from_file(path: &Path) -> Result<Engine> {
        let text = load::read_policy_file(path)?;
        Ok(Engine::over(Arc::new(load::load(&text, path.parent(), &DefaultResolver)?)))
    }

    /// A built-in pack ID, or else a policy file path.
    pub fn load(spec: &str) -> Result<Engine> {
        if builtin::source(spec).is_some() {
            Engine::builtin(spec)
        } else if Path::new(spec).exists() {
            Engine::from_file(Path::new(spec))
        } else {
            Engine::builtin(spec)
        }
    }

    /// The loaded policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Settles one claim. The claim's `policy`, when given, must be this
    /// policy or one it extends.
    pub fn settle(&self, claim: &Claim) -> Result<Settlement> {
        if let Some(id) = &claim.policy {
            if !self.policy.lineage.iter().any(|x| x == id) {
                return Err(Error::at(
                    ErrorCode::UnknownPolicy,
                    "policy",
                    format!("the claim names policy `{id}` but the engine runs `{}`", self.policy.id),
                ));
            }
        }
        let day = claim.mdtrt.begndate;
        let version = self
            .policy
            .versions
            .iter()
            .rposition(|v| v.from <= day && v.to.is_none_or(|t| day <= t))
            .map_or_else(|| Arc::from(""), |i| self.labels[i].clone());
        let stamp = Stamp {
            engine: self.ids[0].clone(),
            policy: self.ids[1].clone(),
            policy_version: version,
            policy_hash: self.ids[2].clone(),
            input_hash: input_hash(claim),
        };
        adjudicate::settle(&self.policy, claim, stamp)
    }

    /// Parses, settles and serialises (the JSON path every binding uses).
    pub fn settle_json(&self, json: &str) -> Result<String> {
        let claim = parse_claim(json)?;
        Ok(crate::settlement_json::to_string(&self.settle(&claim)?))
    }

    /// Checks an application for manual reimbursement.
    pub fn check(&self, app: &paperwork::check::Application) -> Result<paperwork::check::CheckResult> {
        paperwork::check::check(&self.policy, |c| self.settle(c), app, &self.calendar)
    }

    /// Applies a filing transition under the rules in force on its date.
    pub fn filing(&self, q: &paperwork::filing::FilingRequest) -> Result<paperwork::filing::FilingResult> {
        let v = self.policy.version_on(q.date).map_err(|e| Error { path: Some("date".into()), ..e })?;
        let rules = v.body.filings.as_ref().ok_or_else(|| {
            Error::new(ErrorCode::InvalidPolicy, format!("policy `{}` has no filing rules", self.policy.id))
        })?;
        paperwork::filing::transition(rules, q)
    }

    /// Applies a certification step under the rules in force on its date.
    pub fn certification(
        &self,
        q: &paperwork::certification::CertRequest,
    ) -> Result<paperwork::certification::CertResult> {
        let v = self.policy.version_on(q.date).map_err(|e| Error { path: Some("date".into()), ..e })?;
        let rules = v.body.certification.as_ref().ok_or_else(|| {
            Error::new(ErrorCode::InvalidPolicy, format!("policy `{}` has no certification rules", self.policy.id))
        })?;
        paperwork::certification::transition(rules, &v.body.disease_groups, &self.calendar, q)
    }

    /// The manual-reimbursement window of a claim (`null` when the policy sets none).
    pub fn deadline(&self, claim: &Claim) -> Result<Option<paperwork::deadline::Window>> {
        adjudicate::validate::claim(claim)?;
        let v = self.policy.version_on(claim.mdtrt.begndate)?;
        let (facts, _) = adjudicate::facts_and_ytd(claim, &v.body)?;
        Ok(paperwork::deadline::window(&v.body, &facts))
    }

    /// This engine with its holiday calendar extended by a calendar file.
    pub fn with_calendar_json(mut self, text: &str) -> Result<Engine> {
        self.calendar = Arc::new(self.calendar.extended(&paperwork::calendar::Calendar::from_json(without_bom(text))?));
        Ok(self)
    }

    /// The working-day calendar in use.
    pub fn calendar(&self) -> &paperwork::calendar::Calendar {
        &self.calendar
    }

    /// Runs one operation on JSON (what every binding calls): `settle`,
    /// `reverse` (`{"settlement", "ytd"?, "balc"?}`), `check`, `filing`,
    /// `certification`, `deadline` (a claim), `workdays` (`{"from", "days"}`).
    pub fn call(&self, op: &str, input: &str) -> Result<String> {
        fn parse<T: serde::de::DeserializeOwned>(input: &str) -> Result<T> {
            let input = without_bom(input);
            if input.len() > MAX_CLAIM_BYTES {
                return Err(Error::new(
                    ErrorCode::InputTooLarge,
                    format!("input is larger than {MAX_CLAIM_BYTES} bytes"),
                ));
            }
            let de = &mut serde_json::Deserializer::from_str(input);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let path = e.path().to_string();
                Error::from_serde(ErrorCode::InvalidClaim, &path, e.inner())
            })
        }
        fn out<T: serde::Serialize>(v: &T) -> Result<String> {
            serde_json::to_string(v).map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ReverseIn {
            settlement: Settlement,
            #[serde(default)]
            ytd: Option<Ytd>,
            #[serde(with = "crate::money::money::opt", default)]
            balc: Option<Decimal>,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct WorkdaysIn {
            from: crate::date::Date,
            days: u32,
        }
        match op {
            "settle" => self.settle_json(input),
            "reverse" => {
                let r: ReverseIn = parse(input)?;
                Ok(crate::settlement_json::to_string(&self.reverse(&r.settlement, r.ytd.as_ref(), r.balc)?))
            }
            "check" => out(&self.check(&parse(input)?)?),
            "filing" => out(&self.filing(&parse(input)?)?),
            "certification" => out(&self.certification(&parse(input)?)?),
            "deadline" => out(&self.deadline(&parse_claim(input)?)?),
            "workdays" => {
                let w: WorkdaysIn = parse(input)?;
                out(&serde_json::json!({"date": self.calendar.add_working_days(w.from, w.days)?}))
            }
            // The loaded policy, as `yibao policies` lists a pack (the input is not read).
            "policy" => out(&PolicySummary::of(&self.policy)),
            other => Err(Error::at(
                ErrorCode::UnknownCode,
                "op",
                format!(
                    "unknown operation `{other}`; expected settle, reverse, check, filing, certification, deadline, \
                     workdays or policy"
                ),
            )),
        }
    }

    /// Reverses a settlement, against the member's current accumulators and
    /// account balance when given; see [`adjudicate::reverse::reverse`].
    pub fn reverse(&self, s: &Settlement, current: Option<&Ytd>, balc: Option<Decimal>) -> Result<Settlement> {
        adjudicate::reverse::reverse(s, current, balc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taiyuan() -> Engine {
        Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap()
    }

    #[test]
    fn a_settlement_is_stamped_with_the_engine_the_policy_and_the_input() {
        let e = taiyuan();
        let text = crate::demo::sample_claim(1);
        let s = e.settle(&parse_claim(&text).unwrap()).unwrap();
        assert_eq!(&*s.stamp.engine, ENGINE);
        assert_eq!(&*s.stamp.policy, "cn-sx-taiyuan-resident-2010");
        let version = e.policy().version_on("2010-03-01".parse().unwrap()).unwrap();
        assert_eq!(*s.stamp.policy_version, *version.label);
        assert_eq!(*s.stamp.policy_hash, *e.policy().hash);
        assert!(s.stamp.policy_hash.starts_with("sha256:") && s.stamp.policy_hash.len() == 71);
        // The hash pinned by the canonical encoding's own test.
        assert_eq!(s.stamp.input_hash, "sha256:d606243bf539e43dfc441588b3bcafd636e4a8cd301814bd0e9c2b109f4fdf15");
        // The same claim spelt otherwise: the same stamp.
        let respelled = parse_claim(&text.replace("\"cnt\":\"1\"", "\"cnt\":\"1.000\"")).unwrap();
        assert_eq!(e.settle(&respelled).unwrap().stamp, s.stamp);
    }

    #[test]
    fn input_is_refused_above_sixteen_mebibytes_and_not_at_them() {
        let claim = crate::demo::sample_claim(1);
        let padded = |len: usize| format!("{claim}{}", " ".repeat(len - claim.len()));
        assert_eq!(MAX_CLAIM_BYTES, 16 << 20);
        assert!(parse_claim(&padded(MAX_CLAIM_BYTES)).is_ok());
        assert_eq!(parse_claim(&padded(MAX_CLAIM_BYTES + 1)).unwrap_err().code, ErrorCode::InputTooLarge);
        let e = taiyuan();
        let workdays = r#"{"from": "2025-09-30", "days": 1}"#;
        let padded = |len: usize| format!("{workdays}{}", " ".repeat(len - workdays.len()));
        assert_eq!(e.call("workdays", &padded(MAX_CLAIM_BYTES)).unwrap(), r#"{"date":"2025-10-09"}"#);
        assert_eq!(e.call("workdays", &padded(MAX_CLAIM_BYTES + 1)).unwrap_err().code, ErrorCode::InputTooLarge);
    }

    #[test]
    fn the_policy_operation_says_what_the_loaded_policy_still_needs() {
        let v: serde_json::Value = serde_json::from_str(&taiyuan().call("policy", "").unwrap()).unwrap();
        assert_eq!(v["id"], "cn-sx-taiyuan-resident-2010");
        assert_eq!(v["required_params"][0]["name"], "chronic_q_deductible");
        assert_eq!(v["warnings"], serde_json::json!([]));
        let typo = r#"{"id": "t", "extends": "cn-xj-tiemenguan-2025", "params": {"special_cap": "1000"},
            "benefits": {"special_resident": {"fund": {"rule": "TMG-SPECIALL"}}}}"#;
        let v: serde_json::Value =
            serde_json::from_str(&Engine::from_json(typo).unwrap().call("policy", "{}").unwrap()).unwrap();
        assert_eq!(v["required_params"], serde_json::json!([]));
        assert_eq!(v["warnings"][0]["rule"], "TMG-SPECIALL");
    }

    #[test]
    fn a_request_dated_before_every_version_is_refused_at_its_date() {
        // The pack's one version begins on 2025-01-01.
        let tmg = Engine::builtin("cn-xj-tiemenguan-2025").unwrap();
        let filing = r#"{"action": "create", "date": "2024-12-31", "kind": "referral", "area_admdvs": "110000"}"#;
        let e = tmg.call("filing", filing).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::NoPolicyVersion, Some("date")));
        // In force, the pack is found to have no filing rules.
        let e = tmg.call("filing", &filing.replace("2024-12-31", "2025-01-01")).unwrap_err();
        assert_eq!((e.code, e.path), (ErrorCode::InvalidPolicy, None));
        let cert = r#"{"action": "approve", "date": "2024-12-31",
            "state": {"status": "under_review", "disease": "diabetes", "submitted": "2024-12-01"}}"#;
        let e = tmg.call("certification", cert).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::NoPolicyVersion, Some("date")));
    }

    #[test]
    fn the_engine_counts_working_days_on_the_official_calendar() {
        let e = taiyuan();
        // 2025-10-01 to 10-08 is the National Day holiday; 09-28 (a Sunday) is worked.
        let day = |s: &str| s.parse::<crate::date::Date>().unwrap();
        assert!(!e.calendar().is_working_day(day("2025-10-01")).unwrap());
        assert!(e.calendar().is_working_day(day("2025-09-28")).unwrap());
    }
}
