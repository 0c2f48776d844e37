"""The fast dict reader and the exact (JSON-value) reader read the same claim,
and where the fast one gives up the exact one still decides: same results,
same errors with the same paths, whichever reader a dict goes through."""
import copy
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings

import yibao
from yibao import _yibao
from conftest import CASES, ROOT, engine_for, load_case
from test_properties import claims

CLAIM_CASES = [p for p in CASES if "claim" in load_case(p)]


@pytest.mark.parametrize("path", CLAIM_CASES, ids=[p.stem for p in CLAIM_CASES])
def test_every_conformance_claim_reads_alike(path):
    claim = load_case(path)["claim"]
    assert _yibao._fast_path_agrees(claim) in (True, None)


def test_the_fast_path_takes_the_common_shapes():
    taken = [_yibao._fast_path_agrees(load_case(p)["claim"]) for p in CLAIM_CASES]
    assert taken.count(True) >= len(taken) // 2, "the fast path gives up on most claims"


def every_field():
    """The claim that spells every field the contract names (the Rust JSON reader's tests read
    the same file), with some amounts as Decimal and int, the way a back office builds a dict."""
    c = json.loads((ROOT / "tests/fixtures/every-field.claim.json").read_text(encoding="utf-8"))
    c["psn"]["mulaid_balc"] = Decimal("88.80")
    c["feedetail"][1]["det_item_fee_sumamt"] = Decimal("5.00")
    return c


def test_the_fast_path_reads_every_field():
    """Every field the contract names is read by the fast reader (none sends the claim to the
    exact one), and the two read the same claim."""
    assert _yibao._fast_path_agrees(every_field()) is True


@settings(max_examples=200, deadline=None)
@given(claims())
def test_random_claims_read_alike(c):
    assert _yibao._fast_path_agrees(c) is True


def base():
    return {
        "psn": {"psn_no": "P1", "insutype": "390", "psn_type": "1501", "insu_begn_date": "2008-01-01",
                "primary_fixmedins_code": "H001"},
        "mdtrt": {"mdtrt_id": "M1", "med_type": "21", "begndate": "2010-03-01", "enddate": "2010-03-10",
                  "fixmedins_code": "H001", "hosp_lv": "3", "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100"},
        "feedetail": [{"feedetl_sn": "1", "med_chrgitm_type": "09", "chrgitm_lv": "01",
                       "pric": Decimal("1200.50"), "cnt": 1, "det_item_fee_sumamt": "1200.50"}],
    }


