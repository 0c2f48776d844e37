//! Stage 1: the claim is checked before anything is computed. Every problem
//! gets a stable code and the JSON path of the field.

use crate::claim::Claim;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{above_max, max_amount, total_matches, Decimal};
use crate::ytd::Ytd;

/// Most admissions a year's accumulators may report.
pub const MAX_ADMISSIONS: i32 = 1_000;

/// Most fee lines a claim may carry.
pub const MAX_LINES: usize = 10_000;

/// The most years a count of years in a claim may give (`psn.zero_claim_years`,
/// `psn.gap_years`).
pub const MAX_YEARS: u32 = 150;

/// Insurance types of the national table (险种类型).
pub const INSUTYPES: [&str; 14] =
    ["310", "320", "330", "340", "350", "360", "370", "380", "390", "391", "392", "399", "410", "510"];
/// Medical types of the national table (医疗类别); `99xx` local extensions are accepted too.
pub const MED_TYPES: [&str; 16] =
    ["11", "12", "13", "14", "19", "21", "22", "23", "24", "41", "51", "52", "53", "91", "92", "93"];
/// Charge item levels (收费项目等级).
pub const CHRGITM_LVS: [&str; 3] = ["01", "02", "03"];
/// Admission routes.
pub const ADM_ROUTES: [&str; 3] = ["normal", "emergency", "referral"];
/// Causes.
pub const CAUSES: [&str; 6] =
    ["self_harm", "illegal_act", "cosmetic", "congenital_correction", "medical_accident", "traffic_accident"];
/// Filing kinds.
pub const FILING_KINDS: [&str; 3] = ["long_term_residence", "referral", "emergency_registration"];
/// Filing states.
pub const FILING_STATES: [&str; 3] = ["active", "cancelled", "suspended"];

/// A medical type a claim may carry: one of the national table, a
/// regional extension of 4 digits beginning `99`, or one of the regional
/// codes the policy declares (`med_types`).
pub(crate) fn known_med_type(v: &str, regional: &[String]) -> bool {
    MED_TYPES.contains(&v) || (v.starts_with("99") && digits(v, 4..=4)) || regional.iter().any(|r| r == v)
}

/// Checks the claim's medical type against the national table and the
/// regional codes of the policy version that settles it.
pub fn med_type(c: &Claim, regional: &[String]) -> Result<()> {
    let v = &c.mdtrt.med_type;
    if known_med_type(v, regional) {
        return Ok(());
    }
    one_of(v, &MED_TYPES, &s("mdtrt.med_type"), "medical type (med_type)").map_err(|e| {
        let message = if regional.is_empty() {
            format!(
                "{}, or a regional code of 4 digits beginning 99 (a policy lists a province's own codes in `med_types`)",
                e.message
            )
        } else {
            format!(
                "{}, a regional code of 4 digits beginning 99, or one of this policy's own ({})",
                e.message,
                regional.join(", ")
            )
        };
        Error { message, ..e }
    })
}

/// A charge item category (医疗收费项目类别) a fee line may carry, 01–14.
pub(crate) fn known_charge_category(v: &str) -> bool {
    v.len() == 2 && v.parse::<u8>().is_ok_and(|n| (1..=14).contains(&n))
}

/// A JSON path built only when an error needs it.
type At<'a> = &'a dyn Fn() -> String;

fn one_of(v: &str, allowed: &[&str], at: At, what: &str) -> Result<()> {
    if allowed.iter().any(|a| crate::claim::code_eq(a, v)) {
        return Ok(());
    }
    Err(Error::at(
        ErrorCode::UnknownCode,
        at(),
        format!("unknown {what} `{v}`; expected one of {}", allowed.join(", ")),
    ))
}

/// True when `v` is all ASCII digits, of a length in `len`.
pub(crate) fn digits(v: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit())
}

fn admvs(v: &str, at: At) -> Result<()> {
    if digits(v, 6..=6) {
        Ok(())
    } else {
        Err(Error::claim(at(), format!("`{v}` is not a 6-digit admvs code")))
    }
}

fn flag(v: &str, at: At) -> Result<()> {
    one_of(v, &["0", "1"], at, "flag")
}

fn amount(v: Decimal, at: At) -> Result<()> {
    if v.is_sign_negative() && !v.is_zero() {
        return Err(Error::claim(at(), format!("amount {v} is negative; refunds are settled as reversals")));
    }
    if above_max(v) {
        return Err(Error::claim(at(), format!("amount {v} is above the limit of {}", max_amount())));
    }
    Ok(())
}

