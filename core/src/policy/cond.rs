//! Conditions (`when`) that select table rows, benefits, denials and
//! modifiers, tested against the claim's [`Facts`] and, for line fields, a
//! fee line.

use crate::claim::FeeLine;
use crate::money::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;

use super::disease::{disease_in, Groups, Readmission};
use super::facts::Facts;

/// A band of years (of age, or of enrolment): `min` inclusive, `max` exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema, Hash)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// Lowest age in the band.
    #[serde(default)]
    pub min: Option<i32>,
    /// First age past the band.
    #[serde(default)]
    pub max: Option<i32>,
}

/// A band of a line's unit price, as price rules are worded: above `above`
/// (exclusive, 以上) and up to `up_to` (inclusive, 含): the pre-self-pay of
/// costly consumables by unit price (单价 1 万元（含）以下 / 1 万元以上至 5 万元).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceBand {
    /// The band starts above this price.
    #[serde(default, with = "crate::money::price::opt")]
    #[schemars(with = "Option<crate::json_schema::DecimalText>")]
    pub above: Option<Decimal>,
    /// The band ends at this price, included.
    #[serde(default, with = "crate::money::price::opt")]
    #[schemars(with = "Option<crate::json_schema::DecimalText>")]
    pub up_to: Option<Decimal>,
}

impl PriceBand {
    /// True when `pric` lies in the band.
    pub fn holds(&self, pric: Decimal) -> bool {
        self.above.is_none_or(|a| pric > a) && self.up_to.is_none_or(|u| pric <= u)
    }
}

