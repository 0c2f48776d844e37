//! `yibao batch`: one claim a line in, one settlement (or error) a line out;
//! a line `{"reverse": <settlement>}` reverses a settlement against what its
//! member carries. Memory stays flat in the file's size: only each member's latest
//! accumulators and account balance are kept, to carry them to the member's
//! next claim, and with `--threads` at most [`IN_FLIGHT`] claims are with
//! the workers at a time.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use yibao_core::batch::{Carry, Entry, Pool};
use yibao_core::{Engine, Error, ErrorCode, Settlement};

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

/// Claims handed to the workers at a time (with `--threads`).
const CHUNK: usize = 256;
/// Claims the workers may hold before the reader waits for results: memory
/// stays bounded however long the file.
const IN_FLIGHT: usize = 8 * CHUNK;

/// Where results go: one output buffer, handed to the sink a mebibyte at a
/// time, and the counts for the progress line and the summary.
struct Output {
    out: Vec<u8>,
    sink: Box<dyn Write>,
    n: u64,
    failed: u64,
    tty: bool,
    start: Instant,
}

impl Output {
    /// Writes the result of input line `i` (from 0): its settlement, or an
    /// `{"line": n, "error": …}` line.
    fn put(&mut self, i: u64, result: Result<&Settlement, &Error>) -> Result<(), Error> {
        self.n += 1;
        let at = self.out.len();
        match result {
            // Settlements are written straight into the buffer: no copy or
            // UTF-8 check per claim.
            Ok(s) => yibao_core::settlement_json::write_bytes(s, &mut self.out),
            Err(e) => {
                self.failed += 1;
                // Writing into a byte vector cannot fail.
                let _ = write!(self.out, "{{\"line\":{},\"error\":{}}}", i + 1, e.to_json());
            }
        }
        self.out.push(b'\n');
        recode_from(&mut self.out, at);
        if self.tty && self.n % 20_000 == 0 {
            let rate = self.n as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
            eprint!("\r{} claims, {} failed, {rate:.0} claims/s", self.n, self.failed);
        }
        if self.out.len() >= OUT_CHUNK {
            self.sink.write_all(&self.out).map_err(io)?;
            self.out.clear();
        }
        Ok(())
    }

    /// Writes what is left and the summary line; exit 1 when any line failed.
    fn finish(mut self) -> Result<ExitCode, Error> {
        self.sink.write_all(&self.out).map_err(io)?;
        self.sink.flush().map_err(io)?;
        let secs = self.start.elapsed().as_secs_f64();
        let rate = self.n as f64 / secs.max(1e-9);
        if self.tty {
            eprint!("\r");
        }
        eprintln!("{} claims, {} failed, {secs:.2} s, {rate:.0} claims/s", self.n, self.failed);
        Ok(if self.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}

/// How claims are settled: in turn on this thread, or by worker threads
/// (each member on one worker, so its accumulators carry) while this thread
/// reads the next lines and writes the results in input order.
enum Settler {
    Inline(Engine, Carry),
    Pool {
        pool: Pool,
        /// Entries read but not yet handed to the workers.
        chunk: Vec<Result<Entry, Error>>,
        /// The input line of each entry read whose result is not yet
        /// written, in input order.
        lines: VecDeque<u64>,
    },
}

impl Settler {
    /// Settles (or reverses) the entry of input line `i` and writes its
    /// result, or (with workers) queues it, handing a full chunk to the workers.
    fn take(&mut self, i: u64, entry: Result<Entry, Error>, out: &mut Output) -> Result<(), Error> {
        match self {
            Settler::Inline(engine, carry) => {
                let settled = entry.and_then(|e| carry.take(engine, e));
                out.put(i, settled.as_ref())
            }
            Settler::Pool { chunk, lines, .. } => {
                chunk.push(entry);
                lines.push_back(i);
                if chunk.len() == CHUNK {
                    self.flush(false, out)?;
                }
                Ok(())
            }
        }
    }

    /// Hands the claims read to the workers and writes the results ready
    /// (waiting for some when too many are in flight, or for all at the end).
    fn flush(&mut self, end: bool, out: &mut Output) -> Result<(), Error> {
        let Settler::Pool { pool, chunk, lines } = self else { return Ok(()) };
        if !chunk.is_empty() {
            pool.submit(chunk.drain(..));
        }
        loop {
            let wait = pool.outstanding() > 0 && (end || pool.outstanding() > IN_FLIGHT);
            for r in pool.ready(wait) {
                // One line number was queued for each claim submitted.
                let i = lines.pop_front().unwrap_or_default();
                out.put(i, r.as_deref())?;
            }
            if !wait {
                return Ok(());
            }
        }
    }
}

/// Runs the batch on `threads` worker threads (0: on this thread); exits 1
/// when any line failed (each failure is in the output).
pub fn run(policy: &str, input: &str, output: Option<&Path>, threads: usize) -> Result<ExitCode, Error> {
    let engine = Engine::load(policy)?;
    let mut reader: Box<dyn BufRead> = if input == "-" {
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
    let mut out = Output {
        out: Vec::with_capacity(OUT_CHUNK + (64 << 10)),
        sink,
        n: 0,
        failed: 0,
        tty: std::io::stderr().is_terminal(),
        start: Instant::now(),
    };
    let mut settler = if threads == 0 {
        Settler::Inline(engine, Carry::default())
    } else {
        Settler::Pool { pool: Pool::new(&engine, threads), chunk: Vec::with_capacity(CHUNK), lines: VecDeque::new() }
    };
    let mut spill = Vec::with_capacity(4096);
    let mut line = |i: u64, text: Result<Cow<str>, Error>, out: &mut Output| {
        if text.as_ref().is_ok_and(|t| t.trim().is_empty()) {
            return Ok(());
        }
        settler.take(i, text.and_then(|t| yibao_core::batch::parse_entry(&t)), out)
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
            line(i, text(&buf[..=end]), &mut out)?;
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
            line(i, text, &mut out)?;
        }
    }
    settler.flush(true, &mut out)?;
    out.finish()
}
