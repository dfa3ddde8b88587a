"""Quota on chain: the regulator names enterprise accounts and issues a proposal, enterprises
transfer quota between accounts; and the reads the `carbon quota` commands show.

Every write is checked before anything is sent, and the regulator's writes are idempotent:
naming an account already named to the same account sends nothing, and issuing a proposal issues
only what each enterprise's allocation of the year still lacks, so issuing twice issues nothing
the second time. Quota is never taken back by issuing: an allocation above the proposal is
reported as an excess, to be surrendered or deducted.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from eth_account.signers.local import LocalAccount
from eth_utils import is_address, to_checksum_address

from offchain.actions.allocation import ChainEnterprise, ProposalFile
from offchain.chain.quota_reads import QuotaEvent, QuotaReads
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import credit_code
from offchain.core.units import tonnes
from offchain.errors import CarbonError

UINT64_MAX = 2**64 - 1


class QuotaError(CarbonError):
    """A quota operation that cannot be done as asked; nothing was sent."""


class AccountTakenError(QuotaError):
    """An enterprise already has another account, or the account belongs to another enterprise."""


class NoAccountError(QuotaError):
    """An enterprise has no quota account yet."""


class NotTheAccountError(QuotaError):
    """The signer is not the quota account it would move quota from."""


class NotEnoughQuotaError(QuotaError):
    """An account holds less quota than asked for."""


class NotRegulatorError(QuotaError):
    """The signer does not hold the regulator role of CarbonQuota."""


def _carbon(reader: ChainReader, code: str) -> str:
    return reader.enterprise(credit_code.normalise(code)).carbon


def _require_regulator(reader: ChainReader, account: LocalAccount, what: str) -> None:
    quota = reader.manifest.address("CarbonQuota")
    if not reader.has_role("CarbonQuota", quota, "REGULATOR", account.address):
        raise NotRegulatorError(
            f"{account.address} does not hold the regulator role of CarbonQuota: only the "
            f"regulator {what}; nothing was sent"
        )


# -- naming accounts -----------------------------------------------------------------------------


def name_account(
    reader: ChainReader, tx: Transactor, regulator: LocalAccount, code: str, account: str
) -> bool:
    """Names `account` as the holder of the enterprise's quota; False when it already is."""
    code = credit_code.normalise(code)
    if not is_address(account) or int(account, 16) == 0:
        raise QuotaError(f"{account!r} is not an account that can hold quota")
    account = to_checksum_address(account)
    carbon = _carbon(reader, code)
    reads = QuotaReads(reader)
    current = reads.account_of(carbon)
    if current == account:
        return False
    if current is not None:
        raise AccountTakenError(
            f"{code} already holds its quota in {current}; an enterprise's account is named once"
        )
    holder = reads.enterprise_of(account)
    if holder is not None:
        raise AccountTakenError(
            f"{account} is already the quota account of {reader.profile(holder).credit_code}; "
            f"name another account for {code}"
        )
    _require_regulator(reader, regulator, "names quota accounts")
    tx.send(
        regulator,
        reads.functions.setAccount(carbon, account),
        f"naming the quota account of {code}",
    )
    return True


# -- issuing a proposal --------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueLine:
    """What issuing a proposal did for one enterprise."""

    credit_code: str
    proposed: int  # micro-tonnes CO2e: what the allocation of the year should reach
    allocated_before: int
    issued: int  # 0 when skipped

    @property
    def excess(self) -> int:
        """Allocated beyond the proposal (a negative true-up): to surrender or deduct."""
        return max(0, self.allocated_before - self.proposed)

    @property
    def outcome(self) -> Literal["issued", "skipped"]:
        return "issued" if self.issued else "skipped"


def issue(
    reader: ChainReader, tx: Transactor, regulator: LocalAccount, proposal: ProposalFile
) -> list[IssueLine]:
    """Issues each enterprise `proposed − allocated` for the proposal's year when positive.

    Everything is checked first (each enterprise onboarded and with an account, the amounts
    within uint64, the signer the regulator), so a refusal sends nothing."""
    year = proposal.year
    carbons = [_carbon(reader, q.credit_code) for q in proposal.quotas]
    reads = QuotaReads(reader)
    allocations = reads.allocations(carbons, year)
    without = [
        q.credit_code
        for q, a in zip(proposal.quotas, allocations, strict=True)
        if int(a.account, 16) == 0
    ]
    if without:
        raise NoAccountError(
            f"no quota account named for {', '.join(without)}; name each with "
            "`carbon quota account` first; nothing was issued"
        )
    too_large = [q.credit_code for q in proposal.quotas if q.amount > UINT64_MAX]
    if too_large:
        raise QuotaError(
            f"the quota of {', '.join(too_large)} exceeds what CarbonQuota keeps (uint64 "
            "micro-tonnes); nothing was issued"
        )
    _require_regulator(reader, regulator, "issues quota")
    lines = []
    for quota, carbon, allocation in zip(proposal.quotas, carbons, allocations, strict=True):
        missing = quota.amount - allocation.allocated
        if missing > 0:
            tx.send(
                regulator,
                reads.functions.issue(year, carbon, missing),
                f"issuing {tonnes(missing)} t of {year} quota to {quota.credit_code}",
            )
        lines.append(
            IssueLine(quota.credit_code, quota.amount, allocation.allocated, max(0, missing))
        )
    return lines


