//! Policy numbers that may be *required parameters*: a value, or a named gap
//! that refuses any claim needing it with `POLICY_PARAMETER_MISSING`.

use crate::error::{Error, ErrorCode, Result};
use crate::money::{parse_decimal, Decimal};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::sync::Arc;

/// A policy number or a required parameter that was never set.
#[derive(Debug, Clone, PartialEq)]
pub enum P {
    /// A known value.
    Val(Decimal),
    /// A required parameter with no value: its name and the rule needing it.
    Missing {
        /// Parameter name (as in the pack's `params`).
        name: Arc<str>,
        /// Rule ID that needs it.
        rule: Arc<str>,
    },
}

impl P {
    /// The value, or `POLICY_PARAMETER_MISSING` naming the parameter and its rule.
    #[inline]
    pub fn get(&self) -> Result<Decimal> {
        match self {
            P::Val(v) => Ok(*v),
            P::Missing { name, rule } => Err(missing(name, rule)),
        }
    }
    /// The value if known.
    pub fn known(&self) -> Option<Decimal> {
        match self {
            P::Val(v) => Some(*v),
            P::Missing { .. } => None,
        }
    }
}

/// The error for a required parameter that is not set.
pub fn missing(name: &str, rule: &str) -> Error {
    let mut e = Error::new(
        ErrorCode::PolicyParameterMissing,
        format!(
            "this claim needs the policy parameter `{name}` (rule {rule}), which the pack declares \
             required and no loaded policy sets; supply it with a policy file that `extends` the \
             pack and sets `params.{name}`"
        ),
    );
    e.rule = Some(rule.to_string());
    e.parameter = Some(name.to_string());
    e.path = Some(format!("params.{name}"));
    e
}

struct PVisitor;

impl<'de> Visitor<'de> for PVisitor {
    type Value = P;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal string, or a `$parameter` reference")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<P, E> {
        parse_decimal(v, 6).map(P::Val).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<P, E> {
        Ok(P::Val(Decimal::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<P, E> {
        Ok(P::Val(Decimal::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<P, E> {
        parse_decimal(&format!("{v}"), 6).map(P::Val).map_err(E::custom)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<P, A::Error> {
        Err(de::Error::custom(
            "one value is needed here, not a table of rows: give the parameter used here a single value, \
             or override the table that uses it",
        ))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<P, A::Error> {
        let (mut name, mut rule) = (None, None);
        while let Some(k) = m.next_key::<String>()? {
            match k.as_str() {
                "$missing" => name = Some(m.next_value::<String>()?),
                "rule" => rule = Some(m.next_value::<String>()?),
                _ => return Err(de::Error::custom(format!("unexpected key `{k}` in a number"))),
            }
        }
        match name {
            Some(n) => Ok(P::Missing { name: n.into(), rule: rule.unwrap_or_default().into() }),
            None => Err(de::Error::custom("expected a number")),
        }
    }
}

impl<'de> Deserialize<'de> for P {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<P, D::Error> {
        d.deserialize_any(PVisitor)
    }
}
