//! Stage 7: what the member owes is paid from quota accounts (e.g. outpatient
//! pooling, 门诊统筹), then the personal account (个人账户) where the policy
//! and the member allow, and the rest in cash (现金).

use super::trace::push_dec;
use super::Run;
use crate::error::Result;
use crate::money::{fen, Decimal};
use crate::policy::schema::{Pays, Rid};
use crate::ytd::Ytd;

/// The rule the member's share, the account and cash are cited under.
pub(crate) const CASH_RULE: &str = "GEN-ACCOUNT";

fn payable(run: &Run, pays: Pays, already: Decimal) -> Decimal {
    let r = match pays {
        Pays::PsnPart => run.member_part(),
        Pays::InscpShare => run.compliant() - run.covered(),
    } - already;
    r.max(Decimal::ZERO)
}

/// Family mutual aid: what a bound family member's account pays of the
/// share the policy lets it pay, after the member's own account paid `own`.
fn mutual_aid(run: &mut Run, own: Decimal) -> Decimal {
    let Some(m) = &run.body.mulaid else { return Decimal::ZERO };
    let balc = run.claim.psn.mulaid_balc;
    if run.claim.psn.acct_used_flag != "1"
        || balc.is_zero()
        || !m.when.matches(&run.facts, None, &run.body.disease_groups)
    {
        return Decimal::ZERO;
    }
    let due = payable(run, m.pays, own);
    let paid = fen(balc.min(due));
    if !paid.is_zero() {
        let text = pays_text("family mutual aid", paid, due, "family account balance", balc);
        run.trace.add("account", m.rule.clone(), paid, text);
    }
    paid
}

/// "`who` pays `paid` of `due` (`label` `balc`)", written without `format!`.
fn pays_text(who: &str, paid: Decimal, due: Decimal, label: &str, balc: Decimal) -> String {
    let mut text = String::with_capacity(64);
    text.push_str(who);
    text.push_str(" pays ");
    push_dec(&mut text, paid);
    text.push_str(" of ");
    push_dec(&mut text, due);
    text.push_str(" (");
    text.push_str(label);
    text.push(' ');
    push_dec(&mut text, balc);
    text.push(')');
    text
}

/// Quota accounts, personal account, cash.
pub fn apply(run: &mut Run) -> Result<()> {
    let body = run.body;
    let g = &body.disease_groups;
    for (id, q) in body.quota_accounts.iter() {
        if !q.when.matches(&run.facts, None, g) {
            continue;
        }
        if let Some(x) = q.except.iter().find(|x| x.when.matches(&run.facts, None, g)) {
            run.trace.add("quota_account", x.rule.clone(), Decimal::ZERO, format!("{id} may not pay for this member"));
            continue;
        }
        let credit = Ytd::get(&run.claim.psn.quota_balc, id);
        let left = (credit - Ytd::get(&run.ytd.quota_used, id)).max(Decimal::ZERO);
        let due = payable(run, q.pays, Decimal::ZERO);
        let paid = fen(left.min(due));
        if paid.is_zero() {
            continue;
        }
        Ytd::add(&mut run.delta.quota_used, id, paid);
        let text = format!("{id}: {left} left this year pays the member's share");
        run.pay(&q.fund_pay_type, due, left, paid, std::slice::from_ref(&q.rule), &text);
        run.trace.add("quota_account", q.rule.clone(), paid, text);
    }
    run.info.psn_part_amt = run.member_part();
    let mut acct = Decimal::ZERO;
    if let Some(a) = &body.account {
        if run.claim.psn.acct_used_flag == "1" && a.when.matches(&run.facts, None, g) {
            let due = payable(run, a.pays, Decimal::ZERO);
            acct = fen(run.info.balc.min(due).max(Decimal::ZERO));
            let text = pays_text("personal account", acct, due, "balance", run.info.balc);
            run.trace.add("account", a.rule.clone(), acct, text);
            Ytd::add(&mut run.delta.fund_paid, "310200", acct);
        }
    }
    run.info.balc -= acct;
    let mulaid = mutual_aid(run, acct);
    run.info.acct_mulaid_pay = mulaid;
    run.info.acct_pay = acct + mulaid;
    run.info.psn_cash_pay = run.info.psn_part_amt - acct - mulaid;
    let part = run.info.psn_part_amt;
    let rule = body.account.as_ref().map_or(Rid::from(CASH_RULE), |a| a.rule.clone());
    let text = if run.info.hosp_part_amt.is_zero() {
        "member's share: total charges less fund payments"
    } else {
        "member's share: total charges less fund payments and the hospital's part"
    };
    run.trace.add("member", rule.clone(), part, text);
    run.trace.add("cash", rule, run.info.psn_cash_pay, "paid in cash");
    Ok(())
}
