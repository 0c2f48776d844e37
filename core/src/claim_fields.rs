//! The fields of a claim by name, for the direct readers that fill a
//! [`Claim`](crate::Claim) without serde: the JSON text reader ([`crate::claim_json`]) and
//! the Python binding's dict reader. Each table sets one field from a
//! [`FieldValue`] and gives its number, so a reader can refuse a repeated key
//! and see that every required one came ([`Seen`]). The starting values are
//! the defaults serde gives an absent field, so a claim read through these
//! tables equals the one serde reads from the same fields.
//!
//! A direct reader takes only the plain shapes and gives up (`None`) on
//! anything else; serde then reads the claim, accepting what it accepts and
//! reporting errors with their paths.

use crate::amounts::Amounts;
use crate::claim::{ChronicCert, Code, Date, FeeLine, Filing, Identity, Person, Visit};
use crate::money::{self, Decimal};
use crate::ytd::Ytd;

/// One field's value as a direct reader holds it: read as the field's type,
/// or `None` to give up.
pub trait FieldValue: Sized {
    /// Consumes a `null` (`None`) if that is what the value is, and says so.
    fn null(&mut self) -> bool;
    /// Text (a code or identifier).
    fn code(self) -> Option<Code>;
    /// An amount with at most `dp` places, from text or a whole number.
    fn dec(self, dp: u32) -> Option<Decimal>;
    /// A date `YYYY-MM-DD`.
    fn date(self) -> Option<Date>;
    /// A date, or the platform's date-time `YYYY-MM-DD HH:MM:SS` (the time
    /// of day dropped), as [`crate::date::date_or_datetime`] reads it.
    fn day(self) -> Option<Date>;
    /// `true` or `false`.
    fn bool(self) -> Option<bool>;
    /// A non-negative whole number.
    fn uint(self) -> Option<u64>;
    /// An object of money amounts; `null` is none.
    fn amounts(self) -> Option<Amounts>;
    /// A list of remote-treatment filings.
    fn filings(self) -> Option<Vec<Filing>>;
    /// A list of chronic-disease certifications.
    fn chronic_certs(self) -> Option<Vec<ChronicCert>>;
    /// A list of the member's identities.
    fn identities(self) -> Option<Vec<Identity>>;
    /// A ytd object.
    fn ytd(self) -> Option<Ytd>;

    /// An optional field: `null` is `None`, anything else is read by `read`.
    fn opt<T>(mut self, read: impl FnOnce(Self) -> Option<T>) -> Option<Option<T>> {
        if self.null() {
            return Some(None);
        }
        read(self).map(Some)
    }
}

/// The fields of one object seen so far, by number: a repeated key (which
/// serde refuses) gives up, and so does a missing required one.
#[derive(Debug, Default)]
pub struct Seen(u32);

impl Seen {
    /// Notes field `n`; `None` when it was already seen.
    pub fn once(&mut self, n: u32) -> Option<()> {
        let bit = 1 << n;
        if self.0 & bit != 0 {
            return None;
        }
        self.0 |= bit;
        Some(())
    }

    /// Every field of `required` (a mask of field bits) was seen.
    pub fn all(&self, required: u32) -> Option<()> {
        (self.0 & required == required).then_some(())
    }
}

/// Stores a read value in its field and gives the field's number.
fn set<T>(field: &mut T, value: Option<T>, n: u32) -> Option<u32> {
    *field = value?;
    Some(n)
}

/// A placeholder for a required date, always overwritten before use.
const NO_DATE: Date = Date { y: 1970, m: 1, d: 1 };

/// Required person fields: `psn_no`, `insutype`, `psn_type`.
pub const PERSON_REQUIRED: u32 = 0b111;

/// A person with every field at serde's default (required ones empty).
pub fn blank_person() -> Person {
    Person {
        psn_no: Code::default(),
        insutype: Code::default(),
        psn_type: Code::default(),
        brdy: None,
        insu_begn_date: None,
        balc: None,
        mulaid_balc: money::zero(),
        acct_credit: None,
        zero_claim_years: None,
        gap_years: None,
        acct_used_flag: Code::const_new("0"),
        cvlserv_flag: Code::const_new("0"),
        primary_fixmedins_code: None,
        filings: Vec::new(),
        chronic_certs: Vec::new(),
        idetinfo: Vec::new(),
        quota_balc: Amounts::new(),
        death_date: None,
        psn_insu_stas: None,
    }
}

