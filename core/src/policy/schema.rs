//! The policy format: typed tables that express deductibles, ratios, caps,
//! further layers, accounts, line rules and denials as data.
//!
//! Every table accepts either one value or a list of rows
//! `[{ "when": {…}, "value": … }]`, the first matching row winning. Every number
//! may be a `"$parameter"` reference to the pack's `params`.

use super::cond::Cond;
use super::param::P;
use schemars::JsonSchema;
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// A rule ID as cited in traces: stored inline up to 24 bytes (every ID
/// of the catalogue), so citing it in a trace or a line copies it without
/// allocating.
pub type Rid = crate::claim::Code;

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Row_of_{T}")]
pub struct Row<T> {
    /// When this row applies (absent: always).
    #[serde(default)]
    pub when: Cond,
    /// The value.
    pub value: T,
    /// The rule this row carries, when it differs from the table's.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub rule: Option<Rid>,
}

/// One value for every claim, or rows chosen by condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice<T> {
    /// The same value always.
    One(T),
    /// The first row whose `when` holds.
    Rows(Vec<Row<T>>),
}

struct ChoiceVisitor<T>(PhantomData<T>);

macro_rules! forward_scalar {
    ($($m:ident: $t:ty => $de:ident),*) => {$(
        fn $m<E: de::Error>(self, v: $t) -> Result<Self::Value, E> {
            T::deserialize(de::value::$de::<E>::new(v)).map(Choice::One)
        }
    )*};
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ChoiceVisitor<T> {
    type Value = Choice<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value, or a list of rows {\"when\": …, \"value\": …}")
    }
    forward_scalar!(visit_str: &str => StrDeserializer, visit_i64: i64 => I64Deserializer,
        visit_u64: u64 => U64Deserializer, visit_f64: f64 => F64Deserializer,
        visit_bool: bool => BoolDeserializer);
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.visit_str(&v)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::new();
        while let Some(r) = s.next_element::<Row<T>>()? {
            rows.push(r);
        }
        Ok(Choice::Rows(rows))
    }
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(m)).map(Choice::One)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ChoiceVisitor(PhantomData))
    }
}

/// An ordered map (the order of keys in the file is kept: benefits are tried
/// in file order, layers are paid in file order).
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    /// Looks up by key.
    pub fn get(&self, k: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }
    /// The keys, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
    /// Iterates in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    let v = m.next_value::<T>()?;
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A cost band (分段): `from` inclusive, `to` exclusive (absent: no end).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Start of the band.
    pub from: P,
    /// End of the band.
    #[serde(default)]
    pub to: Option<P>,
    /// Ratio paid inside the band.
    pub ratio: P,
}

/// What the cost bands of a basic fund are measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum SegmentBasis {
    /// This claim's amount above the deductible.
    #[default]
    Claim,
    /// The year's cumulative eligible amount of the benefit's bucket.
    Year,
}

/// Where the cost bands of a basic fund start counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum SegmentMeasure {
    /// From the first yuan above the deductible: a band `0–5000` is the first
    /// 5 000 the fund shares in.
    #[default]
    AboveDeductible,
    /// From the first yuan of the in-scope amount, the deductible included
    /// (起付标准至 3 万元): with a deductible of 1 300, a band `0–30000` holds
    /// the 28 700 above it, whatever the deductible of the admission.
    InScope,
}

/// A ratio: flat, or segmented by cost band.
#[derive(Debug, Clone, PartialEq)]
pub enum Ratio {
    /// One ratio.
    Flat(P),
    /// Cost bands.
    Segmented {
        /// The bands, in order.
        segments: Vec<Segment>,
        /// What the bands measure.
        basis: SegmentBasis,
        /// Where the bands start counting.
        measure: SegmentMeasure,
    },
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ratio;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a ratio, or {\"segments\": […], \"basis\": \"claim\"|\"year\", \"measure\": \"above_deductible\"|\"in_scope\"}",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ratio, E> {
                P::deserialize(de::value::StrDeserializer::<E>::new(v)).map(Ratio::Flat)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ratio, E> {
                P::deserialize(de::value::U64Deserializer::<E>::new(v)).map(Ratio::Flat)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ratio, E> {
                P::deserialize(de::value::I64Deserializer::<E>::new(v)).map(Ratio::Flat)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Ratio, E> {
                P::deserialize(de::value::F64Deserializer::<E>::new(v)).map(Ratio::Flat)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Ratio, A::Error> {
                let mut segments = None;
                let mut basis = SegmentBasis::Claim;
                let mut measure = SegmentMeasure::AboveDeductible;
                let mut missing: Option<(String, String)> = None;
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "segments" => segments = Some(m.next_value::<Vec<Segment>>()?),
                        "basis" => basis = m.next_value()?,
                        "measure" => measure = m.next_value()?,
                        "$missing" => missing = Some((m.next_value()?, String::new())),
                        "rule" => {
                            let r: String = m.next_value()?;
                            if let Some(x) = missing.as_mut() {
                                x.1 = r;
                            }
                        }
                        _ => return Err(de::Error::unknown_field(&k, &["segments", "basis", "measure"])),
                    }
                }
                if let Some((name, rule)) = missing {
                    return Ok(Ratio::Flat(P::Missing { name: name.into(), rule: rule.into() }));
                }
                let segments = segments.ok_or_else(|| de::Error::missing_field("segments"))?;
                Ok(Ratio::Segmented { segments, basis, measure })
            }
        }
        d.deserialize_any(V)
    }
}

/// How often a deductible (or a layer's threshold) is borne.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// Every admission or visit.
    #[default]
    Admission,
    /// Once a year per benefit bucket.
    Year,
}