fn nonempty(v: &str, at: At) -> Result<()> {
    if v.trim().is_empty() {
        Err(Error::claim(at(), "must not be empty"))
    } else {
        Ok(())
    }
}

fn s(p: &'static str) -> impl Fn() -> String {
    move || p.to_string()
}

/// Checks a refund line's own amounts (退费): a negative count and a total
/// not above zero, within the limits.
fn refund_amounts(l: &crate::claim::FeeLine, lp: &dyn Fn(&str) -> String) -> Result<()> {
    if !l.cnt.is_sign_negative() || l.cnt.is_zero() {
        return Err(Error::claim(lp("cnt"), format!("a refund line takes back a negative count, not {}", l.cnt)));
    }
    if l.det_item_fee_sumamt.is_sign_positive() && !l.det_item_fee_sumamt.is_zero() {
        return Err(Error::claim(
            lp("det_item_fee_sumamt"),
            format!("a refund line's total is negative, not {}", l.det_item_fee_sumamt),
        ));
    }
    amount(-l.cnt, &|| lp("cnt"))?;
    amount(-l.det_item_fee_sumamt, &|| lp("det_item_fee_sumamt"))
}

/// Each refund line takes back another charge line of the claim, at that
/// line's price, and no line is taken back beyond what it carried, in count
/// or in money.
fn refunds_match_their_lines(c: &Claim) -> Result<()> {
    let mut left: std::collections::HashMap<usize, (Decimal, Decimal)> = std::collections::HashMap::new();
    for (i, j) in super::refund::targets(c) {
        let l = &c.feedetail[i];
        let lp = |f: &str| format!("feedetail[{i}].{f}");
        let sn = l.init_feedetl_sn.as_deref().unwrap_or_default();
        let Some(j) = j else {
            return Err(Error::claim(lp("init_feedetl_sn"), format!("no other line `{sn}` in the claim to take back")));
        };
        let target = &c.feedetail[j];
        if target.init_feedetl_sn.is_some() {
            return Err(Error::claim(lp("init_feedetl_sn"), format!("line `{sn}` is itself a refund line")));
        }
        if target.pric != l.pric {
            return Err(Error::claim(
                lp("pric"),
                format!("a refund is at the price of the line it takes back ({} on line `{sn}`)", target.pric),
            ));
        }
        let (cnt, sum) = left.entry(j).or_insert((target.cnt, target.det_item_fee_sumamt));
        *cnt += l.cnt;
        *sum += l.det_item_fee_sumamt;
        let below = |d: &Decimal| d.is_sign_negative() && !d.is_zero();
        if below(cnt) || below(sum) {
            return Err(Error::claim(
                lp(if below(cnt) { "cnt" } else { "det_item_fee_sumamt" }),
                format!("takes back more than line `{sn}` carried ({} at {})", target.cnt, target.det_item_fee_sumamt),
            ));
        }
    }
    Ok(())
}

