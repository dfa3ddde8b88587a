"""The portal: read-only pages for the regulator, an enterprise, an agency and the explorer,
rendered on the server (Jinja2) from the same reads as the CLI — the reader, the compliance
report, the inspect views. Signing stays in the CLI; no page changes anything.

Handlers are plain functions that Starlette runs in its thread pool, since the reader blocks on
HTTP. The reader is built on the first request that needs it (and again after the node was
unreachable): an unknown credit code, address or transaction answers 404, an unreachable node
503, each with one line.
"""

import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from requests.exceptions import RequestException
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from offchain.chain.bindings import AgencyStatus, Verdict
from offchain.chain.reader import ChainReader
from offchain.chain.revert import RevertError
from offchain.core.credit_code import normalise
from offchain.core.store import DocumentStore
from offchain.errors import CarbonError, ChainError, NotDeployedError
from offchain.inspect.catalog import Catalog
from offchain.inspect.tx import UnknownTransactionError
from offchain.web import reads, render

HERE = Path(__file__).parent


class NotFound(CarbonError):
    """A page about something the chain does not have."""


class Portal:
    """What every page shares: the reader (built on first use), the catalog and templates."""

    def __init__(self, reader_factory: Callable[[], ChainReader], store: DocumentStore) -> None:
        self.reader_factory = reader_factory
        self.store = store
        self._reader: ChainReader | None = None
        self._lock = threading.Lock()
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape()
        )
        self.templates.filters.update(
            t=render.t,
            when=render.when,
            address=render.address,
            tx=render.tx,
            cell=render.cell,
            scalar_fields=render.scalar_fields,
        )

    @property
    def reader(self) -> ChainReader:
        with self._lock:
            if self._reader is None:
                self._reader = self.reader_factory()
            return self._reader

    @cached_property
    def catalog(self) -> Catalog:
        """Every event, function and error of the suite's ABIs (the manifest never changes)."""
        return Catalog.of(self.reader.manifest)

    def forget_reader(self) -> None:
        """Builds the reader again on the next request: the node may come back, or be another."""
        with self._lock:
            self._reader = None

    def page(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.templates.get_template(template).render(**values)
        return HTMLResponse(html, status_code=status)


def create_app(reader_factory: Callable[[], ChainReader], store: DocumentStore) -> Starlette:
    """The portal over the reader `reader_factory` builds and the document `store`."""
    portal = Portal(reader_factory, store)

    def view(handler: Callable[..., HTMLResponse]) -> Callable[[Request], HTMLResponse]:
        def endpoint(request: Request) -> HTMLResponse:
            try:
                return handler(portal, **request.path_params, query=request.query_params)
            except (NotFound, NotDeployedError, UnknownTransactionError, RevertError) as exc:
                return portal.page("error.html", 404, title="Not found", message=str(exc))
            except (ChainError, RequestException) as exc:
                portal.forget_reader()
                message = str(exc) if isinstance(exc, ChainError) else "cannot reach the node"
                return portal.page("error.html", 503, title="Chain unreachable", message=message)
            except CarbonError as exc:  # a malformed credit code, a grouping no report knows
                return portal.page("error.html", 400, title="Bad request", message=str(exc))

        return endpoint

    def not_found(request: Request, exc: HTTPException) -> HTMLResponse:
        message = f"no page at {request.url.path}" if exc.status_code == 404 else exc.detail
        return portal.page("error.html", exc.status_code, title="Not found", message=message)

    routes = [
        Route("/", view(overview_page)),
        Route("/compliance/{year:int}", view(compliance_page)),
        Route("/alarms/{year:int}", view(alarms_page)),
        Route("/stats/{year:int}", view(stats_page)),
        Route("/enterprises/{code}", view(enterprise_page)),
        Route("/enterprises/{code}/{year:int}/report", view(report_page)),
        Route("/enterprises/{code}/{year:int}/records/{index:int}", view(record_page)),
        Route("/agencies/{address}", view(agency_page)),
        Route("/explorer/index", view(explorer_index)),
        Route("/explorer/contract/{target}", view(explorer_contract)),
        Route("/explorer/events/{target}", view(explorer_events)),
        Route("/explorer/tx/{tx_hash}", view(explorer_tx)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: not_found})


# -- the regulator -------------------------------------------------------------------------------


def overview_page(portal: Portal, query: Any) -> HTMLResponse:
    rows = reads.overview(portal.reader)
    return portal.page("overview.html", title="Enterprises", rows=rows)


def _compliance(portal: Portal, year: int) -> dict[str, Any]:
    from offchain.reports.compliance import alarms, rates

    reader = portal.reader
    positions = reader.compliance_positions(year)
    cycle = reader.compliance_cycle(year)
    now = reader.w3.eth.get_block("latest")["timestamp"]
    return {
        "year": year,
        "cycle": cycle,
        "positions": positions,
        "alarms": alarms(positions, cycle, now),
        "rates": {by: rates(positions, cycle, by) for by in ("year", "region", "industry")},
    }


def compliance_page(portal: Portal, year: int, query: Any) -> HTMLResponse:
    return portal.page("compliance.html", title=f"Compliance {year}", **_compliance(portal, year))


def alarms_page(portal: Portal, year: int, query: Any) -> HTMLResponse:
    found = _compliance(portal, year)
    return portal.page("alarms.html", title=f"Alarms {year}", **found)


# -- an enterprise -------------------------------------------------------------------------------


def _enterprise(portal: Portal, code: str, year: int | None) -> Any:
    from offchain.inspect.enterprise import read_enterprise

    return read_enterprise(portal.reader, portal.catalog, _code(code), year)


def _code(code: str) -> str:
    """A credit code as the chain keeps it; one that cannot exist is not found."""
    try:
        return normalise(code)
    except CarbonError as exc:
        raise NotFound(str(exc)) from exc


def enterprise_page(portal: Portal, code: str, query: Any) -> HTMLResponse:
    view = _enterprise(portal, code, None)
    return portal.page("enterprise.html", title=view.profile.name, view=view)


def record_page(portal: Portal, code: str, year: int, index: int, query: Any) -> HTMLResponse:
    view = _enterprise(portal, code, year)
    records = view.years[0].records if view.years else []
    if not 0 <= index < len(records):
        raise NotFound(f"{view.credit_code} has no record #{index} in {year}")
    submitted = reads.submission_tx(portal.reader, portal.catalog, view.carbon, year, index)
    return portal.page(
        "record.html",
        title=f"{view.profile.name} {year} #{index}",
        view=view,
        year=year,
        item=records[index],
        submitted=submitted,
    )


# -- an agency -----------------------------------------------------------------------------------


def agency_page(portal: Portal, address: str, query: Any) -> HTMLResponse:
    from web3 import Web3

    reader = portal.reader
    if not Web3.is_address(address):
        raise NotFound(f"{address!r} is not an Ethereum address")
    agency = reader.agency(Web3.to_checksum_address(address))
    if agency.status is AgencyStatus.NONE:
        raise NotFound(f"{address} is no agency of the VerifierRegistry")
    assignments = []
    for carbon, year, assigned in reader.assignments(address):
        verdicts: list[Verdict] = [
            v for v in reader.verdicts(carbon, year) if v.agency.lower() == assigned.lower()
        ]
        profile = reader.profile(carbon)
        assignments.append(
            {
                "profile": profile,
                "carbon": carbon,
                "year": year,
                "verification": reader.verification(carbon, year),
                "verdicts": verdicts,
            }
        )
    return portal.page(
        "agency.html",
        title=agency.name,
        address=Web3.to_checksum_address(address),
        agency=agency,
        assignments=assignments,
    )


# -- pages of the reports issue, wired by the integrator once reports/ has them -----------------


def report_page(portal: Portal, code: str, year: int, query: Any) -> HTMLResponse:
    """The enterprise report `carbon report` prints, from the same builder."""
    from offchain.reports.enterprise import enterprise_report

    report = enterprise_report(portal.reader, _code(code), year)
    return portal.page("generic.html", title=f"Report {code} {year}", data=report.to_json())


def stats_page(portal: Portal, year: int, query: Any) -> HTMLResponse:
    """The regulator's statistics `carbon stats` prints, from the same builder."""
    from offchain.reports.stats import regulator_stats

    stats = regulator_stats(portal.reader, [year], query.get("by", "region"))
    return portal.page("generic.html", title=f"Statistics {year}", data=stats.to_json())


# -- the explorer --------------------------------------------------------------------------------


def _suite(portal: Portal) -> Any:
    from offchain.inspect.resolve import Suite

    return Suite(portal.reader)


def explorer_contract(portal: Portal, target: str, query: Any) -> HTMLResponse:
    from offchain.inspect.contracts import describe

    view = describe(portal.reader, _suite(portal).resolve(target))
    events = f"/explorer/events/{view.address}"
    return portal.page(
        "generic.html", title=view.label, data=render.plain(view), links={"events": events}
    )


def explorer_events(portal: Portal, target: str, query: Any) -> HTMLResponse:
    from offchain.inspect.events import history

    suite = _suite(portal)
    found = suite.resolve(target)
    addresses = [found.address]
    if found.address in suite.enterprises:
        addresses.append(suite.enterprises[found.address][1])
    rows = history(portal.reader, portal.catalog, addresses, suite.labels)
    return portal.page(
        "generic.html", title=f"Events of {found.label}", data={"events": render.plain(rows)}
    )


def explorer_tx(portal: Portal, tx_hash: str, query: Any) -> HTMLResponse:
    from offchain.inspect.tx import inspect_tx

    suite = _suite(portal)
    view = inspect_tx(portal.reader, portal.catalog, tx_hash, suite.labels)
    return portal.page("generic.html", title=f"Transaction {view.hash}", data=render.plain(view))


def explorer_index(portal: Portal, query: Any) -> HTMLResponse:
    from offchain.inspect.index import read_index

    view = read_index(portal.reader, portal.catalog, _suite(portal))
    return portal.page("generic.html", title="Index", data=render.plain(view))
