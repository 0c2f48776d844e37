//! The facts about a claim that conditions are tested against, derived once
//! per claim: the member's age, the area of treatment (本地, 省内异地, 跨省异地),
//! filings and certifications in force, the benefit year and the day that
//! counts.

use super::disease::disease_within;
use crate::claim::Claim;
use crate::date::Date;

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
