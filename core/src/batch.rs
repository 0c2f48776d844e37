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
    let n = claims.len();
    // Group claim indices by member, keeping input order inside each group.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, c) in claims.iter().enumerate() {
        let key = c.as_ref().map(|c| c.psn.psn_no.as_str()).unwrap_or("");
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let threads = threads.clamp(1, 64).min(groups.len().max(1));
    // Largest groups first, each to the least-loaded thread.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(groups[g].len()));
    let mut load = vec![0usize; threads];
    let mut plan: Vec<Vec<usize>> = vec![Vec::new(); threads];
    for g in order {
        let t = (0..threads).min_by_key(|&t| load[t]).unwrap_or(0);
        load[t] += groups[g].len();
        plan[t].push(g);
    }
    let mut slots: Vec<Option<Result<Claim>>> = claims.into_iter().map(Some).collect();
    let work: Vec<Vec<(usize, Result<Claim>)>> = plan
        .iter()
        .map(|gs| {
            gs.iter().flat_map(|&g| groups[g].iter()).map(|&i| (i, slots[i].take().expect("each claim once"))).collect()
        })
        .collect();
    let run = |items: Vec<(usize, Result<Claim>)>| {
        let mut carry = Carry::default();
        items.into_iter().map(|(i, c)| (i, c.and_then(|c| carry.settle(engine, c)))).collect::<Vec<_>>()
    };
    let done: Vec<Vec<(usize, Result<Settlement>)>> = if threads == 1 {
        work.into_iter().map(run).collect()
    } else {
        std::thread::scope(|s| {
            let hs: Vec<_> = work.into_iter().map(|w| s.spawn(move || run(w))).collect();
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
