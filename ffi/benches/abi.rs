//! Claims per second through the JSON ABI (`yibao_settle_into`, 10-line
//! claims) against the typed core call, to show the ABI's overhead.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::ptr;
use yibao::*;

fn bench(c: &mut Criterion) {
    let text = yibao_core::demo::sample_claim(10);
    let id = b"cn-sx-taiyuan-resident-2010";
    let mut e = ptr::null_mut();
    assert_eq!(yibao_engine_new_builtin(id.as_ptr(), id.len(), &mut e), YIBAO_STATUS_OK);
    let core = yibao_core::Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
    let claim = yibao_core::parse_claim(&text).unwrap();
    let mut buf = vec![0u8; 1 << 16];
    let mut g = c.benchmark_group("abi");
    g.throughput(Throughput::Elements(1));
    g.bench_function("typed core settle, 10 lines", |b| b.iter(|| core.settle(black_box(&claim)).unwrap()));
    g.bench_function("core settle_json, 10 lines", |b| b.iter(|| core.settle_json(black_box(&text)).unwrap()));
    g.bench_function("yibao_settle_into, 10 lines", |b| {
        b.iter(|| {
            let mut needed = 0usize;
            let st = yibao_settle_into(e, text.as_ptr(), text.len(), buf.as_mut_ptr(), buf.len(), &mut needed);
            assert_eq!(st, YIBAO_STATUS_OK);
        })
    });
    g.finish();
    yibao_engine_free(e);
}

criterion_group!(benches, bench);
criterion_main!(benches);
