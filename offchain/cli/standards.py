"""`carbon standards`: what the CarbonIndex lists."""

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, table


@click.command("standards")
@options.JSON
@pass_app
def list_standards(app: App, as_json: bool) -> None:
    """List every series in the index with its names, oldest first, and the one in force."""
    reader = app.reader
    index = reader.index.functions
    series_list = reader.call(index.seriesList(), "seriesList")
    history = {s: reader.call(index.seriesHistory(s), f"history of {s}") for s in series_list}
    if as_json:
        emit(history)
        return
    table(
        ("series", "latest", "names, oldest first"),
        [
            (series, names[-1] if names else "", ", ".join(names))
            for series, names in history.items()
        ],
        title=f"{len(history)} series in the index",
    )
