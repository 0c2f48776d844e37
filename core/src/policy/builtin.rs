//! Built-in policy packs, embedded at build time from `core/policies/`.
//! No region's name appears in code: each pack is a data file.

use super::load::{load, DefaultResolver, Policy};
use crate::error::Result;
use once_cell::sync::Lazy;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `(id, JSON source)` of every built-in pack.
pub const SOURCES: &[(&str, &str)] = &[
    ("cn-sx-taiyuan-resident-2010", include_str!("../../policies/cn-sx-taiyuan-resident-2010.json")),
    ("cn-sx-taiyuan-employee", include_str!("../../policies/cn-sx-taiyuan-employee.json")),
    ("cn-xj-tiemenguan-2025", include_str!("../../policies/cn-xj-tiemenguan-2025.json")),
    ("cn-xj-urumqi", include_str!("../../policies/cn-xj-urumqi.json")),
    ("cn-xj-region-employee", include_str!("../../policies/cn-xj-region-employee.json")),
];

/// The pack the demo and examples use by default.
pub const DEFAULT: &str = "cn-sx-taiyuan-resident-2010";

/// The JSON source of a built-in pack.
pub fn source(id: &str) -> Option<&'static str> {
    SOURCES.iter().find(|(i, _)| *i == id).map(|(_, s)| *s)
}

static LOADED: Lazy<BTreeMap<&'static str, Result<Arc<Policy>>>> =
    Lazy::new(|| SOURCES.iter().map(|(id, src)| (*id, load(src, None, &DefaultResolver).map(Arc::new))).collect());

/// A built-in pack, loaded once.
pub fn get(id: &str) -> Option<Result<Arc<Policy>>> {
    LOADED.get(id).cloned()
}

/// IDs of the built-in packs.
pub fn ids() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().map(|(i, _)| *i)
}
