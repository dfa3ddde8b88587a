"""Options several commands share, declared once so their names, help and defaults agree."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

AS = click.option(
    "--as",
    "signer",
    envvar="CARBON_ACCOUNT",
    required=True,
    metavar="SPEC",
    help="Signing account: dev:N (local chains), env:VAR (hex key) or keystore:PATH.",
)


def credit_code_option(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    """Trimmed, upper-cased and checked (GB 32100-2015), so a typo is named before any call."""
    from offchain.core.credit_code import CreditCodeError, normalise

    if value is None:
        return None
    try:
        return normalise(value)
    except CreditCodeError as exc:
        raise click.BadParameter(str(exc)) from exc


ENTERPRISE = click.option(
    "--enterprise",
    "credit_code",
    required=True,
    callback=credit_code_option,
    help="Unified social credit code (统一社会信用代码) of the enterprise.",
)
OPTIONAL_ENTERPRISE = click.option(
    "--enterprise",
    "credit_code",
    default=None,
    callback=credit_code_option,
    help="Only this enterprise (unified social credit code).",
)


def credit_codes_option(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[str]:
    return [
        code for code in (credit_code_option(ctx, param, v) for v in values) if code is not None
    ]


ENTERPRISES = click.option(
    "--enterprise",
    "credit_codes",
    multiple=True,
    callback=credit_codes_option,
    help="Unified social credit code of an enterprise (repeatable; default: all concerned).",
)
CREDIT_CODE = click.option(
    "--credit-code",
    required=True,
    callback=credit_code_option,
    help="Unified social credit code (统一社会信用代码, 18 characters, GB 32100-2015).",
)
# Years the contracts keep (uint16) and a carbon registry can mean.
YEAR = click.option(
    "--year", type=click.IntRange(1900, 9999), required=True, help="Reporting year, e.g. 2023."
)


def enterprise_year(command: F) -> F:
    """--enterprise and --year: the enterprise-year a command is about."""
    return ENTERPRISE(YEAR(command))


def folder(flag: str, default: str, help: str) -> Callable[[F], F]:
    """An option naming a folder the command writes into."""
    return click.option(
        flag, type=click.Path(path_type=Path), default=Path(default), show_default=True, help=help
    )


# The options a submission and a rectification share.
ACTIVITY = click.option("--activity", type=click.Path(path_type=Path), required=True)
EVIDENCE = click.option(
    "--evidence",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Evidence file (ledger, invoice, test report); repeatable.",
)
ENCRYPT_FOR = click.option(
    "--encrypt-for",
    multiple=True,
    metavar="ADDR",
    help="Also encrypt the activity document and evidence for this reader (repeatable); the "
    "writer is added, and the admin and regulator when their keys are published.",
)
MONTH = click.option(
    "--month",
    type=click.IntRange(1, 12),
    default=None,
    help="The month a monthly record is filed for; the document's period must name it.",
)
AGGREGATED = click.option(
    "--aggregated", is_flag=True, help="A quarter or annual record summing others."
)
WRITER = click.option(
    "--writer",
    "writer_spec",
    default=None,
    metavar="SPEC",
    help="Account that stores data entries (default: --as).",
)
OUTCOME_JSON = click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
