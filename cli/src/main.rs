//! `yibao`: settle claims from the command line (`contract.md`, "The CLI").

/// `println!` that survives a closed stdout: when the reader has gone
/// (`yibao policies | head -3`), the program ends quietly with success
/// rather than panicking, as `println!` does; any other write error is
/// reported as an `IO` error on stderr. The text is written in the chosen
/// `--encoding`.
macro_rules! out {
    () => {
        out!("")
    };
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut text = format!($($arg)*);
        text.push('\n');
        if let Err(e) = std::io::stdout().lock().write_all(&$crate::encoding::encode(&text)) {
            $crate::stdout_failed(e);
        }
    }};
}

mod batch;
mod demo;
mod encoding;
mod ops;

use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use yibao_core::{Engine, Error, ErrorCode};

/// mimalloc: a settlement is dozens of small allocations freed soon after;
/// `yibao batch` runs about a sixth faster than on glibc's allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Adjudicates Chinese basic medical-insurance claims.
#[derive(Parser)]
#[command(name = "yibao", version, about)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Encoding of the files read and of what is written: `utf-8`, or `gbk`
    /// (read as GB18030, its superset; written in GB18030).
    #[arg(long, global = true, value_enum, default_value = "utf-8")]
    encoding: encoding::Encoding,
}

#[derive(Subcommand)]
enum Cmd {
    /// Settle one claim; the settlement JSON goes to stdout.
    Settle {
        /// Built-in pack ID or policy file (default: the claim's `policy`).
        #[arg(long)]
        policy: Option<String>,
        /// Claim JSON file, or `-` for stdin.
        #[arg(default_value = "-")]
        claim: String,
        /// Indent the output.
        #[arg(long)]
        pretty: bool,
    },
    /// Reverse a settlement: amounts negated, accumulators given back.
    Reverse {
        /// Settlement JSON file, or `-` for stdin.
        #[arg(default_value = "-")]
        settlement: String,
        /// The member's current accumulators (JSON), if later claims were settled since.
        #[arg(long)]
        ytd: Option<PathBuf>,
        /// The member's current personal-account balance (`1234.50`), which
        /// gets back what their own account paid; the balance the settlement
        /// left if absent.
        #[arg(long)]
        balc: Option<String>,
    },
    /// List the built-in packs, their rule IDs and the parameters each still needs.
    Policies {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Load and validate a policy file (with its `extends`), and summarise it.
    CheckPolicy {
        /// The policy file.
        file: PathBuf,
    },
    /// Print the JSON Schema of policy files or of claims (for editors: point a file's `$schema` at it).
    Schema {
        /// Which schema.
        #[arg(value_enum, default_value = "policy")]
        of: SchemaOf,
    },
    /// Settle a JSONL file of claims, carrying accumulators and the account balance per `psn_no`.
    Batch {
        /// Built-in pack ID or policy file.
        #[arg(long)]
        policy: String,
        /// Input JSONL (one claim a line, or `{"reverse": <settlement>}` to
        /// reverse one), or `-` for stdin.
        input: String,
        /// Output JSONL (one settlement or error a line); stdout if absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Worker threads that settle while this one reads and writes (each
        /// member on one worker); 0 settles on this thread. By default one
        /// fewer than the cores (this thread keeps one busy). Results are the
        /// same, in input order, whatever the number.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Check an application for manual reimbursement (claim, materials, dates, card use).
    Check(OpArgs),
    /// Apply a remote-treatment filing transition (create, cancel, change, suspend, resume).
    Filing(OpArgs),
    /// Apply a chronic-disease certification step (submit, accept, approve, reject, resubmit, death).
    Certify(OpArgs),
    /// The manual-reimbursement window of a claim.
    Deadline(OpArgs),
    /// The n-th working day after a date: input `{"from": "YYYY-MM-DD", "days": n}`.
    Workdays(OpArgs),
    /// Settle the bundled sample claims and print a table with the trace.
    Demo {
        /// Built-in pack to use.
        #[arg(long, default_value = yibao_core::policy::builtin::DEFAULT)]
        policy: String,
    },
}

/// The documents `yibao schema` describes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaOf {
    /// A policy file (`schemas/policy.schema.json`).
    Policy,
    /// A claim (`schemas/claim.schema.json`).
    Claim,
}

/// Arguments of the paperwork operations.
#[derive(clap::Args)]
struct OpArgs {
    /// Built-in pack ID or policy file.
    #[arg(long, default_value = yibao_core::policy::builtin::DEFAULT)]
    policy: String,
    /// Input JSON file, or `-` for stdin.
    #[arg(default_value = "-")]
    input: String,
    /// Indent the output.
    #[arg(long)]
    pretty: bool,
}

/// The text of a file (`-`: stdin) in the chosen `--encoding`; bytes that
/// are not of it are refused with `INVALID_JSON` and their offset.
fn read_input(path: &str) -> Result<String, Error> {
    let mut bytes = Vec::new();
    let res = if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    res.map_err(|e| Error::new(ErrorCode::Io, format!("cannot read `{path}`: {e}")))?;
    let what = if path == "-" { "stdin".to_string() } else { format!("`{path}`") };
    Ok(encoding::decode(&bytes, &what)?.into_owned())
}

/// Ends the program after a failed write to stdout (see `out!`).
fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    let _ = fail(&Error::new(ErrorCode::Io, format!("cannot write the output: {e}")));
    std::process::exit(1);
}

