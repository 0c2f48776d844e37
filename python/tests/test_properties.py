"""Hypothesis: on random claims, every contract identity holds to the fen,
settling is deterministic, and settle-then-reverse restores the accumulators."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import yibao
from test_conformance import check_identities

ENGINE = yibao.Engine.builtin("cn-sx-taiyuan-resident-2010")
money = st.integers(min_value=1, max_value=5_000_000).map(lambda f: Decimal(f).scaleb(-2))


@st.composite
def claims(draw):
    n = draw(st.integers(min_value=1, max_value=15))
    lines = []
    for i in range(n):
        amt = draw(money)
        lv = draw(st.sampled_from(["01", "02", "03"]))
        line = {"feedetl_sn": str(i + 1), "med_chrgitm_type": "09", "chrgitm_lv": lv,
                "pric": amt, "cnt": 1, "det_item_fee_sumamt": amt}
        if lv == "02":
            line["selfpay_prop"] = draw(st.sampled_from(["0.05", "0.10", "0.15", "0.2"]))
        if draw(st.booleans()):
            line["pric_uplmt_amt"] = draw(money)
        lines.append(line)
    med = draw(st.sampled_from(["21", "11", "24"]))
    return {
        "psn": {"psn_no": "H", "insutype": "390", "psn_type": draw(st.sampled_from(["1501", "1403"])),
                "insu_begn_date": "2008-01-01", "primary_fixmedins_code": "H001",
                "quota_balc": {"opool": draw(money)}},
        "ytd": {"year": 2010, "admissions": draw(st.integers(0, 5)),
                "benefit_paid": {"inpatient": draw(st.integers(0, 45000))},
                "eligible_sum": {"general_outpatient": draw(st.integers(0, 150))}},
        "mdtrt": {"mdtrt_id": "M", "med_type": med, "begndate": "2010-05-01", "enddate": "2010-05-01",
                  "fixmedins_code": draw(st.sampled_from(["H001", "H002"])), "hosp_lv": draw(st.sampled_from(["1", "2", "3"])),
                  "insuplc_admdvs": "140100", "mdtrtarea_admvs": "140100",
                  "adm_route": "emergency" if med == "24" else "normal"},
        "feedetail": lines,
    }


@settings(max_examples=300, deadline=None)
@given(claims())
def test_identities_determinism_reversal(c):
    s = ENGINE.settle(c)
    check_identities(s)
    assert ENGINE.settle(c).to_json() == s.to_json()
    r = ENGINE.reverse(s)
    before = c["ytd"]
    assert r.ytd_after["admissions"] == before["admissions"]
    after = r.ytd_after
    assert after.get("benefit_paid", {}).get("inpatient", Decimal(0)) == Decimal(before["benefit_paid"]["inpatient"])
    assert after.get("eligible_sum", {}).get("general_outpatient", Decimal(0)) == Decimal(before["eligible_sum"]["general_outpatient"])
