//! Diseases as policies name them: ICD-10 codes (疾病诊断编码) that take the
//! codes below them, ranges of codes (`C00-C97`), `@groups`, and readmissions
//! for the same disease.

use schemars::JsonSchema;
use serde::Deserialize;

/// A readmission within some days of the previous discharge (出院后 N 日内再次住院).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Readmission {
    /// Most days from the previous discharge to this admission (15: admitted
    /// on the 15th day after discharge still holds).
    pub days: u32,
    /// Whether the previous stay's diagnosis (`mdtrt.prior_disease`) must be
    /// this stay's (`mdtrt.disease`); when either is missing it does not hold.
    #[serde(default)]
    pub same_disease: SameDisease,
}

/// How alike two stays' diagnoses must be to count as the same disease
/// (同一疾病): `false`, `true` or `"category"` in a policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameDisease {
    /// Any diagnosis (`false`, the default).
    #[default]
    Any,
    /// The same code, or one below the other in the ICD-10 hierarchy (`true`):
    /// `K35.8` and its national extension `K35.800x001` are one disease,
    /// `K35.8` and `K35.9` are not.
    Code,
    /// The same ICD-10 category, the three characters before the dot
    /// (`"category"`): `K35.8` and `K35.9` are one disease. A code without a
    /// dot (a name such as `diabetes`) is compared whole.
    Category,
}

