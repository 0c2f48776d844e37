//! The claim: a member (参保人), their year-to-date accumulators, a visit
//! (就诊, `mdtrt`) and its fee lines (费用明细, `feedetail`), in the national
//! platform's vocabulary (`contract.md`, "A claim").

use crate::money::{self, Decimal};
use crate::ytd::Ytd;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A code or identifier (codes of the national tables, serial numbers, IDs):
/// stored inline up to 24 bytes, so copying one into a result never allocates.
pub type Code = compact_str::CompactString;

/// Whether two codes are equal, compared byte by byte in line: codes are a
/// few bytes long, and a call to `memcmp` (what `==` on `str` makes) costs
/// more than such a comparison.
#[inline]
pub fn code_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// A date as `YYYY-MM-DD`, validated.
pub type Date = crate::date::Date;

/// One claim to settle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Policy pack ID; optional where the caller already chose the engine's policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The insured person (人员).
    pub psn: Person,
    /// Accumulators before this claim; absent means none (or, in a batch, the
    /// previous result for the same `psn_no`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ytd: Option<Ytd>,
    /// The visit (就诊信息).
    pub mdtrt: Visit,
    /// The fee lines (费用明细).
    pub feedetail: Vec<FeeLine>,
}

/// The insured person (人员信息, from the platform's 1101).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Person number (人员编号).
    #[schemars(with = "String")]
    pub psn_no: Code,
    /// Insurance type (险种类型), national table: 310 employee, 390 resident…
    #[schemars(with = "String")]
    pub insutype: Code,
    /// Person type (人员类别), 4 digits; the first two are the parent group,
    /// which a claim may give alone (`12` 退休) where its region sends no more.
    #[schemars(with = "String")]
    pub psn_type: Code,
    /// Birth date (出生日期), for age bands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brdy: Option<Date>,
    /// Enrolment start (参保开始日期), for waiting periods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insu_begn_date: Option<Date>,
    /// Personal-account balance (个人账户余额) before the claim; zero when
    /// absent. In a batch (`yibao batch`, `settle_many`), a claim without it
    /// continues from the balance the member's previous claim in the batch
    /// left, as a claim without `ytd` continues from its accumulators.
    #[serde(with = "money::money::opt", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::MoneyText>")]
    pub balc: Option<Decimal>,
    /// What a family member's personal account bound to this member for
    /// mutual aid (家庭共济) may still pay, before the claim. The policy's
    /// `mulaid` says what it pays; the part paid is `acct_mulaid_pay`.
    #[serde(with = "money::money", default = "money::zero", skip_serializing_if = "Decimal::is_zero")]
    #[schemars(with = "crate::json_schema::MoneyText")]
    pub mulaid_balc: Decimal,
    /// What was credited to the member's personal account in the benefit
    /// year of the visit (本年度划入个人账户金额), for a deductible that
    /// first deducts it (`acct_credit` of a policy's deductible).
    #[serde(with = "money::money::opt", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::MoneyText>")]
    pub acct_credit: Option<Decimal>,
    /// Years without a reimbursement that count toward a zero-claim
    /// incentive (零报销激励), as the region keeps them: a layer's
    /// `cap_raises` may raise its cap for each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_claim_years: Option<u32>,
    /// Years without enrolment before the enrolment that began on
    /// `insu_begn_date` (断保年数), given for a member who enrolled outside
    /// the enrolment period or after a break (0: late, without a break): a
    /// benefit's `waiting_period` check makes such a member wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_years: Option<u32>,
    /// `"1"` when the member agrees to pay from the personal account.
    #[serde(default = "flag_zero")]
    #[schemars(with = "String")]
    pub acct_used_flag: Code,
    /// Civil-servant flag (公务员标志) `"0"`/`"1"`.
    #[serde(default = "flag_zero")]
    #[schemars(with = "String")]
    pub cvlserv_flag: Code,
    /// The member's chosen primary hospital (首诊医院), where the policy has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub primary_fixmedins_code: Option<Code>,
    /// Remote-treatment filings (异地备案).
    #[serde(default)]
    pub filings: Vec<Filing>,
    /// Chronic or special disease certifications (慢特病认定).
    #[serde(default)]
    pub chronic_certs: Vec<ChronicCert>,
    /// The member's identities (人员身份, the platform's `idetinfo`): 特困供养,
    /// 低保, 返贫致贫… in the region's own code table. Medical assistance and
    /// the serious-illness tilt for these groups depend on them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub idetinfo: Vec<Identity>,
    /// Balances of member quota accounts the policy defines (e.g. the
    /// outpatient pooling account, 门诊统筹), keyed by account ID, as they
    /// stood at the start of the benefit year (carry-over included): what
    /// this year's claims spent is in `ytd.quota_used`, and a claim draws
    /// on the balance less that.
    #[serde(with = "money::money_map", default)]
    #[schemars(with = "crate::amounts::Amounts")]
    pub quota_balc: crate::amounts::Amounts,
    /// Date of death, where the member has died (benefits may end after it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<Date>,
    /// Insurance status (参保状态, the platform's `psn_insu_stas` from 1101's
    /// `insuinfo`): `1` enrolled (正常参保), `2` suspended (暂停参保), `4`
    /// ended (终止参保), `0` not enrolled. A claim that gives none is taken as
    /// `1`; a policy's `deny` may test it (`psn_insu_stas`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub psn_insu_stas: Option<Code>,
}