/// Sets the person field `key`; its number, or `None` for an unknown key
/// or an unreadable value.
pub fn person(p: &mut Person, key: &str, v: impl FieldValue) -> Option<u32> {
    match key {
        "psn_no" => set(&mut p.psn_no, v.code(), 0),
        "insutype" => set(&mut p.insutype, v.code(), 1),
        "psn_type" => set(&mut p.psn_type, v.code(), 2),
        "brdy" => set(&mut p.brdy, v.opt(FieldValue::date), 3),
        "insu_begn_date" => set(&mut p.insu_begn_date, v.opt(FieldValue::date), 4),
        "balc" => set(&mut p.balc, v.opt(|v| v.dec(money::MONEY_DP)), 5),
        "acct_used_flag" => set(&mut p.acct_used_flag, v.code(), 6),
        "cvlserv_flag" => set(&mut p.cvlserv_flag, v.code(), 7),
        "primary_fixmedins_code" => set(&mut p.primary_fixmedins_code, v.opt(FieldValue::code), 8),
        "filings" => set(&mut p.filings, v.filings(), 9),
        "chronic_certs" => set(&mut p.chronic_certs, v.chronic_certs(), 10),
        "quota_balc" => set(&mut p.quota_balc, v.amounts(), 11),
        "death_date" => set(&mut p.death_date, v.opt(FieldValue::date), 12),
        "idetinfo" => set(&mut p.idetinfo, v.identities(), 13),
        "mulaid_balc" => set(&mut p.mulaid_balc, v.dec(money::MONEY_DP), 14),
        "zero_claim_years" => set(&mut p.zero_claim_years, v.opt(|v| u32::try_from(v.uint()?).ok()), 15),
        "gap_years" => set(&mut p.gap_years, v.opt(|v| u32::try_from(v.uint()?).ok()), 16),
        "psn_insu_stas" => set(&mut p.psn_insu_stas, v.opt(FieldValue::code), 17),
        "acct_credit" => set(&mut p.acct_credit, v.opt(|v| v.dec(money::MONEY_DP)), 18),
        _ => None,
    }
}

/// Required filing fields: `kind`, `begndate`, `area_admdvs`.
pub const FILING_REQUIRED: u32 = 0b111;

/// A filing with every field at serde's default (required ones empty).
pub fn blank_filing() -> Filing {
    Filing {
        kind: Code::default(),
        begndate: NO_DATE,
        enddate: None,
        area_admdvs: Code::default(),
        status: Code::const_new("active"),
    }
}

/// Sets the filing field `key` (see [`person`]).
pub fn filing(f: &mut Filing, key: &str, v: impl FieldValue) -> Option<u32> {
    match key {
        "kind" => set(&mut f.kind, v.code(), 0),
        "begndate" => set(&mut f.begndate, v.date(), 1),
        "area_admdvs" => set(&mut f.area_admdvs, v.code(), 2),
        "enddate" => set(&mut f.enddate, v.opt(FieldValue::date), 3),
        "status" => set(&mut f.status, v.code(), 4),
        _ => None,
    }
}

/// Required certification fields: `disease`, `begndate`.
pub const CHRONIC_CERT_REQUIRED: u32 = 0b11;

/// A certification with every field at serde's default (required ones empty).
pub fn blank_chronic_cert() -> ChronicCert {
    ChronicCert { disease: Code::default(), begndate: NO_DATE, enddate: None }
}

/// Sets the certification field `key` (see [`person`]).
pub fn chronic_cert(c: &mut ChronicCert, key: &str, v: impl FieldValue) -> Option<u32> {
    match key {
        "disease" => set(&mut c.disease, v.code(), 0),
        "begndate" => set(&mut c.begndate, v.date(), 1),
        "enddate" => set(&mut c.enddate, v.opt(FieldValue::date), 2),
        _ => None,
    }
}

