"""The VBA surface (yibao_vba_*) called exactly as Excel VBA calls it:
UTF-16 strings passed by pointer and length (StrPtr/Len), results written
into a caller buffer of UTF-16 units (String$(cap, 0)) with the two-call
pattern, money as Currency (a 64-bit integer scaled by 10 000), status as a
32-bit Long. On Linux `extern "system"` is the C convention, so ctypes.CDLL
calls the same entry points a 32-bit Office calls through stdcall.

Usage: python3 test_vba.py LIBYIBAO.so REPO_ROOT
Closing line: "vba-abi: N passed, M failed".
"""
import ctypes
import json
import pathlib
import sys

lib = ctypes.CDLL(sys.argv[1])
root = pathlib.Path(sys.argv[2])
passed = failed = 0
OK, BUFFER_TOO_SMALL, INVALID_UTF16, INVALID_ARGUMENT, INVALID_CLAIM = 0, 101, 103, 107, 1
U16P = ctypes.POINTER(ctypes.c_uint16)


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", what, file=sys.stderr)


def strptr(s):
    """What VBA's StrPtr(s) and Len(s) give: UTF-16 units and their count."""
    data = s.encode("utf-16-le")
    buf = (ctypes.c_uint16 * max(1, len(data) // 2)).from_buffer_copy(data or b"\0\0")
    return ctypes.cast(buf, U16P), len(data) // 2, buf


def units(raw):
    buf = (ctypes.c_uint16 * len(raw))(*raw)
    return ctypes.cast(buf, U16P), len(raw), buf


for name in ["yibao_vba_version", "yibao_vba_settle", "yibao_vba_reverse", "yibao_vba_simple_fund", "yibao_vba_last_error"]:
    getattr(lib, name).restype = ctypes.c_int32

lib.yibao_vba_settle.argtypes = [U16P, ctypes.c_int32, U16P, ctypes.c_int32, U16P, ctypes.c_int32, ctypes.POINTER(ctypes.c_int32)]
lib.yibao_vba_reverse.argtypes = [U16P, ctypes.c_int32, U16P, ctypes.c_int32, ctypes.POINTER(ctypes.c_int32)]
lib.yibao_vba_version.argtypes = [U16P, ctypes.c_int32, ctypes.POINTER(ctypes.c_int32)]
lib.yibao_vba_last_error.argtypes = [U16P, ctypes.c_int32, ctypes.POINTER(ctypes.c_int32)]
lib.yibao_vba_simple_fund.argtypes = [U16P, ctypes.c_int32] * 6 + [ctypes.c_int64, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64)]


def call_with_buffer(fn, *args):
    """The VBA pattern: ask with an empty buffer, then grow to `needed` and call again."""
    needed = ctypes.c_int32(0)
    st = fn(*args, None, 0, ctypes.byref(needed))
    first = st
    if st == BUFFER_TOO_SMALL or needed.value > 0:
        out = (ctypes.c_uint16 * needed.value)()
        st = fn(*args, ctypes.cast(out, U16P), needed.value, ctypes.byref(needed))
        text = bytes(out)[: 2 * (needed.value - 1)].decode("utf-16-le")
    else:
        text = ""
    return first, st, text


st0, st, version = call_with_buffer(lib.yibao_vba_version)
check(st0 == BUFFER_TOO_SMALL and st == OK and version.count(".") == 2, f"version {version!r}")

claim = json.loads((root / "examples/claims/taiyuan-admission.json").read_text())
claim["mdtrt"]["mdtrt_id"] = "住院-𠀀1"  # a character outside the BMP: a surrogate pair in UTF-16
pol, pol_n, _k1 = strptr("cn-sx-taiyuan-resident-2010")
cl, cl_n, _k2 = strptr(json.dumps(claim, ensure_ascii=False))
st0, st, text = call_with_buffer(lib.yibao_vba_settle, pol, pol_n, cl, cl_n)
check(st0 == BUFFER_TOO_SMALL and st == OK, f"settle status {st0} {st}")
s = json.loads(text)
check(s["setlinfo"]["hifp_pay"] == "4114.50", "fund 4114.50")
check(s["mdtrt_id"] == "住院-𠀀1", "Chinese and non-BMP text survive UTF-16 both ways")

# A string read from a UTF-16 file keeps its byte-order mark (U+FEFF): it is dropped.
bom, bom_n, _kb = strptr("\ufeff" + json.dumps(claim, ensure_ascii=False))
st0, st, btext = call_with_buffer(lib.yibao_vba_settle, pol, pol_n, bom, bom_n)
check(st == OK and json.loads(btext)["setlinfo"]["hifp_pay"] == "4114.50", f"a leading byte-order mark: {st} {btext[:80]}")

# A buffer one unit short is refused whole: nothing written, needed given.
needed = ctypes.c_int32(0)
lib.yibao_vba_settle(pol, pol_n, cl, cl_n, None, 0, ctypes.byref(needed))
short = (ctypes.c_uint16 * (needed.value - 1))(*([0x78] * (needed.value - 1)))
st = lib.yibao_vba_settle(pol, pol_n, cl, cl_n, ctypes.cast(short, U16P), needed.value - 1, ctypes.byref(needed))
check(st == BUFFER_TOO_SMALL and short[0] == 0x78, "no silent truncation")

st0, st, rtext = call_with_buffer(lib.yibao_vba_reverse, *strptr(text)[:2])
check(st == OK and json.loads(rtext)["status"] == "reversed", "reverse")

bad, bad_n, _k3 = units([0x7B, 0xD800, 0x7D])  # "{", a lone high surrogate, "}"
st0, st, err = call_with_buffer(lib.yibao_vba_settle, pol, pol_n, bad, bad_n)
check(st == INVALID_UTF16 and json.loads(err)["code"] == "INVALID_UTF16", f"lone surrogate: {st} {err}")

st = lib.yibao_vba_settle(pol, -5, cl, cl_n, None, 0, ctypes.byref(needed))
check(st == INVALID_ARGUMENT, "negative length")

st = lib.yibao_vba_settle(None, 3, cl, cl_n, None, 0, ctypes.byref(needed))
check(st == 100, "NULL string with a length")

cl2, cl2_n, _k4 = strptr("{}")
st0, st, err = call_with_buffer(lib.yibao_vba_settle, pol, pol_n, cl2, cl2_n)
check(st == INVALID_CLAIM and json.loads(err)["path"], "invalid claim: error JSON with a path")
_, st, last = call_with_buffer(lib.yibao_vba_last_error)
check(json.loads(last)["code"] == "INVALID_CLAIM", "last error")

# Worksheet helper: a 10 000.00 level-3 adult admission -> fund 4 625.00, member 5 375.00 (Currency x 10 000).
fund, cash = ctypes.c_int64(0), ctypes.c_int64(0)
args = []
keep = []
for v in ["cn-sx-taiyuan-resident-2010", "390", "1501", "21", "3", "2010-03-01"]:
    p, n, k = strptr(v)
    args += [p, n]
    keep.append(k)
st = lib.yibao_vba_simple_fund(*args, ctypes.c_int64(10_000 * 10_000), ctypes.byref(fund), ctypes.byref(cash))
check(st == OK and fund.value == 4625_0000 and cash.value == 5375_0000, f"simple fund {st} {fund.value} {cash.value}")
args[9] = 2  # hosp_lv "3" -> a 2-unit string "3" + garbage is refused cleanly
p, n, k = strptr("9")
args[8], args[9] = p, n
keep.append(k)
st = lib.yibao_vba_simple_fund(*args, ctypes.c_int64(10_000 * 10_000), ctypes.byref(fund), ctypes.byref(cash))
check(st != OK, "a hospital level the pack does not know is refused, not guessed")

print(f"vba-abi: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