/// A condition: every field given must hold. Lists match any of their values;
/// `psn_type`, `mdtrtarea_admvs` and `med_list_codg` match by prefix;
/// `disease` accepts `@group` names from the pack's `disease_groups`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cond {
    /// Medical types (医疗类别).
    pub med_type: Option<Vec<String>>,
    /// Insurance types (险种).
    pub insutype: Option<Vec<String>>,
    /// Person-type prefixes (`"14"` matches 1401–1405).
    pub psn_type: Option<Vec<String>>,
    /// Hospital levels.
    pub hosp_lv: Option<Vec<String>>,
    /// Settlement-way prefixes (个人结算方式; `"02"` matches 02, 0201 and
    /// 0202); a claim that gives none is settled by item, `01`.
    pub psn_setlway: Option<Vec<String>>,
    /// Admission routes.
    pub adm_route: Option<Vec<String>>,
    /// Causes (`none` matches no cause).
    pub cause: Option<Vec<String>>,
    /// Diseases or `@groups`.
    pub disease: Option<Vec<String>>,
    /// Age band on the admission date.
    pub age: Option<AgeBand>,
    /// Band of full years of continuous enrolment on the admission date
    /// (连续参保年限, from `psn.insu_begn_date`): the continuous-enrolment
    /// incentive (连续参保激励) that raises a cap or a ratio year by year.
    /// A claim that gives no enrolment date matches no band.
    pub enrol_years: Option<AgeBand>,
    /// Band of the stay's days (住院天数: the discharge date less the
    /// admission date, a same-day stay one): `{"min": 90}` for a stay of
    /// 90 days or more.
    pub stay_days: Option<AgeBand>,
    /// Band of the admission's number in the benefit year, this one
    /// counted (1 for the first; a later leg of a moved stay keeps the
    /// number of the stay it continues): `{"min": 2, "max": 3}` is the
    /// second admission, `{"min": 3}` the third and later
    /// (第二次住院起付标准减半，第三次及以后不设起付标准).
    pub admission_order: Option<AgeBand>,
    /// `local`, `same_province`, `cross_province`.
    pub area: Option<Vec<String>>,
    /// Treatment-place admvs prefixes.
    pub mdtrtarea_admvs: Option<Vec<String>>,
    /// Codes of the treating facility (定点医药机构编号, `mdtrt.fixmedins_code`),
    /// each in full: the hospitals a region names for a rule, such as its
    /// 中医医疗机构 paid five points more or the designated hospitals of a
    /// disease.
    pub fixmedins_code: Option<Vec<String>>,
    /// At the member's primary hospital.
    pub at_primary: Option<bool>,
    /// Facility is designated.
    pub designated: Option<bool>,
    /// Sudden illness.
    pub sudden: Option<bool>,
    /// An active filing covers the treatment place.
    pub filed: Option<bool>,
    /// Any filing is active (wherever it points).
    pub any_filing: Option<bool>,
    /// Kinds of the covering filing.
    pub filing_kind: Option<Vec<String>>,
    /// The visit's disease is certified.
    pub certified: Option<bool>,
    /// The member holds a certification (慢特病认定) in force on the
    /// admission date for one of these diseases or `@groups` (the code
    /// itself or one below it), whatever the visit's diagnosis: a cap or a
    /// deductible set by the diseases the member is certified for.
    pub holds_cert: Option<Vec<String>>,
    /// Civil servant.
    pub cvlserv: Option<bool>,
    /// Insurance statuses (参保状态, `psn.psn_insu_stas`; a claim that gives
    /// none is taken as `1`, enrolled): `["2", "4"]` takes a suspended or
    /// ended enrolment.
    pub psn_insu_stas: Option<Vec<String>>,
    /// A mid-way settlement of a stay that goes on (`mdtrt.mid_setl_flag` 1).
    pub mid_setl: Option<bool>,
    /// A later leg of an in-city referral.
    pub referral_leg: Option<bool>,
    /// The visit falls in the benefit year in which the member's enrolment
    /// began (`psn.insu_begn_date`).
    pub first_enrol_year: Option<bool>,
    /// The facility is networked for direct settlement (联网结算).
    pub networked: Option<bool>,
    /// Some active filing of these kinds exists (wherever it points).
    pub active_filing_kind: Option<Vec<String>>,
    /// Months since the covering filing began.
    pub filing_months: Option<AgeBand>,
    /// A readmission: admitted within `days` of the previous discharge
    /// (`mdtrt.prior_dscg_date`), for the same disease if asked.
    pub readmission: Option<Readmission>,
    /// A filing covering the place exists but began after the visit.
    pub filed_later: Option<bool>,
    /// Prefixes of an identity the member holds on the admission date
    /// (人员身份: 特困供养, 低保…; the region's codes).
    pub psn_idet_type: Option<Vec<String>>,
    /// Line: a dual-channel drug (双通道药品).
    pub dual_channel: Option<bool>,
    /// Line: a restricted item (限制使用, `lmt_used_flag` `"1"`) used without
    /// the hospital's approval (`hosp_appr_flag` not `"1"`), or any item
    /// whose approval was refused (`hosp_appr_flag` `"2"`), which the member
    /// pays in full.
    pub restricted_unapproved: Option<bool>,
    /// Line: a band of the unit price (`pric`).
    pub pric: Option<PriceBand>,
    /// Line: charge item levels.
    pub chrgitm_lv: Option<Vec<String>>,
    /// Line: charge item categories.
    pub med_chrgitm_type: Option<Vec<String>>,
    /// Line: item classes.
    pub item_class: Option<Vec<String>>,
    /// Line: catalogue code prefixes.
    pub med_list_codg: Option<Vec<String>>,
    /// None of these holds.
    pub not: Option<Box<Cond>>,
    /// At least one of these holds.
    pub any: Option<Vec<Cond>>,
    /// Every one of these holds (two tests of one field: certified for
    /// hypertension and for diabetes).
    pub all: Option<Vec<Cond>>,
}

fn has(list: &Option<Vec<String>>, v: &str) -> bool {
    list.as_ref().is_none_or(|l| l.iter().any(|x| crate::claim::code_eq(x, v)))
}

fn has_prefix(list: &Option<Vec<String>>, v: &str) -> bool {
    list.as_ref().is_none_or(|l| l.iter().any(|x| v.get(..x.len()).is_some_and(|head| crate::claim::code_eq(head, x))))
}

fn flag(want: Option<bool>, got: bool) -> bool {
    want.is_none_or(|w| w == got)
}