fn flag_zero() -> Code {
    Code::const_new("0")
}

/// A remote-treatment filing (异地就医备案).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Filing {
    /// `long_term_residence`, `referral` or `emergency_registration`.
    #[schemars(with = "String")]
    pub kind: Code,
    /// Filing date.
    pub begndate: Date,
    /// End date, if the filing ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enddate: Option<Date>,
    /// The settlement area (6-digit admvs; city or province level).
    #[schemars(with = "String")]
    pub area_admdvs: Code,
    /// `active`, `cancelled` or `suspended`.
    #[serde(default = "active")]
    #[schemars(with = "String")]
    pub status: Code,
}

fn active() -> Code {
    Code::const_new("active")
}

/// A certification for a chronic or special outpatient disease.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChronicCert {
    /// Disease identifier defined by the policy pack (e.g. `diabetes`).
    #[schemars(with = "String")]
    pub disease: Code,
    /// First day of benefits.
    pub begndate: Date,
    /// Last day of benefits, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enddate: Option<Date>,
}

/// One identity of the member (人员身份, `idetinfo[]` of the platform's 1101).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Identity type (人员身份类别), in the region's code table; policy
    /// conditions match it by prefix.
    #[schemars(with = "String")]
    pub psn_idet_type: Code,
    /// Identity level (人员类别等级), where the region grades it; kept, not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub psn_type_lv: Option<Code>,
    /// First day the identity holds: `YYYY-MM-DD`, or the platform's
    /// `YYYY-MM-DD HH:MM:SS` (the time of day is dropped). Absent: always.
    #[serde(default, deserialize_with = "crate::date::opt_date_or_datetime", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::DayOrTime>")]
    pub begntime: Option<Date>,
    /// Last day the identity holds, in the same forms. Absent: open-ended.
    #[serde(default, deserialize_with = "crate::date::opt_date_or_datetime", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::DayOrTime>")]
    pub endtime: Option<Date>,
    /// The platform's note (备注), passed through; kept, not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

impl ChronicCert {
    /// Whether the certification is in force on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.begndate <= day && self.enddate.is_none_or(|e| day <= e)
    }
}

impl Identity {
    /// Whether the identity holds on `day`.
    pub fn holds_on(&self, day: Date) -> bool {
        self.begntime.is_none_or(|b| b <= day) && self.endtime.is_none_or(|e| day <= e)
    }
}