# -- transfers -----------------------------------------------------------------------------------


def transfer(
    reader: ChainReader,
    tx: Transactor,
    signer: LocalAccount,
    from_code: str,
    to_code: str,
    amount: int,
) -> tuple[str, str]:
    """Moves `amount` micro-tonnes from one enterprise's account to another's; the signer must
    be the sending enterprise's account. Returns the two accounts."""
    from_code, to_code = credit_code.normalise(from_code), credit_code.normalise(to_code)
    if from_code == to_code:
        raise QuotaError(f"{from_code} would transfer quota to itself")
    if amount <= 0:
        raise QuotaError(f"a transfer moves a positive amount, not {tonnes(amount)} t")
    reads = QuotaReads(reader)
    sender = reads.account_of(_carbon(reader, from_code))
    recipient = reads.account_of(_carbon(reader, to_code))
    for code, account in ((from_code, sender), (to_code, recipient)):
        if account is None:
            raise NoAccountError(
                f"{code} has no quota account; the regulator names one with `carbon quota account`"
            )
    assert sender is not None and recipient is not None  # checked just above
    if signer.address != sender:
        raise NotTheAccountError(
            f"{signer.address} is not the quota account of {from_code} ({sender}); only that "
            "account moves its quota"
        )
    held = reads.balance(sender)
    if held < amount:
        raise NotEnoughQuotaError(
            f"{from_code} holds {tonnes(held)} t of quota, less than the {tonnes(amount)} t asked"
        )
    if reader.call(reads.functions.paused(), "paused"):
        raise QuotaError("the regulator has paused quota transfers; nothing was sent")
    tx.send(
        signer,
        reads.functions.transfer(recipient, amount),
        f"transferring {tonnes(amount)} t of quota from {from_code} to {to_code}",
    )
    return sender, recipient


# -- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """An enterprise's quota: its account, what it holds, and its allocation of a year."""

    credit_code: str
    name: str
    account: str | None
    balance: int  # micro-tonnes CO2e held now (all years: quota is fungible)
    allocated: int  # of the year
    surrendered: int  # of the year


def standings(reader: ChainReader, year: int, codes: Sequence[str] | None = None) -> list[Standing]:
    """The standing of the enterprises `codes` (every onboarded enterprise when None)."""
    if codes is None:
        carbons = reader.enterprises()
        profiles = [reader.profile(c) for c in carbons]
    else:
        carbons = [_carbon(reader, code) for code in codes]
        profiles = [reader.profile(c) for c in carbons]
    reads = QuotaReads(reader)
    allocations = reads.allocations(carbons, year)
    accounts = [None if int(a.account, 16) == 0 else a.account for a in allocations]
    named = [a for a in accounts if a is not None]
    held = dict(zip(named, reads.balances(named), strict=True))
    return [
        Standing(
            p.credit_code,
            p.name,
            account,
            held.get(account, 0) if account else 0,
            a.allocated,
            a.surrendered,
        )
        for p, a, account in zip(profiles, allocations, accounts, strict=True)
    ]


@dataclass(frozen=True)
class Movement:
    """A quota event with enterprises named by credit code."""

    event: QuotaEvent
    enterprise: str | None  # issued, surrendered: its credit code
    sender: str | None  # transfer: the sending enterprise's credit code
    recipient: str | None  # transfer: the receiving enterprise's credit code


def movements(
    reader: ChainReader, code: str | None = None, year: int | None = None
) -> list[Movement]:
    """The quota's history, of one enterprise and one year when given (a transfer carries no
    year, so asking for a year shows only issues and surrenders)."""
    reads = QuotaReads(reader)
    carbon = account = None
    if code is not None:
        carbon = _carbon(reader, code)
        account = reads.account_of(carbon)
        if account is None:
            return []  # issuing and transferring both need an account: nothing happened yet
    events = reads.events(carbon, account, year)
    codes: dict[str, str] = {}

    def code_of_carbon(address: str) -> str:
        if address not in codes:
            codes[address] = reader.profile(address).credit_code
        return codes[address]

    def code_of_account(address: str) -> str:
        holder = reads.enterprise_of(address)
        return code_of_carbon(holder) if holder else address

    found = []
    for event in events:
        if event.kind == "transfer":
            assert event.to is not None  # every transfer has a recipient
            found.append(
                Movement(event, None, code_of_account(event.account), code_of_account(event.to))
            )
        else:
            assert event.enterprise is not None  # issues and surrenders name their enterprise
            found.append(Movement(event, code_of_carbon(event.enterprise), None, None))
    return found


# -- history from the chain, for allocation ------------------------------------------------------


def chain_enterprises(reader: ChainReader, years: Sequence[int]) -> list[ChainEnterprise]:
    """Every onboarded enterprise with the verified emissions of its Closed years among `years`
    and the years it has records for."""
    carbons = reader.enterprises()
    profiles = [reader.profile(c) for c in carbons]
    pairs = [
        (carbon, year)
        for carbon in carbons
        for year in sorted(set(years) | set(reader.record_years(carbon)))
    ]
    closed: dict[str, dict[int, int]] = {}
    for found in QuotaReads(reader).closed_years(pairs):
        closed.setdefault(found.enterprise, {})[found.year] = found.verified
    return [
        ChainEnterprise(p.credit_code, p.name, p.industry_code, p.region, closed.get(c, {}))
        for c, p in zip(carbons, profiles, strict=True)
    ]