impl Cond {
    /// True when this condition holds for the claim (and the line, for line fields;
    /// line fields never match without a line).
    pub fn matches(&self, f: &Facts, line: Option<&FeeLine>, groups: &Groups) -> bool {
        let c = f.claim;
        let v = &c.mdtrt;
        if !(has(&self.med_type, &v.med_type)
            && has(&self.insutype, &c.psn.insutype)
            && has(&self.psn_insu_stas, c.psn.psn_insu_stas.as_deref().unwrap_or("1"))
            && has_prefix(&self.psn_type, &c.psn.psn_type)
            && has_prefix(&self.psn_setlway, v.psn_setlway.as_deref().unwrap_or("01"))
            && has(&self.hosp_lv, f.hosp_lv)
            && has(&self.adm_route, &v.adm_route)
            && has(&self.cause, v.cause.as_deref().unwrap_or("none"))
            && has(&self.area, f.area.as_str())
            && has_prefix(&self.mdtrtarea_admvs, &v.mdtrtarea_admvs)
            && has(&self.fixmedins_code, &v.fixmedins_code)
            && flag(self.at_primary, f.at_primary)
            && flag(self.designated, v.designated)
            && flag(self.sudden, v.sudden)
            && flag(self.filed, f.filing_kind.is_some())
            && flag(self.any_filing, f.any_filing_active)
            && flag(self.certified, f.certified())
            && flag(self.cvlserv, c.psn.cvlserv_flag == "1")
            && flag(self.mid_setl, v.mid_setl_flag.as_deref() == Some("1"))
            && flag(self.referral_leg, v.referral_leg)
            && flag(self.first_enrol_year, f.first_enrol_year)
            && flag(self.networked, v.networked)
            && flag(self.filed_later, f.filed_later))
        {
            return false;
        }
        if let Some(kinds) = &self.filing_kind {
            match f.filing_kind {
                Some(k) if kinds.iter().any(|x| x == k) => {}
                _ => return false,
            }
        }
        if let Some(kinds) = &self.active_filing_kind {
            if !f.active_kinds.iter().any(|k| kinds.iter().any(|x| x == k)) {
                return false;
            }
        }
        if let Some(b) = &self.filing_months {
            let Some(start) = f.filing_begin else { return false };
            let m = f.day().months_since(start);
            if b.min.is_some_and(|x| m < x) || b.max.is_some_and(|x| m >= x) {
                return false;
            }
        }
        if self.readmission.as_ref().is_some_and(|r| !r.holds(v)) {
            return false;
        }
        if self.psn_idet_type.is_some() {
            let day = f.day();
            let holds =
                c.psn.idetinfo.iter().any(|i| i.holds_on(day) && has_prefix(&self.psn_idet_type, &i.psn_idet_type));
            if !holds {
                return false;
            }
        }
        if let Some(ds) = &self.holds_cert {
            let day = f.day();
            let held =
                c.psn.chronic_certs.iter().any(|cert| cert.in_force(day) && disease_in(ds, &cert.disease, groups));
            if !held {
                return false;
            }
        }
        if let Some(ds) = &self.disease {
            let Some(d) = v.disease.as_deref() else {
                return false;
            };
            if !disease_in(ds, d, groups) {
                return false;
            }
        }
        let stay = i32::try_from(f.stay_days).ok();
        for (band, years) in [
            (&self.age, f.age),
            (&self.enrol_years, f.enrol_years),
            (&self.admission_order, f.admission_order),
            (&self.stay_days, stay),
        ] {
            let Some(b) = band else { continue };
            let Some(a) = years else { return false };
            if b.min.is_some_and(|m| a < m) || b.max.is_some_and(|m| a >= m) {
                return false;
            }
        }
        if self.own_line_fields() {
            let Some(l) = line else { return false };
            if !(has(&self.chrgitm_lv, &l.chrgitm_lv)
                && has(&self.med_chrgitm_type, &l.med_chrgitm_type)
                && has(&self.item_class, l.item_class.as_deref().unwrap_or(""))
                && has_prefix(&self.med_list_codg, &l.med_list_codg)
                && flag(self.dual_channel, l.dual_channel)
                && flag(self.restricted_unapproved, l.restricted_unapproved())
                && self.pric.as_ref().is_none_or(|b| b.holds(l.pric)))
            {
                return false;
            }
        }
        if let Some(n) = &self.not {
            if n.matches(f, line, groups) {
                return false;
            }
        }
        if let Some(any) = &self.any {
            if !any.iter().any(|a| a.matches(f, line, groups)) {
                return false;
            }
        }
        if let Some(all) = &self.all {
            if !all.iter().all(|a| a.matches(f, line, groups)) {
                return false;
            }
        }
        true
    }

