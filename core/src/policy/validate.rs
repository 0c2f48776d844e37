//! Load-time checks of the mistakes people make in policy tables: ratios
//! outside 0–1, overlapping or gapped cost and age bands, a hospital level with
//! no deductible, references to unknown caps, buckets, groups or funds.

use super::cond::Cond;
use super::param::P;
use super::schema::*;
use crate::error::{Error, Result};
use crate::money::Decimal;

/// Fund codes of the national table (`national-vocabulary.md` §5).
pub const NATIONAL_FUNDS: [&str; 21] = [
    "310100", "310200", "320100", "330100", "330200", "340100", "350100", "360100", "370100", "390100", "390200",
    "390300", "390400", "510100", "610100", "610200", "620100", "630100", "640100", "999996", "999997",
];

/// A condition's key, its values, what a claim may carry there, and the
/// words that say so.
type CodeTable<'a> = (&'a str, &'a Option<Vec<String>>, &'a dyn Fn(&str) -> bool, &'a str);

struct Ctx<'a> {
    body: &'a Body,
    label: &'a str,
}

impl Ctx<'_> {
    fn err(&self, path: impl Into<String>, msg: impl std::fmt::Display) -> Error {
        Error::policy(path, super::load::in_version(self.label, msg))
    }

    fn ratio(&self, p: &P, path: &str) -> Result<()> {
        if let Some(v) = p.known() {
            if v < Decimal::ZERO || v > Decimal::ONE {
                return Err(self.err(path, format!("ratio {v} is outside 0–1")));
            }
        }
        Ok(())
    }

    fn amount(&self, p: &P, path: &str) -> Result<()> {
        if let Some(v) = p.known() {
            if v < Decimal::ZERO {
                return Err(self.err(path, format!("amount {v} is negative")));
            }
        }
        Ok(())
    }

    fn fund_code(&self, code: &str, path: &str) -> Result<()> {
        if NATIONAL_FUNDS.contains(&code) || self.body.funds.iter().any(|f| f == code) {
            Ok(())
        } else {
            Err(self.err(path, format!("unknown fund `{code}`: not in the national table nor in `funds`")))
        }
    }

    /// A shared counter's name, where one is given (`counter` of a layer or
    /// of a yearly deductible).
    fn counter(&self, c: Option<&str>, path: &str) -> Result<()> {
        if c.is_some_and(|c| c.trim().is_empty()) {
            return Err(self.err(path, "a shared counter needs a name"));
        }
        Ok(())
    }

    /// An ICD-10 range must run from its first code to its last.
    fn range(&self, listed: &str, path: &str) -> Result<()> {
        match super::disease::icd_range(listed) {
            Some((lo, hi)) if lo > hi => {
                Err(self.err(path, format!("the disease range `{listed}` runs backwards: give its first code first")))
            }
            _ => Ok(()),
        }
    }

    /// A list of diseases or `@groups`: not empty, each group known, each
    /// range running forwards.
    fn diseases(&self, list: &[String], path: &str) -> Result<()> {
        if list.is_empty() {
            return Err(self.err(path, "an empty list of diseases can never match"));
        }
        list.iter().try_for_each(|d| self.disease(d, path))
    }

    /// A disease code, range or `@group`: the group known, the range
    /// running forwards.
    fn disease(&self, d: &str, path: &str) -> Result<()> {
        self.range(d, path)?;
        match d.strip_prefix('@') {
            Some(g) if !self.body.disease_groups.contains_key(g) => {
                Err(self.err(path, format!("unknown disease group `@{g}`")))
            }
            _ => Ok(()),
        }
    }

    /// A cap set by the member's certified diseases.
    fn per_cert(&self, pc: &PerCert, p: &str) -> Result<()> {
        match (&pc.amount, pc.diseases.is_empty()) {
            (Some(a), false) => {
                self.amount(a, &format!("{p}.amount"))?;
                self.diseases(&pc.diseases, &format!("{p}.diseases"))?;
            }
            (None, true) if !pc.limits.is_empty() => {}
            (None, true) => {
                return Err(self.err(p, "give `amount` with the `diseases` that bring it, or `limits`, or both"))
            }
            (Some(_), true) => return Err(self.err(p, "`amount` is brought by the `diseases` it names: give them")),
            (None, false) => return Err(self.err(p, "`diseases` bring an `amount`: give it")),
        }
        for (i, l) in pc.limits.iter().enumerate() {
            self.amount(&l.amount, &format!("{p}.limits[{i}].amount"))?;
            self.diseases(&l.diseases, &format!("{p}.limits[{i}].diseases"))?;
        }
        if let Some(c) = &pc.ceiling {
            self.amount(c, &format!("{p}.ceiling"))?;
        }
        if let Some(m) = &pc.more_each {
            self.amount(m, &format!("{p}.more_each"))?;
        }
        if let Some(s) = &pc.more_share {
            self.ratio(s, &format!("{p}.more_share"))?;
        }
        if pc.combine == Combine::Sum {
            if let Some(key) = [("more_each", &pc.more_each), ("more_share", &pc.more_share)]
                .iter()
                .find_map(|(k, v)| v.is_some().then_some(*k))
            {
                return Err(self.err(
                    format!("{p}.{key}"),
                    "adds for each disease beyond the highest: give `\"combine\": \"highest\"`",
                ));
            }
        }
        Ok(())
    }

    fn cond(&self, c: &Cond, path: &str) -> Result<()> {
        self.codes(c, path)?;
        for d in c.disease.iter().chain(&c.holds_cert).flatten() {
            self.disease(d, path)?;
        }
        for (what, band) in [
            ("age", &c.age),
            ("enrolment-year", &c.enrol_years),
            ("admission-order", &c.admission_order),
            ("stay-day", &c.stay_days),
        ] {
            if let Some((lo, hi)) = band.as_ref().and_then(|a| a.min.zip(a.max)) {
                if lo >= hi {
                    return Err(self.err(path, format!("{what} band {lo}–{hi} is empty")));
                }
            }
        }
        if let Some((lo, hi)) = c.pric.as_ref().and_then(|b| b.above.zip(b.up_to)) {
            if lo >= hi {
                return Err(self.err(path, format!("price band above {lo} up to {hi} is empty")));
            }
        }
        if let Some(n) = &c.not {
            self.cond(n, &format!("{path}.not"))?;
        }
        for (i, a) in c.any.iter().flatten().enumerate() {
            self.cond(a, &format!("{path}.any[{i}]"))?;
        }
        for (i, a) in c.all.iter().flatten().enumerate() {
            self.cond(a, &format!("{path}.all[{i}]"))?;
        }
        Ok(())
    }

    /// Each code a condition tests must be one a claim can carry (claims
    /// are checked against the same tables), or the row could never hold.
    fn codes(&self, c: &Cond, path: &str) -> Result<()> {
        use super::facts::Area;
        use crate::adjudicate::validate::{
            digits, known_charge_category, known_med_type, ADM_ROUTES, CAUSES, CHRGITM_LVS, FILING_KINDS, INSUTYPES,
        };
        let tables: [CodeTable; 13] = [
            (
                "med_type",
                &c.med_type,
                &|v| known_med_type(v, &self.body.med_types),
                "a medical type of the national table (11, 21…), a regional 99xx or one of `med_types`",
            ),
            (
                "insutype",
                &c.insutype,
                &|v| INSUTYPES.contains(&v),
                "an insurance type of the national table (310, 390…)",
            ),
            ("psn_type", &c.psn_type, &|v| digits(v, 1..=4), "a 4-digit person type or its first digits"),
            ("psn_setlway", &c.psn_setlway, &|v| digits(v, 1..=6), "a settlement-way code or its first digits"),
            ("psn_insu_stas", &c.psn_insu_stas, &|v| digits(v, 1..=1), "a 1-digit insurance status"),
            ("mdtrtarea_admvs", &c.mdtrtarea_admvs, &|v| digits(v, 1..=6), "an admvs code or its first digits"),
            ("adm_route", &c.adm_route, &|v| ADM_ROUTES.contains(&v), "normal, emergency or referral"),
            ("cause", &c.cause, &|v| v == "none" || CAUSES.contains(&v), "none or a cause of the contract's list"),
            ("area", &c.area, &|v| Area::ALL.iter().any(|a| a.as_str() == v), "local, same_province or cross_province"),
            ("filing_kind", &c.filing_kind, &|v| FILING_KINDS.contains(&v), "a filing kind"),
            ("active_filing_kind", &c.active_filing_kind, &|v| FILING_KINDS.contains(&v), "a filing kind"),
            ("chrgitm_lv", &c.chrgitm_lv, &|v| CHRGITM_LVS.contains(&v), "01, 02 or 03"),
            ("med_chrgitm_type", &c.med_chrgitm_type, &known_charge_category, "a charge item category, 01–14"),
        ];
        // The lists whose codes no table checks, then those of the tables.
        let len = |l: &Option<Vec<String>>| l.as_ref().map(Vec::len);
        let unchecked = [
            ("hosp_lv", len(&c.hosp_lv)),
            ("disease", len(&c.disease)),
            ("fixmedins_code", len(&c.fixmedins_code)),
            ("holds_cert", len(&c.holds_cert)),
            ("psn_idet_type", len(&c.psn_idet_type)),
            ("item_class", len(&c.item_class)),
            ("med_list_codg", len(&c.med_list_codg)),
            ("any", c.any.as_ref().map(Vec::len)),
        ];
        let lists = unchecked.into_iter().chain(tables.iter().map(|(key, values, ..)| (*key, len(values))));
        if let Some((key, _)) = lists.into_iter().find(|(_, n)| *n == Some(0)) {
            return Err(self.err(
                format!("{path}.{key}"),
                "an empty list can never match: leave the key out to take every value \
                 (a file that extends a pack removes a key or an entry with `null`)",
            ));
        }
        for (i, lv) in c.hosp_lv.iter().flatten().enumerate() {
            // A policy that lists its levels refuses a claim at any other.
            if !self.body.hosp_levels.is_empty() && !self.body.hosp_levels.contains(lv) {
                return Err(self.err(
                    format!("{path}.hosp_lv[{i}]"),
                    format!(
                        "`{lv}` can never match: no claim carries it (hosp_lv takes a level of `hosp_levels`: {})",
                        self.body.hosp_levels.join(", ")
                    ),
                ));
            }
        }
        for (key, values, known, takes) in tables {
            for (i, v) in values.iter().flatten().enumerate() {
                if !known(v) {
                    return Err(self.err(
                        format!("{path}.{key}[{i}]"),
                        format!("`{v}` can never match: no claim carries it ({key} takes {takes})"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Rows that differ only by age must tile the ages without overlap or gap.
    fn age_bands<T>(&self, rows: &[Row<T>], path: &str) -> Result<()> {
        let mut groups: Vec<(Cond, Vec<(i32, i32)>)> = Vec::new();
        for r in rows {
            let Some(a) = &r.when.age else { continue };
            let key = r.when.without_age();
            let band = (a.min.unwrap_or(0), a.max.unwrap_or(i32::MAX));
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, b)) => b.push(band),
                None => groups.push((key, vec![band])),
            }
        }
        for (_, mut bands) in groups {
            bands.sort();
            for w in bands.windows(2) {
                if w[0].1 > w[1].0 {
                    return Err(
                        self.err(path, format!("age bands {}–{} and {}–{} overlap", w[0].0, w[0].1, w[1].0, w[1].1))
                    );
                }
                if w[0].1 < w[1].0 {
                    return Err(self.err(path, format!("age bands leave a gap between {} and {}", w[0].1, w[1].0)));
                }
            }
        }
        Ok(())
    }

    fn choice<T>(&self, c: &Choice<T>, path: &str, each: &dyn Fn(&T, &str) -> Result<()>) -> Result<()> {
        match c {
            Choice::One(v) => each(v, path),
            Choice::Rows(rows) => {
                if rows.is_empty() {
                    return Err(self.err(path, "a table needs at least one row"));
                }
                for (i, r) in rows.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    self.cond(&r.when, &format!("{p}.when"))?;
                    each(&r.value, &format!("{p}.value"))?;
                }
                self.age_bands(rows, path)
            }
        }
    }

    fn segments(&self, segs: &[Segment], path: &str, from_zero: bool) -> Result<()> {
        if segs.is_empty() {
            return Err(self.err(path, "at least one cost band is needed"));
        }
        for (i, s) in segs.iter().enumerate() {
            let p = format!("{path}[{i}]");
            self.ratio(&s.ratio, &format!("{p}.ratio"))?;
            self.amount(&s.from, &format!("{p}.from"))?;
            if let (Some(f), Some(Some(t))) = (s.from.known(), s.to.as_ref().map(P::known)) {
                if t <= f {
                    return Err(self.err(&p, format!("cost band {f}–{t} is empty or reversed")));
                }
            }
            if s.to.is_none() && i + 1 != segs.len() {
                return Err(self.err(&p, "only the last cost band may be open-ended"));
            }
        }
        if from_zero {
            if let Some(f) = segs[0].from.known() {
                if !f.is_zero() {
                    return Err(self.err(
                        format!("{path}[0].from"),
                        "claim cost bands start at 0 (the first yuan above the deductible, or of the in-scope amount with `measure: in_scope`)",
                    ));
                }
            }
        }
        for (i, w) in segs.windows(2).enumerate() {
            if let (Some(Some(t)), Some(f)) = (w[0].to.as_ref().map(P::known), w[1].from.known()) {
                if t > f {
                    return Err(self.err(
                        format!("{path}[{}]", i + 1),
                        format!("cost bands overlap: one ends at {t}, the next starts at {f}"),
                    ));
                }
                if t < f {
                    return Err(
                        self.err(format!("{path}[{}]", i + 1), format!("cost bands leave a gap between {t} and {f}"))
                    );
                }
            }
        }
        Ok(())
    }

    fn ratio_choice(&self, c: &Choice<Ratio>, path: &str) -> Result<()> {
        self.choice(c, path, &|r, p| match r {
            Ratio::Flat(v) => self.ratio(v, p),
            Ratio::Segmented { segments, basis, .. } => {
                self.segments(segments, &format!("{p}.segments"), *basis == SegmentBasis::Claim)
            }
        })
    }

    /// Checks a deductible; `levels` are the hospital levels its benefit
    /// can take (every level unless its `when` names some), each of which
    /// needs a row when the amount is a table.
    fn deductible(&self, d: &Deductible, path: &str, levels: Option<&[String]>) -> Result<()> {
        if let Some(a) = &d.amount {
            self.choice(a, &format!("{path}.amount"), &|v, p| self.amount(v, p))?;
            if let Choice::Rows(rows) = a {
                let takes = |lv: &String| levels.is_none_or(|l| l.contains(lv));
                for lv in self.body.hosp_levels.iter().filter(|lv| takes(lv)) {
                    let covered = rows.iter().any(|r| r.when.hosp_lv.as_ref().is_none_or(|l| l.contains(lv)));
                    if !covered {
                        return Err(
                            self.err(format!("{path}.amount"), format!("hospital level `{lv}` has no deductible row"))
                        );
                    }
                }
            }
        }
        if d.per_disease && d.per != Per::Year {
            return Err(self.err(
                format!("{path}.per_disease"),
                "a deductible per disease is borne once a year for each: give `\"per\": \"year\"`",
            ));
        }
        if d.acct_credit.is_some() && d.per != Per::Year {
            return Err(self.err(
                format!("{path}.acct_credit"),
                "the year's account credit is deducted once a year: give `\"per\": \"year\"`",
            ));
        }
        if let Some(o) = &d.by_order {
            let p = format!("{path}.by_order");
            if o.amounts.is_none() && o.next_pct.is_none() {
                return Err(self.err(&p, "give `amounts` or `next_pct`"));
            }
            if o.amounts.as_ref().is_some_and(Vec::is_empty) {
                return Err(self.err(format!("{p}.amounts"), "`amounts` needs at least one amount"));
            }
            if o.next_pct.is_some() && d.amount.is_none() {
                return Err(self.err(&p, "`next_pct` needs `amount` for the first admission"));
            }
            if let Some(pc) = &o.next_pct {
                self.ratio(pc, &format!("{p}.next_pct"))?;
            }
            for (i, a) in o.amounts.iter().flatten().enumerate() {
                self.amount(a, &format!("{p}.amounts[{i}]"))?;
            }
        }
        if let Some(pc) = &d.pct_of_cost {
            self.choice(pc, &format!("{path}.pct_of_cost"), &|v, p| {
                self.ratio(&v.pct, &format!("{p}.pct"))?;
                if let (Some(Some(lo)), Some(Some(hi))) = (v.min.as_ref().map(P::known), v.max.as_ref().map(P::known)) {
                    if lo > hi {
                        return Err(self.err(p, format!("minimum {lo} above maximum {hi}")));
                    }
                }
                Ok(())
            })?;
        }
        if d.amount.is_none() && d.by_order.is_none() && d.pct_of_cost.is_none() && d.acct_credit.is_none() {
            return Err(self.err(path, "a deductible needs `amount`, `by_order`, `pct_of_cost` or `acct_credit`"));
        }
        for (i, w) in d.waive.iter().enumerate() {
            self.cond(&w.when, &format!("{path}.waive[{i}].when"))?;
        }
        if let Some(t) = &d.top_up {
            self.cond(&t.when, &format!("{path}.top_up.when"))?;
            // A yearly deductible already counts what the earlier leg bore.
            if d.per == Per::Year {
                return Err(self.err(
                    format!("{path}.top_up"),
                    "a yearly deductible already counts what an earlier leg bore; `top_up` is for a per-admission one",
                ));
            }
        }
        self.counter(d.counter.as_deref(), &format!("{path}.counter"))?;
        if d.counter.is_some() && d.per != Per::Year {
            return Err(self.err(
                format!("{path}.counter"),
                "a counter is kept for a yearly deductible only: add `\"per\": \"year\"`",
            ));
        }
        Ok(())
    }
}

fn buckets(b: &Body) -> Vec<String> {
    let mut out: Vec<String> = b.benefits.iter().map(|(k, v)| v.bucket.clone().unwrap_or_else(|| k.clone())).collect();
    out.extend(b.shared_buckets.iter().cloned());
    out
}

/// Checks one version's body.
pub fn body(b: &Body, label: &str) -> Result<()> {
    let cx = Ctx { body: b, label };
    let known_buckets = buckets(b);
    if b.benefits.0.is_empty() {
        return Err(cx.err("benefits", "a policy needs at least one benefit"));
    }
    for (i, m) in b.med_types.iter().enumerate() {
        use crate::adjudicate::validate::{digits, known_med_type};
        let p = format!("med_types[{i}]");
        if !digits(m, 2..=4) {
            return Err(cx.err(p, format!("`{m}` is not a medical type: a regional code is 2 to 4 digits")));
        }
        if known_med_type(m, &[]) {
            return Err(cx.err(p, format!("`{m}` is already known (the national table and 99xx need no entry)")));
        }
        if b.med_types[..i].contains(m) {
            return Err(cx.err(p, format!("`{m}` is listed twice")));
        }
    }
    for (i, d) in b.deny.iter().enumerate() {
        cx.cond(&d.when, &format!("deny[{i}].when"))?;
    }
    for (g, codes) in &b.disease_groups {
        for (i, d) in codes.iter().enumerate() {
            cx.range(d, &format!("disease_groups.{g}[{i}]"))?;
        }
    }
    for (i, a) in b.advice.iter().enumerate() {
        let p = format!("advice[{i}]");
        cx.cond(&a.when, &format!("{p}.when"))?;
        let upper = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
        if a.code.is_empty() || !a.code.chars().all(upper) {
            return Err(
                cx.err(format!("{p}.code"), "a notice code is capitals, digits and `_` (FILE_REMOTE_TREATMENT)")
            );
        }
    }
    for (name, cap) in b.caps.iter() {
        let p = format!("caps.{name}");
        match (&cap.amount, &cap.per_cert) {
            (Some(a), None) => cx.choice(a, &format!("{p}.amount"), &|v, q| cx.amount(v, q))?,
            (None, Some(pc)) => cx.per_cert(pc, &format!("{p}.per_cert"))?,
            _ => return Err(cx.err(&p, "a cap needs exactly one of `amount` and `per_cert`")),
        }
        if cap.accrues.is_some() && cap.scope != Scope::Year {
            return Err(cx.err(
                format!("{p}.accrues"),
                "a cap earned period by period is a yearly cap: leave `scope` out or give `\"year\"`",
            ));
        }
        for bk in &cap.buckets {
            if !known_buckets.contains(bk) {
                return Err(cx.err(format!("{p}.buckets"), format!("unknown benefit bucket `{bk}`")));
            }
        }
    }
    for (name, ben) in b.benefits.iter() {
        let p = format!("benefits.{name}");
        cx.cond(&ben.when, &format!("{p}.when"))?;
        if let Some(d) = &ben.deductible {
            cx.deductible(d, &format!("{p}.deductible"), ben.when.hosp_lv.as_deref())?;
        }
        let f = &ben.fund;
        cx.fund_code(&f.fund_pay_type, &format!("{p}.fund.fund_pay_type"))?;
        cx.ratio_choice(&f.ratio, &format!("{p}.fund.ratio"))?;
        for (i, a) in f.adjust.iter().enumerate() {
            let ap = format!("{p}.fund.adjust[{i}]");
            cx.cond(&a.when, &format!("{ap}.when"))?;
            for (key, x) in [("factor", &a.factor), ("share_factor", &a.share_factor), ("set", &a.set)] {
                if let Some(x) = x {
                    cx.ratio(x, &format!("{ap}.{key}"))?;
                }
            }
            for (key, bound) in [("max", &a.max), ("min", &a.min)] {
                if let Some(x) = bound {
                    cx.ratio(x, &format!("{ap}.{key}"))?;
                }
            }
            if let (Some(Some(hi)), Some(Some(lo))) = (a.max.as_ref().map(P::known), a.min.as_ref().map(P::known)) {
                if lo > hi {
                    return Err(cx.err(format!("{ap}.min"), format!("the lowest ratio {lo} is above the highest {hi}")));
                }
            }
            if let Some(Some(x)) = a.delta.as_ref().map(P::known) {
                if x.abs() > Decimal::ONE {
                    return Err(cx.err(format!("{ap}.delta"), format!("a change of {x} points is outside −1–1")));
                }
            }
            let given = [a.delta.is_some(), a.factor.is_some(), a.share_factor.is_some(), a.set.is_some()];
            if given.iter().filter(|x| **x).count() != 1 {
                return Err(cx.err(&ap, "give exactly one of `delta`, `factor`, `share_factor` and `set`"));
            }
        }
        if f.line_deductible == LineDeductible::ProRata && !f.adjust.iter().any(|a| a.when.tests_line()) {
            return Err(cx.err(
                format!("{p}.fund.line_deductible"),
                "`line_deductible` shares the deductible with lines a line modifier changes, and no `adjust` tests a line field",
            ));
        }
        if let Some(st) = &ben.standard {
            match (&st.amount, &st.per_day) {
                (Some(a), None) => cx.choice(a, &format!("{p}.standard.amount"), &|v, q| cx.amount(v, q))?,
                (None, Some(d)) => cx.choice(d, &format!("{p}.standard.per_day"), &|v, q| cx.amount(v, q))?,
                _ => return Err(cx.err(format!("{p}.standard"), "give exactly one of `amount` and `per_day`")),
            }
            if f.adjust.iter().any(|a| a.when.tests_line()) {
                return Err(cx.err(
                    format!("{p}.standard"),
                    "a fixed standard settles the case as a whole, and a line modifier would pay lines above it: \
                     give line ratios in another benefit",
                ));
            }
        }
        for (i, c) in f.caps.iter().enumerate() {
            if b.caps.get(&c.cap).is_none() {
                return Err(cx.err(format!("{p}.fund.caps[{i}].cap"), format!("unknown cap `{}`", c.cap)));
            }
        }
        if let Some(e) = &f.eligible_ceiling {
            cx.amount(&e.amount, &format!("{p}.fund.eligible_ceiling.amount"))?;
            for bk in &e.buckets {
                if !known_buckets.contains(bk) {
                    return Err(
                        cx.err(format!("{p}.fund.eligible_ceiling.buckets"), format!("unknown benefit bucket `{bk}`"))
                    );
                }
            }
        }
        for (i, c) in ben.eligibility.iter().enumerate() {
            match c {
                Check::Require { when, .. } => cx.cond(when, &format!("{p}.eligibility[{i}].when"))?,
                Check::WaitingPeriod { months, per_gap_year, max_months, exempt, .. } => {
                    if *months < 0 || *per_gap_year < 0 || max_months.is_some_and(|m| m < 0) {
                        return Err(cx.err(format!("{p}.eligibility[{i}]"), "a waiting period in negative months"));
                    }
                    if let Some(x) = exempt {
                        cx.cond(x, &format!("{p}.eligibility[{i}].exempt"))?;
                    }
                }
                _ => {}
            }
        }
    }
    for (name, l) in b.layers.iter() {
        let p = format!("layers.{name}");
        cx.fund_code(&l.fund_pay_type, &format!("{p}.fund_pay_type"))?;
        cx.cond(&l.when, &format!("{p}.when"))?;
        cx.segments(&l.segments, &format!("{p}.segments"), false)?;
        for bk in l.benefits.iter().flatten() {
            if !known_buckets.contains(bk) {
                return Err(cx.err(format!("{p}.benefits"), format!("unknown benefit bucket `{bk}`")));
            }
        }
        if let Some(c) = &l.cap {
            cx.choice(c, &format!("{p}.cap"), &|v, q| cx.amount(v, q))?;
        }
        if let Some(r) = &l.cap_raises {
            let q = format!("{p}.cap_raises");
            if l.cap.is_none() {
                return Err(cx.err(q, "raises a cap the layer does not have: give it a `cap`"));
            }
            for (i, x) in r.raises.iter().enumerate() {
                cx.amount(&x.amount, &format!("{q}.raises[{i}].amount"))?;
                cx.cond(&x.when, &format!("{q}.raises[{i}].when"))?;
                if x.per == RaiseUnit::ZeroClaimYear && (x.after != 0 || x.counted_from.is_some()) {
                    return Err(cx.err(
                        format!("{q}.raises[{i}]"),
                        "`after` and `counted_from` apply to `enrol_year` only: `zero_claim_year` counts the years the claim gives",
                    ));
                }
            }
            if let Some(m) = &r.max_share {
                cx.ratio(m, &format!("{q}.max_share"))?;
            }
            if let Some(m) = &r.max {
                cx.amount(m, &format!("{q}.max"))?;
            }
        }
        cx.counter(l.counter.as_deref(), &format!("{p}.counter"))?;
    }
    for (key, a) in [("account", &b.account), ("mulaid", &b.mulaid)] {
        if let Some(a) = a {
            cx.cond(&a.when, &format!("{key}.when"))?;
        }
    }
    for (name, q) in b.quota_accounts.iter() {
        cx.fund_code(&q.fund_pay_type, &format!("quota_accounts.{name}.fund_pay_type"))?;
    }
    for (key, t) in [("preselfpay", &b.preselfpay), ("added_preselfpay", &b.added_preselfpay)] {
        for (i, r) in t.iter().flat_map(|t| t.rows.iter().enumerate()) {
            cx.cond(&r.when, &format!("{key}.rows[{i}].when"))?;
            cx.ratio(&r.value, &format!("{key}.rows[{i}].value"))?;
        }
    }
    for (i, m) in b.manual.iter().enumerate() {
        cx.cond(&m.when, &format!("manual[{i}].when"))?;
        if b.materials.get(&m.materials).is_none() {
            return Err(cx.err(format!("manual[{i}].materials"), format!("unknown material list `{}`", m.materials)));
        }
    }
    for (i, d) in b.deadlines.iter().enumerate() {
        if d.months_after_end.is_none() != d.next_year {
            return Err(cx.err(format!("deadlines[{i}]"), "give exactly one of `months_after_end` and `next_year`"));
        }
    }
    if let Some(f) = &b.filings {
        for p in &f.province_level {
            if p.len() != 6 || !p.ends_with("0000") {
                return Err(cx.err("filings.province_level", format!("`{p}` is not a province code (XX0000)")));
            }
        }
    }
    for (i, c) in b.item_caps.iter().enumerate() {
        cx.cond(&c.when, &format!("item_caps[{i}].when"))?;
        cx.amount(&c.limit, &format!("item_caps[{i}].limit"))?;
    }
    Ok(())
}
