//! Settling many claims: accumulators carried per member (`psn_no`) from one
//! claim to the next, as when a year of claims is replayed. A claim that
//! brings its own `ytd` starts from it.

use crate::claim::Claim;
use crate::engine::Engine;
use crate::error::Result;
use crate::settlement::Settlement;
use crate::ytd::Ytd;
use std::collections::HashMap;

/// Each member's latest accumulators; memory grows with members, not claims.
#[derive(Debug, Default)]
pub struct Carry {
    latest: HashMap<String, Ytd>,
}

impl Carry {
    /// Settles `claim`, filling a missing `ytd` from the member's previous result.
    pub fn settle(&mut self, engine: &Engine, mut claim: Claim) -> Result<Settlement> {
        if claim.ytd.is_none() {
            claim.ytd = self.latest.get(&claim.psn.psn_no).cloned();
        }
        let s = engine.settle(&claim)?;
        self.latest.insert(claim.psn.psn_no, s.ytd_after.clone());
        Ok(s)
    }
}

/// Settles claims in order per member, spreading members over `threads`
/// threads; results come back in input order. Same results as a loop of
/// [`Carry::settle`] over the input.
pub fn settle_many(engine: &Engine, claims: Vec<Result<Claim>>, threads: usize) -> Vec<Result<Settlement>> {
    Parallel::new(threads).run(engine, claims)
}

/// Settles a stream of claims chunk by chunk over `threads` workers, each
/// member always on the same worker (by a hash of `psn_no`) so its carry
/// persists across chunks; memory stays bounded by the chunk, not the stream.
#[derive(Debug)]
pub struct Parallel {
    carries: Vec<Carry>,
}

impl Parallel {
    /// Workers for `threads` threads (at least one).
    pub fn new(threads: usize) -> Parallel {
        Parallel { carries: (0..threads.clamp(1, 64)).map(|_| Carry::default()).collect() }
    }

    fn worker_of(&self, psn_no: &str) -> usize {
        // FNV-1a: stable across runs, so a replay spreads members the same way.
        let h = psn_no.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        (h % self.carries.len() as u64) as usize
    }

    /// Settles one chunk; results in input order.
    pub fn run(&mut self, engine: &Engine, chunk: Vec<Result<Claim>>) -> Vec<Result<Settlement>> {
        let n = chunk.len();
        let mut work: Vec<Vec<(usize, Result<Claim>)>> = (0..self.carries.len()).map(|_| Vec::new()).collect();
        for (i, c) in chunk.into_iter().enumerate() {
            let w = c.as_ref().map_or(0, |c| self.worker_of(&c.psn.psn_no));
            work[w].push((i, c));
        }
        let run = |carry: &mut Carry, items: Vec<(usize, Result<Claim>)>| {
            items.into_iter().map(|(i, c)| (i, c.and_then(|c| carry.settle(engine, c)))).collect::<Vec<_>>()
        };
        let done: Vec<Vec<(usize, Result<Settlement>)>> = if self.carries.len() == 1 || n < 64 {
            self.carries.iter_mut().zip(work).map(|(c, w)| run(c, w)).collect()
        } else {
            std::thread::scope(|s| {
                let hs: Vec<_> = self.carries.iter_mut().zip(work).map(|(c, w)| s.spawn(move || run(c, w))).collect();
                hs.into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            vec![(usize::MAX, Err(crate::Error::new(crate::ErrorCode::Internal, "a worker panicked")))]
                        })
                    })
                    .collect()
            })
        };
        let mut out: Vec<Option<Result<Settlement>>> = (0..n).map(|_| None).collect();
        for (i, r) in done.into_iter().flatten() {
            if i < n {
                out[i] = Some(r);
            }
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err(crate::Error::new(crate::ErrorCode::Internal, "a worker panicked"))))
            .collect()
    }
}
