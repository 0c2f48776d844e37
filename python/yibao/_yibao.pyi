"""Type stubs of the yibao._yibao extension (hand-written; checked by mypy.stubtest)."""

from decimal import Decimal
from os import PathLike
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Union

from typing_extensions import TypeAlias, final

__version__: str
ENGINE: str

_Claim: TypeAlias = Union[str, bytes, Mapping[str, Any]]

def policies() -> List[dict]:
    """The built-in packs: id, title, versions, hash, rules and required_params."""

def policy_schema() -> dict:
    """The JSON Schema (draft 2020-12) of policy files: names, types and words."""

def claim_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a claim: names, types, amounts, dates and national codes."""

@final
class SetlInfo:
    """Per-settlement sums in the national names, each a Decimal."""

    @property
    def medfee_sumamt(self) -> Decimal:
        """Total charges (医疗费总额)."""
    @property
    def fulamt_ownpay_amt(self) -> Decimal:
        """Fully self-paid (全自费金额)."""
    @property
    def overlmt_selfpay(self) -> Decimal:
        """Over the price or counted limit (超限价自费费用)."""
    @property
    def preselfpay_amt(self) -> Decimal:
        """Pre-self-pay of class-B items (先行自付金额)."""
    @property
    def inscp_scp_amt(self) -> Decimal:
        """In scope (符合政策范围金额)."""
    @property
    def act_pay_dedc(self) -> Decimal:
        """Deductible borne this time (实际支付起付线)."""
    @property
    def hifp_pay(self) -> Decimal:
        """Basic pooling fund (统筹基金支出)."""
    @property
    def pool_prop_selfpay(self) -> Decimal:
        """Basic fund ratio applied (informational)."""
    @property
    def cvlserv_pay(self) -> Decimal:
        """Civil-servant subsidy (公务员医疗补助)."""
    @property
    def hifes_pay(self) -> Decimal:
        """Enterprise supplementary fund (企业补充)."""
    @property
    def hifmi_pay(self) -> Decimal:
        """Residents' serious-illness insurance (居民大病保险)."""
    @property
    def hifob_pay(self) -> Decimal:
        """Employees' large-amount subsidy (职工大额补助)."""
    @property
    def maf_pay(self) -> Decimal:
        """Medical assistance (医疗救助)."""
    @property
    def oth_pay(self) -> Decimal:
        """Other funds (其他支出)."""
    @property
    def fund_pay_sumamt(self) -> Decimal:
        """Sum of fund payments (基金支付总额)."""
    @property
    def psn_part_amt(self) -> Decimal:
        """Member's total share (个人负担总金额)."""
    @property
    def acct_pay(self) -> Decimal:
        """Personal account (个人账户支出), the mutual-aid part included."""
    @property
    def acct_mulaid_pay(self) -> Decimal:
        """Of acct_pay, drawn on a family member's account by mutual aid (个人账户共济支付金额)."""
    @property
    def psn_cash_pay(self) -> Decimal:
        """Cash (个人现金支出)."""
    @property
    def hosp_part_amt(self) -> Decimal:
        """Borne by the hospital (医院负担金额): cost above a fixed standard, hospital relief."""
    @property
    def balc(self) -> Decimal:
        """Personal-account balance after (余额)."""

@final
class FundDetail:
    """One fund's row of setldetail."""

    @property
    def fund_pay_type(self) -> str:
        """Fund code (基金支付类型), e.g. "390100"."""
    @property
    def inscp_scp_amt(self) -> Decimal:
        """The base this fund worked on."""
    @property
    def crt_payb_lmt_amt(self) -> Decimal:
        """What the fund could still pay this time (本次可支付限额金额)."""
    @property
    def fund_payamt(self) -> Decimal:
        """What it paid."""
    @property
    def setl_proc_info(self) -> str:
        """How it was computed."""

@final
class Settlement:
    """The result of settling one claim."""

    @property
    def status(self) -> Literal["settled", "denied", "manual", "reversed"]:
        """How the claim ends."""
    @property
    def mdtrt_id(self) -> str:
        """Visit ID."""
    @property
    def psn_no(self) -> str:
        """Person number."""
    @property
    def benefit(self) -> Optional[str]:
        """The benefit the claim was settled under."""
    @property
    def setlinfo(self) -> SetlInfo:
        """Per-settlement sums."""
    @property
    def setldetail(self) -> List[FundDetail]:
        """One row per fund."""
    @property
    def feedetail(self) -> List[dict]:
        """Per-line splits (Decimal amounts)."""
    @property
    def ytd_after(self) -> dict:
        """Accumulators after this claim; persist them."""
    @property
    def ytd_delta(self) -> dict:
        """What this claim added to the accumulators."""
    @property
    def trace(self) -> List[dict]:
        """Every step with its rule ID."""
    @property
    def notices(self) -> List[dict]:
        """What the member must know or do."""
    @property
    def denial(self) -> Optional[dict]:
        """Why no fund pays, or None."""
    @property
    def stamp(self) -> dict:
        """Engine, policy and input fingerprints."""
    def to_dict(self) -> dict:
        """The whole settlement as a dict (money as Decimal)."""
    def to_json(self) -> str:
        """The settlement as the contract's JSON."""

@final
class Engine:
    """An immutable loaded policy; safe to share between threads."""

    @staticmethod
    def builtin(id: str) -> Engine:
        """An engine over a built-in pack."""
    @staticmethod
    def from_file(path: Union[str, PathLike]) -> Engine:
        """An engine over a policy file."""
    @staticmethod
    def from_json(text: str) -> Engine:
        """An engine over a policy given as JSON text."""
    @property
    def policy_id(self) -> str:
        """The loaded policy's ID."""
    @property
    def policy_hash(self) -> str:
        """The policy's content hash."""
    @property
    def policy_warnings(self) -> List[Dict[str, str]]:
        """Each rule cited without a text in `rules`, as {"rule", "place"}."""
    @property
    def missing_params(self) -> List[Dict[str, str]]:
        """The declared parameters no file has set, as {"name", "rule"}."""
    def settle(self, claim: _Claim) -> Settlement:
        """Settles one claim (dict, or JSON text as str or UTF-8 bytes)."""
    def settle_many(
        self,
        claims: Iterable[Union[_Claim, Mapping[str, Settlement]]],
        *,
        errors: Literal["raise", "return"] = "raise",
        threads: Optional[int] = None,
    ) -> List[Any]:
        """Settles many claims in input order, carrying accumulators and the account balance per psn_no;
        an item {"reverse": settlement} reverses that settlement against what its member carries."""
    def call_json(self, op: str, input: str) -> str:
        """Runs one operation on a JSON string; returns the JSON result."""
    def call(self, op: str, input: Union[str, Mapping[str, Any]]) -> Any:
        """Runs one operation (settle, reverse, check, filing, certification, deadline, workdays)."""
    def check(self, application: Union[str, Mapping[str, Any]]) -> dict:
        """Checks an application for manual reimbursement."""
    def filing(self, request: Union[str, Mapping[str, Any]]) -> dict:
        """Applies a filing transition."""
    def certification(self, request: Union[str, Mapping[str, Any]]) -> dict:
        """Applies a certification step."""
    def deadline(self, claim: _Claim) -> Optional[dict]:
        """The manual-reimbursement window of a claim."""
    def reverse(
        self,
        settlement: Union[Settlement, _Claim],
        ytd: Optional[Union[str, Mapping[str, Any]]] = None,
        balc: Optional[Union[Decimal, str, int]] = None,
    ) -> Settlement:
        """Reverses a settlement; ytd_after gives back the accumulators, balc the current balance with the refund."""
