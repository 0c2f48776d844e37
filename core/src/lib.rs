//! # yibao-core
//!
//! Adjudicates Chinese basic medical-insurance claims (医保结算): given a
//! region's policy (a data file), a member, their year-to-date accumulators and
//! a visit's fee lines, it decides what the pooling fund, the further layers,
//! the personal account and cash each pay — exact to the fen, every amount
//! traced to the rule that justifies it.
//!
//! ```
//! use yibao_core::{Engine, parse_claim};
//! let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
//! let claim = parse_claim(&yibao_core::demo::CLAIMS[0].1).unwrap();
//! let s = engine.settle(&claim).unwrap();
//! assert_eq!(s.setlinfo.medfee_sumamt, s.setlinfo.fund_pay_sumamt + s.setlinfo.psn_part_amt);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod adjudicate;
pub mod amounts;
pub mod batch;
pub mod canonical;
pub mod claim;
pub mod claim_fields;
pub mod claim_json;
pub mod date;
pub mod demo;
pub mod engine;
pub mod error;
pub mod gbk;
pub mod identities;
pub mod json_schema;
pub mod money;
pub mod paperwork;
pub mod platform_fields;
pub mod policy;
pub mod settlement;
pub mod settlement_json;
pub mod ytd;

pub use claim::Claim;
pub use engine::{
    claim_from_value, input_hash, parse_claim, parse_settlement, policies, Engine, PolicySummary, ENGINE,
};
pub use error::{Error, ErrorCode, Result};
pub use settlement::{Settlement, Status};
pub use ytd::Ytd;
