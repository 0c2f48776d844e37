"""The Python API as a back office uses it: Decimal money in and out, typed
errors, reversal, settle_many, policies, repr."""
import json
import pickle
import threading
from decimal import Decimal

import pytest

import yibao
from conftest import ROOT


def test_settle_dict_and_str_agree(taiyuan, admission):
    a = taiyuan.settle(admission)
    b = taiyuan.settle(json.dumps(admission))
    assert a == b
    assert a.to_json() == b.to_json()
    assert a.status == "settled"
    assert a.setlinfo.hifp_pay == Decimal("4114.50")
    assert isinstance(a.setlinfo.psn_cash_pay, Decimal)
    assert [d.fund_pay_type for d in a.setldetail] == ["390100"]
    assert a.setldetail[0].fund_payamt == Decimal("4114.50")


def test_money_accepts_decimal_str_int_and_exact_floats(taiyuan, admission):
    ref = taiyuan.settle(admission).setlinfo.hifp_pay
    line = admission["feedetail"][0]
    for v in [Decimal("3600.00"), "3600", 3600, 3600.0, Decimal("3600")]:
        line["det_item_fee_sumamt"] = v
        assert taiyuan.settle(admission).setlinfo.hifp_pay == ref, repr(v)
    line["det_item_fee_sumamt"] = 3600.001
    with pytest.raises(yibao.InvalidClaim) as e:
        taiyuan.settle(admission)
    assert e.value.path == "feedetail[0].det_item_fee_sumamt"
    line["det_item_fee_sumamt"] = Decimal("3600.005")
    with pytest.raises(yibao.InvalidClaim):
        taiyuan.settle(admission)


def test_to_dict_has_decimal_money_and_round_trips(taiyuan, admission):
    s = taiyuan.settle(admission)
    d = s.to_dict()
    assert d["setlinfo"]["hifp_pay"] == Decimal("4114.50")
    assert d["feedetail"][0]["inscp_scp_amt"] == Decimal("3600.00")
    assert d["ytd_after"]["benefit_paid"]["inpatient"] == Decimal("4114.50")
    assert d["ytd_after"]["admissions"] == 1
    assert d["trace"][0]["amount"] == Decimal("10810.00")
    assert isinstance(d["mdtrt_id"], str) and isinstance(d["feedetail"][0]["feedetl_sn"], str)
    # A settlement dict (Decimal money) goes back in for reversal.
    r = taiyuan.reverse(d)
    assert r.status == "reversed" and r.setlinfo.hifp_pay == Decimal("-4114.50")


def test_reverse_restores_accumulators(taiyuan, admission):
    before = dict(admission["ytd"])
    s = taiyuan.settle(admission)
    r = taiyuan.reverse(s)
    assert r.ytd_after["admissions"] == before["admissions"]
    assert r.ytd_after["dedc_paid"] == Decimal(before["dedc_paid"])
    # With the member's current accumulators after a later claim.
    later = dict(admission, ytd=json.loads(json.dumps(s.to_dict()["ytd_after"], default=str)))
    s2 = taiyuan.settle(later)
    r1 = taiyuan.reverse(s, ytd=json.dumps(s2.to_dict()["ytd_after"], default=str))
    assert r1.ytd_after["admissions"] == 1
    assert r1.ytd_after["benefit_paid"]["inpatient"] == s2.setlinfo.hifp_pay


def test_reverse_gives_the_account_back_on_the_balance_of_now():
    # The account paid 3 700.00 of this stay; later claims left 250.50.
    engine = yibao.Engine.from_file(str(ROOT / "examples/policies/account-inscp.json"))
    case = json.loads((ROOT / "tests/conformance/cases/feature-account-inscp-share.json").read_text())
    s = engine.settle(case["claim"])
    assert engine.reverse(s).setlinfo.balc == Decimal("5000.00"), "the balance the settlement left"
    for balc in [Decimal("250.5"), "250.50", 250.5]:
        r = engine.reverse(s, balc=balc)
        assert (r.setlinfo.acct_pay, r.setlinfo.balc) == (Decimal("-3700.00"), Decimal("3950.50"))
        assert str(r.setlinfo.balc) == "3950.50"
    for bad in [Decimal("-1"), "0.001", 0.1 + 0.2]:
        with pytest.raises(yibao.InvalidClaim) as e:
            engine.reverse(s, balc=bad)
        assert e.value.path == "balc"


