"""Every conformance case of tests/conformance through Python, with the same
matching rule as the Rust and C harnesses, plus the contract identities
checked with Decimal arithmetic on every settlement."""
import json
from decimal import Decimal

import pytest

import yibao
from conftest import CASES, engine_for, load_case


def subset(expected, actual, path=""):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object"
        for k, v in expected.items():
            assert k in actual, f"{path}.{k}: missing"
            subset(v, actual[k], f"{path}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: length"
        for i, (e, a) in enumerate(zip(expected, actual)):
            subset(e, a, f"{path}[{i}]")
    else:
        assert expected == actual, f"{path}: got {actual!r}, expected {expected!r}"


def check_identities(s):
    i = s.setlinfo
    parts = [Decimal(0)] * 4
    for line in s.feedetail:
        p = [line["fulamt_ownpay_amt"], line["overlmt_amt"], line["preselfpay_amt"], line["inscp_scp_amt"]]
        assert sum(p) == line["det_item_fee_sumamt"]
        parts = [a + b for a, b in zip(parts, p)]
    assert parts == [i.fulamt_ownpay_amt, i.overlmt_selfpay, i.preselfpay_amt, i.inscp_scp_amt]
    assert i.medfee_sumamt == sum(parts)
    assert i.fund_pay_sumamt == i.hifp_pay + i.cvlserv_pay + i.hifes_pay + i.hifmi_pay + i.hifob_pay + i.maf_pay + i.oth_pay
    assert i.psn_part_amt == i.medfee_sumamt - i.fund_pay_sumamt - i.hosp_part_amt == i.acct_pay + i.psn_cash_pay
    # The mutual-aid part is inside the account payment, of the same sign.
    assert abs(i.acct_mulaid_pay) <= abs(i.acct_pay) and i.acct_mulaid_pay * i.acct_pay >= 0
    assert sum((d.fund_payamt for d in s.setldetail), Decimal(0)) == i.fund_pay_sumamt
    for d in s.setldetail:
        assert d.fund_payamt <= d.crt_payb_lmt_amt
    for name in ["medfee_sumamt", "hifp_pay", "psn_part_amt", "psn_cash_pay"]:
        assert getattr(i, name).as_tuple().exponent == -2, "money to the fen"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path):
    case = load_case(path)
    engine = engine_for(case["policy"])
    claim = case.get("claim_text", case.get("claim"))
    expect = case["expect"]
    op = case.get("op", "settle")
    if op != "settle":
        if "error" in expect:
            with pytest.raises(yibao.YibaoError) as info:
                engine.call(op, case["input"])
            subset({k: v for k, v in expect["error"].items() if k in ("code", "path", "parameter")},
                   {"code": info.value.code, "path": info.value.path, "parameter": info.value.parameter}, "error")
            return
        rules = expect.pop("trace_rules", [])
        got = json.loads(engine.call_json(op, json.dumps(case["input"])))
        subset(expect, got)
        cited = {t["rule"] for t in got.get("trace", [])}
        for r in rules:
            assert r in cited, f"trace cites no {r}"
        return
    claim = case.get("input", claim)
    if "error" in expect:
        with pytest.raises(yibao.YibaoError) as info:
            engine.settle(claim)
        err = info.value
        actual = {"code": err.code, "path": err.path, "message": err.message}
        if err.rule is not None:
            actual["rule"] = err.rule
        if err.parameter is not None:
            actual["parameter"] = err.parameter
        subset(expect["error"], actual, "error")
        return
    s = engine.settle(claim)
    got = json.loads(s.to_json())
    rules = expect.pop("trace_rules", [])
    subset(expect, got)
    cited = {t["rule"] for t in got["trace"]}
    for r in rules:
        assert r in cited, f"trace cites no {r}"
    check_identities(s)


def test_there_are_at_least_40_cases():
    assert len(CASES) >= 40