/// Required identity fields: `psn_idet_type`.
pub const IDENTITY_REQUIRED: u32 = 0b1;

/// An identity with every field at serde's default (required ones empty).
pub fn blank_identity() -> Identity {
    Identity { psn_idet_type: Code::default(), psn_type_lv: None, begntime: None, endtime: None, memo: None }
}

/// Sets the identity field `key` (see [`person`]); its times are read as
/// serde reads them, date or date-time.
pub fn identity(c: &mut Identity, key: &str, v: impl FieldValue) -> Option<u32> {
    match key {
        "psn_idet_type" => set(&mut c.psn_idet_type, v.code(), 0),
        "psn_type_lv" => set(&mut c.psn_type_lv, v.opt(FieldValue::code), 1),
        "begntime" => set(&mut c.begntime, v.opt(FieldValue::day), 2),
        "endtime" => set(&mut c.endtime, v.opt(FieldValue::day), 3),
        "memo" => set(&mut c.memo, v.opt(|v| v.code().map(String::from)), 4),
        _ => None,
    }
}

/// Required ytd fields: `year`.
pub const YTD_REQUIRED: u32 = 0b1;

/// Accumulators with every field at serde's default (the year unset).
pub fn blank_ytd() -> Ytd {
    Ytd::fresh(0)
}

/// Sets the ytd field `key` (see [`person`]).
pub fn ytd(y: &mut Ytd, key: &str, v: impl FieldValue) -> Option<u32> {
    match key {
        "year" => set(&mut y.year, i32::try_from(v.uint()?).ok(), 0),
        "dedc_paid" => set(&mut y.dedc_paid, v.dec(money::MONEY_DP), 1),
        "dedc_paid_by" => set(&mut y.dedc_paid_by, v.amounts(), 2),
        "admissions" => set(&mut y.admissions, i32::try_from(v.uint()?).ok(), 3),
        "cost_sum" => set(&mut y.cost_sum, v.dec(money::MONEY_DP), 4),
        "fund_paid" => set(&mut y.fund_paid, v.amounts(), 5),
        "benefit_paid" => set(&mut y.benefit_paid, v.amounts(), 6),
        "eligible_sum" => set(&mut y.eligible_sum, v.amounts(), 7),
        "quota_used" => set(&mut y.quota_used, v.amounts(), 8),
        _ => None,
    }
}

/// Required visit fields: the first eight.
pub const VISIT_REQUIRED: u32 = 0xff;

/// A visit with every field at serde's default (required ones empty).
pub fn blank_visit() -> Visit {
    Visit {
        mdtrt_id: Code::default(),
        med_type: Code::default(),
        begndate: NO_DATE,
        enddate: NO_DATE,
        fixmedins_code: Code::default(),
        hosp_lv: Code::default(),
        designated: true,
        insuplc_admdvs: Code::default(),
        mdtrtarea_admvs: Code::default(),
        adm_route: Code::const_new("normal"),
        cause: None,
        disease: None,
        referral_leg: false,
        sudden: false,
        networked: true,
        dedc_hosp_lv: None,
        prior_leg_dedc: None,
        psn_setlway: None,
        mid_setl_flag: None,
        medfee_sumamt: None,
        prior_dscg_date: None,
        prior_disease: None,
    }
}