@pytest.mark.parametrize(
    "mutate, exc, code, path",
    [
        (lambda c: c["mdtrt"].update(med_type="77"), yibao.UnknownCode, "UNKNOWN_CODE", "mdtrt.med_type"),
        (lambda c: c["psn"].pop("insutype"), yibao.InvalidClaim, "INVALID_CLAIM", "psn.insutype"),
        (lambda c: c["feedetail"][1].update(pric="-1"), yibao.InvalidClaim, "INVALID_CLAIM", "feedetail[1].pric"),
        (lambda c: c.update(policy="elsewhere"), yibao.UnknownPolicy, "UNKNOWN_POLICY", "policy"),
        (lambda c: c["mdtrt"].update(begndate=object()), yibao.InvalidClaim, "INVALID_CLAIM", "mdtrt.begndate"),
    ],
)
def test_errors_are_typed_with_code_and_path(taiyuan, admission, mutate, exc, code, path):
    mutate(admission)
    with pytest.raises(exc) as e:
        taiyuan.settle(admission)
    assert isinstance(e.value, yibao.YibaoError) and isinstance(e.value, ValueError)
    assert (e.value.code, e.value.path) == (code, path)
    again = pickle.loads(pickle.dumps(e.value))
    assert (type(again), again.code, again.path) == (type(e.value), code, path)


def test_policy_errors():
    with pytest.raises(yibao.UnknownPolicy):
        yibao.Engine.builtin("cn-nowhere")
    with pytest.raises(yibao.PolicyError) as e:
        yibao.Engine.from_json('{"id": "x", "benefits": {}, "uncovered": {"rule": "R", "message": "m"}}')
    assert e.value.code == "INVALID_POLICY"
    with pytest.raises(yibao.PolicyParameterMissing) as e:
        yibao.Engine.builtin("cn-sx-taiyuan-employee").settle(
            {**json.loads((ROOT / "examples/claims/taiyuan-admission.json").read_text()),
             "policy": None, "psn": {"psn_no": "E", "insutype": "310", "psn_type": "1101"}})
    assert e.value.parameter == "basic_ratio" and e.value.rule == "TYE-BIG"


def test_engines_from_files_and_json():
    e = yibao.Engine.from_file(ROOT / "examples/policies/taiyuan-chronic-deductible.json")
    assert e.policy_id == "example-taiyuan-chronic-deductible"
    assert e.policy_hash.startswith("sha256:")
    j = yibao.Engine.from_json('{"id": "mine", "extends": "cn-xj-tiemenguan-2025", "params": {"special_cap": "1000"}}')
    assert "mine" in repr(j)
    assert j.missing_params == [] and j.policy_warnings == []


def test_an_engine_says_what_its_policy_still_needs():
    assert {"name": "chronic_q_deductible", "rule": "TY-CHR-Q"} in \
        yibao.Engine.builtin("cn-sx-taiyuan-resident-2010").missing_params
    typo = json.loads((ROOT / "examples/policies/base.json").read_text(encoding="utf-8"))
    typo["benefits"]["inpatient"]["fund"]["rule"] = "EX-RATI0"
    e = yibao.Engine.from_json(json.dumps(typo))
    assert e.policy_warnings == [{"rule": "EX-RATI0", "place": "cited at benefits.inpatient.fund.rule"}]


def test_policies_lists_the_packs():
    ps = {p["id"]: p for p in yibao.policies()}
    assert set(ps) >= {"cn-sx-taiyuan-resident-2010", "cn-sx-taiyuan-employee", "cn-xj-tiemenguan-2025",
                       "cn-xj-urumqi", "cn-xj-region-employee"}
    assert [r["name"] for r in ps["cn-sx-taiyuan-resident-2010"]["required_params"]] == ["chronic_q_deductible"]


def test_policy_schema_is_the_committed_one_and_checks_a_policy_as_the_loader_does():
    import jsonschema  # installed by .ci/install, as pytest is
    schema = yibao.policy_schema()
    assert schema == json.loads((ROOT / "schemas/policy.schema.json").read_text())
    check = jsonschema.Draft202012Validator(schema)
    text = (ROOT / "examples/policies/region-template.json").read_text()
    policy = json.loads(text)
    assert list(check.iter_errors(policy)) == []
    yibao.Engine.from_json(text)
    policy["benefits"]["inpatient"]["fund"]["ratoi"] = "0.8"
    errors = list(check.iter_errors(policy))
    assert [list(e.absolute_path) for e in errors] == [["benefits", "inpatient", "fund"]]
    assert "ratoi" in errors[0].message
    with pytest.raises(yibao.PolicyError) as e:
        yibao.Engine.from_json(json.dumps(policy))
    assert e.value.path == "benefits.inpatient.fund.ratoi"


