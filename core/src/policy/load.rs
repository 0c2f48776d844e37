//! Loading a policy: `extends` chains, parameter resolution, versions by
//! effective date, validation and the content hash.

use super::schema::Body;
use super::validate;
use crate::date::Date;
use crate::error::{Error, ErrorCode, Result};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Keys of a policy file that are not part of a version's body.
const META: [&str; 7] = ["id", "title", "description", "extends", "rules", "params", "versions"];
/// Keys of a version entry that are not part of its body.
const VERSION_META: [&str; 4] = ["from", "to", "label", "params"];

/// The version label of a policy that gives no `versions` (stamped as
/// `policy_version`).
pub const UNVERSIONED: &str = "unversioned";

/// The start given to a version that names none: before any claim.
const OPEN_START: Date = Date { y: 1900, m: 1, d: 1 };

/// A load error's message, naming the version it arose in where the policy
/// has versions.
pub(crate) fn in_version(label: &str, msg: impl std::fmt::Display) -> String {
    if label == UNVERSIONED {
        msg.to_string()
    } else {
        format!("version `{label}`: {msg}")
    }
}

/// The largest policy file accepted (bytes).
pub const MAX_POLICY_BYTES: usize = 8 * 1024 * 1024;
/// The deepest `extends` chain accepted.
const MAX_EXTENDS: usize = 16;

/// A parameter as the pack declares it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamInfo {
    /// Name (`params.<name>`).
    pub name: String,
    /// Its value, if set: a decimal string, or a table of rows
    /// (`[{when, value}]`) or other JSON that the places using it accept.
    pub value: Option<Value>,
    /// Rule that needs it.
    pub rule: String,
    /// What it is.
    pub doc: String,
}

/// One version of a policy, in force from `from` to `to` inclusive.
#[derive(Debug, Clone)]
pub struct Version {
    /// Label (e.g. `2010`).
    pub label: String,
    /// First day in force.
    pub from: Date,
    /// Last day in force.
    pub to: Option<Date>,
    /// The rules.
    pub body: Body,
}

impl Version {
    /// Its label and the dates it holds for: `2010 (2010-01-01 – 2010-12-31)`,
    /// `2011 (2011-01-01 – )`, `until 2009-12-31 ( – 2009-12-31)`, or
    /// `unversioned (every date)`.
    pub fn describe(&self) -> String {
        if self.label == UNVERSIONED {
            return format!("{} (every date)", self.label);
        }
        let from = if self.from == OPEN_START { String::new() } else { self.from.to_string() };
        format!("{} ({from} – {})", self.label, self.to.map(|t| t.to_string()).unwrap_or_default())
    }
}

/// A loaded, validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Pack ID.
    pub id: String,
    /// Plain title.
    pub title: String,
    /// Rule IDs this pack cites, with their text.
    pub rules: BTreeMap<String, String>,
    /// Declared parameters.
    pub params: Vec<ParamInfo>,
    /// Versions, sorted by start date.
    pub versions: Vec<Version>,
    /// `sha256:` of the resolved policy JSON.
    pub hash: String,
    /// This pack's ID and those it extends, nearest first.
    pub lineage: Vec<String>,
    /// Rule IDs the policy or the engine cites that `rules` does not give a
    /// text for, each after the first place that cites it (`cited at
    /// benefits.inpatient.fund.rule`, `cited by the engine, for line
    /// classes`): they load (a trace cites them all the same), and `yibao
    /// check-policy` lists them, since a misspelt ID leaves an auditor
    /// nothing to look up.
    pub undefined_rules: Vec<RuleWithoutText>,
}

/// A rule ID cited without a text in the policy's `rules`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleWithoutText {
    /// The rule ID.
    pub rule: String,
    /// The first place citing it: `cited at <path>`, or `cited by the
    /// engine, for <what>`.
    pub place: String,
}

