//! Settling many claims: accumulators and the personal-account balance
//! carried per member (`psn_no`) from one claim to the next, as when a year
//! of claims is replayed. A claim that brings its own `ytd` (or `psn.balc`)
//! starts from it. A replayed year also holds cancellations (结算撤销): an
//! [`Entry::Reverse`] takes a settlement back out of what its member carries.

use crate::claim::Claim;
use crate::engine::{parse_claim, Engine};
use crate::error::{Error, ErrorCode, Result};
use crate::money::Decimal;
use crate::settlement::Settlement;
use crate::ytd::Ytd;
use std::collections::{HashMap, VecDeque};
use std::sync::{mpsc, Arc};

/// One entry of a replayed stream: a claim to settle, or a settlement to
/// reverse against what its member carries.
// Claims are nearly every entry: boxing them would cost an allocation each.
// The rare reversal is boxed instead.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A claim to settle.
    Claim(Claim),
    /// A settlement to reverse (a line `{"reverse": <settlement>}`).
    Reverse(Box<Settlement>),
}

impl From<Claim> for Entry {
    fn from(c: Claim) -> Entry {
        Entry::Claim(c)
    }
}

impl Entry {
    /// The member the entry is about.
    pub fn psn_no(&self) -> &str {
        match self {
            Entry::Claim(c) => &c.psn.psn_no,
            Entry::Reverse(s) => &s.psn_no,
        }
    }
}

/// Reads one line of a replayed stream: an object whose first key is
/// `reverse` is a reversal, `{"reverse": <settlement>}` and nothing else
/// (an error names the path inside it, `reverse.setlinfo.balc`); anything
/// else is read as a claim.
pub fn parse_entry(text: &str) -> Result<Entry> {
    if !opens_with_key(text, "reverse") {
        return parse_claim(text).map(Entry::Claim);
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReverseLine {
        reverse: Settlement,
    }
    let text = crate::engine::without_bom(text);
    if text.len() > crate::engine::MAX_CLAIM_BYTES {
        return Err(Error::new(
            ErrorCode::InputTooLarge,
            format!("entry is larger than {} bytes", crate::engine::MAX_CLAIM_BYTES),
        ));
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let line: ReverseLine = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::from_serde(ErrorCode::InvalidSettlement, &path, e.inner())
    })?;
    Ok(Entry::Reverse(Box::new(line.reverse)))
}

/// Whether `text` is a JSON object whose first key is `key` (spelt plainly,
/// as every writer spells it): `{ "reverse" :` with any spacing.
fn opens_with_key(text: &str, key: &str) -> bool {
    let rest = crate::engine::without_bom(text).trim_start();
    let Some(rest) = rest.strip_prefix('{') else { return false };
    let Some(rest) = rest.trim_start().strip_prefix('"') else { return false };
    rest.strip_prefix(key).and_then(|r| r.strip_prefix('"')).is_some_and(|r| r.trim_start().starts_with(':'))
}

/// What is carried for one member to their next claim.
#[derive(Debug, Default)]
struct Latest {
    /// The accumulators after the member's last settled claim; `None` while
    /// the member's claim is being settled, or before any has settled.
    ytd: Option<Ytd>,
    /// The personal-account balance after the member's last settled claim.
    balc: Option<Decimal>,
    /// The input hashes of the member's settlements reversed in this stream
    /// (and not settled again since): a second reversal of one would take
    /// its stay out of the accumulators twice. Empty but for members with
    /// cancellations.
    reversed: Vec<String>,
}

/// Each member's latest accumulators and balance; memory grows with
/// members, not claims.
#[derive(Debug, Default)]
pub struct Carry {
    latest: HashMap<crate::claim::Code, Latest>,
}