/// A deductible that changes with the admission's order in the year.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ByOrder {
    /// Fixed amounts for the 1st, 2nd, … admission; the last repeats.
    #[serde(default)]
    pub amounts: Option<Vec<P>>,
    /// Later admissions pay this share of the first's deductible.
    #[serde(default)]
    pub next_pct: Option<P>,
    /// Apply `next_pct` once per earlier admission (compounding).
    #[serde(default)]
    pub compound: bool,
    /// No admission's deductible falls below this.
    #[serde(default)]
    pub floor: Option<P>,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// A deductible set as a share of the stay's in-scope cost, within bounds.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PctOfCost {
    /// Share of the in-scope cost.
    pub pct: P,
    /// Lowest deductible.
    #[serde(default)]
    pub min: Option<P>,
    /// Highest deductible.
    #[serde(default)]
    pub max: Option<P>,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// A waiver: when it holds, no deductible is borne (or, as a deductible's
/// `top_up`, only the difference).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// When the waiver applies.
    pub when: Cond,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// The deductible (起付标准).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deductible {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Per admission or per year.
    #[serde(default)]
    pub per: Per,
    /// The base amount (by level, person group, age…); the first admission's
    /// amount when `by_order.next_pct` is used.
    #[serde(default)]
    pub amount: Option<Choice<P>>,
    /// Amounts by the admission's order in the year.
    #[serde(default)]
    pub by_order: Option<ByOrder>,
    /// A share of the cost with a floor and a ceiling (remote care), chosen when
    /// its `when` holds.
    #[serde(default)]
    pub pct_of_cost: Option<Choice<PctOfCost>>,
    /// Most the member bears in deductibles in a year, all benefits together.
    #[serde(default)]
    pub year_ceiling: Option<P>,
    /// Rule of the yearly ceiling.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub year_ceiling_rule: Option<Rid>,
    /// When no deductible is borne.
    #[serde(default)]
    pub waive: Vec<Waiver>,
    /// When it holds (a later leg of one admission, moved to another
    /// hospital), only what this deductible exceeds the one borne on the
    /// earlier leg (`mdtrt.prior_leg_dedc`) is borne: 补足起付标准差额.
    #[serde(default)]
    pub top_up: Option<Waiver>,
    /// The year's counter of a yearly deductible (its key in
    /// `dedc_paid_by`; absent: the benefit's bucket). Benefits that name
    /// one counter share one yearly deductible (a deductible for all
    /// outpatient care) while keeping their own caps.
    #[serde(default)]
    pub counter: Option<String>,
    /// A yearly deductible that first deducts what was credited to the
    /// member's personal account this year (先扣除本社保年度内划入个人账户的
    /// 金额，再核定应报销金额): the claim's `psn.acct_credit` is added to
    /// `amount`, which may then be left out (nothing but the credit).
    #[serde(default)]
    pub acct_credit: Option<AcctCredit>,
    /// A yearly deductible borne once a year for each disease (每个病种每年
    /// 计算一次起付标准), counted in `dedc_paid_by` under
    /// `<counter>:<disease>`, the visit's diagnosis as the claim gives it.
    #[serde(default)]
    pub per_disease: bool,
}

/// The year's personal-account credit, borne before the fund pays.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcctCredit {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// A modifier of the basic ratio: "N points lower" (`delta` negative),
/// "+N points", a share of it (`factor`), a share of the member's part
/// (`share_factor`), or a ratio of its own (`set`).
/// When its `when` tests a fee line's fields, it changes the ratio of the
/// matching lines only (中医药 "+N points"; 一般诊疗费 paid at 80 % whatever
/// the level), after the modifiers that hold for the whole claim.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjust {
    /// When it applies.
    pub when: Cond,
    /// Points added to the ratio (−0.10 = ten points lower).
    #[serde(default)]
    pub delta: Option<P>,
    /// Multiplier of the ratio (0.85 = reduced by 15 %).
    #[serde(default)]
    pub factor: Option<P>,
    /// Multiplier of the member's part, one less the ratio (个人负担比例):
    /// 退休人员个人负担比例为在职职工的 60 % is `0.60`, so that 85 % becomes
    /// 1 − 0.60 × 15 % = 91 %.
    #[serde(default)]
    pub share_factor: Option<P>,
    /// The ratio itself, whatever it was (0.80 = paid at 80 %).
    #[serde(default)]
    pub set: Option<P>,
    /// The highest ratio this modifier may raise to (提高 5 个百分点，最高不超过
    /// 95 %). A ratio already above it is not lowered.
    #[serde(default)]
    pub max: Option<P>,
    /// The lowest ratio this modifier may cut to (降低 10 个百分点，最低不低于
    /// 50 %). A ratio already below it is not raised.
    #[serde(default)]
    pub min: Option<P>,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// A fund's reference to a cap, optionally citing its own rule: `{cap, rule}`,