fn fail(e: &Error) -> ExitCode {
    use std::io::Write as _;
    let mut text = e.to_json();
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(&encoding::encode(&text));
    ExitCode::from(1)
}

fn to_json<T: serde::Serialize>(v: &T, pretty: bool) -> String {
    let r = if pretty { serde_json::to_string_pretty(v) } else { serde_json::to_string(v) };
    r.unwrap_or_else(|e| Error::new(ErrorCode::Internal, e.to_string()).to_json())
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.cmd {
        Cmd::Settle { policy, claim, pretty } => {
            let text = read_input(&claim)?;
            let parsed = yibao_core::parse_claim(&text)?;
            let spec = match (policy, &parsed.policy) {
                (Some(p), _) => p,
                (None, Some(p)) => p.clone(),
                (None, None) => {
                    return Err(Error::at(
                        ErrorCode::UnknownPolicy,
                        "policy",
                        "give --policy or a `policy` in the claim",
                    ))
                }
            };
            let engine = Engine::load(&spec)?;
            let s = engine.settle(&parsed)?;
            out!("{}", to_json(&s, pretty));
        }
        Cmd::Reverse { settlement, ytd, balc } => {
            let s = yibao_core::parse_settlement(&read_input(&settlement)?)?;
            let current = match ytd {
                Some(p) => {
                    let t = read_input(&p.to_string_lossy())?;
                    Some(serde_json::from_str(&t).map_err(|e| Error::from_serde(ErrorCode::InvalidClaim, "ytd", &e))?)
                }
                None => None,
            };
            let balc = balc
                .map(|b| {
                    yibao_core::money::parse_decimal(&b, 2).map_err(|e| Error::at(ErrorCode::InvalidClaim, "balc", e))
                })
                .transpose()?;
            let r = yibao_core::adjudicate::reverse::reverse(&s, current.as_ref(), balc)?;
            out!("{}", to_json(&r, false));
        }
        Cmd::Policies { json } => {
            let list = yibao_core::policies()?;
            if json {
                out!("{}", to_json(&list, true));
            } else {
                for p in list {
                    out!("{}\n  {}\n  versions: {}\n  {}", p.id, p.title, p.versions.join(", "), p.hash);
                    out!("  rules: {}", p.rules.join(" "));
                    if p.required_params.is_empty() {
                        out!("  required parameters: none");
                    }
                    for r in p.required_params {
                        out!("  required parameter `{}` ({}): {}", r.name, r.rule, r.doc);
                    }
                    out!();
                }
            }
        }
        Cmd::CheckPolicy { file } => {
            let e = Engine::from_file(&file)?;
            let p = e.policy();
            out!("{} ok: {} version(s), {} rule(s), {}", p.id, p.versions.len(), p.rules.len(), p.hash);
            for v in &p.versions {
                let keys = |k: Vec<&str>| if k.is_empty() { "none".to_string() } else { k.join(", ") };
                out!("  version {}", v.describe());
                out!("    benefits, tried in order: {}", keys(v.body.benefits.keys().collect()));
                out!("    layers, paid in order: {}", keys(v.body.layers.keys().collect()));
            }
            for m in p.missing_params() {
                out!("  still required: `{}` ({})", m.name, m.rule);
            }
            for u in &p.undefined_rules {
                out!("  warning: rule `{}` ({}) has no text in `rules`", u.rule, u.place);
            }
        }
        Cmd::Schema { of } => {
            let schema = match of {
                SchemaOf::Policy => yibao_core::policy::json_schema::policy_file_schema(),
                SchemaOf::Claim => yibao_core::json_schema::claim_schema(),
            };
            out!("{}", to_json(&schema, true));
        }
        Cmd::Batch { policy, input, output, threads } => {
            let threads = threads.unwrap_or_else(yibao_core::batch::default_workers);
            return batch::run(&policy, &input, output.as_deref(), threads);
        }
        Cmd::Demo { policy } => demo::run(&policy)?,
        Cmd::Check(a) => ops::run(&a.policy, "check", &a.input, a.pretty)?,
        Cmd::Filing(a) => ops::run(&a.policy, "filing", &a.input, a.pretty)?,
        Cmd::Certify(a) => ops::run(&a.policy, "certification", &a.input, a.pretty)?,
        Cmd::Deadline(a) => ops::run(&a.policy, "deadline", &a.input, a.pretty)?,
        Cmd::Workdays(a) => ops::run(&a.policy, "workdays", &a.input, a.pretty)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    encoding::choose(cli.encoding);
    match run(cli) {
        Ok(c) => c,
        Err(e) => fail(&e),
    }
}
