//! Keyed money amounts: the accumulator buckets of [`crate::Ytd`] (fund code,
//! benefit bucket, layer basis… → amount).

use crate::claim::Code;
use crate::money::Decimal;

/// A small map from key to amount, kept sorted by key (byte order, as a
/// `BTreeMap<String, _>` would be). A member has a handful of buckets, so one
/// sorted vector holds them in a single allocation; lookups are binary
/// searches. Serialised (through [`crate::money::money_map`]) as a JSON
/// object in key order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Amounts(Vec<(Code, Decimal)>);

/// Iterator over `(key, amount)` pairs in key order.
pub type Iter<'a> =
    std::iter::Map<std::slice::Iter<'a, (Code, Decimal)>, fn(&'a (Code, Decimal)) -> (&'a Code, &'a Decimal)>;

impl Amounts {
    /// No amounts.
    pub const fn new() -> Amounts {
        Amounts(Vec::new())
    }

    /// How many keys hold an amount.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no key holds an amount.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The amount under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Decimal> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// The amount under `key`, to change in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Decimal> {
        match self.find(key) {
            Ok(i) => Some(&mut self.0[i].1),
            Err(_) => None,
        }
    }

    /// Sets `key` to `amount`, returning the amount it replaced.
    pub fn insert(&mut self, key: impl AsRef<str> + Into<Code>, amount: Decimal) -> Option<Decimal> {
        match self.find(key.as_ref()) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, amount)),
            Err(i) => {
                self.0.insert(i, (key.into(), amount));
                None
            }
        }
    }

    /// Removes `key`, returning its amount.
    pub fn remove(&mut self, key: &str) -> Option<Decimal> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    /// Keeps only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Decimal) -> bool) {
        self.0.retain(|(k, v)| keep(k, v));
    }

    /// The amounts, in key order, to change in place.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Decimal> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// `(key, amount)` pairs in key order.
    pub fn iter(&self) -> Iter<'_> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'a> IntoIterator for &'a Amounts {
    type Item = (&'a Code, &'a Decimal);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<K: AsRef<str> + Into<Code>> Extend<(K, Decimal)> for Amounts {
    /// Inserts each pair; a repeated key keeps the last amount.
    fn extend<T: IntoIterator<Item = (K, Decimal)>>(&mut self, pairs: T) {
        for (k, v) in pairs {
            self.insert(k, v);
        }
    }
}

impl<K: AsRef<str> + Into<Code>> FromIterator<(K, Decimal)> for Amounts {
    fn from_iter<T: IntoIterator<Item = (K, Decimal)>>(pairs: T) -> Amounts {
        let mut out = Amounts::new();
        out.extend(pairs);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn behaves_like_a_sorted_map() {
        let keys = ["inpatient", "chronic", "310100", "layer:serious_illness", "inpatient", "a", "chronic@2024-03"];
        let mut ours = Amounts::new();
        let mut theirs = BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            let v = Decimal::from(i as i64 + 1);
            assert_eq!(ours.insert(k.to_string(), v), theirs.insert(k.to_string(), v));
        }
        let pairs = |a: &Amounts| a.iter().map(|(k, v)| (k.to_string(), *v)).collect::<Vec<_>>();
        assert_eq!(pairs(&ours), theirs.clone().into_iter().collect::<Vec<_>>());
        assert_eq!(ours.get("inpatient"), Some(&d("5")));
        assert_eq!(ours.get("missing"), None);
        *ours.get_mut("a").unwrap() += d("0.50");
        assert_eq!(ours.get("a"), Some(&d("6.50")));
        assert_eq!(ours.remove("chronic"), Some(d("2")));
        assert_eq!(ours.remove("chronic"), None);
        ours.retain(|k, _| k != "310100");
        assert_eq!(
            ours.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["a", "chronic@2024-03", "inpatient", "layer:serious_illness"]
        );
        let rebuilt: Amounts = pairs(&ours).into_iter().rev().collect();
        assert_eq!(rebuilt, ours);
        assert_eq!(rebuilt.len(), 4);
        assert!(Amounts::new().is_empty());
    }
}