/// or the cap's ID alone (`"annual"`), which cites the cap's rule.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(remote = "Self")]
pub struct CapRef {
    /// The cap's ID in `caps`.
    pub cap: String,
    /// Rule cited when this cap binds (defaults to the cap's rule).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub rule: Option<Rid>,
}

/// A value a policy may write as a string (its shorthand) or as its table.
trait Shorthand: Sized {
    /// What the reader expects, for its error messages.
    const EXPECTING: &'static str;
    /// The value a string stands for.
    fn from_short<E: de::Error>(s: &str) -> Result<Self, E>;
    /// The value written as its table.
    fn from_table<'de, A: MapAccess<'de>>(m: A) -> Result<Self, A::Error>;
}

/// Reads a [`Shorthand`] value, a string or a table.
fn string_or_table<'de, D: Deserializer<'de>, T: Shorthand>(d: D) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Shorthand> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            T::from_short(v)
        }
        fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<T, A::Error> {
            T::from_table(m)
        }
    }
    d.deserialize_any(V(PhantomData))
}

impl Shorthand for CapRef {
    const EXPECTING: &'static str = "a cap's ID, or `{cap, rule}`";
    fn from_short<E: de::Error>(s: &str) -> Result<Self, E> {
        Ok(CapRef { cap: s.to_string(), rule: None })
    }
    fn from_table<'de, A: MapAccess<'de>>(m: A) -> Result<Self, A::Error> {
        CapRef::deserialize(de::value::MapAccessDeserializer::new(m))
    }
}

impl<'de> Deserialize<'de> for CapRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        string_or_table(d)
    }
}

/// A yearly ceiling on the eligible cost the basic fund works on; what lies
/// above it overflows to the layers.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EligibleCeiling {
    /// The ceiling.
    pub amount: P,
    /// Buckets whose eligible cost counts (default: the benefit's own).
    #[serde(default)]
    pub buckets: Vec<String>,
    /// Count the cost above the deductible (`true`) or all in-scope cost.
    #[serde(default)]
    pub after_deductible: bool,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// The basic pooling fund of a benefit (统筹基金).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fund {
    /// Fund code (基金支付类型), e.g. 390100.
    pub fund_pay_type: String,
    /// Rule cited for the ratio.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// The ratio, by any claim fact, flat or segmented.
    pub ratio: Choice<Ratio>,
    /// Modifiers applied in order.
    #[serde(default)]
    pub adjust: Vec<Adjust>,
    /// Caps that bind this fund's payment.
    #[serde(default)]
    pub caps: Vec<CapRef>,
    /// A yearly eligible-cost ceiling.
    #[serde(default)]
    pub eligible_ceiling: Option<EligibleCeiling>,
    /// Which lines bear the deductible when a line modifier gives some lines
    /// another ratio.
    #[serde(default)]
    pub line_deductible: LineDeductible,
}

/// How the deductible (and any cost above a yearly ceiling) is shared
/// between lines whose ratio a line modifier changes and the other lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum LineDeductible {
    /// The other lines bear it first; the changed lines only what is left
    /// (the published form: `(cost − changed − deductible) × r + changed × r′`).
    #[default]
    OthersFirst,
    /// Every line bears it in proportion to its in-scope amount.
    ProRata,
}

/// How long a cap's money lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The medical year.
    #[default]
    Year,
    /// The calendar month of the visit (monthly quotas; unused quota does not carry).
    Month,
    /// The calendar quarter of the visit (按季度: quarterly limits of
    /// chronic outpatient care; unused quota does not carry).
    Quarter,
    /// This claim alone.
    Claim,
}

/// A cap set by the diseases the member is certified for (慢特病认定) on the
/// visit's date: each certified disease brings an amount (the same for
/// each, `amount`, or its own, `limits`: 病种限额), and the amounts
/// combine by `combine`, up to `ceiling`. 认定一种病 1 000 元，两种及以上
/// 2 000 元 is `{"amount": "1000", "ceiling": "2000", "diseases": […]}`;
/// 多病种的以最高病种限额为基础，其余病种按其限额的 50 % 增加 is `limits`
/// with `"combine": "highest"` and `"more_share": "0.5"`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerCert {
    /// Amount of each certified disease of `diseases` (each code one
    /// disease) that `limits` does not name.
    #[serde(default)]
    pub amount: Option<P>,
    /// Diseases or `@groups` whose certifications bring `amount`.
    #[serde(default)]
    pub diseases: Vec<String>,
    /// Diseases with an amount of their own: a certification takes the
    /// first row that lists its disease, and a row counts once however many
    /// of its codes the member holds (a row is one 病种).
    #[serde(default)]
    pub limits: Vec<CertLimit>,
    /// How the amounts of the member's certified diseases combine.
    #[serde(default)]
    pub combine: Combine,
    /// With `"combine": "highest"`: what each further certified disease
    /// adds (每增加一个病种增加 500 元).
    #[serde(default)]
    pub more_each: Option<P>,
    /// With `"combine": "highest"`: the share of its own amount that each
    /// further certified disease adds (其余病种按其限额的 50 % 计算).
    #[serde(default)]
    pub more_share: Option<P>,
    /// Most in all, if any (最高不超过).
    #[serde(default)]
    pub ceiling: Option<P>,
}

/// One row of a [`PerCert`]'s own amounts: the diseases of one 病种 and its
/// amount.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertLimit {
    /// Diseases or `@groups` of the row.
    pub diseases: Vec<String>,
    /// The row's amount.
    pub amount: P,
}