impl Carry {
    /// Settles or reverses `entry`: [`Carry::settle`] or [`Carry::reverse`].
    /// A reversal's error names its field as the line spells it
    /// (`reverse.stamp.input_hash`); a path in `ytd` is the carried
    /// accumulators, which no line holds.
    pub fn take(&mut self, engine: &Engine, entry: Entry) -> Result<Settlement> {
        match entry {
            Entry::Claim(c) => self.settle(engine, c),
            Entry::Reverse(s) => self.reverse(engine, &s).map_err(|mut e| {
                if let Some(p) = e.path.as_mut().filter(|p| *p != "ytd" && !p.starts_with("ytd.")) {
                    *p = format!("reverse.{p}");
                }
                e
            }),
        }
    }

    /// Reverses `s` against what its member carries: their accumulators
    /// lose what it added (those it left, when the stream has settled nothing
    /// of theirs yet), and their carried balance gets back what their own
    /// account paid, which the reversal reports as its `balc`. A reversal
    /// that fails (a settlement of another year than the carried
    /// accumulators, one they do not hold, or one already reversed in this
    /// stream) leaves both as they were.
    pub fn reverse(&mut self, engine: &Engine, s: &Settlement) -> Result<Settlement> {
        let slot = self.latest.entry(s.psn_no.clone()).or_default();
        if slot.reversed.contains(&s.stamp.input_hash) {
            return Err(Error::at(
                ErrorCode::InvalidSettlement,
                "stamp.input_hash",
                format!(
                    "this settlement of visit `{}` was already reversed earlier in the stream; a second reversal \
                     would take it out of the accumulators twice",
                    s.mdtrt_id
                ),
            ));
        }
        let r =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.reverse(s, slot.ytd.as_ref(), slot.balc)))
                .unwrap_or_else(|_| Err(Error::new(ErrorCode::Internal, "reversing this settlement panicked")))?;
        slot.ytd = Some(r.ytd_after.clone());
        slot.balc = Some(r.setlinfo.balc);
        slot.reversed.push(s.stamp.input_hash.clone());
        Ok(r)
    }

    /// Settles `claim`, filling a missing `ytd` from the member's previous
    /// result, and a missing `psn.balc` from the balance it left. A claim
    /// that fails (or panics: a bug costs this claim, not the caller) leaves
    /// the member's accumulators and balance as they were.
    pub fn settle(&mut self, engine: &Engine, mut claim: Claim) -> Result<Settlement> {
        // The member's accumulators are moved into the claim, not copied, and
        // put back if the claim fails. One look-up finds the member's slot
        // for both ways.
        let slot = self.latest.entry(claim.psn.psn_no.clone()).or_default();
        let carried = claim.ytd.is_none();
        if carried {
            claim.ytd = slot.ytd.take();
        }
        if claim.psn.balc.is_none() {
            claim.psn.balc = slot.balc;
        }
        let settled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.settle(&claim)))
            .unwrap_or_else(|_| Err(Error::new(ErrorCode::Internal, "settling this claim panicked")));
        match settled {
            Ok(s) => {
                slot.ytd = Some(s.ytd_after.clone());
                slot.balc = Some(s.setlinfo.balc);
                // The same claim settled again from the same accumulators
                // gives the same settlement: that one may be reversed.
                slot.reversed.retain(|h| *h != s.stamp.input_hash);
                Ok(s)
            }
            Err(e) => {
                if carried {
                    slot.ytd = claim.ytd;
                }
                Err(e)
            }
        }
    }
}

/// Settles claims (or [`Entry`]s) in order per member, spreading members
/// over `threads` threads (`0`: on this thread); results come back in input
/// order. Same results as a loop of [`Carry::take`] over the input.
pub fn settle_many<E: Into<Entry>>(engine: &Engine, claims: Vec<Result<E>>, threads: usize) -> Vec<Result<Settlement>> {
    let n = claims.len();
    let mut pool = Pool::new(engine, threads);
    pool.submit(claims);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        out.extend(pool.ready(true).into_iter().map(|r| r.map(Arc::unwrap_or_clone)));
    }
    out
}

/// The worker threads a stream gets by default: one fewer than the cores
/// (0 on one core), the reading thread keeping the last one busy.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get() - 1)
}

