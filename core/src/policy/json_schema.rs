//! The policy format as a JSON Schema (draft 2020-12), generated from the
//! same types the loader reads ([`super::schema`]), for editors (completion,
//! hover text, typos underlined) and for checking a file before it is loaded.
//!
//! The schema checks key names, value types and the enumerated words. It does
//! not mark keys required: a file that `extends` a pack may give any part of a
//! table and let the pack give the rest, and any key may be `null` to delete
//! the pack's. What a whole policy needs, the cross-references and the
//! arithmetic (bands without gaps, ratios within 0–1) are checked when the
//! policy is loaded (`yibao check-policy`), each error with its path.

use super::disease::SameDisease;
use super::param::P;
use super::schema::{Body, Choice, Ordered, Ratio, Row, Segment, SegmentBasis, SegmentMeasure};
use crate::json_schema::DecimalText;
use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// A reference to a parameter of the pack's `params` (`"$inpatient_ratio"`).
struct ParamRef;

impl JsonSchema for ParamRef {
    fn schema_name() -> Cow<'static, str> {
        "ParamRef".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`$name`: the value of the parameter `name` of `params` (a required parameter with no value refuses the claims that need it with POLICY_PARAMETER_MISSING).",
            "type": "string",
            "pattern": "^\\$.+$"
        })
    }
}

impl JsonSchema for P {
    fn schema_name() -> Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [g.subschema_for::<DecimalText>(), g.subschema_for::<ParamRef>()]
        })
    }
}

impl<T: JsonSchema> JsonSchema for Choice<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Choice_of_{}", T::schema_name()).into()
    }
    fn schema_id() -> Cow<'static, str> {
        format!("yibao::Choice<{}>", T::schema_id()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One value for every claim, or a list of rows `{when, value, rule}` of which the first whose `when` holds gives the value.",
            "anyOf": [
                g.subschema_for::<T>(),
                {"type": "array", "items": g.subschema_for::<Row<T>>()},
                g.subschema_for::<ParamRef>()
            ]
        })
    }
}

impl<T: JsonSchema> JsonSchema for Ordered<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", T::schema_name()).into()
    }
    fn schema_id() -> Cow<'static, str> {
        format!("yibao::Ordered<{}>", T::schema_id()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "object", "additionalProperties": g.subschema_for::<T>()})
    }
}

