//! Claims per second through the typed API (`Engine::settle`) and the JSON
//! path (`Engine::settle_json`) for claims of 1, 10 and 100 fee lines.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::json;
use yibao_core::{parse_claim, Engine};

/// A level-3 Taiyuan admission with `n` lines mixing classes A, B and C.
pub fn claim_json(n: usize) -> String {
    let lines: Vec<_> = (0..n)
        .map(|i| {
            let (lv, prop) = match i % 3 {
                0 => ("01", None),
                1 => ("02", Some("0.10")),
                _ => ("03", None),
            };
            let amt = format!("{}.{:02}", 50 + i * 7, i % 100);
            let mut l = json!({"feedetl_sn": (i + 1).to_string(), "med_list_codg": format!("X{i}"), "med_chrgitm_type": "09",
                "chrgitm_lv": lv, "pric": amt, "cnt": "1", "det_item_fee_sumamt": amt});
            if let Some(p) = prop {
                l["selfpay_prop"] = json!(p);
            }
            l
        })
        .collect();
    json!({
        "psn": {"psn_no": "P1", "insutype": "390", "psn_type": "1501", "brdy": "1980-05-01", "insu_begn_date": "2008-01-01",
                "primary_fixmedins_code": "H001"},
        "ytd": {"year": 2010, "admissions": 1, "dedc_paid": "750.00", "benefit_paid": {"inpatient": "3000.00"}},
        "mdtrt": {"mdtrt_id": "M1", "med_type": "21", "begndate": "2010-03-01", "enddate": "2010-03-10", "fixmedins_code": "H001",
                  "hosp_lv": "3", "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100"},
        "feedetail": lines
    })
    .to_string()
}

fn bench(c: &mut Criterion) {
    let engine = Engine::builtin("cn-sx-taiyuan-resident-2010").unwrap();
    let mut g = c.benchmark_group("settle");
    g.throughput(Throughput::Elements(1));
    for n in [1usize, 10, 100] {
        let text = claim_json(n);
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
