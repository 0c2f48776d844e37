"""Typed exceptions raised by yibao. Each carries the contract's error fields:
``code`` (stable, e.g. ``"INVALID_CLAIM"``), ``path`` (the JSON path of the
offending field, e.g. ``"feedetail[3].pric"``, or ``None``) and ``message``."""

from typing import Optional


class YibaoError(ValueError):
    """Any error from yibao."""

    def __init__(self, code: str, path: Optional[str], message: str,
                 rule: Optional[str] = None, parameter: Optional[str] = None) -> None:
        super().__init__(f"{code}: {message}" + (f" (at {path})" if path else ""))
        self.code = code
        self.path = path
        self.message = message
        self.rule = rule
        self.parameter = parameter

    def __reduce__(self):  # picklable across processes
        return (type(self), (self.code, self.path, self.message, self.rule, self.parameter))


class InvalidClaim(YibaoError):
    """The claim is malformed or inconsistent (INVALID_CLAIM, INVALID_JSON, INPUT_TOO_LARGE)."""


class UnknownCode(InvalidClaim):
    """A code is not in the national table or not defined by the policy (UNKNOWN_CODE)."""


class PolicyError(YibaoError):
    """The policy cannot be used (INVALID_POLICY, UNKNOWN_POLICY, NO_POLICY_VERSION)."""


class UnknownPolicy(PolicyError):
    """No built-in pack or readable policy file has this name (UNKNOWN_POLICY)."""


class PolicyParameterMissing(PolicyError):
    """The claim needs a parameter the pack declares required and no loaded
    policy sets (POLICY_PARAMETER_MISSING); ``parameter`` and ``rule`` name it."""


class InvalidSettlement(YibaoError):
    """A settlement given for reversal is inconsistent (INVALID_SETTLEMENT)."""


__all__ = ["YibaoError", "InvalidClaim", "UnknownCode", "PolicyError", "UnknownPolicy",
           "PolicyParameterMissing", "InvalidSettlement"]