impl Policy {
    /// The version in force on `day` (a stay is pinned to its admission date).
    pub fn version_on(&self, day: Date) -> Result<&Version> {
        self.versions.iter().rev().find(|v| v.from <= day && v.to.is_none_or(|t| day <= t)).ok_or_else(|| {
            Error::at(
                ErrorCode::NoPolicyVersion,
                "mdtrt.begndate",
                format!("policy `{}` has no version in force on {day}", self.id),
            )
        })
    }

    /// Parameters still required (declared, never set).
    pub fn missing_params(&self) -> Vec<&ParamInfo> {
        self.params.iter().filter(|p| p.value.is_none()).collect()
    }
}

/// Finds the JSON text of a pack named in `extends`: a built-in ID, or a file
/// path relative to the extending file.
pub trait Resolver {
    /// The text and, for files, the directory further `extends` are relative to.
    fn resolve(&self, name: &str, base: Option<&Path>) -> Result<(String, Option<PathBuf>)>;
}

/// Resolves built-in IDs first, then files.
pub struct DefaultResolver;

impl Resolver for DefaultResolver {
    fn resolve(&self, name: &str, base: Option<&Path>) -> Result<(String, Option<PathBuf>)> {
        if let Some(text) = super::builtin::source(name) {
            return Ok((text.to_string(), None));
        }
        let p = match base {
            Some(b) if Path::new(name).is_relative() => b.join(name),
            _ => PathBuf::from(name),
        };
        let text = read_policy_file(&p)?;
        Ok((text, p.parent().map(Path::to_path_buf)))
    }
}

/// Reads a policy file, refusing oversize ones.
pub fn read_policy_file(p: &Path) -> Result<String> {
    let meta = std::fs::metadata(p).map_err(|e| {
        Error::new(ErrorCode::UnknownPolicy, format!("no built-in pack or readable file `{}`: {e}", p.display()))
    })?;
    if meta.len() as usize > MAX_POLICY_BYTES {
        return Err(Error::new(
            ErrorCode::InputTooLarge,
            format!("policy file `{}` is larger than {MAX_POLICY_BYTES} bytes", p.display()),
        ));
    }
    std::fs::read_to_string(p).map_err(|e| Error::new(ErrorCode::Io, format!("cannot read `{}`: {e}", p.display())))
}

fn parse_obj(text: &str) -> Result<Map<String, Value>> {
    let text = crate::engine::without_bom(text);
    if text.len() > MAX_POLICY_BYTES {
        return Err(Error::new(ErrorCode::InputTooLarge, format!("policy is larger than {MAX_POLICY_BYTES} bytes")));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| {
        let mut err = Error::from_serde(ErrorCode::InvalidPolicy, "", &e);
        err.message = format!("policy is not valid JSON: {}", err.message);
        err
    })?;
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(Error::new(ErrorCode::InvalidPolicy, "a policy must be a JSON object")),
    }
}

