//! JSON Schemas (draft 2020-12) of what callers write: the claim
//! ([`claim_schema`]) and the policy file
//! ([`crate::policy::json_schema::policy_file_schema`]). Both are generated
//! from the serde types that read them, so they cannot drift apart; here are
//! the schemas of the values those types read by hand (decimals by their
//! places, dates).

use crate::adjudicate::validate::{
    ADM_ROUTES, CAUSES, CHRGITM_LVS, FILING_KINDS, FILING_STATES, INSUTYPES, MAX_ADMISSIONS, MAX_LINES, MAX_YEARS,
    MED_TYPES,
};
use crate::amounts::Amounts;
use crate::claim::Claim;
use crate::date::Date;
use crate::money::{COUNT_DP, MONEY_DP, PRICE_DP, RATIO_DP};
use crate::platform_fields::{LINE, PERSON, VISIT};
use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};
use std::borrow::Cow;

/// The spelling of a decimal with at most `dp` significant places (trailing
/// zeros beyond them are read, as [`crate::money::parse_decimal`] reads them),
/// any places when `dp` is `None`; with a minus sign allowed when `signed`.
fn decimal_pattern(dp: Option<u32>, signed: bool) -> String {
    let places = dp.map_or("[0-9]*".to_string(), |d| format!("[0-9]{{0,{d}}}0*"));
    let lead = dp.map_or("[0-9]+".to_string(), |d| format!("[0-9]{{1,{d}}}0*"));
    let sign = if signed { "[+-]?" } else { "[+]?" };
    format!(r"^\s*{sign}([0-9]+(\.{places})?|\.{lead})\s*$")
}

/// A decimal in a policy: a string (`"0.85"`, the exact form) or a JSON number.
pub(crate) struct DecimalText;

impl JsonSchema for DecimalText {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A decimal number, best written as a string (\"0.85\", \"1300\") so that it is read exactly.",
            "anyOf": [{"type": "string", "pattern": decimal_pattern(None, true)}, {"type": "number"}]
        })
    }
}

/// A decimal of a claim with at most so many places, written as a string or
/// as a JSON number exact to those places; unsigned, or `signed` where a
/// refund line gives a negative count and total (a settled claim is undone
/// by a reversal, never by negative amounts elsewhere).
macro_rules! places {
    ($name:ident, $dp:expr, $signed:expr, $title:literal, $what:literal) => {
        #[doc = $what]
        pub(crate) struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $title.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let number = if $signed { json!({"type": "number"}) } else { json!({"type": "number", "minimum": 0}) };
                json_schema!({
                    "description": $what,
                    "anyOf": [{"type": "string", "pattern": decimal_pattern(Some($dp), $signed)}, number]
                })
            }
        }
    };
}

places!(
    MoneyText,
    MONEY_DP,
    false,
    "Money",
    "An amount of money in yuan, to the fen: a string such as \"1000.00\" (or a JSON number exact to the fen)."
);
places!(
    SignedMoneyText,
    MONEY_DP,
    true,
    "LineTotal",
    "A line total in yuan, to the fen; negative only on a refund line (`init_feedetl_sn`)."
);
places!(RatioText, RATIO_DP, false, "Ratio", "A ratio with at most four places, such as \"0.1000\".");
places!(
    SignedCountText,
    COUNT_DP,
    true,
    "Count",
    "A count with at most four places, such as \"2\" or \"0.5\"; negative only on a refund line (`init_feedetl_sn`)."
);
places!(PriceText, PRICE_DP, false, "Price", "A unit price with at most six places.");

/// A day as `YYYY-MM-DD`, or the platform's `YYYY-MM-DD HH:MM:SS` whose time
/// of day is dropped.
pub(crate) struct DayOrTime;

impl JsonSchema for DayOrTime {
    fn schema_name() -> Cow<'static, str> {
        "DateOrDateTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A date, `YYYY-MM-DD`, or the platform's `YYYY-MM-DD HH:MM:SS`.",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$"
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "A date, `YYYY-MM-DD`."})
    }
}

impl JsonSchema for crate::date::MonthDay {
    fn schema_name() -> Cow<'static, str> {
        "MonthDay".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$", "description": "A day of the year, `MM-DD`."})
    }
}

impl JsonSchema for Amounts {
    fn schema_name() -> Cow<'static, str> {
        "Amounts".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Amounts by key (fund code, benefit bucket, layer basis…).",
            "type": "object",
            "additionalProperties": g.subschema_for::<MoneyText>()
        })
    }
}

