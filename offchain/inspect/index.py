"""The index as an explorer shows it: every series with each name it registered (target,
registrar, time, transaction), deprecated names marked with their reason, the name in force; and
the upgrade history of every proxy and beacon from their `Upgraded` events and the index's own
`ProxyTracked`/`UpgradeRecorded` events."""

from dataclasses import dataclass
from typing import Any

from offchain.chain.bindings import Registration
from offchain.chain.reader import PAGE, ChainReader
from offchain.chain.revert import RevertError
from offchain.inspect.catalog import Catalog
from offchain.inspect.events import EventRow, history
from offchain.inspect.resolve import Suite

UPGRADE_EVENTS = ("Upgraded", "ProxyTracked", "UpgradeRecorded", "EnterprisesUpgraded")


@dataclass(frozen=True)
class NameEntry:
    """One name of a series."""

    name: str
    target: str
    registrar: str
    registered_at: int
    block: int | None
    tx: str | None
    deprecated: str | None  # the reason, None while the name is in force


@dataclass(frozen=True)
class SeriesView:
    series: str
    current: str | None  # the newest name not deprecated
    names: list[NameEntry]


@dataclass(frozen=True)
class IndexView:
    address: str
    series: list[SeriesView]
    upgrades: list[EventRow]  # oldest first


def read_index(reader: ChainReader, catalog: Catalog, suite: Suite) -> IndexView:
    address = reader.manifest.address("CarbonIndex")
    series = reader.series_list()
    histories = reader.batch(
        [
            reader.eth_call("CarbonIndex", address, "seriesHistoryPage", [s, 0, PAGE], None)
            for s in series
        ]
    )
    names: dict[str, list[str]] = {}
    for name, answer in zip(series, histories, strict=True):
        page = list(reader.decode("CarbonIndex", "seriesHistoryPage", answer))
        names[name] = page if len(page) < PAGE else reader.series_history(name)
    every = [n for s in series for n in names[s]]
    requests = [reader.eth_call("CarbonIndex", address, "registration", [n], None) for n in every]
    requests += [reader.eth_call("CarbonIndex", address, "deprecation", [n], None) for n in every]
    requests += [reader.eth_call("CarbonIndex", address, "latest", [s], None) for s in series]
    found = reader.batch(requests)
    registrations = {
        n: Registration.decode(reader.decode("CarbonIndex", "registration", a))
        for n, a in zip(every, found[: len(every)], strict=True)
    }
    deprecations = {
        n: reader.decode("CarbonIndex", "deprecation", a) or None
        for n, a in zip(every, found[len(every) : 2 * len(every)], strict=True)
    }
    current: dict[str, Any] = {}
    for s, answer in zip(series, found[2 * len(every) :], strict=True):
        try:
            current[s] = reader.decode("CarbonIndex", "latest", answer)
        except RevertError:  # every name of the series is deprecated
            current[s] = None
    labels = suite.labels
    registered = {
        row.args["name"]: row
        for row in history(reader, catalog, [address], labels, kinds=["Registered"])
    }
    views = []
    for s in series:
        entries = []
        for name in names[s]:
            r, row = registrations[name], registered.get(name)
            entries.append(
                NameEntry(
                    name,
                    r.target,
                    r.registrar,
                    r.registered_at,
                    row.block if row else None,
                    row.tx if row else None,
                    deprecations[name],
                )
            )
        views.append(SeriesView(s, current[s], entries))
    holders = [address, *(r.address for r in reader.manifest.contracts.values()), *suite.beacons]
    holders += [reader.manifest.address("EnterpriseFactory")]
    upgrades = history(reader, catalog, sorted(set(holders)), labels, kinds=list(UPGRADE_EVENTS))
    return IndexView(address, views, upgrades)
