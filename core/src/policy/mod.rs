//! Policies as data: the format ([`schema`]), conditions ([`cond`]), required
//! parameters ([`param`]), loading with `extends` and versions ([`load`]),
//! validation ([`validate`]) and the built-in packs ([`builtin`]).

pub mod builtin;
pub mod cond;
pub mod disease;
pub mod facts;
pub mod json_schema;
pub mod load;
pub mod param;
pub mod schema;
pub mod validate;

pub use load::{Policy, Version};