impl JsonSchema for Ratio {
    fn schema_name() -> Cow<'static, str> {
        "Ratio".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A ratio (\"0.85\"), or cost bands (分段) `{segments, basis, measure}`.",
            "anyOf": [
                g.subschema_for::<P>(),
                {
                    "type": "object",
                    "properties": {
                        "segments": {"type": "array", "items": g.subschema_for::<Segment>(), "description": "The bands, in order, without gaps or overlaps."},
                        "basis": g.subschema_for::<SegmentBasis>(),
                        "measure": g.subschema_for::<SegmentMeasure>()
                    },
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl JsonSchema for SameDisease {
    fn schema_name() -> Cow<'static, str> {
        "SameDisease".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "false: any diagnosis; true: the same code or one below the other in the ICD-10 hierarchy; \"category\": the same three-character category.",
            "anyOf": [{"type": "boolean"}, {"const": "category"}]
        })
    }
}

/// Entries of these sections may say `"before": "<key>"` (see the loader).
const ORDERED_ENTRIES: [&str; 4] = ["Benefit", "Layer", "QuotaAccount", "Exclusion"];

/// The JSON Schema of a policy file: the top-level keys (`id`, `extends`,
/// `rules`, `params`, `versions`…) and the body, every key optional and
/// nullable (see the module's note).
pub fn policy_file_schema() -> Value {
    let mut g: SchemaGenerator = SchemaSettings::draft2020_12().into_generator();
    g.subschema_for::<Body>();
    let number = g.subschema_for::<P>();
    let mut defs: Map<String, Value> = std::mem::take(g.definitions_mut());
    for name in ORDERED_ENTRIES {
        if let Some(Value::Object(props)) = defs.get_mut(name).and_then(|d| d.get_mut("properties")) {
            props.insert(
                "before".into(),
                json!({"type": "string", "description": "Put this entry just before the named one of the same section (an entry an extending file adds goes after the pack's otherwise)."}),
            );
        }
    }
    // Values a policy may also write as a string (see `Shorthand`): a cap
    // reference as the cap's ID alone, an accrual as its period alone.
    let shorthands = [
        ("CapRef", json!({"type": "string", "description": "The cap's ID in `caps`, citing the cap's rule."})),
        ("Accrual", json!({"$ref": "#/$defs/AccrualPeriod"})),
    ];
    for (name, short) in shorthands {
        if let Some(Value::Object(mut table)) = defs.remove(name) {
            let description = table.remove("description").unwrap_or_default();
            defs.insert(name.into(), json!({"description": description, "anyOf": [short, table]}));
        }
    }
    let Some(Value::Object(body_def)) = defs.remove("Body") else {
        unreachable!("the body is a struct, kept in the definitions")
    };
    let body_props = body_def.get("properties").cloned().unwrap_or_default();
    let param = json!({
        "description": "A parameter: a value, a table of rows, or {value, required, rule, doc}; a required one with no value refuses the claims that need it with POLICY_PARAMETER_MISSING.",
        "anyOf": [
            number,
            {"type": "array", "items": {"type": "object", "required": ["when", "value"]}},
            {
                "type": "object",
                "properties": {
                    "value": {"description": "The value (a number, a table of rows or a segmented ratio)."},
                    "required": {"type": "boolean", "description": "A number no source gives: a claim that needs it is refused until a file that extends the pack sets it."},
                    "rule": {"type": "string", "description": "The rule that needs it."},
                    "doc": {"type": "string", "description": "What it is."}
                },
                "additionalProperties": false
            },
            {"type": "null"}
        ]
    });
    let mut meta = json!({
        "$schema": {"type": "string", "description": "The schema this file follows (for editors; ignored when loading)."},
        "id": {"type": "string", "description": "The pack's ID, stamped on every settlement."},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "extends": {"type": "string", "description": "A built-in pack ID, or a path relative to this file: objects merge key by key, `null` deletes a key."},
        "rules": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Rule ID to its text; the trace cites these IDs."},
        "params": {"type": "object", "additionalProperties": param, "description": "Parameters, referred to as `\"$name\"` wherever a value goes."}
    });
    let mut version = body_props.clone();
    if let Value::Object(v) = &mut version {
        v.insert(
            "label".into(),
            json!({"type": "string", "description": "The version's label, stamped as `policy_version`."}),
        );
        v.insert("from".into(), json!({"$ref": "#/$defs/Date", "description": "First day in force (the claim's admission date picks the version)."}));
        v.insert("to".into(), json!({"$ref": "#/$defs/Date", "description": "Last day in force."}));
        v.insert("params".into(), meta["params"].clone());
    }
    let Value::Object(m) = &mut meta else { unreachable!("an object literal") };
    m.insert(
        "versions".into(),
        json!({
            "type": "array",
            "description": "Versions by effective date, each overriding any key of the body.",
            "items": {"type": "object", "properties": version, "additionalProperties": false}
        }),
    );
    if let Value::Object(b) = body_props {
        m.extend(b);
    }
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "yibao policy file",
        "description": "A region's medical-insurance policy as data. Required keys and the arithmetic are checked at load (`yibao check-policy`).",
        "type": "object",
        "properties": meta,
        "additionalProperties": false,
        "$defs": defs
    });
    loosen(&mut root);
    root
}

/// Drops `required` and lets every property be `null` (the merge of
/// `extends` may give or delete any key).
fn loosen(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.get("required").is_some_and(Value::is_array) {
                o.remove("required");
            }
            for key in ["properties", "$defs"] {
                if let Some(Value::Object(m)) = o.get_mut(key) {
                    m.values_mut().for_each(nullable);
                }
            }
            for x in o.values_mut() {
                loosen(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(loosen),
        _ => {}
    }
}

/// Makes a schema admit `null` where it is written, so that an error about
/// the value itself is still reported where the value lies: a type takes
/// `null` among its types (and its words), a choice gets a `null`
/// alternative, and a reference is left alone (every definition admits
/// `null` itself).
fn nullable(p: &mut Value) {
    let Value::Object(o) = p else { return };
    // An optional reference (`anyOf: [{$ref}, null]`) is the reference
    // alone: its definition admits `null`, and its errors then lie deeper.
    if let Some(Value::Array(alts)) = o.get("anyOf") {
        if let [Value::Object(r), n] | [n, Value::Object(r)] = alts.as_slice() {
            if r.len() == 1 && r.contains_key("$ref") && *n == json!({"type": "null"}) {
                let r = r.clone();
                o.remove("anyOf");
                o.extend(r);
            }
        }
    }
    if o.contains_key("$ref") {
        return;
    }
    if let Some(t) = o.get_mut("type") {
        match t {
            Value::String(_) => *t = json!([t.take(), "null"]),
            Value::Array(a) if !a.iter().any(|x| x == "null") => a.push(json!("null")),
            _ => {}
        }
        if let Some(Value::Array(words)) = o.get_mut("enum") {
            if !words.contains(&Value::Null) {
                words.push(Value::Null);
            }
        }
        return;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alts)) = o.get_mut(key) {
            let null = json!({"type": "null"});
            if !alts.contains(&null) {
                alts.push(null);
            }
            return;
        }
    }
    let description = o.remove("description");
    let inner = std::mem::take(o);
    if let Some(d) = description {
        o.insert("description".into(), d);
    }
    o.insert("anyOf".into(), json!([Value::Object(inner), {"type": "null"}]));
}