def test_claim_schema_is_the_committed_one_and_refuses_what_settle_refuses(taiyuan, admission):
    import jsonschema
    schema = yibao.claim_schema()
    assert schema == json.loads((ROOT / "schemas/claim.schema.json").read_text())
    check = jsonschema.Draft202012Validator(schema)
    assert list(check.iter_errors(admission)) == []
    taiyuan.settle(admission)
    admission["feedetail"][1]["det_item_fee_sumamt"] = "1710.001"
    errors = list(check.iter_errors(admission))
    assert [list(e.absolute_path) for e in errors] == [["feedetail", 1, "det_item_fee_sumamt"]]
    with pytest.raises(yibao.InvalidClaim) as e:
        taiyuan.settle(admission)
    assert e.value.path == "feedetail[1].det_item_fee_sumamt"


def test_repr_is_readable(taiyuan, admission):
    s = taiyuan.settle(admission)
    assert "status='settled'" in repr(s) and "Decimal('4114.50')" in repr(s)
    assert "hifp_pay=Decimal('4114.50')" in repr(s.setlinfo)


def year_of_claims(n=60, members=7):
    base = json.loads((ROOT / "examples/claims/taiyuan-admission.json").read_text())
    base.pop("ytd")
    out = []
    for k in range(n):
        c = json.loads(json.dumps(base))
        c["psn"]["psn_no"] = f"P{k % members}"
        c["mdtrt"]["mdtrt_id"] = f"M{k}"
        c["mdtrt"]["hosp_lv"] = str(1 + k % 3)
        out.append(c)
    return out


def test_settle_many_equals_a_loop_with_carry(taiyuan):
    claims = year_of_claims()
    carried = {}
    looped = []
    for c in claims:
        c2 = dict(c)
        if c["psn"]["psn_no"] in carried:
            c2["ytd"] = carried[c["psn"]["psn_no"]]
        s = taiyuan.settle(c2)
        carried[c["psn"]["psn_no"]] = json.loads(s.to_json())["ytd_after"]
        looped.append(s)
    for threads in [None, 0, 1, 2]:  # 0: settled on the calling thread
        many = taiyuan.settle_many(claims, threads=threads)
        assert [m.to_json() for m in many] == [s.to_json() for s in looped]
    # The cap binds for the members with the most claims: carry really happened.
    assert any(s.notices for s in looped)


def test_settle_many_reverses_against_what_the_member_carries(taiyuan):
    # P0's first stay is cancelled after its second: the carried
    # accumulators keep the second alone, and the third is the second again.
    a, b, c = year_of_claims(3, members=1)
    first, second = taiyuan.settle_many([a, b])
    for reversal in [{"reverse": first}, {"reverse": first.to_dict()}, {"reverse": first.to_json()},
                     '{"reverse": %s}' % first.to_json(), ('{"reverse": %s}' % first.to_json()).encode()]:
        for threads in [0, 1]:
            out = taiyuan.settle_many([a, b, reversal, c], threads=threads)
            assert out[2].status == "reversed"
            assert out[2].setlinfo.hifp_pay == -first.setlinfo.hifp_pay
            assert out[2].ytd_after == taiyuan.reverse(first, ytd=second.ytd_after).ytd_after
            assert out[2].ytd_after["admissions"] == 1
            alone = taiyuan.settle(dict(c, ytd=out[2].to_dict()["ytd_after"]))
            assert out[3].to_json() == alone.to_json()
            assert out[3].ytd_after["admissions"] == 2
    # A bad reversal is an error at its index, its path inside `reverse`;
    # the member keeps what they carried.
    bad = first.to_dict()
    bad["setlinfo"]["hifp_pay"] = "x"
    out = taiyuan.settle_many([a, {"reverse": bad}, {"reverse": out[2]}, b], errors="return")
    assert isinstance(out[1], yibao.InvalidSettlement) and out[1].path == "[1].reverse.setlinfo.hifp_pay"
    assert isinstance(out[2], yibao.InvalidSettlement) and out[2].path == "[2].reverse.status", "a reversal cannot be reversed"
    assert out[3].ytd_after["admissions"] == 2
    # A settlement is reversed once.
    out = taiyuan.settle_many([a, b, {"reverse": first}, {"reverse": first}], errors="return")
    assert out[2].status == "reversed"
    assert isinstance(out[3], yibao.InvalidSettlement) and out[3].path == "[3].reverse.stamp.input_hash"


