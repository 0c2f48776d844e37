//! `yibao demo`: the bundled sample claims through a built-in pack, as a table
//! plus each claim's trace.

use yibao_core::{Engine, Error};

/// Prints the demo.
pub fn run(policy: &str) -> Result<(), Error> {
    let engine = Engine::builtin(policy)?;
    out!("yibao demo — policy {} ({})\n", engine.policy().id, engine.policy().title);
    out!(
        "{:<44} {:>9} {:>10} {:>10} {:>9} {:>10} {:>10} {:>10}",
        "claim",
        "status",
        "total",
        "in scope",
        "deduct.",
        "fund",
        "member",
        "cash"
    );
    out!("{}", "-".repeat(120));
    let mut traces = Vec::new();
    for (name, json) in yibao_core::demo::CLAIMS.iter() {
        let claim = yibao_core::parse_claim(json)?;
        let s = engine.settle(&claim)?;
        let i = &s.setlinfo;
        let status =
            serde_json::to_value(s.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        out!(
            "{:<44} {:>9} {:>10} {:>10} {:>9} {:>10} {:>10} {:>10}",
            name,
            status,
            i.medfee_sumamt,
            i.inscp_scp_amt,
            i.act_pay_dedc,
            i.fund_pay_sumamt,
            i.psn_part_amt,
            i.psn_cash_pay
        );
        traces.push((name.clone(), s));
    }
    for (name, s) in traces {
        out!("\n{name} — trace");
        for t in &s.trace {
            out!("  {:<14} {:<14} {:>10}  {}", t.step, t.rule, t.amount, t.text);
        }
        if let Some(d) = &s.denial {
            out!("  denied: {} ({}) {}", d.code, d.rule, d.message);
        }
    }
    Ok(())
}
