#!/usr/bin/env python3
"""Seeds the fuzz corpora from the conformance cases and the policy files."""
import glob, json, os
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
os.makedirs(f"{here}/corpus/settle_abi", exist_ok=True)
os.makedirs(f"{here}/corpus/policy_load", exist_ok=True)
for f in glob.glob(f"{root}/tests/conformance/cases/*.json"):
    c = json.load(open(f))
    t = c.get("claim_text") or json.dumps(c.get("claim") or c.get("input"), ensure_ascii=False)
    open(f"{here}/corpus/settle_abi/{os.path.basename(f)}", "w").write(t)
for f in glob.glob(f"{root}/examples/policies/*.json") + glob.glob(f"{root}/core/policies/*.json"):
    d = json.load(open(f))
    if isinstance(d.get("extends"), str) and d["extends"].endswith(".json"):
        d["extends"] = None
    open(f"{here}/corpus/policy_load/{os.path.basename(f)}", "w").write(json.dumps(d, ensure_ascii=False))
