//! Conditions (`when`) that select table rows, benefits, denials and
//! modifiers, and the facts about a claim they are tested against.

use crate::claim::{Claim, FeeLine};
use crate::date::Date;
use crate::money::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;

/// Where the treatment place stands to the insured place (异地 status):
/// same first four admvs digits = same city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Same city (本地).
    Local,
    /// Another city of the same province (省内异地).
    SameProvince,
    /// Another province (跨省异地).
    CrossProvince,
}

impl Area {
    /// Every area, in the order of the words of policy files.
    pub const ALL: [Area; 3] = [Area::Local, Area::SameProvince, Area::CrossProvince];
    /// The name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Local => "local",
            Area::SameProvince => "same_province",
            Area::CrossProvince => "cross_province",
        }
    }
    /// Classifies two admvs codes.
    pub fn of(insuplc: &str, mdtrtarea: &str) -> Area {
        let same = |n: usize| matches!((insuplc.as_bytes().get(..n), mdtrtarea.as_bytes().get(..n)), (Some(a), Some(b)) if a == b);
        if same(4) {
            Area::Local
        } else if same(2) {
            Area::SameProvince
        } else {
            Area::CrossProvince
        }
    }
}

/// Facts derived once per claim.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// The claim.
    pub claim: &'a Claim,
    /// Age on the admission date, when the birth date is known.
    pub age: Option<i32>,
    /// Full years of enrolment on the admission date, from
    /// `psn.insu_begn_date` (连续参保年限), where it is given.
    pub enrol_years: Option<i32>,
    /// Treatment area relative to the insured place.
    pub area: Area,
    /// Treated at the member's primary hospital.
    pub at_primary: bool,
    /// The kind of the active filing covering the treatment place, if any.
    pub filing_kind: Option<&'a str>,
    /// Some filing is active on the admission date (wherever it points).
    pub any_filing_active: bool,
    /// The first day of the earliest certification in force that covers the
    /// visit's disease (itself or a category above it, see
    /// [`disease_within`]); `None` when the visit's disease is not certified.
    pub certified_since: Option<Date>,
    /// Start of the filing covering the treatment place.
    pub filing_begin: Option<Date>,
    /// Kinds of every active filing.
    pub active_kinds: Vec<&'a str>,
    /// A covering filing exists that began after the visit.
    pub filed_later: bool,
    /// The hospital level conditions test: the visit's `hosp_lv`, or, while
    /// a deductible table is read, its `dedc_hosp_lv` where it gives one.
    pub hosp_lv: &'a str,
    /// The benefit year (医保年度) the visit counts in, named by the calendar
    /// year it begins in.
    pub benefit_year: i32,
    /// The date that places the visit in its benefit year and in a month or
    /// quarter of it (the admission date, or the discharge date under
    /// `year_by: discharge`).
    pub counted_on: Date,
    /// The member's enrolment began in the benefit year the visit counts in.
    pub first_enrol_year: bool,
    /// The admission's number in the benefit year, this one counted, once
    /// the year's accumulators are known (`adjudicate::facts_and_ytd`).
    pub admission_order: Option<i32>,
    /// Days of the stay (住院天数): the discharge date less the admission
    /// date, a same-day stay one.
    pub stay_days: i64,
}

/// True when a filing's area covers the treatment admvs (city level: first 4
/// digits; province level: an area code ending in `0000`).
pub fn filing_covers(area_admdvs: &str, mdtrtarea: &str) -> bool {
    if area_admdvs.len() >= 6 && area_admdvs.ends_with("0000") {
        area_admdvs.get(..2) == mdtrtarea.get(..2)
    } else {
        area_admdvs.get(..4) == mdtrtarea.get(..4)
    }
}

impl<'a> Facts<'a> {
    /// Derives the facts of a claim under a policy version: its benefit
    /// year (医保年度, from `year_start`) is that of the day `year_by` counts
    /// the visit on.
    pub fn of(claim: &'a Claim, body: &super::schema::Body) -> Facts<'a> {
        let v = &claim.mdtrt;
        let day = v.begndate;
        let counted_on = body.counting_day(v);
        let year_of = |d: Date| body.benefit_year(d);
        let active =
            |f: &crate::claim::Filing| f.status == "active" && f.begndate <= day && f.enddate.is_none_or(|e| day <= e);
        let covering =
            claim.psn.filings.iter().find(|f| active(f) && filing_covers(&f.area_admdvs, &v.mdtrtarea_admvs));
        let filing_kind = covering.map(|f| f.kind.as_str());
        let filed_later = claim
            .psn
            .filings
            .iter()
            .any(|f| f.status == "active" && f.begndate > day && filing_covers(&f.area_admdvs, &v.mdtrtarea_admvs));
        let certified_since = v.disease.as_deref().and_then(|d| {
            let covering = claim.psn.chronic_certs.iter().filter(|c| c.in_force(day) && disease_within(&c.disease, d));
            covering.map(|c| c.begndate).min()
        });
        Facts {
            claim,
            age: claim.psn.brdy.map(|b| day.years_since(b)),
            enrol_years: claim.psn.insu_begn_date.map(|s| day.years_since(s)),
            area: Area::of(&v.insuplc_admdvs, &v.mdtrtarea_admvs),
            at_primary: claim.psn.primary_fixmedins_code.as_deref() == Some(v.fixmedins_code.as_str()),
            filing_kind,
            any_filing_active: claim.psn.filings.iter().any(active),
            certified_since,
            filing_begin: covering.map(|f| f.begndate),
            active_kinds: claim.psn.filings.iter().filter(|f| active(f)).map(|f| f.kind.as_str()).collect(),
            filed_later,
            hosp_lv: v.hosp_lv.as_str(),
            benefit_year: year_of(counted_on),
            counted_on,
            first_enrol_year: claim.psn.insu_begn_date.is_some_and(|b| year_of(b) == year_of(counted_on)),
            admission_order: None,
            stay_days: v.begndate.days_until(v.enddate).max(1),
        }
    }
    /// The admission date.
    pub fn day(&self) -> Date {
        self.claim.mdtrt.begndate
    }

    /// The visit's disease is certified, and the certification in force.
    pub fn certified(&self) -> bool {
        self.certified_since.is_some()
    }
}

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
            || self.pric.is_some()
    }

    /// True when this condition, or any part of it, tests a fee line's
    /// fields: it then holds line by line, not for the claim as a whole.
    pub fn tests_line(&self) -> bool {
        self.own_line_fields()
            || self.not.as_deref().is_some_and(Cond::tests_line)
            || self.any.iter().flatten().chain(self.all.iter().flatten()).any(Cond::tests_line)
    }

    /// This condition without its age band, for grouping rows when checking
    /// that age bands neither overlap nor leave gaps.
    pub fn without_age(&self) -> Cond {
        Cond { age: None, ..self.clone() }
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