def test_settle_many_carries_the_account_balance(taiyuan):
    engine = yibao.Engine.from_file(str(ROOT / "examples/policies/account-inscp.json"))
    case = json.loads((ROOT / "tests/conformance/cases/feature-account-inscp-share.json").read_text())
    first = case["claim"]
    later = json.loads(json.dumps(first))
    del later["psn"]["balc"]
    own = json.loads(json.dumps(first))
    own["psn"]["balc"] = Decimal("100")
    want = [("3700.00", "1300.00"), ("1300.00", "0.00"), ("0.00", "0.00"), ("100.00", "0.00")]
    for threads in [0, 1]:
        many = engine.settle_many([first, later, later, own], threads=threads)
        got = [(str(s.setlinfo.acct_pay), str(s.setlinfo.balc)) for s in many]
        assert got == want
    # Settled alone, a claim without a balance has none.
    assert engine.settle(later).setlinfo.acct_pay == Decimal("0.00")


def test_claims_and_settlements_may_come_as_utf8_bytes(taiyuan, tmp_path):
    claims = year_of_claims(6, members=2)
    claims[0]["psn"]["psn_name"] = "张三"
    texts = [json.dumps(c, ensure_ascii=False) for c in claims]
    as_str = [s.to_json() for s in taiyuan.settle_many(texts)]
    # A JSONL file opened in binary: each line is bytes, newline and all.
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    with open(path, "rb") as f:
        assert [s.to_json() for s in taiyuan.settle_many(f)] == as_str
    one = taiyuan.settle(texts[0].encode("utf-8"))
    assert one.to_json() == taiyuan.settle(texts[0]).to_json()
    assert taiyuan.reverse(one.to_json().encode()).status == "reversed"
    # GBK bytes are refused at their first byte that is not UTF-8.
    gbk = texts[0].encode("gbk")
    with pytest.raises(yibao.InvalidClaim) as e:
        taiyuan.settle(gbk)
    assert e.value.code == "INVALID_JSON"
    assert f"not valid UTF-8 at byte {texts[0].encode('utf-8').index('张'.encode('utf-8'))}" in e.value.message
    assert taiyuan.settle(gbk.decode("gb18030")).to_json() == one.to_json()


def test_settle_many_errors(taiyuan):
    claims = year_of_claims(5)
    claims[3]["mdtrt"]["med_type"] = "77"
    with pytest.raises(yibao.UnknownCode) as e:
        taiyuan.settle_many(claims)
    assert e.value.path == "[3].mdtrt.med_type"
    out = taiyuan.settle_many(iter(claims), errors="return")
    assert isinstance(out[3], yibao.UnknownCode) and out[4].status == "settled"
    with pytest.raises(ValueError):
        taiyuan.settle_many(claims, errors="ignore")


def test_settle_many_from_threads_releases_the_gil(taiyuan):
    claims = year_of_claims(200)
    ref = [s.to_json() for s in taiyuan.settle_many(claims)]
    results = []

    def work():
        results.append([s.to_json() for s in taiyuan.settle_many(claims, threads=1)])

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == [ref] * 4


def test_version():
    assert yibao.__version__.count(".") == 2
    assert yibao.ENGINE.startswith("yibao ")


def test_paperwork_from_python():
    e = yibao.Engine.builtin("cn-xj-urumqi")
    r = e.filing({"action": "create", "date": "2025-01-15", "kind": "long_term_residence", "area_admdvs": "440100",
                  "bank_agreement": True, "residence_months": 8})
    assert r["ok"] and r["earliest_change"] == "2025-07-15"
    r = e.filing({"action": "cancel", "date": "2025-07-14", "filing": r["filing"]})
    assert not r["ok"] and r["refusal"]["rule"] == "URU-FIL-LOCK"
    t = yibao.Engine.builtin("cn-xj-tiemenguan-2025")
    s = t.certification({"action": "accept", "date": "2025-09-26",
                         "state": {"status": "submitted", "disease": "diabetes", "submitted": "2025-09-22"}})
    assert s["state"]["decision_due"] == "2025-10-30"
    assert t.call("workdays", {"from": "2025-09-30", "days": 1}) == {"date": "2025-10-09"}
    with pytest.raises(yibao.UnknownCode):
        t.call("nope", {})


def test_a_panic_inside_the_engine_is_a_typed_error(taiyuan, admission):
    from yibao import _yibao

    with pytest.raises(yibao.YibaoError) as e:
        _yibao._selftest_panic()
    assert e.value.code == "INTERNAL"
    # The engine keeps working after a caught panic.
    assert taiyuan.settle(admission).status == "settled"
