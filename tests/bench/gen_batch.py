#!/usr/bin/env python3
"""Writes N Taiyuan resident claims of 10 fee lines as JSONL, for `yibao batch`.

Usage: gen_batch.py N [MEMBERS] > claims.jsonl
Claims carry no `ytd`, so the batch carries each member's accumulators from
one claim to the next, as when a year of claims is replayed.
"""
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
members = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
out = sys.stdout
lines_tpl = []
for i in range(10):
    lv = ("01", "02", "03")[i % 3]
    amt = f"{50 + i * 7}.{i:02d}"
    line = {"feedetl_sn": str(i + 1), "med_list_codg": f"X{i}", "med_chrgitm_type": "09", "chrgitm_lv": lv,
            "pric": amt, "cnt": "1", "det_item_fee_sumamt": amt}
    if lv == "02":
        line["selfpay_prop"] = "0.10"
    lines_tpl.append(line)
feedetail = json.dumps(lines_tpl, separators=(",", ":"))
for k in range(n):
    m = k % members
    month = 1 + (k // members) % 12
    claim = ('{"policy":"cn-sx-taiyuan-resident-2010","psn":{"psn_no":"P%d","insutype":"390","psn_type":"1501",'
             '"brdy":"1980-05-01","insu_begn_date":"2008-01-01","primary_fixmedins_code":"H001"},'
             '"mdtrt":{"mdtrt_id":"M%d","med_type":"21","begndate":"2010-%02d-01","enddate":"2010-%02d-10",'
             '"fixmedins_code":"H001","hosp_lv":"%d","insuplc_admdvs":"140100","mdtrtarea_admvs":"140100"},'
             '"feedetail":%s}\n') % (m, k, month, month, 1 + k % 3, feedetail)
    out.write(claim)
