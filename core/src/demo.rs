//! Sample claims bundled with the engine for `yibao demo` and the examples.

use once_cell::sync::Lazy;

/// The JSON source of the bundled sample claims.
pub const SOURCE: &str = include_str!("../demo/claims.json");

/// `(name, claim JSON)` of every sample claim.
pub static CLAIMS: Lazy<Vec<(String, String)>> = Lazy::new(|| {
    let v: serde_json::Value = serde_json::from_str(SOURCE).unwrap_or_default();
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    let name = e["name"].as_str().unwrap_or_default().to_string();
                    let mut claim = e["claim"].clone();
                    if let Some(o) = claim.as_object_mut() {
                        o.remove("_comment");
                    }
                    (name, claim.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
});