/// The JSON Schema of a claim (`contract.md`, "A claim"): every key with
/// its type, the keys a claim must give, no other key, and the codes of the
/// fixed national tables the engine checks (taken from the same tables, so
/// they cannot drift); the platform's pass-through fields
/// ([`crate::platform_fields`]) are taken. What needs the policy or several fields (codes a
/// policy defines, amounts that add up, dates in order) is checked when the
/// claim is settled, each error with its path.
pub fn claim_schema() -> Value {
    let g: SchemaGenerator = SchemaSettings::draft2020_12().into_generator();
    let mut root = g.into_root_schema_for::<Claim>().to_value();
    if let Value::Object(o) = &mut root {
        o.insert("title".into(), "yibao claim".into());
        o.shift_remove("$schema");
        o.shift_insert(0, "$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
        if let Some(Value::Object(lines)) = o.get_mut("properties").and_then(|p| p.get_mut("feedetail")) {
            lines.insert("minItems".into(), 1.into());
            lines.insert("maxItems".into(), MAX_LINES.into());
        }
    }
    null_or_ref(&mut root);
    let passed = [("Person", PERSON), ("Visit", VISIT), ("FeeLine", LINE)];
    for (def, names) in passed {
        let props = root.pointer_mut(&format!("/$defs/{def}/properties")).and_then(Value::as_object_mut);
        let props = props.unwrap_or_else(|| panic!("claim schema has no {def}"));
        for name in names {
            let note = "A field of the platform's record, taken and passed over: it settles nothing.";
            props.insert((*name).into(), json!({ "description": note }));
        }
    }
    // The platform's name for the visit's disease reads as `disease`: the
    // same schema, and not both.
    let visit = root.pointer_mut("/$defs/Visit").and_then(Value::as_object_mut);
    let visit = visit.unwrap_or_else(|| panic!("claim schema has no Visit"));
    let props = visit.get_mut("properties").and_then(Value::as_object_mut);
    let props = props.unwrap_or_else(|| panic!("claim schema has no Visit properties"));
    let mut alias = props.get("disease").cloned().unwrap_or_else(|| panic!("claim schema has no Visit.disease"));
    if let Value::Object(a) = &mut alias {
        a.insert("description".into(), "The platform's name (病种编码) for `disease`: give one of the two.".into());
    }
    props.insert("dise_codg".into(), alias);
    visit.insert("not".into(), json!({"required": ["disease", "dise_codg"]}));
    // Only a refund line (退费, naming the line it takes back) may carry a
    // negative count and total. The field's own schema checks its form, so
    // this checks the sign alone: a value of a bad form is reported once.
    let unsigned = json!({"anyOf": [{"type": "string", "pattern": r"^\s*[^\s-]"}, {"type": "number", "minimum": 0}]});
    let line = root.pointer_mut("/$defs/FeeLine").and_then(Value::as_object_mut);
    let line = line.unwrap_or_else(|| panic!("claim schema has no FeeLine"));
    line.insert(
        "if".into(),
        json!({"properties": {"init_feedetl_sn": {"type": "string"}}, "required": ["init_feedetl_sn"]}),
    );
    line.insert("else".into(), json!({"properties": {"cnt": unsigned, "det_item_fee_sumamt": unsigned}}));
    for (def, prop, rule) in claim_field_rules() {
        let at = root.pointer_mut(&format!("/$defs/{def}/properties/{prop}"));
        let at = at.and_then(Value::as_object_mut).unwrap_or_else(|| panic!("claim schema has no {def}.{prop}"));
        let nullable = at.get("type").and_then(Value::as_array).is_some_and(|t| t.contains(&"null".into()));
        let Value::Object(rule) = rule else { continue };
        for (k, mut v) in rule {
            if let (true, "enum", Value::Array(values)) = (nullable, k.as_str(), &mut v) {
                values.push(Value::Null);
            }
            at.insert(k, v);
        }
    }
    root
}

/// Rewrites each optional reference, `anyOf: [{$ref}, {type: null}]`, as
/// `if null, else $ref`: the same values pass, and a wrong value inside is
/// reported where it is rather than as "matches no alternative" at the
/// optional field.
fn null_or_ref(v: &mut Value) {
    match v {
        Value::Object(o) => {
            let target = match o.get("anyOf").and_then(Value::as_array).map(Vec::as_slice) {
                Some([r, n])
                    if *n == json!({"type": "null"})
                        && r.get("$ref").is_some()
                        && r.as_object().map_or(0, |m| m.len()) == 1 =>
                {
                    Some(r.clone())
                }
                _ => None,
            };
            if let Some(r) = target {
                let at = o.keys().position(|k| k == "anyOf").unwrap_or(0);
                o.shift_remove("anyOf");
                o.shift_insert(at, "if".into(), json!({"type": "null"}));
                o.shift_insert(at + 1, "else".into(), r);
            }
            o.values_mut().for_each(null_or_ref);
        }
        Value::Array(a) => a.iter_mut().for_each(null_or_ref),
        _ => {}
    }
}

/// The checks of `adjudicate::validate` on one field that a schema can say.
/// Each is an object of keywords added to the field's schema.
fn claim_field_rules() -> [(&'static str, &'static str, Value); 31] {
    let one_of = |codes: &[&str]| json!({ "enum": codes });
    let pattern = |p: &str| json!({ "pattern": p });
    let flag = one_of(&["0", "1"]);
    let flag3 = one_of(&["0", "1", "2"]);
    let admvs = pattern("^[0-9]{6}$");
    let nonempty = pattern(r"\S");
    [
        ("Person", "psn_no", nonempty.clone()),
        ("Person", "insutype", one_of(&INSUTYPES)),
        ("Person", "psn_type", pattern("^[0-9]{2}([0-9]{2})?$")),
        ("Person", "acct_used_flag", flag.clone()),
        ("Person", "cvlserv_flag", flag.clone()),
        ("Person", "zero_claim_years", json!({ "maximum": MAX_YEARS })),
        ("Person", "gap_years", json!({ "maximum": MAX_YEARS })),
        ("Person", "psn_insu_stas", pattern("^[0-9]$")),
        ("Filing", "kind", one_of(&FILING_KINDS)),
        ("Filing", "status", one_of(&FILING_STATES)),
        ("Filing", "area_admdvs", admvs.clone()),
        ("ChronicCert", "disease", nonempty.clone()),
        ("Identity", "psn_idet_type", nonempty.clone()),
        ("Visit", "mdtrt_id", nonempty.clone()),
        // The national table, `99xx`, or a regional code the policy declares
        // (`med_types`), which a schema of claims alone cannot know.
        ("Visit", "med_type", json!({ "anyOf": [{ "enum": MED_TYPES }, { "pattern": "^[0-9]{2,4}$" }] })),
        ("Visit", "fixmedins_code", nonempty.clone()),
        ("Visit", "hosp_lv", nonempty.clone()),
        ("Visit", "dedc_hosp_lv", nonempty.clone()),
        ("Visit", "insuplc_admdvs", admvs.clone()),
        ("Visit", "mdtrtarea_admvs", admvs),
        ("Visit", "adm_route", one_of(&ADM_ROUTES)),
        ("Visit", "cause", one_of(&CAUSES)),
        ("Visit", "psn_setlway", pattern("^[0-9]{2,6}$")),
        ("Visit", "mid_setl_flag", flag),
        ("Visit", "prior_disease", nonempty.clone()),
        ("FeeLine", "feedetl_sn", nonempty),
        ("FeeLine", "med_chrgitm_type", pattern("^(0[1-9]|1[0-4])$")),
        ("FeeLine", "chrgitm_lv", one_of(&CHRGITM_LVS)),
        ("FeeLine", "lmt_used_flag", flag3.clone()),
        ("FeeLine", "hosp_appr_flag", flag3),
        ("Ytd", "admissions", json!({ "maximum": MAX_ADMISSIONS })),
    ]
}

#[cfg(test)]
mod tests {
    use super::decimal_pattern;

    /// The money pattern takes what the parser reads to the fen, and refuses
    /// what it refuses.
    #[test]
    fn money_places_are_read_as_the_parser_reads_them() {
        let schema = serde_json::json!({"type": "string", "pattern": decimal_pattern(Some(2), false)});
        let v = jsonschema::validator_for(&schema).unwrap();
        for ok in ["0", "12", "12.3", "12.30", "12.300", "0.05", ".5", " 7.00 ", "+3"] {
            assert!(v.is_valid(&ok.into()), "{ok}");
            assert!(crate::money::parse_decimal(ok, 2).is_ok(), "{ok}");
        }
        for bad in ["12.345", "12.3450", "1,000", "", "1e3", "abc", "12.3.4", "."] {
            assert!(!v.is_valid(&bad.into()), "{bad}");
            assert!(crate::money::parse_decimal(bad, 2).is_err(), "{bad}");
        }
    }
}
