//! `yibao batch`: one claim a line in, one settlement (or error) a line out.
//! Memory stays flat in the file's size: only each member's latest
//! accumulators and account balance are kept, to carry them to the member's next claim.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, IsTerminal, Write};
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
        match memchr::memchr(b'\n', buf) {
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

/// How much output is gathered before it is written.
const OUT_CHUNK: usize = 1 << 20;

/// A line's text in the chosen `--encoding`, or `INVALID_JSON` naming the
/// first byte that is not of it.
fn text(line: &[u8]) -> Result<Cow<'_, str>, Error> {
    crate::encoding::decode(line, "line")
}

/// Re-encodes what was written to `out` from `at` on in the chosen
/// `--encoding` (the settlement writer writes UTF-8).
fn recode_from(out: &mut Vec<u8>, at: usize) {
    if !crate::encoding::recodes() {
        return;
    }
    let tail = out.split_off(at);
    // The writer writes UTF-8; a lossy read is only a guard.
    let text = String::from_utf8_lossy(&tail);
    out.extend_from_slice(&crate::encoding::encode(&text));
}

/// Runs the batch; exits 1 when any line failed (each failure is in the output).
pub fn run(policy: &str, input: &str, output: Option<&Path>) -> Result<ExitCode, Error> {
    let engine = Engine::load(policy)?;
    let mut reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::new(std::io::stdin().lock()))
    } else {
        let f =
            std::fs::File::open(input).map_err(|e| Error::new(ErrorCode::Io, format!("cannot read `{input}`: {e}")))?;
        Box::new(BufReader::with_capacity(1 << 20, f))
    };
    let mut sink: Box<dyn Write> = match output {
        Some(p) => Box::new(
            std::fs::File::create(p)
                .map_err(|e| Error::new(ErrorCode::Io, format!("cannot write `{}`: {e}", p.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    // Settlements are written straight into one buffer, handed to the sink
    // a mebibyte at a time: no copy or UTF-8 check per claim.
    let mut out: Vec<u8> = Vec::with_capacity(OUT_CHUNK + (64 << 10));
    let tty = std::io::stderr().is_terminal();
    let start = Instant::now();
    let mut carry = Carry::default();
    let (mut n, mut failed) = (0u64, 0u64);
    let mut spill = Vec::with_capacity(4096);
    let mut settle_line = |i: u64, text: Result<Cow<str>, Error>, out: &mut Vec<u8>| {
        if text.as_ref().is_ok_and(|t| t.trim().is_empty()) {
            return;
        }
        n += 1;
        let at = out.len();
        match text.and_then(|t| yibao_core::parse_claim(&t)).and_then(|claim| carry.settle(&engine, claim)) {
            Ok(s) => yibao_core::settlement_json::write_bytes(&s, out),
            Err(e) => {
                failed += 1;
                // Writing into a byte vector cannot fail.
                let _ = write!(out, "{{\"line\":{},\"error\":{}}}", i + 1, e.to_json());
            }
        }
        out.push(b'\n');
        recode_from(out, at);
        if tty && n % 20_000 == 0 {
            let rate = n as f64 / start.elapsed().as_secs_f64().max(1e-9);
            eprint!("\r{n} claims, {failed} failed, {rate:.0} claims/s");
        }
    };
    for i in 0u64.. {
        // A line whole in the reader's buffer is read where it lies; one
        // that runs past the buffer's end is gathered in `spill`, never
        // longer than the claim limit: the rest of an oversize line is
        // skipped, not read in.
        let buf = reader.fill_buf().map_err(io)?;
        if buf.is_empty() {
            break;
        }
        if let Some(end) = memchr::memchr(b'\n', buf) {
            settle_line(i, text(&buf[..=end]), &mut out);
            reader.consume(end + 1);
        } else {
            spill.clear();
            let limit = yibao_core::engine::MAX_CLAIM_BYTES as u64 + 1;
            std::io::Read::take(&mut reader, limit).read_until(b'\n', &mut spill).map_err(io)?;
            let text = if spill.len() as u64 == limit && !spill.ends_with(b"\n") {
                skip_line(&mut reader).map_err(io)?;
                Err(Error::new(
                    ErrorCode::InputTooLarge,
                    format!("line is longer than {} bytes", yibao_core::engine::MAX_CLAIM_BYTES),
                ))
            } else {
                text(&spill)
            };
            settle_line(i, text, &mut out);
        }
        if out.len() >= OUT_CHUNK {
            sink.write_all(&out).map_err(io)?;
            out.clear();
        }
    }
    sink.write_all(&out).map_err(io)?;
    sink.flush().map_err(io)?;
    let secs = start.elapsed().as_secs_f64();
    let rate = n as f64 / secs.max(1e-9);
    if tty {
        eprint!("\r");
    }
    eprintln!("{n} claims, {failed} failed, {secs:.2} s, {rate:.0} claims/s");
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