/// One worker's share of a chunk: `(input index, entry)`.
type Job = Vec<(usize, Result<Entry>)>;
/// A worker's results for one job, and the job's vector, emptied, to be
/// filled again: a chunk's vector is a few hundred kilobytes, and a fresh
/// one each time costs the kernel fresh zeroed pages.
type Done = (Vec<(usize, Result<Arc<Settlement>>)>, Job);

/// Emptied job vectors kept per worker for the next chunks.
const SPARE_PER_WORKER: usize = 4;
/// Largest emptied job vector kept (in claims, about 750 bytes each).
const SPARE_MAX_CLAIMS: usize = 1024;

/// Long-lived workers that settle a stream of claims submitted chunk by
/// chunk. Each member always goes to the same worker (by a hash of
/// `psn_no`), so its accumulators carry across chunks; results are handed
/// back in input order; memory is bounded by what the caller leaves in
/// flight. The workers stop when the pool is dropped.
///
/// A settlement is put in an [`Arc`] by the worker that settles it: handing
/// it back through the channel, the waiting ring and the caller's vector
/// then moves a pointer, not its near-kilobyte body, on the caller's thread
/// (in Python the thread that holds the GIL), and a binding that shares
/// results keeps the `Arc` as it is.
#[derive(Debug)]
pub struct Pool {
    jobs: Vec<mpsc::Sender<Job>>,
    done: mpsc::Receiver<Done>,
    /// Results received but not yet handed back (waiting for earlier ones):
    /// slot `k` holds claim `next_out + k`. Handing back the front moves no
    /// other result (a map's node would shift its neighbours).
    waiting: VecDeque<Option<Result<Arc<Settlement>>>>,
    /// Index the next submitted claim gets.
    next_in: usize,
    /// Index of the next result to hand back.
    next_out: usize,
    /// Jobs sent whose results have not been received.
    jobs_out: usize,
    /// Emptied job vectors the workers gave back, for the next chunks.
    spare: Vec<Job>,
    /// Where no worker thread could be started: the engine and carry that
    /// settle each chunk on the caller's thread instead.
    inline: Option<Box<(Engine, Carry)>>,
}

impl Pool {
    /// Starts `threads` workers (at most 64) over `engine`. With none (`0`,
    /// or when the system starts no thread) each chunk is settled on the
    /// caller's thread as it is submitted.
    pub fn new(engine: &Engine, threads: usize) -> Pool {
        let (done_tx, done) = mpsc::channel::<Done>();
        let mut jobs = Vec::new();
        for _ in 0..threads.min(64) {
            let (tx, rx) = mpsc::channel::<Job>();
            let (engine, done_tx) = (engine.clone(), done_tx.clone());
            // A thread the system refuses (out of threads or memory) is one
            // worker fewer, not a panic.
            match std::thread::Builder::new().name("yibao-settle".into()).spawn(move || work(&engine, &rx, &done_tx)) {
                Ok(_) => jobs.push(tx),
                Err(_) => break,
            }
        }
        let inline = jobs.is_empty().then(|| Box::new((engine.clone(), Carry::default())));
        Pool { jobs, done, waiting: VecDeque::new(), next_in: 0, next_out: 0, jobs_out: 0, spare: Vec::new(), inline }
    }

    /// How many worker threads run (0 when the pool settles on the caller's thread).
    pub fn workers(&self) -> usize {
        self.jobs.len()
    }

    fn worker_of(&self, psn_no: &str) -> usize {
        // FNV-1a: stable across runs, so a replay spreads members the same way.
        let h = psn_no.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        (h % self.jobs.len() as u64) as usize
    }