/// How the amounts of a member's certified diseases make one cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// Their sum (合并计算).
    #[default]
    Sum,
    /// The highest, plus what `more_each` or `more_share` adds for each
    /// of the others (按最高病种限额执行 when neither is given).
    Highest,
}

/// A cap on fund payments, shared by the benefit buckets it lists.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// The amount (by condition), unless `per_cert` sets it.
    #[serde(default)]
    pub amount: Option<Choice<P>>,
    /// Amount by number of certified diseases.
    #[serde(default)]
    pub per_cert: Option<PerCert>,
    /// Period.
    #[serde(default)]
    pub scope: Scope,
    /// Benefit buckets whose fund payments count against the cap.
    pub buckets: Vec<String>,
    /// Count separately per disease (monthly quotas per disease).
    #[serde(default)]
    pub per_disease: bool,
    /// A yearly cap earned period by period: `amount` is a month's or a
    /// quarter's, and what a period leaves unused carries to the later ones
    /// of the same benefit year, not to the next year (月度限额，年度内累计
    /// 使用，跨年清零).
    #[serde(default)]
    pub accrues: Option<Accrual>,
}

/// How a yearly cap is earned through the year: `{per, from}`, or the
/// period alone (`"month"`), counted from the year's start.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(remote = "Self")]
pub struct Accrual {
    /// The period each `amount` is earned for.
    pub per: AccrualPeriod,
    /// The first period that earns one.
    #[serde(default)]
    pub from: AccrualStart,
}

impl Shorthand for Accrual {
    const EXPECTING: &'static str = "`month`, `quarter`, or `{per, from}`";
    fn from_short<E: de::Error>(s: &str) -> Result<Self, E> {
        let per = AccrualPeriod::deserialize(de::value::StrDeserializer::<E>::new(s))?;
        Ok(Accrual { per, from: AccrualStart::Year })
    }
    fn from_table<'de, A: MapAccess<'de>>(m: A) -> Result<Self, A::Error> {
        Accrual::deserialize(de::value::MapAccessDeserializer::new(m))
    }
}

impl<'de> Deserialize<'de> for Accrual {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        string_or_table(d)
    }
}

/// The period of an [`Accrual`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccrualPeriod {
    /// A calendar month.
    Month,
    /// A quarter of the benefit year (calendar quarters for a calendar year).
    Quarter,
}

/// Where an [`Accrual`] starts counting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccrualStart {
    /// The benefit year's first period.
    #[default]
    Year,
    /// The period in which the member's certification for the visit's
    /// disease began (自认定之月起), where that is later in the year; the
    /// year's first period for a visit without one.
    Certification,
}

/// One eligibility check of a benefit; a failed check denies the claim.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Enrolled for at least `months` before the visit.
    MinEnrolMonths {
        /// Months.
        months: i32,
        /// Rule cited.
        #[schemars(with = "String")]
        rule: Rid,
    },
    /// The visit's disease is certified and in force on the visit date.
    Certified {
        /// Rule cited.
        #[schemars(with = "String")]
        rule: Rid,
    },
    /// Benefits end after the period of death (`quarter` or `day`).
    EndsAfterDeath {
        /// `quarter` or `day`.
        period: String,
        /// Rule cited.
        #[schemars(with = "String")]
        rule: Rid,
    },
    /// The stay lasts at most `months` calendar months.
    MaxStayMonths {
        /// Months.
        months: i32,
        /// Rule cited.
        #[schemars(with = "String")]
        rule: Rid,
    },
    /// A waiting period (待遇等待期) for a member who enrolled outside the
    /// enrolment period or after a break, which the claim says by giving
    /// `psn.gap_years` (断保年数, 0 for a late enrolment without a break):
    /// benefits start `months` after `psn.insu_begn_date` (固定等待期),
    /// plus `per_gap_year` months for each year of break beyond
    /// `gap_years_after` (变动等待期, 每多断保 1 年增加 1 个月), at most
    /// `max_months` in all. A claim without `gap_years` does not wait, nor
    /// does one that `exempt` takes (newborns, students…).
    WaitingPeriod {
        /// The fixed wait, in months.
        months: i32,
        /// Months added for each year of break counted.
        #[serde(default)]
        per_gap_year: i32,
        /// Years of break that add nothing.
        #[serde(default)]
        gap_years_after: u32,
        /// The whole wait at most this many months.
        #[serde(default)]
        max_months: Option<i32>,
        /// Members who do not wait.
        #[serde(default)]
        exempt: Option<Box<Cond>>,
        /// Rule cited.
        #[schemars(with = "String")]
        rule: Rid,
    },
    /// A condition that must hold.
    Require {
        /// The condition.
        when: Box<Cond>,
        /// Rule cited.
        #[schemars(with = "String")]
        rule: Rid,
        /// Message when it fails.
        message: String,
    },
}

