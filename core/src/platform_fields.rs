//! Fields of the national platform's records (1101 person information,
//! 2201/2303 visit and settlement input, 2204/2301 fee lines) that a HIS may
//! pass through in a claim but that settle nothing: identity documents,
//! names, prescription and order numbers. A claim's readers drop them, so a
//! record copied from the platform is read as it is; every other unknown
//! key is still refused with its path, since a misspelt optional field
//! (`selfpay_prob`) would otherwise change the money silently. Fields that
//! carry meaning elsewhere in a claim (`acct_used_flag`, `age`, the
//! pre-split sums) are not dropped: a claim must give them where the engine
//! reads them. The insurance status `psn.psn_insu_stas` and the declared
//! total `mdtrt.medfee_sumamt` are read and checked, and the visit's
//! disease code `mdtrt.dise_codg` (病种编码) is read as `mdtrt.disease`:
//! a policy's disease conditions test it, so dropping it would change the
//! money. A fee line's own `dise_codg` settles nothing and is dropped.

use serde_json::Value;

/// Dropped from `psn`: 1101 identity and documents.
pub const PERSON: &[&str] =
    &["certno", "psn_name", "psn_cert_type", "gend", "emp_name", "mdtrt_cert_type", "mdtrt_cert_no", "card_sn"];

/// Dropped from `mdtrt`: 2201/2303 registration and invoice numbers.
pub const VISIT: &[&str] = &[
    "ipt_otp_no",
    "atddr_no",
    "dept_code",
    "chrg_bchno",
    "invono",
    "fixmedins_name",
    "mdtrt_cert_type",
    "mdtrt_cert_no",
    "card_sn",
];

/// Dropped from each `feedetail` line: 2204/2301 prescription and order keys.
pub const LINE: &[&str] =
    &["mdtrt_id", "psn_no", "chrg_bchno", "dise_codg", "rxno", "fee_ocur_time", "medins_list_codg", "drord_no"];

/// Drops the platform's pass-through fields from a claim value; true when
/// any was there.
pub fn strip(claim: &mut Value) -> bool {
    fn drop_from(v: Option<&mut Value>, names: &[&str]) -> bool {
        let Some(Value::Object(o)) = v else { return false };
        let before = o.len();
        o.retain(|k, _| !names.contains(&k.as_str()));
        o.len() != before
    }
    let Value::Object(c) = claim else { return false };
    let mut dropped = drop_from(c.get_mut("psn"), PERSON);
    dropped |= drop_from(c.get_mut("mdtrt"), VISIT);
    if let Some(Value::Array(lines)) = c.get_mut("feedetail") {
        for l in lines {
            dropped |= drop_from(Some(l), LINE);
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    /// No dropped name is a field the engine reads in the same object.
    #[test]
    fn no_dropped_name_is_a_claim_field() {
        let text = crate::demo::sample_claim(1);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for (obj, names) in [("psn", super::PERSON), ("mdtrt", super::VISIT)] {
            for n in names {
                assert!(v[obj].get(*n).is_none(), "{obj}.{n}");
                let mut with = v.clone();
                with[obj][*n] = serde_json::json!("x");
                // serde alone refuses it: the name is not a field.
                assert!(serde_json::from_value::<crate::Claim>(with).is_err(), "{obj}.{n} is a field");
            }
        }
        for n in super::LINE {
            let mut with = v.clone();
            with["feedetail"][0][*n] = serde_json::json!("x");
            assert!(serde_json::from_value::<crate::Claim>(with).is_err(), "feedetail.{n} is a field");
        }
    }
}
