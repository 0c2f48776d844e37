#!/usr/bin/env python3
"""Seeds the fuzz corpora from the conformance cases and the policy files."""
import glob, json, os
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
# The operations of `call_abi`, in its order: the first byte of an input picks one.
OPS = ["settle", "reverse", "check", "filing", "certification", "deadline", "workdays", "policy"]
for target in ("settle_abi", "policy_load", "call_abi", "batch_lines"):
    os.makedirs(f"{here}/corpus/{target}", exist_ok=True)
for f in glob.glob(f"{root}/tests/conformance/cases/*.json"):
    name = os.path.basename(f)
    c = json.load(open(f))
    t = c.get("claim_text") or json.dumps(c.get("claim") or c.get("input"), ensure_ascii=False)
    open(f"{here}/corpus/settle_abi/{name}", "w").write(t)
    op = c.get("op", "settle")
    if op in OPS:
        open(f"{here}/corpus/call_abi/{name}", "wb").write(bytes([OPS.index(op)]) + t.encode())
    if op == "reverse" and isinstance(c.get("input"), dict) and "settlement" in c["input"]:
        line = json.dumps({"reverse": c["input"]["settlement"]}, ensure_ascii=False)
        open(f"{here}/corpus/batch_lines/{name}", "w").write(line + "\n")
    elif op == "settle" and (c.get("claim") or c.get("claim_text")):
        # The claim twice, on a line each, so the second goes on from the first.
        line = t.replace("\n", " ") + "\n"
        open(f"{here}/corpus/batch_lines/{name}", "w").write(line * 2)
for f in glob.glob(f"{root}/examples/policies/*.json") + glob.glob(f"{root}/core/policies/*.json"):
    d = json.load(open(f))
    if isinstance(d.get("extends"), str) and d["extends"].endswith(".json"):
        d["extends"] = None
    open(f"{here}/corpus/policy_load/{os.path.basename(f)}", "w").write(json.dumps(d, ensure_ascii=False))
