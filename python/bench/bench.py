"""Claims per second: Engine.settle, Engine.settle_many, and a plain-Python
implementation of the same Taiyuan inpatient rules written the way a back
office would (Decimal, dicts). All three run in the same process on the same
generated 10-line claims; the plain version is checked against the engine.
Each figure is the best of REPEATS runs (as `timeit` reports): this is a
shared machine, and one run can lose half its speed to a neighbour.
A back office keeps what it settles, as `settle_many` does, so the loops keep
their results in a list; keeping them costs plain Python more (its garbage
collector walks every result dict) than the engine (one object a claim).
Both loops are also timed dropping their results, and the ratios are given
like for like: kept against kept, dropped against dropped.

Usage: python bench/bench.py [N] [REPEATS]     (defaults 20000 and 5)
"""
import json
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

import yibao

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
FEN = Decimal("0.01")


def make_claims(n, members=2000):
    claims = []
    for k in range(n):
        lines = []
        for i in range(10):
            lv = ("01", "02", "03")[i % 3]
            amt = f"{50 + i * 7 + k % 13}.{(i * 7 + k) % 100:02d}"
            line = {"feedetl_sn": str(i + 1), "med_chrgitm_type": "09", "chrgitm_lv": lv,
                    "pric": amt, "cnt": "1", "det_item_fee_sumamt": amt}
            if lv == "02":
                line["selfpay_prop"] = "0.10"
            lines.append(line)
        claims.append({
            "psn": {"psn_no": f"P{k % members}", "insutype": "390", "psn_type": "1403" if k % 5 == 0 else "1501",
                    "insu_begn_date": "2008-01-01", "primary_fixmedins_code": "H001"},
            "ytd": {"year": 2010, "admissions": k % 3, "benefit_paid": {"inpatient": str(k % 41 * 1000)}},
            "mdtrt": {"mdtrt_id": f"M{k}", "med_type": "21", "begndate": "2010-03-01", "enddate": "2010-03-10",
                      "fixmedins_code": "H001", "hosp_lv": str(1 + k % 3),
                      "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100"},
            "feedetail": lines,
        })
    return claims


# --- the plain-Python version a back office would write (Taiyuan resident inpatient, 2010) ---
# It does the same job as the engine for these claims: checks the input, splits
# every line, applies the deductible, ratio and annual cap, and returns the same
# result shape (setlinfo, setldetail, feedetail, ytd_after, trace).
DEDUCTIBLE = {("1", False): Decimal(350), ("1", True): Decimal(200), ("2", False): Decimal(550),
              ("2", True): Decimal(400), ("3", False): Decimal(750), ("3", True): Decimal(600)}
RATIO = {"1": Decimal("0.60"), "2": Decimal("0.55"), "3": Decimal("0.50")}
CAP = Decimal(40000)
ZERO = Decimal("0.00")
LEVELS = {"01", "02", "03"}
CATEGORIES = {f"{i:02d}" for i in range(1, 15)}


def money(v, path):
    d = Decimal(str(v))
    if d < 0 or d.as_tuple().exponent < -2:
        raise ValueError(f"{path}: bad amount {v!r}")
    return d