/// Sets the visit field `key` (see [`person`]).
pub fn visit(m: &mut Visit, key: &str, v: impl FieldValue) -> Option<u32> {
    match key {
        "mdtrt_id" => set(&mut m.mdtrt_id, v.code(), 0),
        "med_type" => set(&mut m.med_type, v.code(), 1),
        "begndate" => set(&mut m.begndate, v.date(), 2),
        "enddate" => set(&mut m.enddate, v.date(), 3),
        "fixmedins_code" => set(&mut m.fixmedins_code, v.code(), 4),
        "hosp_lv" => set(&mut m.hosp_lv, v.code(), 5),
        "insuplc_admdvs" => set(&mut m.insuplc_admdvs, v.code(), 6),
        "mdtrtarea_admvs" => set(&mut m.mdtrtarea_admvs, v.code(), 7),
        "designated" => set(&mut m.designated, v.bool(), 8),
        "adm_route" => set(&mut m.adm_route, v.code(), 9),
        "cause" => set(&mut m.cause, v.opt(FieldValue::code), 10),
        "disease" => set(&mut m.disease, v.opt(FieldValue::code), 11),
        // The platform's name for the same field: one slot, so a visit that
        // gives both is left to the exact reader, which refuses it.
        "dise_codg" => set(&mut m.disease, v.opt(FieldValue::code), 11),
        "referral_leg" => set(&mut m.referral_leg, v.bool(), 12),
        "sudden" => set(&mut m.sudden, v.bool(), 13),
        "networked" => set(&mut m.networked, v.bool(), 14),
        "dedc_hosp_lv" => set(&mut m.dedc_hosp_lv, v.opt(FieldValue::code), 15),
        "prior_leg_dedc" => set(&mut m.prior_leg_dedc, v.opt(|v| v.dec(money::MONEY_DP)), 16),
        "psn_setlway" => set(&mut m.psn_setlway, v.opt(FieldValue::code), 17),
        "prior_dscg_date" => set(&mut m.prior_dscg_date, v.opt(FieldValue::date), 18),
        "prior_disease" => set(&mut m.prior_disease, v.opt(FieldValue::code), 19),
        "mid_setl_flag" => set(&mut m.mid_setl_flag, v.opt(FieldValue::code), 20),
        "medfee_sumamt" => set(&mut m.medfee_sumamt, v.opt(|v| v.dec(money::MONEY_DP)), 21),
        _ => None,
    }
}

/// Required fee-line fields: the first six.
pub const LINE_REQUIRED: u32 = 0b11_1111;

/// A fee line with every field at serde's default (required ones empty).
pub fn blank_line() -> FeeLine {
    FeeLine {
        feedetl_sn: Code::default(),
        med_list_codg: Code::default(),
        med_chrgitm_type: Code::default(),
        chrgitm_lv: Code::default(),
        pric: Decimal::ZERO,
        cnt: Decimal::ZERO,
        det_item_fee_sumamt: Decimal::ZERO,
        selfpay_prop: None,
        pric_uplmt_amt: None,
        excl: None,
        item_class: None,
        lmt_used_flag: None,
        hosp_appr_flag: None,
        dual_channel: false,
        init_feedetl_sn: None,
    }
}

/// Sets the fee-line field `key` (see [`person`]).
pub fn line(l: &mut FeeLine, key: &str, v: impl FieldValue) -> Option<u32> {
    match key {
        "feedetl_sn" => set(&mut l.feedetl_sn, v.code(), 0),
        "med_chrgitm_type" => set(&mut l.med_chrgitm_type, v.code(), 1),
        "chrgitm_lv" => set(&mut l.chrgitm_lv, v.code(), 2),
        "pric" => set(&mut l.pric, v.dec(money::PRICE_DP), 3),
        "cnt" => set(&mut l.cnt, v.dec(money::COUNT_DP), 4),
        "det_item_fee_sumamt" => set(&mut l.det_item_fee_sumamt, v.dec(money::MONEY_DP), 5),
        "med_list_codg" => set(&mut l.med_list_codg, v.code(), 6),
        "selfpay_prop" => set(&mut l.selfpay_prop, v.opt(|v| v.dec(money::RATIO_DP)), 7),
        "pric_uplmt_amt" => set(&mut l.pric_uplmt_amt, v.opt(|v| v.dec(money::PRICE_DP)), 8),
        "excl" => set(&mut l.excl, v.opt(FieldValue::code), 9),
        "item_class" => set(&mut l.item_class, v.opt(FieldValue::code), 10),
        "lmt_used_flag" => set(&mut l.lmt_used_flag, v.opt(FieldValue::code), 11),
        "hosp_appr_flag" => set(&mut l.hosp_appr_flag, v.opt(FieldValue::code), 12),
        "dual_channel" => set(&mut l.dual_channel, v.bool(), 13),
        "init_feedetl_sn" => set(&mut l.init_feedetl_sn, v.opt(FieldValue::code), 14),
        _ => None,
    }
}
