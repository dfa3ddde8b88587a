"""`carbon standards`: what the CarbonIndex lists."""

import click

from offchain.cli.app import App, pass_app
from offchain.cli.output import emit


@click.command("standards")
@pass_app
def list_standards(app: App) -> None:
    """List every series in the index with its names, oldest first."""
    reader = app.reader
    index = reader.index.functions
    series_list = reader.call(index.seriesList(), "seriesList")
    emit({s: reader.call(index.seriesHistory(s), f"history of {s}") for s in series_list})