    /// Hands a chunk of claims (or [`Entry`]s) to the workers; it follows
    /// every one submitted before. A caller that reads chunk after chunk can
    /// pass `buf.drain(..)` and keep its buffer.
    pub fn submit<E: Into<Entry>>(&mut self, chunk: impl IntoIterator<Item = Result<E>>) {
        let chunk = chunk.into_iter().map(|c| c.map(Into::into));
        if let Some(inline) = self.inline.as_deref_mut() {
            let (engine, carry) = (&inline.0, &mut inline.1);
            for c in chunk {
                let settled = c.and_then(|c| carry.take(engine, c)).map(Arc::new);
                // Settled in order: every earlier claim is already kept.
                self.waiting.push_back(Some(settled));
                self.next_in += 1;
            }
            return;
        }
        let mut work: Vec<Job> = (0..self.jobs.len()).map(|_| self.spare.pop().unwrap_or_default()).collect();
        for c in chunk {
            let w = c.as_ref().map_or(0, |c| self.worker_of(c.psn_no()));
            work[w].push((self.next_in, c));
            self.next_in += 1;
        }
        for (w, job) in work.into_iter().enumerate() {
            if job.is_empty() {
                continue;
            }
            match self.jobs[w].send(job) {
                Ok(()) => self.jobs_out += 1,
                // The worker is gone (it cannot be, short of an abort): fail its claims.
                Err(mpsc::SendError(job)) => {
                    for (i, _) in job {
                        *self.slot(i) = Some(Err(Error::new(ErrorCode::Internal, "a worker stopped")));
                    }
                }
            }
        }
    }

    /// Where the result of claim `i` (not yet handed back) is kept.
    fn slot(&mut self, i: usize) -> &mut Option<Result<Arc<Settlement>>> {
        let k = i - self.next_out;
        if self.waiting.len() <= k {
            self.waiting.resize_with(k + 1, || None);
        }
        &mut self.waiting[k]
    }

    /// Claims submitted whose results have not been handed back yet.
    pub fn outstanding(&self) -> usize {
        self.next_in - self.next_out
    }

    /// The results now available, in input order, continuing where the last
    /// call stopped. With `wait`, blocks until at least one worker reports
    /// (unless nothing is outstanding).
    pub fn ready(&mut self, wait: bool) -> Vec<Result<Arc<Settlement>>> {
        let mut block = wait && self.jobs_out > 0;
        while self.jobs_out > 0 {
            let got = if block {
                self.done.recv().map_err(|_| mpsc::TryRecvError::Disconnected)
            } else {
                self.done.try_recv()
            };
            let results = match got {
                Ok((results, emptied)) => {
                    // A few vectors per worker, none larger than a chunk
                    // worth keeping: memory stays bounded by what the caller
                    // leaves in flight, even after one huge chunk.
                    if self.spare.len() < SPARE_PER_WORKER * self.jobs.len() && emptied.capacity() <= SPARE_MAX_CLAIMS {
                        self.spare.push(emptied);
                    }
                    results
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    // Every worker is gone (it cannot be, short of an abort): fail what they held.
                    for i in self.next_out..self.next_in {
                        self.slot(i).get_or_insert_with(|| Err(Error::new(ErrorCode::Internal, "a worker stopped")));
                    }
                    self.jobs_out = 0;
                    break;
                }
            };
            block = false;
            self.jobs_out -= 1;
            for (i, r) in results {
                *self.slot(i) = Some(r);
            }
        }
        let mut out = Vec::new();
        while let Some(r) = self.waiting.front_mut().and_then(Option::take) {
            self.waiting.pop_front();
            out.push(r);
            self.next_out += 1;
        }
        out
    }
}