/// The visit (就诊信息, `mdtrt`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// Visit ID (就诊ID).
    #[schemars(with = "String")]
    pub mdtrt_id: Code,
    /// Medical type (医疗类别), national table: 11 general outpatient, 14 chronic/special
    /// outpatient, 21 inpatient…; a regional `99xx`, or a province's own code
    /// that the policy lists in `med_types`.
    #[schemars(with = "String")]
    pub med_type: Code,
    /// Admission or visit date.
    pub begndate: Date,
    /// Discharge or visit end date.
    pub enddate: Date,
    /// Facility code (定点医药机构编号).
    #[schemars(with = "String")]
    pub fixmedins_code: Code,
    /// Hospital level (医院等级), an opaque code looked up in the policy.
    #[schemars(with = "String")]
    pub hosp_lv: Code,
    /// Whether the facility is designated (定点) for this member's scheme.
    #[serde(default = "yes")]
    pub designated: bool,
    /// Insured place (参保地医保区划), 6 digits.
    #[schemars(with = "String")]
    pub insuplc_admdvs: Code,
    /// Treatment place (就医地医保区划), 6 digits.
    #[schemars(with = "String")]
    pub mdtrtarea_admvs: Code,
    /// `normal`, `emergency` or `referral`.
    #[serde(default = "normal")]
    #[schemars(with = "String")]
    pub adm_route: Code,
    /// Cause of injury or treatment, when it matters (`self_harm`, `traffic_accident`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub cause: Option<Code>,
    /// Disease the visit treats (病种编码), as the pack names it (for
    /// chronic/special benefits, payment by disease, readmissions). The
    /// platform's name for it, `dise_codg`, is read as this field; a visit
    /// may give one of the two.
    #[serde(default, alias = "dise_codg", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub disease: Option<Code>,
    /// A later leg of one admission moved between hospitals inside the city
    /// (市内转诊): the admission already bore its deductible.
    #[serde(default)]
    pub referral_leg: bool,
    /// Sudden illness (突发疾病), which some rules except.
    #[serde(default)]
    pub sudden: bool,
    /// The facility is networked for direct settlement (联网结算医院).
    #[serde(default = "yes")]
    pub networked: bool,
    /// The deductible borne on the earlier leg of this admission (转院前已付
    /// 起付线), for a later leg under a policy that charges only the
    /// difference (补差).
    #[serde(with = "money::money::opt", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::MoneyText>")]
    pub prior_leg_dedc: Option<Decimal>,
    /// The level whose deductible standard applies (起付线医院等级), where the
    /// platform gives one that differs from `hosp_lv`: the deductible tables
    /// are then read at this level, and everything else at `hosp_lv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub dedc_hosp_lv: Option<Code>,
    /// How the stay is settled (个人结算方式): `01` by item (按项目, the
    /// default when absent), `02` at a fixed amount (按定额), with regional
    /// variants such as `0201` by single disease (按单病种) and `0202` day
    /// surgery (日间手术). A pack may choose a benefit by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub psn_setlway: Option<Code>,
    /// Mid-way settlement flag (中途结算标志), `0` or `1`: this settles part of
    /// a long stay that goes on. The platform sends it with every inpatient
    /// settlement; a pack may test it (`mid_setl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub mid_setl_flag: Option<Code>,
    /// The total the HIS declares for the stay (医疗费总额, as it sends it
    /// with the settlement): when given, the fee lines must add up to it
    /// exactly, so a line lost or sent twice is caught rather than settled.
    #[serde(with = "money::money::opt", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::MoneyText>")]
    pub medfee_sumamt: Option<Decimal>,
    /// The discharge date of the member's previous stay (上次出院日期), for
    /// a policy that does not charge a second deductible on a readmission
    /// within some days (出院后 N 日内再次住院).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_dscg_date: Option<Date>,
    /// The diagnosis of that previous stay, in the same terms as `disease`,
    /// where the rule asks for the same disease (同一疾病).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub prior_disease: Option<Code>,
}

