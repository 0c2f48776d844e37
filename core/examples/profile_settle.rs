//! Settles one generated claim in a loop, for profilers (`perf record`,
//! callgrind): `profile_settle [N] [LINES] [typed|json]`.

fn main() {
    let engine = yibao_core::Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse::<usize>().ok()).unwrap_or(200_000);
    let lines = args.next().and_then(|a| a.parse::<usize>().ok()).unwrap_or(10);
    let json = args.next().is_some_and(|a| a == "json");
    let text = yibao_core::demo::sample_claim(lines);
    let claim = yibao_core::parse_claim(&text).unwrap();
    let mut check = 0usize;
    let t = std::time::Instant::now();
    for _ in 0..n {
        check += if json {
            engine.settle_json(&text).unwrap().len()
        } else {
            engine.settle(&claim).unwrap().feedetail.len()
        };
    }
    let secs = t.elapsed().as_secs_f64();
    let path = if json { "json" } else { "typed" };
    println!("{n} claims of {lines} lines ({path}): {:.0} claims/s (check {check})", n as f64 / secs);
}
