//! `yibao check | filing | certify | deadline | workdays`: the paperwork
//! operations, JSON in (a file or stdin), JSON out.

use yibao_core::{Engine, Error};

/// Runs `op` of the engine for `policy` on the input file and prints the result.
pub fn run(policy: &str, op: &str, input: &str, pretty: bool) -> Result<(), Error> {
    let engine = Engine::load(policy)?;
    let text = crate::read_input(input)?;
    let out = engine.call(op, &text)?;
    if pretty {
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or(serde_json::Value::String(out));
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        out!("{out}");
    }
    Ok(())
}
