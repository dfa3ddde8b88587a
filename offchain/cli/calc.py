"""`carbon calc`: the emissions of an activity document, offline from files or from the chain."""

from pathlib import Path

import click

from offchain.cli.app import App, pass_app
from offchain.cli.output import emit


@click.command()
@click.option(
    "--activity",
    type=click.Path(path_type=Path),
    required=True,
    help="Activity data (AD) JSON document.",
)
@click.option("--factors", type=click.Path(path_type=Path), help="Factor library JSON (offline).")
@click.option("--formulas", type=click.Path(path_type=Path), help="Formula library JSON (offline).")
@click.option("--code", type=click.Path(path_type=Path), help="Calculation JavaScript (offline).")
@click.option(
    "--industry",
    help="Industry code whose latest standards to use (default: the one "
    "the activity's `standards` names).",
)
@click.option("--prefix", default="GB", show_default=True, help="Standards family, e.g. GB or ISO.")
@click.option(
    "--at",
    "pinned",
    multiple=True,
    metavar="NAME",
    help="Use this index name instead of the latest of its kind (repeatable).",
)
@pass_app
def calc(
    app: App,
    activity: Path,
    factors: Path | None,
    formulas: Path | None,
    code: Path | None,
    industry: str | None,
    prefix: str,
    pinned: tuple[str, ...],
) -> None:
    """Compute the emissions of an activity document.

    With --factors, --formulas and --code it works offline on files; without them it pulls the
    standards from the deployed chain, checking every digest. Prints a JSON object with `total`
    and `items` in tCO2e (decimal strings, six decimals) and any warnings.
    """
    from offchain.calc import calculator, standards
    from offchain.core import documents

    document = documents.load_file(activity, "activity")
    offline = (factors, formulas, code)
    if any(offline):
        if factors is None or formulas is None or code is None:
            raise click.UsageError(
                "offline calculation needs all of --factors, --formulas and --code"
            )
        if pinned:
            raise click.UsageError("--at picks standards on chain; it does not combine with files")
        chosen = standards.from_files(factors, formulas, code)
    else:
        industry = industry or standards.industry_of(document)
        if industry is None:
            raise click.UsageError(f"{activity} names no standards; say which with --industry")
        chosen = standards.from_chain(app.reader, industry, prefix, pinned)
    result = calculator.calculate(chosen.factors, chosen.formulas, chosen.code, document)
    output = result.to_json()
    if chosen.refs:
        output["standards"] = chosen.provenance()
    emit(output)