/// Waives class-B pre-self-pay for a benefit.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoPreselfpay {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// A benefit (待遇): which claims it takes and how it pays.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Benefit {
    /// Plain name.
    #[serde(default)]
    pub title: String,
    /// Which claims this benefit takes.
    pub when: Cond,
    /// Accumulation bucket (default: the benefit's ID).
    #[serde(default)]
    pub bucket: Option<String>,
    /// Checks that deny the claim when they fail.
    #[serde(default)]
    pub eligibility: Vec<Check>,
    /// Class-B items carry no pre-self-pay under this benefit.
    #[serde(default)]
    pub no_preselfpay: Option<NoPreselfpay>,
    /// The deductible; absent means none (a `none_rule` may cite why).
    #[serde(default)]
    pub deductible: Option<Deductible>,
    /// Rule cited when there is no deductible.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub no_deductible_rule: Option<Rid>,
    /// The basic fund.
    pub fund: Fund,
    /// A fixed standard per case (定额标准, 按病种定额): the most the
    /// hospital may bill for it; the cost above is borne by the hospital.
    #[serde(default)]
    pub standard: Option<Standard>,
    /// This benefit is an inpatient admission (counts in `ytd.admissions`).
    #[serde(default)]
    pub admission: bool,
}

/// A fixed standard per case (定额标准): single-disease or day-surgery
/// payment by case (按病种定额结算), or per bed-day (按床日定额, long
/// psychiatric or rehabilitation stays). A claim that costs more than the
/// standard is settled as if it cost the standard: the hospital bears the
/// excess (`hosp_part_amt`, 超出定额部分由定点医疗机构承担), the in-scope
/// amount the deductible and the funds work on is at most the standard, and
/// what the member pays is at most the standard less the funds. A claim
/// that costs less is settled by item on its actual cost (低于定额的按实际
/// 费用结算).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// The standard per case, a value or a table of rows (by disease,
    /// level…). A claim for which no row holds is refused with
    /// `POLICY_PARAMETER_MISSING`.
    #[serde(default)]
    pub amount: Option<Choice<P>>,
    /// The standard per bed-day instead (按床日), times the stay's days
    /// (住院天数: discharge date less admission date, a same-day stay one).
    #[serde(default)]
    pub per_day: Option<Choice<P>>,
}

/// A claim-level denial rule.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deny {
    /// When the claim is denied.
    pub when: Cond,
    /// Stable denial code.
    pub code: String,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Plain words.
    pub message: String,
}

/// An exclusion category: lines carrying it (or matching `when`) are fully self-paid.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Plain words.
    #[serde(default)]
    pub title: String,
    /// Lines matching this are in the category even without `excl`.
    #[serde(default)]
    pub when: Option<Cond>,
    /// The exclusion does not apply when this holds (e.g. emergency rescue).
    #[serde(default)]
    pub unless: Option<Cond>,
}

/// How much of a category counts (GEN-ITEM-CAP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ItemCapPer {
    /// All matching lines of the claim together; what they bring over the
    /// limit is cut from each in proportion to what it brings.
    #[default]
    Claim,
    /// Each line on its own.
    Line,
    /// Each line, the limit times the line's count (`cnt`): an allowance per
    /// unit or per day, such as a bed-fee standard per bed-day (床位费标准).
    Unit,
    /// All matching lines of the claim together, the limit times the stay's
    /// days (discharge date less admission date, a same-day stay one), cut
    /// from each in proportion like `claim`: an
    /// allowance per day of stay for a category billed on several lines, such
    /// as the rural scheme's treatment and nursing at 10 a day (每天补偿 10
    /// 元), with a line modifier that pays what counts in full.
    Day,
}

/// A limit on the counted amount of a category of lines.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemCap {
    /// Which lines.
    pub when: Cond,
    /// Most that counts (per unit where `per` is `unit`).
    pub limit: P,
    /// Per claim, per line, per unit of a line, or per day of the stay.
    #[serde(default)]
    pub per: ItemCapPer,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// What a payer after the basic fund works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The in-scope personal burden left after the funds before it.
    #[default]
    Burden,
    /// That burden plus the pre-self-pay part (乙类先行自付), where the
    /// region counts it as compliant cost (合规医疗费用) for this layer.
    BurdenWithPreselfpay,
    /// Eligible cost above the basic fund's ceiling or cap.
    Overflow,
    /// The in-scope burden above the deductible (起付标准以上个人自付), for a
    /// subsidy that leaves the deductible to the member (公务员医疗补助).
    AboveDeductible,
    /// The deductible borne on this claim, for a subsidy of it (起付线补助).
    Deductible,
    /// Everything the member still bears, self-paid and over-limit items
    /// included (个人自付总费用), for assistance that reaches out-of-scope
    /// cost (倾斜救助).
    MemberShare,
}

fn per_year() -> Per {
    Per::Year
}