/// Checks a claim; the first problem found is reported.
pub fn claim(c: &Claim) -> Result<()> {
    let p = &c.psn;
    nonempty(&p.psn_no, &s("psn.psn_no"))?;
    one_of(&p.insutype, &INSUTYPES, &s("psn.insutype"), "insurance type (insutype)")?;
    // A person type is 4 digits; some regions send only its 2-digit parent
    // (`11` 在职, `12` 退休), which conditions on the parent still match.
    if !digits(&p.psn_type, 2..=2) && !digits(&p.psn_type, 4..=4) {
        return Err(Error::at(
            ErrorCode::UnknownCode,
            "psn.psn_type",
            format!("`{}` is not a person type (4 digits, or the 2 digits of its parent category)", p.psn_type),
        ));
    }
    flag(&p.acct_used_flag, &s("psn.acct_used_flag"))?;
    flag(&p.cvlserv_flag, &s("psn.cvlserv_flag"))?;
    if let Some(b) = p.balc {
        amount(b, &s("psn.balc"))?;
    }
    amount(p.mulaid_balc, &s("psn.mulaid_balc"))?;
    if let Some(c) = p.acct_credit {
        amount(c, &s("psn.acct_credit"))?;
    }
    for (name, years) in [("psn.zero_claim_years", p.zero_claim_years), ("psn.gap_years", p.gap_years)] {
        if years.is_some_and(|n| n > MAX_YEARS) {
            return Err(Error::claim(name, format!("more than {MAX_YEARS} years")));
        }
    }
    if let Some(st) = &p.psn_insu_stas {
        if !digits(st, 1..=1) {
            return Err(Error::at(
                ErrorCode::UnknownCode,
                "psn.psn_insu_stas",
                format!(
                    "`{st}` is not an insurance status (参保状态: 1 enrolled, 2 suspended, 4 ended, 0 not enrolled)"
                ),
            ));
        }
    }
    for (k, v) in &p.quota_balc {
        amount(*v, &|| format!("psn.quota_balc.{k}"))?;
    }
    for (i, f) in p.filings.iter().enumerate() {
        let at = |x: &str| format!("psn.filings[{i}].{x}");
        one_of(&f.kind, &FILING_KINDS, &|| at("kind"), "filing kind")?;
        one_of(&f.status, &FILING_STATES, &|| at("status"), "filing status")?;
        admvs(&f.area_admdvs, &|| at("area_admdvs"))?;
        if f.enddate.is_some_and(|e| e < f.begndate) {
            return Err(Error::claim(at("enddate"), "ends before it begins"));
        }
    }
    for (i, cc) in p.chronic_certs.iter().enumerate() {
        nonempty(&cc.disease, &|| format!("psn.chronic_certs[{i}].disease"))?;
    }
    for (i, id) in p.idetinfo.iter().enumerate() {
        nonempty(&id.psn_idet_type, &|| format!("psn.idetinfo[{i}].psn_idet_type"))?;
        if let (Some(b), Some(e)) = (id.begntime, id.endtime) {
            if e < b {
                return Err(Error::claim(format!("psn.idetinfo[{i}].endtime"), "ends before it begins"));
            }
        }
    }
    let v = &c.mdtrt;
    nonempty(&v.mdtrt_id, &s("mdtrt.mdtrt_id"))?;
    if !digits(&v.med_type, 2..=4) {
        med_type(c, &[])?;
    }
    if v.enddate < v.begndate {
        return Err(Error::claim(
            "mdtrt.enddate",
            format!("{} is before the admission date {}", v.enddate, v.begndate),
        ));
    }
    if p.brdy.is_some_and(|b| b > v.begndate) {
        return Err(Error::claim("psn.brdy", "birth date is after the visit"));
    }
    nonempty(&v.fixmedins_code, &s("mdtrt.fixmedins_code"))?;
    nonempty(&v.hosp_lv, &s("mdtrt.hosp_lv"))?;
    if let Some(lv) = &v.dedc_hosp_lv {
        nonempty(lv, &s("mdtrt.dedc_hosp_lv"))?;
    }
    if let Some(w) = &v.psn_setlway {
        if !digits(w, 2..=6) {
            return Err(Error::claim(
                "mdtrt.psn_setlway",
                format!("`{w}` is not a settlement-way code (个人结算方式: 01 by item, 02 fixed amount, or a regional 0201…)"),
            ));
        }
    }
    if let Some(f) = &v.mid_setl_flag {
        flag(f, &s("mdtrt.mid_setl_flag"))?;
    }
    if v.prior_dscg_date.is_some_and(|d| d > v.begndate) {
        return Err(Error::claim(
            "mdtrt.prior_dscg_date",
            format!("the previous discharge is after this admission ({})", v.begndate),
        ));
    }
    if let Some(d) = &v.prior_disease {
        nonempty(d, &s("mdtrt.prior_disease"))?;
    }
    if let Some(d) = v.prior_leg_dedc {
        amount(d, &s("mdtrt.prior_leg_dedc"))?;
    }
    admvs(&v.insuplc_admdvs, &s("mdtrt.insuplc_admdvs"))?;
    admvs(&v.mdtrtarea_admvs, &s("mdtrt.mdtrtarea_admvs"))?;
    one_of(&v.adm_route, &ADM_ROUTES, &s("mdtrt.adm_route"), "admission route")?;
    if let Some(cause) = &v.cause {
        one_of(cause, &CAUSES, &s("mdtrt.cause"), "cause")?;
    }
    if c.feedetail.is_empty() {
        return Err(Error::claim("feedetail", "a claim needs at least one fee line"));
    }
    if c.feedetail.len() > MAX_LINES {
        return Err(Error::at(ErrorCode::InputTooLarge, "feedetail", format!("more than {MAX_LINES} fee lines")));
    }
    let mut total = Decimal::ZERO;
    let mut refunds = false;
    let mut seen = std::collections::HashSet::new();
    for (i, l) in c.feedetail.iter().enumerate() {
        let lp = |f: &str| format!("feedetail[{i}].{f}");
        nonempty(&l.feedetl_sn, &|| lp("feedetl_sn"))?;
        let dup = if c.feedetail.len() <= 64 {
            c.feedetail[..i].iter().any(|o| crate::claim::code_eq(&o.feedetl_sn, &l.feedetl_sn))
        } else {
            !seen.insert(l.feedetl_sn.as_str())
        };
        if dup {
            return Err(Error::claim(lp("feedetl_sn"), format!("serial number `{}` appears twice", l.feedetl_sn)));
        }
        one_of(&l.chrgitm_lv, &CHRGITM_LVS, &|| lp("chrgitm_lv"), "charge item level (chrgitm_lv)")?;
        let t = &l.med_chrgitm_type;
        if !known_charge_category(t) {
            return Err(Error::at(
                ErrorCode::UnknownCode,
                lp("med_chrgitm_type"),
                format!("unknown charge item category `{t}`; expected 01–14"),
            ));
        }
        amount(l.pric, &|| lp("pric"))?;
        if l.init_feedetl_sn.is_some() {
            refund_amounts(l, &lp)?;
            refunds = true;
        } else {
            amount(l.cnt, &|| lp("cnt"))?;
            amount(l.det_item_fee_sumamt, &|| lp("det_item_fee_sumamt"))?;
        }
        if !total_matches(l.pric, l.cnt, l.det_item_fee_sumamt) {
            return Err(Error::claim(
                lp("det_item_fee_sumamt"),
                format!("{} is not price {} × count {}", l.det_item_fee_sumamt, l.pric, l.cnt),
            ));
        }
        if let Some(r) = l.selfpay_prop {
            if r.is_sign_negative() && !r.is_zero() || r > Decimal::ONE {
                return Err(Error::claim(lp("selfpay_prop"), format!("ratio {r} is outside 0–1")));
            }
        }
        if let Some(u) = l.pric_uplmt_amt {
            amount(u, &|| lp("pric_uplmt_amt"))?;
        }
        for (f, val) in [("lmt_used_flag", &l.lmt_used_flag), ("hosp_appr_flag", &l.hosp_appr_flag)] {
            if let Some(x) = val {
                one_of(x, &["0", "1", "2"], &|| lp(f), "flag")?;
            }
        }
        total += l.det_item_fee_sumamt;
    }
    if refunds {
        refunds_match_their_lines(c)?;
    }
    amount(total, &s("feedetail"))?;
    if let Some(declared) = v.medfee_sumamt {
        amount(declared, &s("mdtrt.medfee_sumamt"))?;
        if declared != total {
            return Err(Error::claim(
                "mdtrt.medfee_sumamt",
                format!(
                    "the {} fee lines add up to {total}, not the declared {declared}: a line is missing or sent twice",
                    c.feedetail.len()
                ),
            ));
        }
    }
    // Accumulators of a later year than the visit's are refused once the
    // policy's benefit year is known (`adjudicate::starting_ytd`).
    if let Some(y) = &c.ytd {
        ytd(y)?;
    }
    Ok(())
}

