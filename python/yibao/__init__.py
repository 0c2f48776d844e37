"""yibao (医保): adjudicates Chinese basic medical-insurance claims.

Give it a region's policy, a member, their year-to-date accumulators and a
visit with its fee lines; it decides what the pooling fund, the further fund
layers, the personal account and the member's cash each pay, exact to the fen
(``decimal.Decimal``), with every amount traced to the rule that justifies it.

>>> import yibao
>>> engine = yibao.Engine.builtin("cn-sx-taiyuan-resident-2010")
>>> s = engine.settle(claim)                  # doctest: +SKIP
>>> s.setlinfo.hifp_pay                        # doctest: +SKIP
Decimal('4114.50')
"""

from ._errors import (
    InvalidClaim,
    InvalidSettlement,
    PolicyError,
    PolicyParameterMissing,
    UnknownCode,
    UnknownPolicy,
    YibaoError,
)
from ._yibao import (
    ENGINE,
    Engine,
    FundDetail,
    SetlInfo,
    Settlement,
    __version__,
    claim_schema,
    policies,
    policy_schema,
)

__all__ = [
    "ENGINE",
    "Engine",
    "FundDetail",
    "SetlInfo",
    "Settlement",
    "__version__",
    "policies",
    "policy_schema",
    "claim_schema",
    "YibaoError",
    "InvalidClaim",
    "UnknownCode",
    "PolicyError",
    "UnknownPolicy",
    "PolicyParameterMissing",
    "InvalidSettlement",
]
