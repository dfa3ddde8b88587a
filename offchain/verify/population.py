"""Which enterprises reported in a year: what a verification of the whole registry covers.

Two JSON-RPC batches after the list of enterprises, whatever their number: every enterprise's
profile (its credit code) and record years.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from offchain.chain.bindings import Profile
from offchain.chain.reader import ChainReader

CARBON = "EnterpriseCarbon"


@dataclass(frozen=True)
class Reporting:
    """The enterprises onboarded, split by whether they have records in the year."""

    with_records: list[str]  # credit codes, in onboarding order
    without_records: list[str]


def reporting(reader: ChainReader, year: int, only: Sequence[str] = ()) -> Reporting:
    """Every onboarded enterprise (or only those credit codes) by whether it reported in `year`."""
    carbons = reader.enterprises()
    requests = [
        reader.eth_call(CARBON, carbon, function, (), None)
        for carbon in carbons
        for function in ("profile", "recordYears")
    ]
    answers = reader.batch(requests)
    wanted = set(only)
    found, missing = [], []
    for profile, years in zip(answers[0::2], answers[1::2], strict=True):
        code = Profile.decode(reader.decode(CARBON, "profile", profile)).credit_code
        if wanted and code not in wanted:
            continue
        (found if year in reader.decode(CARBON, "recordYears", years) else missing).append(code)
    return Reporting(found, missing)
