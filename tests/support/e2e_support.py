"""Named development accounts shared by the end-to-end tests (anvil funds them), and the ways
the tests put an enterprise on chain and drive the `carbon` command line."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from offchain.actions import onboarding
from offchain.chain.accounts import dev_account
from offchain.chain.bindings import Onboarding
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor

REGULATOR, ADMIN, WRITER, AGENCY, OUTSIDER = (dev_account(n) for n in (0, 3, 4, 5, 6))


def onboard(
    reader: ChainReader, tx: Transactor, code: str, name: str = "示范电厂", industry: str = "01"
) -> tuple[Any, Any]:
    """Onboards `code` (unless it is already) with ADMIN submitting and WRITER storing; its
    EnterpriseCarbon and DataLayer."""
    enterprise = Onboarding(name, code, industry, "北京", ADMIN.address, WRITER.address)
    onboarding.onboard(reader, tx, REGULATOR, enterprise)
    return contracts(reader, code)


def contracts(reader: ChainReader, code: str) -> tuple[Any, Any]:
    """The web3 contracts of an enterprise: its EnterpriseCarbon and its DataLayer."""
    found = reader.enterprise(code)
    return (
        reader.contract("EnterpriseCarbon", found.carbon),
        reader.contract("DataLayer", found.data_layer),
    )


def onboard_args(
    code: str,
    signer: str,
    name: str = "x",
    admin: str = "0x" + "11" * 20,
    account: str = "0x" + "22" * 20,
) -> list[str]:
    """`carbon enterprise onboard` of `code` as `signer`."""
    return [
        "enterprise",
        "onboard",
        "--name",
        name,
        "--credit-code",
        code,
        "--industry",
        "01",
        "--region",
        "北京",
        "--admin",
        admin,
        "--account",
        account,
        "--as",
        signer,
    ]


def submit_args(
    code: str, activity: Path, title: str, signer: str, evidence: Sequence[Path] = ()
) -> list[str]:
    """`carbon enterprise submit` of a 2023 record as `signer`, citing `evidence`."""
    return [
        "enterprise",
        "submit",
        "--enterprise",
        code,
        "--year",
        "2023",
        "--title",
        title,
        "--activity",
        str(activity),
        "--as",
        signer,
        *(arg for path in evidence for arg in ("--evidence", str(path))),
    ]


def cli_onboard(carbon: Any, code: str, name: str) -> None:
    """`carbon enterprise onboard` of `code` by the regulator, ADMIN submitting, WRITER storing."""
    result = carbon(*onboard_args(code, "dev:0", name, admin=ADMIN.address, account=WRITER.address))
    assert result.exit_code == 0, result.output
