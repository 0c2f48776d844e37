//! Settles one 10-line claim in a loop, for profilers (`perf record`, callgrind).

fn main() {
    let engine = yibao_core::Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
    let claim = yibao_core::parse_claim(&yibao_core::demo::CLAIMS[0].1).unwrap();
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let mut total = yibao_core::money::Decimal::ZERO;
    for _ in 0..n {
        total += engine.settle(&claim).unwrap().setlinfo.fund_pay_sumamt;
    }
    println!("{total}");
}