/// A further layer after the basic fund (大病保险, 大额补助, 公务员补助, 医疗救助…).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// Plain name.
    #[serde(default)]
    pub title: String,
    /// Fund code.
    pub fund_pay_type: String,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Which claims it takes part in.
    #[serde(default)]
    pub when: Cond,
    /// Benefit buckets that feed it (absent: all).
    #[serde(default)]
    pub benefits: Option<Vec<String>>,
    /// What it works on.
    #[serde(default)]
    pub basis: Basis,
    /// Bands on the year's cumulative basis (the first `from` is the threshold).
    pub segments: Vec<Segment>,
    /// `year` (the default): the bands and threshold run on the year's
    /// cumulative basis; `admission`: on this claim's basis alone, a
    /// threshold borne on every stay (每次住院救助起付线). The yearly cap
    /// counts either way.
    #[serde(default = "per_year")]
    pub per: Per,
    /// Yearly cap on this layer's payments, a value or a table of rows (a cap
    /// raised with the years of continuous enrolment, 连续参保激励).
    #[serde(default)]
    pub cap: Option<Choice<P>>,
    /// Raises of the cap earned by the member, added to it: so much for each
    /// year of continuous enrolment after the first few (连续参保激励), so
    /// much for each year without a reimbursement (零报销激励), the two
    /// together at most a share of the cap (累计提高总额不超过原最高支付
    /// 限额的 20 %). Needs a `cap`.
    #[serde(default)]
    pub cap_raises: Option<CapRaises>,
    /// The year's counters this layer keeps (`layer:<counter>` in the
    /// accumulators; absent: its own key). Layers that are one insurance
    /// under different terms (a threshold halved for assisted members) share
    /// one, so a member whose identity changes mid-year keeps the burden
    /// already counted and the payments already made against the cap.
    #[serde(default)]
    pub counter: Option<String>,
    /// Who pays it: a fund (the default), or the hospital (医院减免), whose
    /// part goes to `hosp_part_amt`, not to the funds' sum or `setldetail`.
    #[serde(default)]
    pub borne_by: BorneBy,
}

/// Raises of a layer's cap (see [`Layer::cap_raises`]).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapRaises {
    /// Rule cited when the ceiling below holds the raises back.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// The raises, added together.
    pub raises: Vec<CapRaise>,
    /// The raises together at most this share of the cap they raise.
    #[serde(default)]
    pub max_share: Option<P>,
    /// The raises together at most this amount.
    #[serde(default)]
    pub max: Option<P>,
}

/// One kind of cap raise: `amount` for each year counted.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapRaise {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// What is counted.
    pub per: RaiseUnit,
    /// For `enrol_year`: the years of continuous enrolment that earn nothing
    /// (连续参保满 4 年后, 之后每连续参保 1 年: 4).
    #[serde(default)]
    pub after: u32,
    /// For `enrol_year`: only the full years from this date to the admission
    /// count (the incentive's start, 自 2025 年起).
    #[serde(default)]
    pub counted_from: Option<crate::date::Date>,
    /// What each year counted adds to the cap.
    pub amount: P,
    /// Which members earn it (absent: all).
    #[serde(default)]
    pub when: Cond,
}

/// What a cap raise counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RaiseUnit {
    /// Full years of continuous enrolment to the admission, from
    /// `psn.insu_begn_date`, less `after`.
    EnrolYear,
    /// The years without a reimbursement the claim gives as
    /// `psn.zero_claim_years` (零报销年数, reset by the region once the
    /// member is reimbursed).
    ZeroClaimYear,
}

/// Who pays a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum BorneBy {
    /// A fund: counted in `fund_pay_sumamt`, with a `setldetail` row.
    #[default]
    Fund,
    /// The hospital (医院减免): counted in `hosp_part_amt`.
    Hospital,
}

/// What an account may pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Pays {
    /// The member's whole share.
    #[default]
    PsnPart,
    /// Only the member's share of in-scope cost (not self-pay or over-limit).
    InscpShare,
}

/// The personal account (个人账户) paying the member's share.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// When the account may pay.
    #[serde(default)]
    pub when: Cond,
    /// What it may pay.
    #[serde(default)]
    pub pays: Pays,
}

/// A member quota account (e.g. outpatient pooling, 门诊统筹): a yearly credit
/// that pays the member's share where it holds.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaAccount {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Fund code its payments are reported under.
    pub fund_pay_type: String,
    /// When it may pay.
    #[serde(default)]
    pub when: Cond,
    /// When it may not, citing the rule that says so.
    #[serde(default)]
    pub except: Vec<Waiver>,
    /// What it may pay.
    #[serde(default)]
    pub pays: Pays,
}

/// Pre-self-pay ratios by line class, used when a line carries none.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreselfpayTable {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Rows by line condition.
    pub rows: Vec<Row<P>>,
}

impl PreselfpayTable {
    /// The first row that holds for the claim and `line`: its ratio, and the
    /// rule it cites (its own, or the table's).
    pub fn pick(
        &self,
        facts: &super::facts::Facts,
        line: &crate::claim::FeeLine,
        groups: &super::disease::Groups,
    ) -> Option<(&P, &Rid)> {
        let row = self.rows.iter().find(|row| row.when.matches(facts, Some(line), groups))?;
        Some((&row.value, row.rule.as_ref().unwrap_or(&self.rule)))
    }
}

/// Denial used when no benefit takes the claim.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uncovered {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Plain words.
    pub message: String,
}

/// Which date of a stay places it in a benefit year, for a stay that
/// crosses from one year into the next (跨年度住院).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum YearBy {
    /// The admission date (按入院日期): the stay counts in the year it began.
    #[default]
    Admission,
    /// The discharge date (按出院日期，即结算年度): the stay counts in the year
    /// it ends, whose accumulators it starts from.
    Discharge,
}

impl Body {
    /// The benefit year holding `day`: its calendar year, or, with a
    /// `year_start`, the calendar year in which its benefit year begins.
    pub fn benefit_year(&self, day: crate::date::Date) -> i32 {
        self.year_start.map_or(day.y, |s| s.year_of(day))
    }
    /// The date that places a visit in a benefit year and in a month or
    /// quarter of it: its admission date, or its discharge date under
    /// `"year_by": "discharge"`.
    pub fn counting_day(&self, v: &crate::claim::Visit) -> crate::date::Date {
        match self.year_by {
            YearBy::Admission => v.begndate,
            YearBy::Discharge => v.enddate,
        }
    }
}