/// A worker: settles each job with its own carry and reports the results.
fn work(engine: &Engine, jobs: &mpsc::Receiver<Job>, done: &mpsc::Sender<Done>) {
    let mut carry = Carry::default();
    while let Ok(mut job) = jobs.recv() {
        let results = job.drain(..).map(|(i, c)| (i, c.and_then(|c| carry.take(engine, c)).map(Arc::new))).collect();
        if done.send((results, job)).is_err() {
            return;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn claim(med_type: &str) -> Claim {
        let text = crate::demo::sample_claim(3).replace("\"med_type\":\"21\"", &format!("\"med_type\":\"{med_type}\""));
        let mut c = crate::parse_claim(&text).unwrap();
        c.ytd = None;
        c
    }

    #[test]
    fn a_failing_claim_leaves_the_carried_accumulators_as_they_were() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let mut carry = Carry::default();
        let first = carry.settle(&engine, claim("21")).unwrap();
        assert_eq!(carry.settle(&engine, claim("77")).unwrap_err().code, ErrorCode::UnknownCode);
        let third = carry.settle(&engine, claim("21")).unwrap();
        let mut direct = claim("21");
        direct.ytd = Some(first.ytd_after.clone());
        assert_eq!(third, engine.settle(&direct).unwrap());
        assert_eq!(third.ytd_after.admissions, 2);
        // A member whose first claim fails has nothing carried: the next starts the year.
        let mut fresh = Carry::default();
        assert!(fresh.settle(&engine, claim("77")).is_err());
        assert_eq!(fresh.settle(&engine, claim("21")).unwrap().ytd_after.admissions, 1);
    }

    /// The example policy whose account pays the member's in-scope share,
    /// and the claim of its conformance case (an 11 000.00 stay, a balance
    /// of 5 000.00).
    pub(crate) fn account_case() -> (Engine, Claim) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let engine = Engine::from_file(&root.join("examples/policies/account-inscp.json")).unwrap();
        let case =
            std::fs::read_to_string(root.join("tests/conformance/cases/feature-account-inscp-share.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&case).unwrap();
        (engine, crate::claim_from_value(v["claim"].clone()).unwrap())
    }

    #[test]
    fn a_claim_without_a_balance_continues_from_the_balance_the_last_one_left() {
        // The account pays the member's in-scope share (3 700.00 of a
        // 11 000.00 stay) while the balance lasts.
        let (engine, first) = account_case();
        assert_eq!(first.psn.balc, Some(Decimal::from(5000)));
        let mut later = first.clone();
        later.psn.balc = None;
        let mut carry = Carry::default();
        let paid: Vec<_> = [first.clone(), later.clone(), later.clone()]
            .into_iter()
            .map(|c| {
                let s = carry.settle(&engine, c).unwrap();
                (s.setlinfo.acct_pay.to_string(), s.setlinfo.balc.to_string())
            })
            .collect();
        assert_eq!(
            paid,
            [("3700.00", "1300.00"), ("1300.00", "0.00"), ("0.00", "0.00")].map(|(a, b)| (a.into(), b.into()))
        );
        // A claim that gives its balance starts from it; a failing claim
        // leaves the carried balance as it was.
        let mut bad = later.clone();
        bad.mdtrt.med_type = "77".into();
        let mut carry = Carry::default();
        carry.settle(&engine, first.clone()).unwrap();
        assert!(carry.settle(&engine, bad).is_err());
        assert_eq!(carry.settle(&engine, later.clone()).unwrap().setlinfo.acct_pay, Decimal::from(1300));
        let mut own = later.clone();
        own.psn.balc = Some(Decimal::from(100));
        assert_eq!(carry.settle(&engine, own).unwrap().setlinfo.acct_pay, Decimal::from(100));
        // With nothing carried, an absent balance is zero.
        let mut fresh = Carry::default();
        assert_eq!(fresh.settle(&engine, later).unwrap().setlinfo.acct_pay, Decimal::ZERO);
    }

    #[test]
    fn a_reversal_takes_its_settlement_out_of_what_the_member_carries() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        // Three stays of one member, each its own visit.
        let stay = |id: &str| {
            let mut c = claim("21");
            c.mdtrt.mdtrt_id = id.into();
            c
        };
        let mut carry = Carry::default();
        let first = carry.settle(&engine, stay("M1")).unwrap();
        let second = carry.settle(&engine, stay("M2")).unwrap();
        assert_eq!(second.ytd_after.admissions, 2);
        // The first stay is cancelled after the second: the carried
        // accumulators keep the second alone.
        let r = carry.take(&engine, Entry::Reverse(Box::new(first.clone()))).unwrap();
        assert_eq!(r.status, crate::Status::Reversed);
        assert_eq!(r.ytd_after, engine.reverse(&first, Some(&second.ytd_after), None).unwrap().ytd_after);
        assert_eq!(r.ytd_after.admissions, 1);
        assert_eq!(r.ytd_after.dedc_paid, second.ytd_after.dedc_paid - first.ytd_delta.dedc_paid);
        // The next stay is the year's second again.
        let third = carry.settle(&engine, stay("M3")).unwrap();
        assert_eq!(third.ytd_after.admissions, 2);
        let mut direct = stay("M3");
        direct.ytd = Some(r.ytd_after.clone());
        assert_eq!(third, engine.settle(&direct).unwrap());
        // Reversing every stay gives back the year as it began, exactly.
        carry.reverse(&engine, &second).unwrap();
        let last = carry.reverse(&engine, &third).unwrap();
        assert_eq!(last.ytd_after.normalized(), Ytd::fresh(2010).normalized());
        // A reversal of a member the stream has not settled yet starts from the settlement's own `ytd_after`.
        let mut fresh = Carry::default();
        assert_eq!(fresh.reverse(&engine, &first).unwrap(), engine.reverse(&first, None, None).unwrap());
    }

    #[test]
    fn a_failing_reversal_leaves_what_the_member_carries() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let mut carry = Carry::default();
        let first = carry.settle(&engine, claim("21")).unwrap();
        // A reversal cannot be reversed; nor can a settlement of another year.
        let reversed = engine.reverse(&first, None, None).unwrap();
        assert_eq!(carry.reverse(&engine, &reversed).unwrap_err().code, ErrorCode::InvalidSettlement);
        let mut other_year = first.clone();
        other_year.ytd_delta.year = 2009;
        let e = carry.take(&engine, Entry::Reverse(Box::new(other_year))).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::InvalidSettlement, Some("ytd")),
            "the carried accumulators"
        );
        let second = carry.settle(&engine, claim("21")).unwrap();
        assert_eq!(second.ytd_after.admissions, 2, "the failed reversals took nothing out");
    }

    #[test]
    fn a_settlement_is_reversed_once_in_a_stream() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        // The year's first stay brings its accumulators; the second goes on from it.
        let stay = |id: &str, ytd: Option<Ytd>| {
            let mut c = claim("21");
            c.mdtrt.mdtrt_id = id.into();
            c.ytd = ytd;
            c
        };
        let mut carry = Carry::default();
        let first = carry.settle(&engine, stay("M1", Some(Ytd::fresh(2010)))).unwrap();
        let second = carry.settle(&engine, stay("M2", None)).unwrap();
        assert_eq!(carry.reverse(&engine, &first).unwrap().ytd_after.admissions, 1);
        // A second reversal of it is refused, though the accumulators (one
        // stay left) could give another back.
        let e = carry.reverse(&engine, &first).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidSettlement, Some("stamp.input_hash")));
        // As a line of a stream, the path is the line's.
        let e = carry.take(&engine, Entry::Reverse(Box::new(first.clone()))).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("reverse.stamp.input_hash"));
        assert_eq!(carry.reverse(&engine, &second).unwrap().ytd_after.admissions, 0);
        // The same claim settled again gives the same settlement, which may
        // then be reversed again.
        let again = carry.settle(&engine, stay("M1", Some(Ytd::fresh(2010)))).unwrap();
        assert_eq!(again, first);
        assert_eq!(carry.reverse(&engine, &first).unwrap().ytd_after.admissions, 0);
        assert!(carry.reverse(&engine, &first).is_err());
    }

    #[test]
    fn a_reversal_gives_the_account_back_on_the_carried_balance() {
        // The account pays the in-scope share (3 700.00) of each stay while
        // the 5 000.00 the first claim gives lasts.
        let (engine, first) = account_case();
        let mut later = first.clone();
        later.psn.balc = None;
        let mut carry = Carry::default();
        let a = carry.settle(&engine, first).unwrap();
        let b = carry.settle(&engine, later.clone()).unwrap();
        assert_eq!((a.setlinfo.balc, b.setlinfo.balc), (Decimal::from(1300), Decimal::ZERO));
        // Cancelling the first stay gives its 3 700.00 back to the balance
        // the member has now (0.00), not to the one it left (1 300.00).
        let r = carry.reverse(&engine, &a).unwrap();
        assert_eq!(r.setlinfo.acct_pay, Decimal::from(-3700));
        assert_eq!(r.setlinfo.balc, Decimal::from(3700));
        let c = carry.settle(&engine, later).unwrap();
        assert_eq!((c.setlinfo.acct_pay, c.setlinfo.balc), (Decimal::from(3700), Decimal::ZERO));
    }

    #[test]
    fn a_line_whose_first_key_is_reverse_is_a_reversal() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let s = engine.settle(&claim("21")).unwrap();
        let text = crate::settlement_json::to_string(&s);
        for line in [format!("{{\"reverse\":{text}}}"), format!("\u{feff} {{ \"reverse\" : {text} }}\r\n")] {
            assert_eq!(parse_entry(&line).unwrap(), Entry::Reverse(Box::new(s.clone())), "{line}");
        }
        // Anything else is a claim, read as claims are.
        let claim_text = crate::demo::sample_claim(2);
        assert_eq!(parse_entry(&claim_text).unwrap(), Entry::Claim(crate::parse_claim(&claim_text).unwrap()));
        assert_eq!(parse_entry("not json").unwrap_err().code, crate::parse_claim("not json").unwrap_err().code);
        let e = parse_entry(&format!("{{\"psn\":{{}},\"reverse\":{text}}}")).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidClaim, "a claim with a stray key");
        // A reversal line holds the settlement and nothing else; an error names its path.
        let e = parse_entry(&format!("{{\"reverse\":{text},\"ytd\":null}}")).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidSettlement, Some("ytd")));
        let bad = text.replacen("\"balc\":\"0.00\"", "\"balc\":\"x\"", 1);
        let e = parse_entry(&format!("{{\"reverse\":{bad}}}")).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidSettlement, Some("reverse.setlinfo.balc")));
        // As long as a claim may be, and no longer.
        let mut line = format!("{{\"reverse\":{text}}}");
        line.push_str(&" ".repeat(crate::engine::MAX_CLAIM_BYTES - line.len()));
        assert!(parse_entry(&line).is_ok());
        line.push(' ');
        assert_eq!(parse_entry(&line).unwrap_err().code, ErrorCode::InputTooLarge);
        // Each entry is routed by its own member.
        let mut other = s.clone();
        other.psn_no = "P7".into();
        assert_eq!(Entry::Reverse(Box::new(other)).psn_no(), "P7");
        assert_eq!(Entry::Claim(member("P8", "21")).psn_no(), "P8");
    }

    fn member(psn_no: &str, med_type: &str) -> Claim {
        let mut c = claim(med_type);
        c.psn.psn_no = psn_no.into();
        c
    }

    #[test]
    fn settle_many_gives_a_loops_results_in_input_order() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        // Three members interleaved; one claim fails and one brings its own accumulators.
        let mut claims: Vec<Result<Claim>> =
            (0..12).map(|i| Ok(member(&format!("P{}", i % 3), if i == 4 { "77" } else { "21" }))).collect();
        claims.push(Err(Error::new(ErrorCode::InvalidJson, "not a claim")));
        let mut own = member("P0", "21");
        own.ytd = Some(Ytd::default());
        claims.push(Ok(own));
        let mut carry = Carry::default();
        let looped: Vec<_> = claims.iter().cloned().map(|c| c.and_then(|c| carry.settle(&engine, c))).collect();
        assert_eq!(looped[9].as_ref().unwrap().ytd_after.admissions, 4, "P0's fourth stay");
        assert_eq!(looped[13].as_ref().unwrap().ytd_after.admissions, 1, "its own accumulators");
        for threads in [0, 1, 2] {
            let many = settle_many(&engine, claims.clone(), threads);
            assert_eq!(many, looped, "{threads} threads");
        }
        // P1's second stay cancelled, then P1 and P2 settle again: the
        // reversal goes to P1's worker, in P1's order.
        let mut entries: Vec<Result<Entry>> = claims.into_iter().map(|c| c.map(Entry::from)).collect();
        entries.push(Ok(Entry::Reverse(Box::new(looped[7].clone().unwrap()))));
        entries.extend([Ok(member("P1", "21").into()), Ok(member("P2", "21").into())]);
        let mut carry = Carry::default();
        let looped: Vec<_> = entries.iter().cloned().map(|c| c.and_then(|c| carry.take(&engine, c))).collect();
        assert_eq!(looped[14].as_ref().unwrap().ytd_after.admissions, 2, "P1 had 3 stays, one reversed");
        assert_eq!(looped[15].as_ref().unwrap().ytd_after.admissions, 3, "P1 again");
        assert_eq!(looped[16].as_ref().unwrap().ytd_after.admissions, 5, "P2");
        for threads in [0, 1, 2] {
            let many = settle_many(&engine, entries.clone(), threads);
            assert_eq!(many, looped, "{threads} threads");
        }
    }

    #[test]
    fn the_pool_counts_what_it_holds_and_waits_when_asked() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        for threads in [0, 1] {
            let mut pool = Pool::new(&engine, threads);
            pool.submit([Ok(member("P0", "21")), Ok(member("P0", "21")), Ok(member("P1", "21"))]);
            assert_eq!(pool.outstanding(), 3, "{threads} threads");
            // Waiting returns once the one worker reports: its whole job.
            assert_eq!(pool.ready(true).len(), 3, "{threads} threads");
            assert_eq!(pool.outstanding(), 0);
            // Nothing is outstanding: waiting returns at once, with nothing.
            assert!(pool.ready(true).is_empty());
        }
    }

    #[test]
    fn members_are_spread_by_fnv1a_of_psn_no() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let pool = Pool::new(&engine, 3);
        assert_eq!(pool.workers(), 3);
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector): 1 mod 3.
        assert_eq!(pool.worker_of("a"), 1);
        assert_eq!([pool.worker_of("P1"), pool.worker_of("P2"), pool.worker_of("P3")], [0, 2, 1]);
    }

    #[test]
    fn the_pool_keeps_at_most_four_spare_vectors_per_worker() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let mut pool = Pool::new(&engine, 2);
        // "P0" and "P1" go to different workers: each chunk is two jobs.
        for _ in 0..12 {
            pool.submit([Ok(member("P0", "77")), Ok(member("P1", "77"))]);
        }
        let mut n = 0;
        while pool.outstanding() > 0 {
            n += pool.ready(true).len();
        }
        assert_eq!(n, 24);
        assert_eq!(pool.spare.len(), SPARE_PER_WORKER * 2, "24 vectors came back");
    }

    #[test]
    fn the_pool_reuses_chunk_vectors_but_keeps_no_huge_one() {
        let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
        let mut pool = Pool::new(&engine, 1);
        let drain = |pool: &mut Pool| {
            let mut n = 0;
            while pool.outstanding() > 0 {
                n += pool.ready(true).len();
            }
            n
        };
        // Claims that fail validation: cheap, and still a round trip each.
        let huge = SPARE_MAX_CLAIMS + 1;
        pool.submit((0..huge).map(|_| Ok(claim("77"))));
        assert_eq!(drain(&mut pool), huge);
        assert!(pool.spare.is_empty(), "a vector above the limit is not kept");
        pool.submit((0..8).map(|_| Ok(claim("77"))));
        assert_eq!(drain(&mut pool), 8);
        assert_eq!(pool.spare.len(), 1);
        assert!(pool.spare[0].is_empty() && pool.spare[0].capacity() >= 8);
        // The kept vector carries the next chunk: none is added.
        pool.submit((0..8).map(|_| Ok(claim("77"))));
        assert!(pool.spare.is_empty());
        assert_eq!(drain(&mut pool), 8);
        assert_eq!(pool.spare.len(), 1);
    }
}