    /// True when this condition itself (not its `not`, `any` or `all`) tests a fee line's fields.
    fn own_line_fields(&self) -> bool {
        self.chrgitm_lv.is_some()
            || self.med_chrgitm_type.is_some()
            || self.item_class.is_some()
            || self.med_list_codg.is_some()
            || self.dual_channel.is_some()
            || self.restricted_unapproved.is_some()
            || self.pric.is_some()
    }

    /// True when this condition, or any part of it, tests a fee line's
    /// fields: it then holds line by line, not for the claim as a whole.
    pub fn tests_line(&self) -> bool {
        self.own_line_fields()
            || self.not.as_deref().is_some_and(Cond::tests_line)
            || self.any.iter().flatten().chain(self.all.iter().flatten()).any(Cond::tests_line)
    }

    /// The claim field, absent from this claim, whose fact this condition
    /// (or one nested in it) tests: a test of age needs `psn.brdy`, of the
    /// years or the year of enrolment `psn.insu_begn_date`, of the disease
    /// `mdtrt.disease`, of the primary hospital `psn.primary_fixmedins_code`.
    /// Such a test takes the fact as unknown, which no band or value matches
    /// (a claim that names no primary hospital is at none); an error or a
    /// denial that follows names the field.
    pub fn missing_fact(&self, f: &Facts) -> Option<&'static str> {
        let p = &f.claim.psn;
        let needs = [
            (self.age.is_some() && f.age.is_none(), "psn.brdy"),
            (
                (self.enrol_years.is_some() || self.first_enrol_year.is_some()) && p.insu_begn_date.is_none(),
                "psn.insu_begn_date",
            ),
            (self.disease.is_some() && f.claim.mdtrt.disease.is_none(), "mdtrt.disease"),
            (self.at_primary.is_some() && p.primary_fixmedins_code.is_none(), "psn.primary_fixmedins_code"),
        ];
        needs.into_iter().find_map(|(missing, field)| missing.then_some(field)).or_else(|| {
            self.not
                .iter()
                .map(|n| &**n)
                .chain(self.any.iter().chain(self.all.iter()).flatten())
                .find_map(|c| c.missing_fact(f))
        })
    }

    /// This condition without its age band, for grouping rows when checking
    /// that age bands neither overlap nor leave gaps.
    pub fn without_age(&self) -> Cond {
        Cond { age: None, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    /// A policy body with no benefits: facts need only its year rules.
    fn no_benefits() -> crate::policy::schema::Body {
        serde_json::from_str(r#"{"benefits": {}}"#).unwrap()
    }

    /// A claim of a member with the certifications `certs` (JSON objects),
    /// for a visit on 2010-03-01 of `med_type` for `disease`.
    fn claim_with_certs(certs: &str, med_type: &str, disease: &str) -> crate::Claim {
        crate::parse_claim(&format!(
            r#"{{"psn": {{"psn_no": "P", "insutype": "390", "psn_type": "1501", "chronic_certs": [{certs}]}},
              "mdtrt": {{"mdtrt_id": "M", "med_type": "{med_type}", "begndate": "2010-03-01", "enddate": "2010-03-01",
                "fixmedins_code": "H", "hosp_lv": "1", "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100",
                "disease": "{disease}"}},
              "feedetail": [{{"feedetl_sn": "1", "med_chrgitm_type": "09", "chrgitm_lv": "01", "pric": "1",
                "cnt": "1", "det_item_fee_sumamt": "1"}}]}}"#
        ))
        .unwrap()
    }

    /// A test of a fact the claim does not give is found wherever it is
    /// nested, and named by the claim field that would give it.
    #[test]
    fn a_test_of_a_missing_fact_names_its_field() {
        let cond = |w: &str| serde_json::from_str::<super::Cond>(w).unwrap();
        let body = no_benefits();
        let bare = claim_with_certs("", "21", "K35");
        let mut given = bare.clone();
        given.psn.primary_fixmedins_code = Some("H001".into());
        given.psn.brdy = Some("1980-01-01".parse().unwrap());
        given.psn.insu_begn_date = Some("2000-01-01".parse().unwrap());
        let mut bare = bare;
        bare.mdtrt.disease = None;
        for (w, want) in [
            (r#"{"at_primary": false}"#, Some("psn.primary_fixmedins_code")),
            (r#"{"not": {"at_primary": true}}"#, Some("psn.primary_fixmedins_code")),
            (r#"{"any": [{"hosp_lv": ["1"]}, {"age": {"min": 18}}]}"#, Some("psn.brdy")),
            (r#"{"all": [{"not": {"any": [{"enrol_years": {"min": 2}}]}}]}"#, Some("psn.insu_begn_date")),
            (r#"{"first_enrol_year": true}"#, Some("psn.insu_begn_date")),
            (r#"{"disease": ["K35"]}"#, Some("mdtrt.disease")),
            (r#"{"hosp_lv": ["1"], "not": {"designated": true}, "any": [{"hosp_lv": ["2"]}]}"#, None),
            (r#"{}"#, None),
        ] {
            let c = cond(w);
            assert_eq!(c.missing_fact(&super::Facts::of(&bare, &body)), want, "{w}");
            assert_eq!(c.missing_fact(&super::Facts::of(&given, &body)), None, "{w}, with every fact given");
        }
    }

    #[test]
    fn a_certification_covers_the_codes_below_its_disease() {
        let claim = |cert: &str, disease: &str| {
            claim_with_certs(&format!(r#"{{"disease": "{cert}", "begndate": "2010-01-01"}}"#), "14", disease)
        };
        let body = no_benefits();
        for (cert, disease, want) in [("E11", "E11.900", true), ("E11", "E11", true), ("E11", "E12.000", false)] {
            let c = claim(cert, disease);
            assert_eq!(super::Facts::of(&c, &body).certified(), want, "{cert} certifies {disease}");
        }
    }

    #[test]
    fn holds_cert_tests_the_certifications_in_force_whatever_the_diagnosis() {
        let claim = |certs: &str| claim_with_certs(certs, "11", "J06.900");
        let body = no_benefits();
        let groups: super::Groups = [("two".to_string(), vec!["I10".to_string(), "E11".to_string()])].into();
        let cond = |w: &str| serde_json::from_str::<super::Cond>(w).unwrap();
        let e11 = r#"{"disease": "E11.900", "begndate": "2010-01-01"}"#;
        for (certs, when, want) in [
            (e11, r#"{"holds_cert": ["E11"]}"#, true),
            (e11, r#"{"holds_cert": ["@two"]}"#, true),
            (e11, r#"{"holds_cert": ["I10"]}"#, false),
            (e11, r#"{"holds_cert": ["E11.9001"]}"#, false),
            (r#"{"disease": "E11", "begndate": "2010-03-02"}"#, r#"{"holds_cert": ["E11"]}"#, false),
            (
                r#"{"disease": "E11", "begndate": "2009-01-01", "enddate": "2010-02-28"}"#,
                r#"{"holds_cert": ["E11"]}"#,
                false,
            ),
            (
                r#"{"disease": "E11", "begndate": "2009-01-01", "enddate": "2010-03-01"}"#,
                r#"{"holds_cert": ["E11"]}"#,
                true,
            ),
            ("", r#"{"holds_cert": ["E11"]}"#, false),
            (e11, r#"{"all": [{"holds_cert": ["E11"]}, {"holds_cert": ["I10"]}]}"#, false),
            (
                &format!(r#"{e11}, {{"disease": "I10", "begndate": "2010-01-01"}}"#),
                r#"{"all": [{"holds_cert": ["E11"]}, {"holds_cert": ["I10"]}]}"#,
                true,
            ),
            (e11, r#"{"all": []}"#, true),
        ] {
            let c = claim(certs);
            let f = super::Facts::of(&c, &body);
            assert_eq!(cond(when).matches(&f, None, &groups), want, "{certs} under {when}");
            // The visit's own diagnosis is not certified.
            assert!(!f.certified());
        }
    }

    /// The claim the condition table below tests: a stay in Shanghai
    /// (310100) of a member insured in Taiyuan, filed there on 2010-01-01,
    /// readmitted on 2010-04-01 after a discharge on 2010-03-25, with
    /// `extra` fields of the visit; one line priced 100.
    fn remote_claim(extra: &str) -> crate::Claim {
        crate::parse_claim(&format!(
            r#"{{"psn": {{"psn_no": "P", "insutype": "390", "psn_type": "1501",
                "filings": [{{"kind": "long_term_residence", "begndate": "2010-01-01", "area_admdvs": "310100"}}]}},
              "mdtrt": {{"mdtrt_id": "M", "med_type": "21", "begndate": "2010-04-01", "enddate": "2010-04-05",
                "fixmedins_code": "H", "hosp_lv": "3", "insuplc_admdvs": "140100", "mdtrtarea_admvs": "310100",
                "disease": "K35.8", "prior_dscg_date": "2010-03-25"{extra}}},
              "feedetail": [{{"feedetl_sn": "1", "med_chrgitm_type": "09", "chrgitm_lv": "01", "pric": "100",
                "cnt": "1", "det_item_fee_sumamt": "100"}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn conditions_no_shipped_policy_uses_hold_as_documented() {
        let body = no_benefits();
        // Both after a discharge for another disease.
        let (mid, final_leg) = (
            remote_claim(r#", "prior_disease": "J18.9", "mid_setl_flag": "1""#),
            remote_claim(r#", "prior_disease": "J18.9", "mid_setl_flag": "0""#),
        );
        let groups = super::Groups::new();
        for (cond, mid_want, final_want) in [
            // 中途结算: the flag `1` is a mid-way settlement, `0` or none the final one.
            (r#"{"mid_setl": true}"#, true, false),
            (r#"{"mid_setl": false}"#, false, true),
            // The filing began 3 months before the admission (Jan 1 to Apr 1).
            (r#"{"filing_months": {"min": 3}}"#, true, true),
            (r#"{"filing_months": {"min": 4}}"#, false, false),
            (r#"{"filing_months": {"min": 2, "max": 3}}"#, false, false),
            (r#"{"filing_months": {"max": 4}}"#, true, true),
            // Readmitted 7 days after a discharge for another disease.
            (r#"{"readmission": {"days": 7, "same_disease": false}}"#, true, true),
            (r#"{"readmission": {"days": 6, "same_disease": false}}"#, false, false),
            (r#"{"readmission": {"days": 15, "same_disease": true}}"#, false, false),
            (r#"{"readmission": {"days": 15, "same_disease": "category"}}"#, false, false),
        ] {
            let c: super::Cond = serde_json::from_str(cond).unwrap();
            for (claim, want) in [(&mid, mid_want), (&final_leg, final_want)] {
                assert_eq!(c.matches(&super::Facts::of(claim, &body), None, &groups), want, "{cond}");
            }
        }
        // No flag, and no diagnosis given for the earlier stay.
        let unflagged = remote_claim("");
        for (cond, want) in [
            (r#"{"mid_setl": true}"#, false),
            (r#"{"readmission": {"days": 7, "same_disease": false}}"#, true),
            (r#"{"readmission": {"days": 7, "same_disease": true}}"#, false),
        ] {
            let c: super::Cond = serde_json::from_str(cond).unwrap();
            assert_eq!(c.matches(&super::Facts::of(&unflagged, &body), None, &groups), want, "{cond}");
        }
    }

    #[test]
    fn a_stay_counts_its_nights_and_a_same_day_stay_one() {
        let body = no_benefits();
        let groups = super::Groups::new();
        let stay = |end: &str| {
            let mut c = claim_with_certs("", "21", "K35");
            c.mdtrt.enddate = end.parse().unwrap();
            c
        };
        for (end, days) in
            [("2010-03-01", 1), ("2010-03-02", 1), ("2010-03-03", 2), ("2010-05-30", 90), ("2010-05-31", 91)]
        {
            let c = stay(end);
            let f = super::Facts::of(&c, &body);
            assert_eq!(f.stay_days, days, "{end}");
            for (cond, want) in [
                (r#"{"stay_days": {"min": 91}}"#, days >= 91),
                (r#"{"stay_days": {"max": 2}}"#, days < 2),
                (r#"{"stay_days": {"min": 2, "max": 91}}"#, (2..91).contains(&days)),
            ] {
                let k: super::Cond = serde_json::from_str(cond).unwrap();
                assert_eq!(k.matches(&f, None, &groups), want, "{end} under {cond}");
            }
        }
    }

    #[test]
    fn a_price_band_excludes_its_lower_bound_and_includes_its_upper() {
        let body = no_benefits();
        let claim = remote_claim("");
        let (facts, line) = (super::Facts::of(&claim, &body), Some(&claim.feedetail[0]));
        for (cond, want) in [
            (r#"{"pric": {"above": "100"}}"#, false),
            (r#"{"pric": {"above": "99.99"}}"#, true),
            (r#"{"pric": {"up_to": "100"}}"#, true),
            (r#"{"pric": {"up_to": "99.99"}}"#, false),
        ] {
            let c: super::Cond = serde_json::from_str(cond).unwrap();
            assert_eq!(c.matches(&facts, line, &super::Groups::new()), want, "{cond}");
        }
    }

    #[test]
    fn a_restricted_item_is_unapproved_until_the_hospital_approves_it() {
        let body = no_benefits();
        let mut claim = remote_claim("");
        let holds = |claim: &crate::Claim, cond: &str| {
            let c: super::Cond = serde_json::from_str(cond).unwrap();
            c.matches(&super::Facts::of(claim, &body), Some(&claim.feedetail[0]), &super::Groups::new())
        };
        let (yes, no) = (r#"{"restricted_unapproved": true}"#, r#"{"restricted_unapproved": false}"#);
        for (lmt, appr, want) in [
            (None, None, false),
            (Some("0"), None, false),
            (Some("1"), None, true),
            (Some("1"), Some("0"), true),
            (Some("1"), Some("1"), false),
            (Some("1"), Some("2"), true),
            // Approval refused: self-paid, restricted or not.
            (Some("0"), Some("2"), true),
            (None, Some("2"), true),
            (Some("0"), Some("0"), false),
            (None, Some("1"), false),
        ] {
            claim.feedetail[0].lmt_used_flag = lmt.map(Into::into);
            claim.feedetail[0].hosp_appr_flag = appr.map(Into::into);
            assert_eq!((holds(&claim, yes), holds(&claim, no)), (want, !want), "{lmt:?} {appr:?}");
        }
        let c: super::Cond = serde_json::from_str(yes).unwrap();
        assert!(c.tests_line());
    }

    #[test]
    fn line_fields_inside_any_or_not_make_a_line_condition() {
        for (cond, want) in [
            (r#"{"any": [{"med_chrgitm_type": ["10"]}, {"item_class": ["B"]}]}"#, true),
            (r#"{"not": {"dual_channel": true}}"#, true),
            (r#"{"any": [{"hosp_lv": ["3"]}, {"not": {"pric": {"up_to": "1"}}}]}"#, true),
            (r#"{"any": [{"hosp_lv": ["3"]}, {"area": ["local"]}]}"#, false),
            (r#"{"not": {"med_type": ["21"]}}"#, false),
        ] {
            let c: super::Cond = serde_json::from_str(cond).unwrap();
            assert_eq!(c.tests_line(), want, "{cond}");
        }
    }
}