impl Default for Uncovered {
    /// `YB-UNCOVERED`, for a policy that names no rule of its own.
    fn default() -> Self {
        Uncovered { rule: "YB-UNCOVERED".into(), message: "no benefit of the policy covers this claim".into() }
    }
}

/// One version of a policy: everything adjudication needs.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// The first day of the benefit year (医保年度), `MM-DD`, where it is not
    /// 1 January (a year from 1 April to 31 March: `"04-01"`). Yearly
    /// deductibles, caps, counters and the admission order run from it, and
    /// `ytd.year` names the benefit year by the calendar year it begins in.
    #[serde(default)]
    pub year_start: Option<crate::date::MonthDay>,
    /// For a stay that crosses into the next benefit year (跨年度住院): the
    /// year it counts in, by its `admission` date (the default) or its
    /// `discharge` date (按出院日期计算): the year whose accumulators it starts
    /// from and adds to, deductibles, caps and the admission order included.
    /// Either way, the policy version in force on the admission date applies.
    #[serde(default)]
    pub year_by: YearBy,
    /// Hospital levels this policy knows; each needs a deductible row where a
    /// benefit has a deductible table.
    #[serde(default)]
    pub hosp_levels: Vec<String>,
    /// Regional medical types (地方扩展医疗类别) this policy's claims may
    /// carry besides the national table and its `99xx` extensions: a
    /// province's own codes (湖南 `2101`…), 2 to 4 digits each. Benefits and
    /// other conditions name them in `med_type`; a claim carrying a code no
    /// table and no entry here knows is refused with `UNKNOWN_CODE`.
    #[serde(default)]
    pub med_types: Vec<String>,
    /// Disease groups (`@special`, `@chronic`…).
    #[serde(default)]
    pub disease_groups: super::disease::Groups,
    /// Claim-level denials, in order.
    #[serde(default)]
    pub deny: Vec<Deny>,
    /// Denial when no benefit takes the claim (by default `NOT_COVERED`
    /// citing `YB-UNCOVERED`).
    #[serde(default)]
    pub uncovered: Uncovered,
    /// Exclusion categories by name (`XJ-EXCL-DRUG`…).
    #[serde(default)]
    pub exclusions: Ordered<Exclusion>,
    /// Pre-self-pay ratios by line class.
    #[serde(default)]
    pub preselfpay: Option<PreselfpayTable>,
    /// A further pre-self-pay share of what each line leaves in scope after
    /// its class's, chosen by claim or line condition: 先行自付 for remote
    /// care without a filing (未备案异地就医个人先行自付 20 %), applied
    /// before the deductible. The first row that holds applies.
    #[serde(default)]
    pub added_preselfpay: Option<PreselfpayTable>,
    /// Counted-amount limits by category.
    #[serde(default)]
    pub item_caps: Vec<ItemCap>,
    /// Benefits, tried in order.
    pub benefits: Ordered<Benefit>,
    /// Caps by ID.
    #[serde(default)]
    pub caps: Ordered<Cap>,
    /// Further layers, paid in order.
    #[serde(default)]
    pub layers: Ordered<Layer>,
    /// Member quota accounts, in order.
    #[serde(default)]
    pub quota_accounts: Ordered<QuotaAccount>,
    /// The personal account.
    #[serde(default)]
    pub account: Option<Account>,
    /// Family mutual aid (家庭共济): a family member's personal account,
    /// bound to this member, paying what the member's own account left of
    /// the share it may pay, up to `psn.mulaid_balc`, when the member agrees
    /// (`acct_used_flag`). Reported as `acct_mulaid_pay`, inside `acct_pay`.
    #[serde(default)]
    pub mulaid: Option<Account>,
    /// Extra fund codes this policy pays from (beyond the national table).
    #[serde(default)]
    pub funds: Vec<String>,
    /// Benefit buckets of other schemes that caps here count (a cap shared
    /// with inpatient care settled under another pack).
    #[serde(default)]
    pub shared_buckets: Vec<String>,
    /// Claims that cannot be settled directly: the first match routes the
    /// claim to manual reimbursement (status `manual`).
    #[serde(default)]
    pub manual: Vec<ManualRoute>,
    /// Material lists by name (what a manual claim or an application needs).
    #[serde(default)]
    pub materials: Ordered<Vec<MaterialReq>>,
    /// Deadlines for manual reimbursement, first match wins.
    #[serde(default)]
    pub deadlines: Vec<DeadlineRule>,
    /// When a complete manual claim is paid, in working days.
    #[serde(default)]
    pub payment: Option<PaymentRule>,
    /// Card or booklet use at home during a trip refuses a manual claim.
    #[serde(default)]
    pub trip_check: Option<RuleRef>,
    /// Remote-treatment filing rules.
    #[serde(default)]
    pub filings: Option<FilingRules>,
    /// Chronic/special disease certification rules.
    #[serde(default)]
    pub certification: Option<CertRules>,
    /// Where members can ask (phone lines), carried by notices.
    #[serde(default)]
    pub contacts: Option<Contacts>,
    /// Rules cited in the trace when they hold (standards applied, groups).
    #[serde(default)]
    pub notes: Vec<Note>,
    /// What to tell the member when a condition holds, as a notice on the
    /// settlement (settled, manual or denied): file a remote treatment
    /// before the next stay to be paid at the full ratio (备案后直接结算).
    #[serde(default)]
    pub advice: Vec<Advice>,
}

