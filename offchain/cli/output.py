"""Everything the CLI prints: JSON for machines, tables for people, progress bars on stderr.

Progress goes to stderr so that stdout stays parseable when a command prints JSON.
"""

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


def emit(data: Any) -> None:
    """Prints `data` as indented JSON, non-ASCII (Chinese names) left readable."""
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    """Prints rows as a table for people (rich is imported only when a table is printed)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=title)
    for header in headers:
        grid.add_column(header)
    for row in rows:
        grid.add_row(*(Text(str(cell)) for cell in row))  # data, never markup: "[t]" is a unit
    # Piped into a file or another program, a row stays on one line whatever its width.
    Console(width=None if sys.stdout.isatty() else 400).print(grid)


Column = tuple[str, str | Callable[[dict[str, Any]], Any]]


def listing(
    rows: list[dict[str, Any]], columns: Sequence[Column], as_json: bool, title: str | None = None
) -> None:
    """Rows as JSON (`--json`) or as a table of `columns`: (header, key or function of a row)."""
    if as_json:
        emit(rows)
        return
    table(
        [header for header, _ in columns],
        [[_cell(row, how) for _, how in columns] for row in rows],
        title=title,
    )


def _cell(row: dict[str, Any], how: str | Callable[[dict[str, Any]], Any]) -> Any:
    value = how(row) if callable(how) else row[how]
    return "-" if value is None else value


def when(timestamp: int) -> str:
    """A block timestamp as people read it, in UTC: `2023-04-05 08:30 UTC`."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def progress(length: int, label: str) -> "ProgressBar[int]":
    """A progress bar on stderr of `length` steps; use as a context manager, `.update(1)`."""
    return click.progressbar(length=length, label=label, file=sys.stderr)