/// Merges `over` into `base`: objects key by key, `null` deletes, anything else replaces.
/// A deletion keeps the order of the keys left, since benefits are tried and
/// layers paid in that order.
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.shift_remove(&k);
                } else if let Some(slot) = b.get_mut(&k) {
                    merge(slot, v);
                } else {
                    b.insert(k, v);
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// Resolves a pack's `extends` chain into one object.
fn resolve_chain(
    text: &str,
    base: Option<&Path>,
    r: &dyn Resolver,
    depth: usize,
    lineage: &mut Vec<String>,
) -> Result<Map<String, Value>> {
    if depth > MAX_EXTENDS {
        return Err(Error::policy("extends", format!("`extends` chain deeper than {MAX_EXTENDS} (a cycle?)")));
    }
    let mut own = parse_obj(text)?;
    // Where the file's schema lies is for editors: it is no part of the policy.
    own.shift_remove("$schema");
    if let Some(Value::String(id)) = own.get("id") {
        lineage.push(id.clone());
    }
    let Some(parent) = own.remove("extends") else {
        return Ok(own);
    };
    let name = match parent {
        Value::Null => return Ok(own),
        Value::String(s) => s,
        _ => return Err(Error::policy("extends", "`extends` must be a pack ID or a file path")),
    };
    let (ptext, pbase) = r.resolve(&name, base).map_err(|mut e| {
        e.path = Some("extends".into());
        e
    })?;
    let parent = resolve_chain(&ptext, pbase.as_deref().or(base), r, depth + 1, lineage)?;
    let mut merged = Value::Object(parent);
    merge(&mut merged, Value::Object(own));
    match merged {
        Value::Object(m) => Ok(m),
        _ => unreachable!("merging two objects gives an object"),
    }
}

/// Sections whose key order is meaningful: benefits are tried, layers and
/// quota accounts paid, exclusions matched in this order.
const ORDERED: [&str; 4] = ["benefits", "layers", "quota_accounts", "exclusions"];

/// Moves each entry of an ordered section that says `"before": "<key>"` to
/// just before that key, and drops the `before`. A file that `extends` a pack
/// adds its entries after the pack's; this is how it puts one earlier (a
/// civil-servant subsidy between serious-illness insurance and assistance, a
/// benefit tried before the pack's catch-all). Entries move in file order.
fn place(body: &mut Value, label: &str) -> Result<()> {
    for section in ORDERED {
        let Some(Value::Object(m)) = body.get_mut(section) else { continue };
        let movers: Vec<String> = m.iter().filter(|(_, v)| v.get("before").is_some()).map(|(k, _)| k.clone()).collect();
        if movers.is_empty() {
            continue;
        }
        let mut entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
        for key in movers {
            let path = format!("{section}.{key}.before");
            // Collected from these entries just above: always found.
            let Some(at) = entries.iter().position(|(k, _)| *k == key) else { continue };
            let (key, mut entry) = entries.remove(at);
            let target = entry.as_object_mut().and_then(|o| o.shift_remove("before"));
            let Some(Value::String(target)) = target else {
                return Err(Error::policy(
                    path,
                    in_version(label, format!("`before` must name another key of `{section}`")),
                ));
            };
            let Some(to) = entries.iter().position(|(k, _)| *k == target) else {
                let known: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
                let known = if known.is_empty() {
                    "it has no other entry".to_string()
                } else {
                    format!("it has: {}", known.join(", "))
                };
                return Err(Error::policy(
                    path,
                    in_version(label, format!("`{section}` has no `{target}` to go before ({known})")),
                ));
            };
            entries.insert(to, (key, entry));
        }
        *m = entries.into_iter().collect();
    }
    Ok(())
}

fn param_infos(params: &Map<String, Value>) -> Result<Vec<ParamInfo>> {
    let mut out = Vec::new();
    for (name, def) in params {
        let path = format!("params.{name}");
        // One value, or a table of rows for the places that take one (a
        // deductible by level); a definition object may also hold a
        // segmented ratio under `value`. Where it is used, the policy's own
        // schema and validation check it with that place's path.
        let given = |v: &Value| -> Result<Option<Value>> {
            match v {
                Value::String(_) | Value::Number(_) => {
                    let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    crate::money::parse_decimal(&s, 6).map_err(|e| Error::policy(&path, e))?;
                    Ok(Some(Value::String(s)))
                }
                Value::Null => Ok(None),
                Value::Array(rows) => {
                    for (i, r) in rows.iter().enumerate() {
                        if !r.as_object().is_some_and(|o| o.contains_key("when") && o.contains_key("value")) {
                            return Err(Error::policy(
                                format!("{path}[{i}]"),
                                "a row of a parameter's table is an object with `when` and `value`",
                            ));
                        }
                    }
                    Ok(Some(v.clone()))
                }
                // Only a definition's `value` reaches here as an object: a
                // parameter given as an object is a definition.
                Value::Object(_) => Ok(Some(v.clone())),
                _ => Err(Error::policy(
                    &path,
                    "a parameter value is a decimal string, or a table of rows [{\"when\": …, \"value\": …}]",
                )),
            }
        };
        let info = match def {
            Value::Object(o) => {
                if let Some(k) = o.keys().find(|k| !["value", "required", "rule", "doc"].contains(&k.as_str())) {
                    return Err(Error::policy(
                        format!("{path}.{k}"),
                        format!(
                            "a parameter is a value, a table of rows, or {{\"value\", \"required\", \"rule\", \"doc\"}}; \
                             `{k}` is none of these (a segmented ratio goes under `value`)"
                        ),
                    ));
                }
                let text = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                ParamInfo {
                    name: name.clone(),
                    value: o.get("value").map(&given).transpose()?.flatten(),
                    rule: text("rule"),
                    doc: text("doc"),
                }
            }
            v => ParamInfo { name: name.clone(), value: given(v)?, rule: String::new(), doc: String::new() },
        };
        out.push(info);
    }
    Ok(out)
}

/// Replaces `"$name"` references with the parameter's value, or with a
/// `{"$missing": name, "rule": …}` marker for a required parameter with none.
fn substitute(v: &mut Value, params: &[ParamInfo], path: &mut String) -> Result<()> {
    match v {
        Value::String(s) if s.starts_with('$') => {
            let name = &s[1..];
            let p = params
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| Error::policy(path.clone(), format!("`{s}` names no parameter declared in `params`")))?;
            *v = match &p.value {
                Some(val) => val.clone(),
                None => {
                    let mut m = Map::new();
                    m.insert("$missing".into(), Value::String(p.name.clone()));
                    m.insert("rule".into(), Value::String(p.rule.clone()));
                    Value::Object(m)
                }
            };
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                substitute(x, params, path)?;
                path.truncate(len);
            }
        }
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                substitute(x, params, path)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

fn date_at(v: Option<&Value>, path: &str) -> Result<Option<Date>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => s.parse().map(Some).map_err(|e: String| Error::policy(path, e)),
        Some(_) => Err(Error::policy(path, "expected a date YYYY-MM-DD")),
    }
}

