//! Arbitrary bytes as a replayed stream (`yibao batch`, Python's
//! `settle_many`): each line read as a claim or a reversal and taken by one
//! carry, as the batch does. Core is called directly, so a panic anywhere in
//! reading or carrying is a crash here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use yibao_core::batch::{parse_entry, Carry};
use yibao_core::Engine;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap());
    let mut carry = Carry::default();
    for line in data.split(|&b| b == b'\n') {
        let Ok(text) = std::str::from_utf8(line) else { continue };
        if let Ok(entry) = parse_entry(text) {
            // A settlement fed back as its own reversal exercises the carry's refunds.
            if let Ok(s) = carry.take(engine, entry) {
                let _ = carry.reverse(engine, &s);
            }
        }
    }
});