def plain_settle(claim):
    psn, visit, ytd = claim["psn"], claim["mdtrt"], claim.get("ytd") or {}
    if psn["insutype"] != "390" or visit["med_type"] not in ("21", "22", "23", "24"):
        raise ValueError("not a resident inpatient claim")
    if visit["enddate"] < visit["begndate"]:
        raise ValueError("mdtrt.enddate before begndate")
    lines, own, over, pre, inscp = [], ZERO, ZERO, ZERO, ZERO
    for i, line in enumerate(claim["feedetail"]):
        if line["chrgitm_lv"] not in LEVELS or line["med_chrgitm_type"] not in CATEGORIES:
            raise ValueError(f"feedetail[{i}]: unknown code")
        total = money(line["det_item_fee_sumamt"], f"feedetail[{i}].det_item_fee_sumamt")
        pric, cnt = Decimal(line["pric"]), Decimal(line["cnt"])
        if abs((pric * cnt).quantize(FEN, ROUND_HALF_UP) - total) > FEN:
            raise ValueError(f"feedetail[{i}]: total is not price x count")
        r = {"feedetl_sn": line["feedetl_sn"], "det_item_fee_sumamt": total, "fulamt_ownpay_amt": ZERO,
             "overlmt_amt": ZERO, "preselfpay_amt": ZERO, "inscp_scp_amt": ZERO}
        if line["chrgitm_lv"] == "03":
            r["fulamt_ownpay_amt"] = total
        else:
            rest = total
            limit = line.get("pric_uplmt_amt")
            if limit is not None and pric > Decimal(limit):
                r["overlmt_amt"] = min(((pric - Decimal(limit)) * cnt).quantize(FEN, ROUND_HALF_UP), rest)
                rest -= r["overlmt_amt"]
            r["preselfpay_amt"] = (rest * Decimal(line.get("selfpay_prop") or 0)).quantize(FEN, ROUND_HALF_UP)
            r["inscp_scp_amt"] = rest - r["preselfpay_amt"]
        own += r["fulamt_ownpay_amt"]
        over += r["overlmt_amt"]
        pre += r["preselfpay_amt"]
        inscp += r["inscp_scp_amt"]
        lines.append(r)
    medfee = own + over + pre + inscp
    lv = visit["hosp_lv"]
    minor = psn["psn_type"].startswith("14")
    dedc = min(DEDUCTIBLE[(lv, minor)], inscp)
    used = Decimal(ytd.get("benefit_paid", {}).get("inpatient", 0))
    room = max(CAP - used, ZERO)
    fund = min((inscp - dedc) * RATIO[lv], room).quantize(FEN, ROUND_HALF_UP)
    part = medfee - fund
    after = {"year": 2010, "admissions": ytd.get("admissions", 0) + 1,
             "dedc_paid": Decimal(ytd.get("dedc_paid", 0)) + dedc,
             "fund_paid": dict(ytd.get("fund_paid", {})), "benefit_paid": dict(ytd.get("benefit_paid", {}))}
    after["fund_paid"]["390100"] = Decimal(after["fund_paid"].get("390100", 0)) + fund
    after["benefit_paid"]["inpatient"] = used + fund
    return {
        "status": "settled",
        "setlinfo": {"medfee_sumamt": medfee, "fulamt_ownpay_amt": own, "overlmt_selfpay": over, "preselfpay_amt": pre,
                     "inscp_scp_amt": inscp, "act_pay_dedc": dedc, "hifp_pay": fund, "fund_pay_sumamt": fund,
                     "psn_part_amt": part, "acct_pay": ZERO, "psn_cash_pay": part},
        "setldetail": [{"fund_pay_type": "390100", "inscp_scp_amt": inscp - dedc, "crt_payb_lmt_amt": room, "fund_payamt": fund}],
        "feedetail": lines,
        "ytd_after": after,
        "trace": [{"step": "deductible", "rule": "TY-INP-DED", "amount": dedc},
                  {"step": "fund", "rule": "TY-INP-RATIO", "amount": fund},
                  {"step": "cash", "rule": "GEN-ACCOUNT", "amount": part}],
    }


def rate(label, n, run):
    """Claims per second of `run()` over n claims: the best of REPEATS runs."""
    seconds = min(timed(run) for _ in range(REPEATS))
    r = n / seconds
    print(f"{label:<34} {r:>12,.0f} claims/s   (best {seconds:.3f} s of {REPEATS} for {n})")
    return r


def timed(run):
    t = time.perf_counter()
    run()
    return time.perf_counter() - t


def main():
    engine = yibao.Engine.builtin("cn-sx-taiyuan-resident-2010")
    claims = make_claims(N)
    # The plain version agrees with the engine on every claim of a sample.
    for c in claims[:500]:
        a, b = plain_settle(c)["setlinfo"], engine.settle(c).setlinfo
        assert (a["hifp_pay"], a["psn_part_amt"], a["act_pay_dedc"]) == (b.hifp_pay, b.psn_part_amt, b.act_pay_dedc), c
    def dropping(settle):
        def run():
            for c in claims:
                settle(c)

        return run

    kept = rate("plain Python (Decimal, dicts)", N, lambda: [plain_settle(c) for c in claims])
    dropped = rate("plain Python, results dropped", N, dropping(plain_settle))
    single = rate("Engine.settle (loop)", N, lambda: [engine.settle(c) for c in claims])
    single_dropped = rate("Engine.settle, results dropped", N, dropping(engine.settle))
    many = rate("Engine.settle_many", N, lambda: engine.settle_many(claims))
    texts = [json.dumps(c) for c in claims]
    rate("Engine.settle (JSON str, loop)", N, lambda: [engine.settle(c) for c in texts])
    rate("Engine.settle_many (JSON str)", N, lambda: engine.settle_many(texts))
    print(
        f"ratios, results kept: settle {single / kept:.1f}x, settle_many {many / kept:.1f}x the plain-Python version"
    )
    print(
        f"ratios, results dropped: settle {single_dropped / dropped:.1f}x, "
        f"settle_many {many / dropped:.1f}x (its results are always kept)"
    )


if __name__ == "__main__":
    main()