fn yes() -> bool {
    true
}
fn normal() -> Code {
    Code::const_new("normal")
}

/// One fee line (费用明细).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeLine {
    /// Line serial number (费用明细流水号), unique in the claim.
    #[schemars(with = "String")]
    pub feedetl_sn: Code,
    /// National catalogue code (医疗目录编码).
    #[serde(default)]
    #[schemars(with = "String")]
    pub med_list_codg: Code,
    /// Charge item category (医疗收费项目类别), national table 01–14.
    #[schemars(with = "String")]
    pub med_chrgitm_type: Code,
    /// Charge item level (收费项目等级): 01 class A, 02 class B, 03 self-pay.
    #[schemars(with = "String")]
    pub chrgitm_lv: Code,
    /// Unit price (单价).
    #[serde(with = "money::price")]
    #[schemars(with = "crate::json_schema::PriceText")]
    pub pric: Decimal,
    /// Count (数量); negative only on a refund line.
    #[serde(with = "money::count")]
    #[schemars(with = "crate::json_schema::SignedCountText")]
    pub cnt: Decimal,
    /// Line total (明细项目费用总额); negative only on a refund line.
    #[serde(with = "money::money")]
    #[schemars(with = "crate::json_schema::SignedMoneyText")]
    pub det_item_fee_sumamt: Decimal,
    /// Pre-self-pay ratio (自付比例) from the catalogue, when the HIS has it.
    #[serde(with = "money::ratio::opt", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::RatioText>")]
    pub selfpay_prop: Option<Decimal>,
    /// Price limit (定价上限金额), when the item has one.
    #[serde(with = "money::price::opt", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::json_schema::PriceText>")]
    pub pric_uplmt_amt: Option<Decimal>,
    /// Exclusion category of the rules catalogue (`XJ-EXCL-DRUG`…), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub excl: Option<Code>,
    /// Item class the policy may price differently (`special_exam`, `imported_implant`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub item_class: Option<Code>,
    /// Restricted-use flag (限制使用标志) `"0"`/`"1"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub lmt_used_flag: Option<Code>,
    /// Hospital approval flag (医院审批标志): `"0"` none needed, `"1"`
    /// approved, `"2"` refused. A restricted item is paid only when `"1"`;
    /// any item marked `"2"` is self-paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub hosp_appr_flag: Option<Code>,
    /// A dual-channel drug (双通道药品), reimbursable from a designated pharmacy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dual_channel: bool,
    /// On a refund line (退费, as the platform's 2301 sends it): the serial
    /// number of the line it takes back (原费用明细流水号). A refund line has
    /// a negative count and total at the price of that line, and is netted
    /// into it before anything is computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub init_feedetl_sn: Option<Code>,
}

impl FeeLine {
    /// A line the hospital's approval flag makes fully self-paid, as the
    /// platform reads the two flags: a restricted item (`lmt_used_flag`
    /// `"1"`) used without the hospital's approval (`hosp_appr_flag` not
    /// `"1"`), or any item whose approval was refused (`hosp_appr_flag` `"2"`,
    /// restricted or not).
    pub fn restricted_unapproved(&self) -> bool {
        let appr = self.hosp_appr_flag.as_deref();
        appr == Some("2") || (self.lmt_used_flag.as_deref() == Some("1") && appr != Some("1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn codes_compare_as_strings_do(a in "[0-9ab医]{0,5}", b in "[0-9ab医]{0,5}") {
            proptest::prop_assert_eq!(code_eq(&a, &b), a == b);
            proptest::prop_assert!(code_eq(&a, &a));
            let head_matches = b.get(..a.len()).is_some_and(|head| code_eq(head, &a));
            proptest::prop_assert_eq!(head_matches, b.starts_with(a.as_str()));
        }
    }
}