/// A rule the trace cites when its condition holds.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// When it holds.
    pub when: Cond,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Plain words.
    pub text: String,
}

/// A notice the policy gives the member when its condition holds.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Advice {
    /// When it is given. A condition that tests a line field (`chrgitm_lv`,
    /// `item_class`, `med_list_codg`…) is given when some fee line holds it
    /// (with the claim fields it also tests), and the notice names those
    /// lines in `lines`.
    pub when: Cond,
    /// The notice's code, in capitals (`FILE_REMOTE_TREATMENT`).
    pub code: String,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Plain words.
    pub message: String,
}

/// Contact lines a notice carries.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// One line per topic.
    pub lines: Vec<String>,
}

/// A rule reference.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRef {
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// A route to manual reimbursement (手工报销).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualRoute {
    /// Which claims.
    pub when: Cond,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Name of the material list in `materials`.
    pub materials: String,
    /// What the member must do.
    pub message: String,
}

/// One required material (申报材料) and what makes it acceptable.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialReq {
    /// Material ID submitted items refer to (`invoice`, `cost_list`…).
    pub id: String,
    /// Plain words for the member.
    pub text: String,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Needed only when this holds (emergency proof for emergencies…).
    #[serde(default)]
    pub when: Option<Cond>,
    /// Other IDs that satisfy it (discharge certificate or summary…).
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// An original is required (copies refused).
    #[serde(default)]
    pub original: bool,
    /// Every one of these seals is required.
    #[serde(default)]
    pub seals_all: Vec<String>,
    /// At least one of these seals is required.
    #[serde(default)]
    pub seals_any: Vec<String>,
    /// Items carrying any of these stamps are refused.
    #[serde(default)]
    pub refuse_stamps: Vec<String>,
    /// Accepted forms (`summary`; a `daily` list is then refused).
    #[serde(default)]
    pub forms: Vec<String>,
    /// Every line must show its unit price.
    #[serde(default)]
    pub unit_prices: bool,
}

/// The last day to claim manual reimbursement.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    /// Which claims.
    #[serde(default)]
    pub when: Cond,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Same day-of-month this many calendar months after treatment ends.
    #[serde(default)]
    pub months_after_end: Option<i32>,
    /// Claimable only in the calendar year after the treatment year.
    #[serde(default)]
    pub next_year: bool,
}

/// Payment of a complete manual claim within working days.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRule {
    /// Working days after complete materials.
    pub working_days: u32,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// Filing (异地备案) rules.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingRules {
    /// Months after filing before it may be cancelled, changed or suspended.
    pub lock_months: i32,
    /// Rule of the lock.
    #[schemars(with = "String")]
    pub lock_rule: Rid,
    /// A long-term filing needs a bank payment agreement (rule).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub bank_rule: Option<Rid>,
    /// Area level rule (absent: any 6-digit area).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub area_rule: Option<Rid>,
    /// Province codes (`110000`…) whose filings name the province, not a city.
    #[serde(default)]
    pub province_level: Vec<String>,
    /// Months of residence elsewhere needed for a long-term filing.
    #[serde(default)]
    pub min_residence_months: Option<i32>,
    /// Rule of the residence requirement.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub residence_rule: Option<Rid>,
    /// Long-term filings only up to this month of the year, once a year.
    #[serde(default)]
    pub annual: Option<AnnualRule>,
}

/// Long-term filings once a year, before a month's end.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnualRule {
    /// Last month (1–12) in which a filing may be made.
    pub last_month: u32,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// Certification (慢特病认定) rules.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertRules {
    /// Rule of the application process (states, no change after submission).
    #[schemars(with = "String")]
    pub rule: Rid,
    /// Materials an application needs.
    #[serde(default)]
    pub materials: Vec<MaterialReq>,
    /// Decision deadlines by disease, first match wins.
    #[serde(default)]
    pub sla: Vec<SlaRule>,
    /// A yearly application window.
    #[serde(default)]
    pub window: Option<CertWindow>,
    /// Enrolment needed when benefits would start.
    #[serde(default)]
    pub min_enrol_months: Option<i32>,
    /// Rule of the enrolment requirement.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub enrol_rule: Option<Rid>,
    /// Benefits end after the period of death (`quarter` or `day`).
    #[serde(default)]
    pub death: Option<DeathRule>,
}

/// A decision deadline in working days (0: immediate).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaRule {
    /// Which diseases.
    #[serde(default)]
    pub when: Cond,
    /// Working days after acceptance (the acceptance day not counted).
    pub working_days: u32,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// A yearly window: apply by a day; benefits from January of the next year.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertWindow {
    /// Last month to apply.
    pub last_month: u32,
    /// Last day of that month.
    pub last_day: u32,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}

/// When benefits end after death.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeathRule {
    /// `quarter` or `day`.
    pub period: String,
    /// Rule cited.
    #[schemars(with = "String")]
    pub rule: Rid,
}
