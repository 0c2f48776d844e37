//! `yibao batch`: one claim a line in, one settlement (or error) a line out.
//! Memory stays flat in the file's size: only each member's latest
//! accumulators are kept, to carry them to the member's next claim.

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use yibao_core::batch::Carry;
use yibao_core::{Engine, Error, ErrorCode};

fn io(e: std::io::Error) -> Error {
    Error::new(ErrorCode::Io, e.to_string())
}

/// Consumes the rest of a line (through its newline) without keeping it.
fn skip_line(r: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                r.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

/// Runs the batch; exits 1 when any line failed (each failure is in the output).
pub fn run(policy: &str, input: &str, output: Option<&Path>) -> Result<ExitCode, Error> {
    let engine = Engine::load(policy)?;
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::new(std::io::stdin().lock()))
    } else {
        let f =
            std::fs::File::open(input).map_err(|e| Error::new(ErrorCode::Io, format!("cannot read `{input}`: {e}")))?;
        Box::new(BufReader::with_capacity(1 << 20, f))
    };
    let sink: Box<dyn Write> = match output {
        Some(p) => Box::new(
            std::fs::File::create(p)
                .map_err(|e| Error::new(ErrorCode::Io, format!("cannot write `{}`: {e}", p.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let tty = std::io::stderr().is_terminal();
    let start = Instant::now();
    let mut carry = Carry::default();
    let (mut n, mut failed) = (0u64, 0u64);
    let mut reader = reader;
    let mut line = Vec::with_capacity(4096);
    let mut json = String::with_capacity(8192);
    for i in 0u64.. {
        // One buffer reused for every line, never longer than the claim
        // limit: the rest of an oversize line is skipped, not read in.
        line.clear();
        let limit = yibao_core::engine::MAX_CLAIM_BYTES as u64 + 1;
        if std::io::Read::take(&mut reader, limit).read_until(b'\n', &mut line).map_err(io)? == 0 {
            break;
        }
        let text = if line.len() as u64 == limit && !line.ends_with(b"\n") {
            skip_line(&mut reader).map_err(io)?;
            Err(Error::new(
                ErrorCode::InputTooLarge,
                format!("line is longer than {} bytes", yibao_core::engine::MAX_CLAIM_BYTES),
            ))
        } else {
            std::str::from_utf8(&line).map_err(|e| {
                Error::new(ErrorCode::InvalidJson, format!("line is not valid UTF-8 at byte {}", e.valid_up_to()))
            })
        };
        if text.as_ref().is_ok_and(|t| t.trim().is_empty()) {
            continue;
        }
        n += 1;
        let result = text.and_then(yibao_core::parse_claim).and_then(|claim| carry.settle(&engine, claim));
        match result {
            Ok(s) => {
                json.clear();
                yibao_core::settlement_json::write(&s, &mut json);
                out.write_all(json.as_bytes()).map_err(io)?;
            }
            Err(e) => {
                failed += 1;
                write!(out, "{{\"line\":{},\"error\":{}}}", i + 1, e.to_json()).map_err(io)?;
            }
        }
        out.write_all(b"\n").map_err(io)?;
        if tty && n % 20_000 == 0 {
            let rate = n as f64 / start.elapsed().as_secs_f64().max(1e-9);
            eprint!("\r{n} claims, {failed} failed, {rate:.0} claims/s");
        }
    }
    out.flush().map_err(io)?;
    let secs = start.elapsed().as_secs_f64();
    let rate = n as f64 / secs.max(1e-9);
    if tty {
        eprint!("\r");
    }
    eprintln!("{n} claims, {failed} failed, {secs:.2} s, {rate:.0} claims/s");
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
