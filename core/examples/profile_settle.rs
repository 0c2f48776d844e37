//! Settles one generated 10-line claim in a loop, for profilers (`perf record`,
//! callgrind): `profile_settle [N] [LINES]`.

fn main() {
    let engine = yibao_core::Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let n = args.next().flatten().unwrap_or(200_000);
    let lines = args.next().flatten().unwrap_or(10);
    let claim = yibao_core::parse_claim(&yibao_core::demo::sample_claim(lines)).unwrap();
    let mut total = yibao_core::money::Decimal::ZERO;
    let t = std::time::Instant::now();
    for _ in 0..n {
        total += engine.settle(&claim).unwrap().setlinfo.fund_pay_sumamt;
    }
    let secs = t.elapsed().as_secs_f64();
    println!("{n} claims of {lines} lines: {:.0} claims/s (fund total {total})", n as f64 / secs);
}
