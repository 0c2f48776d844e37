"""The README's Python examples run as a reader would paste them, and print
what the README says they print."""
import contextlib
import csv
import io
import os
import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def run(code, cwd):
    out = io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    finally:
        os.chdir(here)
    return out.getvalue()


def test_the_readme_has_the_two_python_examples():
    assert len(BLOCKS) == 2, BLOCKS


def test_the_five_line_example_prints_what_its_comments_say():
    code = BLOCKS[0]
    printed = run(code, ROOT).splitlines()
    expected = re.search(r"print\(s\.status.*?#\s*(.*?)\s*\(Decimal\)", code).group(1)
    assert printed[0] == expected
    # The accumulators to persist: one admission, its deductible and the fund's payment.
    for part in ("'admissions': 1", "'dedc_paid': Decimal('750.00')", "'fund_paid': {'390100': Decimal('4114.50')}"):
        assert part in printed[1], printed[1]


def test_the_csv_example_settles_a_month_of_claims(tmp_path):
    rows = [
        {"psn_no": "P1", "psn_type": "1501", "hospital": "H001", "visit": "V1", "date": "2010-03-01",
         "level": "3", "amount": "60000.00"},
        {"psn_no": "P1", "psn_type": "1501", "hospital": "H001", "visit": "V2", "date": "2010-05-01",
         "level": "3", "amount": "60000.00"},
        {"psn_no": "P2", "psn_type": "1501", "hospital": "H002", "visit": "V3", "date": "2010-03-02",
         "level": "9", "amount": "500.00"},
    ]
    with open(tmp_path / "claims.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    run(BLOCKS[1], tmp_path)
    with open(tmp_path / "settled.csv", newline="") as f:
        out = list(csv.reader(f))
    assert out[0] == ["visit", "status", "fund", "cash"]
    # The first stay: 50 % of 60 000 less the level-3 deductible of 750.
    # The same member's second stay, her accumulators carried on by
    # settle_many, gets only what the yearly cap of 40 000 leaves.
    v1, v2, v3 = out[1:]
    assert v1 == ["V1", "settled", "29625.00", "30375.00"], v1
    assert v2 == ["V2", "settled", "10375.00", "49625.00"], v2
    # A level the pack does not know is reported on its row, the run going on.
    assert v3 == ["V3", "UNKNOWN_CODE", "[2].mdtrt.hosp_lv", v3[3]] and "`9`" in v3[3], v3