/// Loads a policy from JSON text, resolving `extends` with `r`.
pub fn load(text: &str, base: Option<&Path>, r: &dyn Resolver) -> Result<Policy> {
    let mut lineage = Vec::new();
    let full = resolve_chain(text, base, r, 0, &mut lineage)?;
    let hash = {
        let bytes = serde_json::to_vec(&full).map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
        let digest = Sha256::digest(&bytes);
        format!("sha256:{}", hex(&digest))
    };
    let id = match full.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(Error::policy("id", "a policy needs a non-empty string `id`")),
    };
    let title = full.get("title").and_then(Value::as_str).unwrap_or_default().to_string();
    let rules: BTreeMap<String, String> = match full.get("rules") {
        None => BTreeMap::new(),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| Error::policy("rules", e.to_string()))?,
    };
    let top_params = match full.get("params") {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(Error::policy("params", "`params` must be an object")),
    };
    let mut base_body = full.clone();
    for k in META {
        base_body.remove(k);
    }
    let versions_v = match full.get("versions") {
        None => vec![Value::Object(Map::new())],
        Some(Value::Array(a)) if !a.is_empty() => a.clone(),
        Some(_) => return Err(Error::policy("versions", "`versions` must be a non-empty list")),
    };
    let mut versions = Vec::new();
    let mut all_params = param_infos(&top_params)?;
    // Rules the body and the parameters cite, with where, in file order.
    let mut cited = Vec::new();
    if let Some(p) = full.get("params") {
        cited_rules(p, &mut "params".to_string(), &mut cited);
    }
    for (i, vv) in versions_v.into_iter().enumerate() {
        let vpath = format!("versions[{i}]");
        let Value::Object(mut vo) = vv else {
            return Err(Error::policy(vpath, "a version must be an object"));
        };
        let given_from = date_at(vo.get("from"), &format!("{vpath}.from"))?;
        let from = given_from.unwrap_or(OPEN_START);
        let to = date_at(vo.get("to"), &format!("{vpath}.to"))?;
        // A version with neither start nor end (as for a policy without
        // versions) holds for every date: its stamp says so rather than
        // showing the placeholder start date.
        let label = match (vo.get("label").and_then(Value::as_str), given_from) {
            (Some(UNVERSIONED), _) => {
                return Err(Error::policy(
                    format!("{vpath}.label"),
                    format!(
                        "`{UNVERSIONED}` is the stamp of a policy without versions; give this version another label"
                    ),
                ))
            }
            (Some(l), _) => l.to_string(),
            (None, Some(f)) => f.to_string(),
            // A version with an end but no start is not every date.
            (None, None) => to.map_or_else(|| UNVERSIONED.to_string(), |t| format!("until {t}")),
        };
        let mut params = Value::Object(top_params.clone());
        if let Some(p) = vo.get("params") {
            merge(&mut params, p.clone());
        }
        let Value::Object(params) = params else { unreachable!("params stay an object") };
        let infos = param_infos(&params)?;
        for k in VERSION_META {
            vo.remove(k);
        }
        let mut body = Value::Object(base_body.clone());
        merge(&mut body, Value::Object(vo));
        place(&mut body, &label)?;
        substitute(&mut body, &infos, &mut String::new())?;
        cited_rules(&body, &mut String::new(), &mut cited);
        let body: Body = serde_path_to_error::deserialize(body).map_err(|e| {
            let at = e.path().to_string();
            let path = crate::error::serde_path(&at, &e.inner().to_string()).unwrap_or(at);
            let inner = e.into_inner();
            Error::policy(path, in_version(&label, inner))
        })?;
        validate::body(&body, &label)?;
        for p in infos {
            if let Some(slot) = all_params.iter_mut().find(|x| x.name == p.name) {
                if slot.value.is_none() {
                    *slot = p;
                }
            } else {
                all_params.push(p);
            }
        }
        versions.push(Version { label, from, to, body });
    }
    versions.sort_by_key(|v| v.from);
    for w in versions.windows(2) {
        if w[0].to.is_none_or(|t| t >= w[1].from) {
            return Err(Error::policy(
                "versions",
                format!(
                    "versions `{}` and `{}` overlap: give the earlier one a `to` before {}",
                    w[0].label, w[1].label, w[1].from
                ),
            ));
        }
    }
    for v in &versions {
        if v.to.is_some_and(|t| t < v.from) {
            return Err(Error::policy("versions", format!("version `{}` ends before it starts", v.label)));
        }
    }
    // The rules the engine itself cites on a settlement: the line classes,
    // price limits, the member's share, and the claim no benefit takes.
    use crate::adjudicate::{account::CASH_RULE, classify};
    for (what, id) in
        [("line classes", classify::CLASS), ("price limits", classify::PRICE_CAP), ("the member's share", CASH_RULE)]
    {
        cited.push((format!("cited by the engine, for {what}"), id.to_string()));
    }
    for v in &versions {
        cited
            .push(("cited by the engine, for a claim no benefit takes".to_string(), v.body.uncovered.rule.to_string()));
    }
    let mut undefined_rules: Vec<RuleWithoutText> = Vec::new();
    for (place, rule) in cited {
        if !rules.contains_key(&rule) && !undefined_rules.iter().any(|u| u.rule == rule) {
            undefined_rules.push(RuleWithoutText { rule, place });
        }
    }
    Ok(Policy { id, title, rules, params: all_params, versions, hash, lineage, undefined_rules })
}

/// Every rule ID a policy's JSON cites (`rule`, `no_deductible_rule`,
/// `year_ceiling_rule`…), after `cited at <path>`.
fn cited_rules(v: &Value, path: &mut String, out: &mut Vec<(String, String)>) {
    let len = path.len();
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match x {
                    Value::String(id) if k == "rule" || k.ends_with("_rule") => {
                        out.push((format!("cited at {path}"), id.clone()))
                    }
                    _ => cited_rules(x, path, out),
                }
                path.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let _ = write!(path, "[{i}]");
                cited_rules(x, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

/// Appends lowercase hex digits of `bytes` to `out`.
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    const H: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(H[(b >> 4) as usize] as char);
        out.push(H[(b & 15) as usize] as char);
    }
}