/// `same_disease` as written: a flag or the word `category`.
impl<'de> Deserialize<'de> for SameDisease {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Written;
        impl serde::de::Visitor<'_> for Written {
            type Value = SameDisease;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true, false or \"category\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<SameDisease, E> {
                Ok(if v { SameDisease::Code } else { SameDisease::Any })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<SameDisease, E> {
                match v {
                    "category" => Ok(SameDisease::Category),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(Written)
    }
}

impl SameDisease {
    /// True when diagnoses `a` and `b` are the same disease in this sense.
    pub fn holds(self, a: &str, b: &str) -> bool {
        match self {
            SameDisease::Any => true,
            SameDisease::Code => disease_within(a, b) || disease_within(b, a),
            SameDisease::Category => category(a) == category(b),
        }
    }
}

/// The ICD-10 category of a code: what comes before its dot.
fn category(code: &str) -> &str {
    code.split_once('.').map_or(code, |(head, _)| head)
}

impl Readmission {
    /// True when the claim is such a readmission.
    pub fn holds(&self, v: &crate::claim::Visit) -> bool {
        let Some(out) = v.prior_dscg_date else { return false };
        let gap = v.begndate.ordinal() - out.ordinal();
        let same = match (self.same_disease, &v.disease, &v.prior_disease) {
            (SameDisease::Any, _, _) => true,
            (how, Some(a), Some(b)) => how.holds(a, b),
            _ => false,
        };
        (0..=i64::from(self.days)).contains(&gap) && same
    }
}

/// The two ends of an ICD-10 range (`C00-C97`, `C18.0-C18.9`), where
/// `listed` is one: two codes, each a letter, two digits and an optional
/// dotted part, joined by a hyphen.
pub fn icd_range(listed: &str) -> Option<(&str, &str)> {
    let (lo, hi) = listed.split_once('-')?;
    let code = |c: &str| {
        let b = c.as_bytes();
        b.len() >= 3
            && b[0].is_ascii_uppercase()
            && b[1].is_ascii_digit()
            && b[2].is_ascii_digit()
            && (b.len() == 3 || (b[3] == b'.' && b.len() > 4 && b[4..].iter().all(u8::is_ascii_alphanumeric)))
    };
    (code(lo) && code(hi)).then_some((lo, hi))
}

/// Disease groups, for `@group` lookups.
pub type Groups = std::collections::BTreeMap<String, Vec<String>>;

/// True when `disease` is one of `list` (disease codes or `@group` names),
/// itself or below it in the ICD-10 hierarchy (see [`disease_within`]).
pub fn disease_in(list: &[String], disease: &str, groups: &Groups) -> bool {
    list.iter().any(|x| match x.strip_prefix('@') {
        Some(g) => groups.get(g).is_some_and(|m| m.iter().any(|y| disease_within(y, disease))),
        None => disease_within(x, disease),
    })
}

/// True when `code` is `listed` or lies below it in the ICD-10 hierarchy
/// (疾病诊断编码): a category takes its subcategories and the national
/// extensions (`K35` takes `K35.8` and `K35.800x001`), and a code with a dot
/// takes the longer codes that begin with it (`K35.8` takes `K35.800`). A
/// category never takes another one (`K35` does not take `K350`), and a name
/// (`diabetes`) takes only itself. A range of codes as policy documents list
/// them (`C00-C97`, 恶性肿瘤) takes every code from its first to its last,
/// each with the codes below it.
pub fn disease_within(listed: &str, code: &str) -> bool {
    if let Some((lo, hi)) = icd_range(listed) {
        // The code cut to each end's length, so that `C97` takes `C97.x00`.
        let cut = |end: &str| code.get(..end.len().min(code.len())).unwrap_or(code);
        return cut(lo) >= lo && cut(hi) <= hi && icd_range(code).is_none();
    }
    match code.strip_prefix(listed) {
        Some("") => true,
        Some(rest) => rest.starts_with('.') || listed.contains('.'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::disease_within;

    #[test]
    fn a_disease_code_takes_the_codes_below_it() {
        for (listed, code, want) in [
            ("K35", "K35", true),
            ("K35", "K35.8", true),
            ("K35", "K35.800x001", true),
            ("K35.8", "K35.800", true),
            ("K35.8", "K35.8", true),
            ("K35", "K350", false),
            ("K35", "K3", false),
            ("K35.8", "K35.9", false),
            ("K35.80", "K35.8", false),
            ("diabetes", "diabetes", true),
            ("diabetes", "diabetes_nephropathy", false),
            // A range takes its ends and what lies between, with the codes below them.
            ("C00-C97", "C00", true),
            ("C00-C97", "C34.900", true),
            ("C00-C97", "C97.x00", true),
            ("C00-C97", "C98", false),
            ("C00-C97", "B99.000", false),
            ("C00-C97", "D00.1", false),
            ("C18.0-C18.9", "C18.200x001", true),
            ("C18.0-C18.9", "C19", false),
            ("C18.0-C18.9", "C18", false),
            // A name with a hyphen is a name.
            ("type-2", "type-2", true),
            ("type-2", "type-3", false),
        ] {
            assert_eq!(disease_within(listed, code), want, "{listed} takes {code}");
        }
    }

    #[test]
    fn a_range_is_two_icd_codes_joined_by_a_hyphen() {
        for (listed, want) in [
            ("C00-C97", Some(("C00", "C97"))),
            ("C18.0-C18.9", Some(("C18.0", "C18.9"))),
            ("C00.1-C97", Some(("C00.1", "C97"))),
            ("C34-C34", Some(("C34", "C34"))),
            ("type-2", None),
            ("c00-c97", None),
            ("T2D-C97", None),
            ("CC0-C97", None),
            ("C0-C97", None),
            ("C00-97", None),
            ("C00x-C97", None),
            ("C00.-C97", None),
            ("C00-C97.", None),
            ("C00.a!-C97", None),
            ("C00-C97-D00", None),
            ("C00", None),
        ] {
            assert_eq!(super::icd_range(listed), want, "{listed}");
        }
    }

    #[test]
    fn same_disease_is_read_as_a_flag_or_category_and_says_so_when_not() {
        use super::SameDisease;
        let read = |t: &str| serde_json::from_str::<SameDisease>(t);
        assert_eq!(read("true").unwrap(), SameDisease::Code);
        assert_eq!(read("false").unwrap(), SameDisease::Any);
        assert_eq!(read("\"category\"").unwrap(), SameDisease::Category);
        // A policy author who writes anything else is told what is accepted.
        for bad in ["\"yes\"", "1", "null"] {
            let e = read(bad).unwrap_err().to_string();
            assert!(e.contains("expected true, false or \"category\""), "{bad}: {e}");
        }
    }
}