def variants():
    """Claims the fast reader gives up on (or must refuse) — one edit each."""
    out = []
    def edit(name, f):
        c = base()
        f(c)
        out.append(pytest.param(c, id=name))
    edit("unknown-top-key", lambda c: c.update(extra=1))
    edit("unknown-line-key", lambda c: c["feedetail"][0].update(colour="red"))
    edit("float-amount", lambda c: c["feedetail"][0].update(det_item_fee_sumamt=1200.5))
    edit("float-not-exact", lambda c: c["feedetail"][0].update(det_item_fee_sumamt=1200.505))
    edit("bool-amount", lambda c: c["feedetail"][0].update(cnt=True))
    edit("null-required", lambda c: c["psn"].update(psn_no=None))
    edit("null-defaulted", lambda c: c["psn"].update(acct_used_flag=None))
    edit("null-balc", lambda c: c["psn"].update(balc=None))
    edit("number-as-code", lambda c: c["psn"].update(insutype=390))
    edit("bad-date", lambda c: c["mdtrt"].update(begndate="2010-3-1"))
    edit("date-object", lambda c: c["mdtrt"].update(begndate=__import__("datetime").date(2010, 3, 1)))
    edit("tuple-lines", lambda c: c.update(feedetail=tuple(c["feedetail"])))
    edit("three-places", lambda c: c["feedetail"][0].update(det_item_fee_sumamt="1200.505"))
    edit("missing-mdtrt", lambda c: c.pop("mdtrt"))
    edit("quota-null", lambda c: c["psn"].update(quota_balc=None))
    edit("quota-map", lambda c: c["psn"].update(quota_balc={"outpatient_pool": "120.50", "b": 3}))
    edit("quota-three-places", lambda c: c["psn"].update(quota_balc={"outpatient_pool": "1.005"}))
    edit("quota-list", lambda c: c["psn"].update(quota_balc=[1]))
    edit("balc-given", lambda c: c["psn"].update(balc=Decimal("88.80")))
    edit("filing", lambda c: c["psn"].update(filings=[{"kind": "referral", "begndate": "2010-01-01",
                                                        "area_admdvs": "110000"}]))
    edit("bad-filing", lambda c: c["psn"].update(filings=[{"kind": "referral"}]))
    edit("identity", lambda c: c["psn"].update(idetinfo=[{"psn_idet_type": "2302", "begntime": "2010-01-01"}]))
    edit("identity-datetime", lambda c: c["psn"].update(idetinfo=[{"psn_idet_type": "2301", "psn_type_lv": "1",
                                                                   "begntime": "2010-01-01 00:00:00",
                                                                   "endtime": "2010-12-31 23:59:59", "memo": "特困"}]))
    edit("bad-identity", lambda c: c["psn"].update(idetinfo=[{"begntime": "2010-01-01"}]))
    edit("bad-identity-time", lambda c: c["psn"].update(idetinfo=[{"psn_idet_type": "1",
                                                                   "endtime": "2010-12-31 25:00:00"}]))
    edit("deductible-level", lambda c: c["mdtrt"].update(dedc_hosp_lv="2"))
    edit("deductible-level-null", lambda c: c["mdtrt"].update(dedc_hosp_lv=None))
    edit("bad-deductible-level", lambda c: c["mdtrt"].update(dedc_hosp_lv="9"))
    edit("prior-leg-deductible", lambda c: c["mdtrt"].update(referral_leg=True, prior_leg_dedc=Decimal("600.00")))
    edit("prior-leg-deductible-int", lambda c: c["mdtrt"].update(prior_leg_dedc=600))
    edit("bad-prior-leg-deductible", lambda c: c["mdtrt"].update(prior_leg_dedc="-1"))
    edit("settlement-way", lambda c: c["mdtrt"].update(psn_setlway="0202"))
    edit("settlement-way-null", lambda c: c["mdtrt"].update(psn_setlway=None))
    edit("bad-settlement-way", lambda c: c["mdtrt"].update(psn_setlway="2x"))
    edit("readmission", lambda c: c["mdtrt"].update(prior_dscg_date="2010-02-20", prior_disease="appendicitis"))
    edit("readmission-null", lambda c: c["mdtrt"].update(prior_dscg_date=None, prior_disease=None))
    edit("bad-readmission-date", lambda c: c["mdtrt"].update(prior_dscg_date="2010-13-01"))
    edit("bad-readmission-after", lambda c: c["mdtrt"].update(prior_dscg_date="2030-01-01"))
    edit("mid-settlement", lambda c: c["mdtrt"].update(mid_setl_flag="1"))
    edit("insurance-status", lambda c: c["psn"].update(psn_insu_stas="2"))
    edit("insurance-status-null", lambda c: c["psn"].update(psn_insu_stas=None))
    edit("bad-insurance-status", lambda c: c["psn"].update(psn_insu_stas="12"))
    edit("platform-fields", lambda c: (c["psn"].update(certno="140100198005010011"),
                                       c["feedetail"][0].update(rxno="RX1", fee_ocur_time="2010-03-01 10:00:00")))
    edit("misspelt-field", lambda c: c["feedetail"][0].update(selfpay_prob="0.10"))
    edit("declared-total-wrong", lambda c: c["mdtrt"].update(medfee_sumamt="1.00"))
    edit("declared-total-int", lambda c: c["mdtrt"].update(medfee_sumamt=1))
    edit("bad-mid-settlement", lambda c: c["mdtrt"].update(mid_setl_flag="2"))
    edit("ytd", lambda c: c.update(ytd={"year": 2010, "admissions": 1, "dedc_paid": Decimal("750")}))
    edit("bad-ytd", lambda c: c.update(ytd={"year": 2010, "admissions": -1}))
    edit("ytd-maps", lambda c: c.update(ytd={"year": 2010, "cost_sum": "120.5", "fund_paid": {"390100": 300},
                                             "benefit_paid": {"inpatient": Decimal("300.00")}, "eligible_sum": None,
                                             "dedc_paid_by": {"inpatient": "750"}, "quota_used": {}}))
    edit("ytd-null", lambda c: c.update(ytd=None))
    edit("ytd-null-admissions", lambda c: c.update(ytd={"year": 2010, "admissions": None}))
    edit("ytd-null-amount", lambda c: c.update(ytd={"year": 2010, "cost_sum": None}))
    edit("ytd-bool-year", lambda c: c.update(ytd={"year": True}))
    edit("ytd-no-year", lambda c: c.update(ytd={"admissions": 1}))
    edit("ytd-unknown-key", lambda c: c.update(ytd={"year": 2010, "visits": 1}))
    edit("ytd-map-float", lambda c: c.update(ytd={"year": 2010, "fund_paid": {"390100": 0.1}}))
    edit("ytd-map-three-places", lambda c: c.update(ytd={"year": 2010, "fund_paid": {"390100": "0.125"}}))
    edit("ytd-map-list", lambda c: c.update(ytd={"year": 2010, "fund_paid": [1]}))
    edit("ytd-huge-year", lambda c: c.update(ytd={"year": 10**12}))
    edit("str-subclass", lambda c: c["psn"].update(psn_no=type("S", (str,), {})("P1")))
    return out


@pytest.mark.parametrize("claim", variants())
def test_dicts_and_their_json_agree(claim):
    """A dict and its JSON text give the same settlement, or the same error at the same path."""
    engine = engine_for("cn-sx-taiyuan-resident-2010")
    assert _yibao._fast_path_agrees(claim) in (True, None)
    text = json.dumps(claim, default=str)

    def outcome(c):
        try:
            return ("ok", engine.settle(c).to_json())
        except yibao.YibaoError as e:
            return ("error", e.code, e.path)

    assert outcome(claim) == outcome(text)


def test_the_variants_cover_both_outcomes():
    engine = engine_for("cn-sx-taiyuan-resident-2010")
    ok = errors = 0
    for p in variants():
        try:
            engine.settle(p.values[0])
            ok += 1
        except yibao.YibaoError:
            errors += 1
    assert ok >= 5 and errors >= 8