/// Checks an account balance given as input (the current one a reversal
/// starts from), at `path`: not negative, within the amount limit, exact to
/// the fen.
pub fn balance(b: Decimal, path: &str) -> Result<()> {
    amount(b, &|| path.to_string())?;
    if b.normalize().scale() > 2 {
        return Err(Error::claim(path, format!("balance {b} is finer than the fen")));
    }
    Ok(())
}

/// Checks accumulators given as input (a claim's `ytd`, or the current ones
/// a reversal starts from), with paths under `ytd`: a count of admissions
/// within 0 and its limit, amounts not negative and within theirs.
pub fn ytd(y: &Ytd) -> Result<()> {
    if y.admissions < 0 {
        return Err(Error::claim("ytd.admissions", format!("{} admissions: a count is not negative", y.admissions)));
    }
    if y.admissions > MAX_ADMISSIONS {
        return Err(Error::claim(
            "ytd.admissions",
            format!("{} admissions in a year is not plausible (limit {MAX_ADMISSIONS})", y.admissions),
        ));
    }
    amount(y.dedc_paid, &s("ytd.dedc_paid"))?;
    amount(y.cost_sum, &s("ytd.cost_sum"))?;
    for (name, m) in [
        ("dedc_paid_by", &y.dedc_paid_by),
        ("fund_paid", &y.fund_paid),
        ("benefit_paid", &y.benefit_paid),
        ("eligible_sum", &y.eligible_sum),
        ("quota_used", &y.quota_used),
    ] {
        for (k, a) in m {
            amount(*a, &|| format!("ytd.{name}.{k}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::money::Decimal;

    /// A refund that keeps the count but takes back a fen more than the line
    /// carried is refused at its total; one that takes back the line exactly
    /// passes.
    #[test]
    fn a_refund_is_held_to_the_lines_count_and_money() {
        let mut c = crate::parse_claim(&crate::demo::sample_claim(1)).unwrap();
        let mut r = c.feedetail[0].clone();
        r.feedetl_sn = "R".into();
        r.init_feedetl_sn = Some(c.feedetail[0].feedetl_sn.clone());
        r.cnt = -r.cnt;
        r.det_item_fee_sumamt = -r.det_item_fee_sumamt;
        c.feedetail.push(r);
        super::claim(&c).expect("the whole line taken back");
        c.feedetail[1].det_item_fee_sumamt -= Decimal::new(1, 2);
        let err = super::claim(&c).expect_err("a fen too much");
        assert_eq!(err.path.as_deref(), Some("feedetail[1].det_item_fee_sumamt"), "{err}");
    }

    /// The limits on counts of years are inclusive: the limit itself
    /// passes, one more is refused at its path.
    #[test]
    fn years_are_held_to_their_limit_inclusive() {
        let mut c = crate::parse_claim(&crate::demo::sample_claim(1)).unwrap();
        c.psn.zero_claim_years = Some(super::MAX_YEARS);
        c.psn.gap_years = Some(super::MAX_YEARS);
        super::claim(&c).expect("the limit itself");
        c.psn.gap_years = Some(super::MAX_YEARS + 1);
        let err = super::claim(&c).expect_err("one more");
        assert_eq!(err.path.as_deref(), Some("psn.gap_years"), "{err}");
    }

    /// A filing or an identity may begin and end on the same day, and a
    /// member may be born on the day of the visit.
    #[test]
    fn a_period_of_one_day_is_valid() {
        let mut c = crate::parse_claim(&crate::demo::sample_claim(1)).unwrap();
        let day = c.mdtrt.begndate.to_string();
        let filing = serde_json::json!({"kind": "long_term_residence", "status": "active",
            "begndate": day, "enddate": day, "area_admdvs": "110000"});
        c.psn.filings.push(serde_json::from_value(filing).unwrap());
        let identity = serde_json::json!({"psn_idet_type": "2302",
            "begntime": format!("{day} 00:00:00"), "endtime": format!("{day} 00:00:00")});
        c.psn.idetinfo.push(serde_json::from_value(identity).unwrap());
        super::claim(&c).expect("a filing and an identity of one day");
        // A newborn admitted on the day of birth.
        c.psn.brdy = Some(c.mdtrt.begndate);
        super::claim(&c).expect("born on the day of the visit");
    }

    /// The limits are inclusive, and each bound of a range is inside it:
    /// a readmission the day of the previous discharge, pre-self-pay
    /// ratios of 0 and 1, the most admissions and the most lines a claim
    /// may carry. One more line is refused as input too large.
    #[test]
    fn bounds_are_inside_their_ranges() {
        let mut c = crate::parse_claim(&crate::demo::sample_claim(2)).unwrap();
        c.mdtrt.prior_dscg_date = Some(c.mdtrt.begndate);
        c.feedetail[0].selfpay_prop = Some(Decimal::ZERO);
        c.feedetail[1].selfpay_prop = Some(Decimal::ONE);
        let mut y = crate::Ytd::fresh(c.mdtrt.begndate.y);
        y.admissions = super::MAX_ADMISSIONS;
        c.ytd = Some(y);
        super::claim(&c).expect("every value at its bound");
        let line = c.feedetail[0].clone();
        c.feedetail = (0..super::MAX_LINES)
            .map(|i| {
                let mut l = line.clone();
                l.feedetl_sn = i.to_string().as_str().into();
                l
            })
            .collect();
        super::claim(&c).expect("the most lines");
        let mut l = line;
        l.feedetl_sn = "last".into();
        c.feedetail.push(l);
        let err = super::claim(&c).expect_err("one line more");
        assert_eq!(err.code, crate::ErrorCode::InputTooLarge, "{err}");
        assert_eq!(err.path.as_deref(), Some("feedetail"), "{err}");
    }
}
