//! Claims per second through the typed API (`Engine::settle`) and the JSON
//! path (`Engine::settle_json`) for claims of 1, 10 and 100 fee lines.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use yibao_core::demo::sample_claim;
use yibao_core::{parse_claim, Engine};

fn bench(c: &mut Criterion) {
    let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
    let mut g = c.benchmark_group("settle");
    g.throughput(Throughput::Elements(1));
    for n in [1usize, 10, 100] {
        let text = sample_claim(n);
        let claim = parse_claim(&text).unwrap();
        g.bench_with_input(BenchmarkId::new("typed", n), &claim, |b, cl| {
            b.iter(|| engine.settle(black_box(cl)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("json", n), &text, |b, t| {
            b.iter(|| engine.settle_json(black_box(t)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
