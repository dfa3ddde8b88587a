"""`carbon serve`'s portal in headless Chromium (Debian's, driven by Playwright) against the
deployed suite: three enterprises with a year of records, two of them verified and closed, all
notified in a compliance cycle; the pages show the chain's numbers, link from the overview to an
enterprise, a record and its transaction, and answer 404 and 503 with one line."""

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
import verify_support as vs
from e2e_support import ADMIN, AGENCY, REGULATOR, WRITER
from playwright.sync_api import Browser, Page, sync_playwright

from offchain.actions import onboarding
from offchain.actions.compliance import ComplianceDesk
from offchain.actions.enterprise import EnterpriseBackend, Submission
from offchain.actions.verification import VerdictSubmission, Workflow
from offchain.chain.accounts import dev_account
from offchain.chain.bindings import ComplianceCycle, Onboarding
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.credit_code import with_check
from offchain.core.units import tonnes
from offchain.web.app import create_app

# A year no other module's compliance cycle touches.
YEAR = 2022
COVERED, SHORT, UNVERIFIED = (with_check(f"911100000PRTL000{n}") for n in (1, 2, 3))
REGIONS = {COVERED: "北京", SHORT: "上海", UNVERIFIED: "广东"}
# Quota accounts no other module names (an account belongs to one enterprise).
ACCOUNTS = {COVERED: dev_account(21), SHORT: dev_account(22), UNVERIFIED: dev_account(23)}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# What this machine's Chromium needs (no sandbox as root, no GPU, no network of its own).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _submit(backend: EnterpriseBackend, code: str, folder: Path, month: int) -> int:
    """One monthly record of YEAR (the seed-001 sample scaled); its result in micro-tonnes."""
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"report_{month:02d}.txt"
    report.write_text(f"{code} 燃煤自测因子检测报告 {YEAR}-{month:02d}\n", "utf-8")
    document = vs.month_document(month, code, report)
    document.update(title=f"{code} {YEAR}年{month}月", period={"year": YEAR, "month": month})
    activity = vs.write(folder / f"activity_{month:02d}.json", document)
    title = f"{YEAR}年{month}月"
    outcome = backend.submit(Submission(code, YEAR, title, activity, [report]))
    return outcome.result.total_micro_tonnes()


@pytest.fixture(scope="module")
def chain_data(reader, store, manifest_file, tmp_path_factory) -> dict[str, dict[str, int]]:
    """Per enterprise its reported and verified emissions (micro-tonnes, verified 0 when not
    closed) of YEAR: COVERED holds all the quota it needs and fulfils, SHORT holds half,
    UNVERIFIED's verification is only assigned; all three are notified. (`manifest_file`, a
    session fixture `carbon serve` needs, is made first: ape snapshots the chain per scope.)"""
    tx = Transactor(reader.w3, reader.errors)
    for account in (WRITER, REGULATOR, AGENCY):
        onboarding.publish_key(reader, tx, account)
    flow = Workflow(reader, tx)
    flow.approve(
        REGULATOR,
        AGENCY.address,
        crypto.public_key_of(bytes(AGENCY.key)),
        "门户测试核查机构",
        "CNAS-P01",
    )
    backend = EnterpriseBackend(reader, tx, store, WRITER, ADMIN)
    quota = reader.singleton("CarbonQuota").functions
    found = {}
    for n, code in enumerate((COVERED, SHORT, UNVERIFIED)):
        onboarding.onboard(
            reader,
            tx,
            REGULATOR,
            Onboarding(
                f"门户示范{n + 1}", code, "01", REGIONS[code], ADMIN.address, WRITER.address
            ),
        )
        folder = tmp_path_factory.mktemp(code)
        reported = sum(_submit(backend, code, folder, month) for month in (1, 2))
        carbon = reader.enterprise(code).carbon
        flow.open_and_assign(REGULATOR, carbon, YEAR, AGENCY.address)
        verified = 0
        if code != UNVERIFIED:
            flow.record(
                AGENCY, carbon, YEAR, VerdictSubmission(True, reported, "0x" + "ab" * 32, "")
            )
            verified = flow.close(REGULATOR, carbon, YEAR)
        tx.send(REGULATOR, quota.setAccount(carbon, ACCOUNTS[code].address), "account")
        issued = reported // 2 if code == SHORT else reported
        tx.send(REGULATOR, quota.issue(YEAR, carbon, issued), "issue")
        found[code] = {"reported": reported, "verified": verified}
    desk = ComplianceDesk(reader, tx)
    now = reader.w3.eth.get_block("latest")["timestamp"]
    desk.open_cycle(
        REGULATOR, YEAR, ComplianceCycle(now + 30 * 86400, 48 * 3600, 500, "0x" + "cd" * 32)
    )
    for code in found:
        desk.notify(REGULATOR, reader.enterprise(code).carbon, code, YEAR)
    covered = reader.enterprise(COVERED).carbon
    if desk.acknowledge(ADMIN, covered, COVERED, YEAR):
        desk.apply(ADMIN, covered, COVERED, YEAR, [])
        desk.review(REGULATOR, covered, COVERED, YEAR, None)
    return found


def _serve(reader_factory, store) -> Iterator[str]:
    """The portal on a free loopback port in a thread, until the generator is closed."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(create_app(reader_factory, store), log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def portal(chain_data, suite, chain, store) -> Iterator[str]:
    portal_reader = ChainReader(chain.provider.uri, suite.manifest, store)
    yield from _serve(lambda: portal_reader, store)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        except Exception as exc:
            pytest.fail(
                f"Chromium cannot start from {CHROMIUM} ({str(exc).splitlines()[0]}); "
                "`make setup` installs Debian's chromium and chromium-driver"
            )
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    """A page that fails the test on any console error or uncaught exception (screenshots go
    to ARTIFACTS)."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert errors == [], errors


def _row(page: Page, code: str):
    return page.locator(f'#overview tr[data-code="{code}"]')


def test_the_overview_shows_each_enterprises_closed_verified_emissions(page, portal, chain_data):
    page.goto(portal + "/")
    for code in (COVERED, SHORT):
        verified = chain_data[code]["verified"]
        assert _row(page, code).locator("td.verified").inner_text() == tonnes(verified)
    assert _row(page, UNVERIFIED).locator("td.verified").inner_text() == "-"


def test_the_overview_shows_reported_emissions_region_and_compliance_status(
    page, portal, chain_data
):
    page.goto(portal + "/")
    for code, letter in ((COVERED, "A"), (SHORT, "B"), (UNVERIFIED, "C")):
        row = _row(page, code)
        assert row.locator("a.reported").inner_text() == tonnes(chain_data[code]["reported"])
        assert row.locator("td.status").inner_text() == letter
        assert REGIONS[code] in row.inner_text()


def test_the_overview_screenshot_is_saved_as_an_artefact(page, portal):
    page.goto(portal + "/")
    shot = ARTIFACTS / "portal_overview.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_navigation_leads_from_the_overview_to_an_enterprise_a_record_and_its_transaction(
    page, portal, chain_data
):
    page.goto(portal + "/")
    _row(page, COVERED).locator("td a").first.click()
    page.wait_for_url(f"**/enterprises/{COVERED}")
    page.screenshot(path=str(ARTIFACTS / "portal_enterprise.png"), full_page=True)
    page.locator(f"#year-{YEAR} a.result").first.click()
    page.wait_for_url(f"**/enterprises/{COVERED}/{YEAR}/records/0")
    assert page.locator("#record td.result").inner_text() != ""
    page.locator("#submitted-by a.tx").click()
    page.wait_for_url("**/explorer/tx/0x*")
    page.screenshot(path=str(ARTIFACTS / "portal_tx.png"), full_page=True)
    body = page.locator("main").inner_text()
    assert "submit" in body and "RecordSubmitted" in body


def test_the_compliance_page_lists_every_notice_and_the_alarms_of_the_short_and_unverified(
    page, portal
):
    page.goto(f"{portal}/compliance/{YEAR}")
    positions = page.locator("#positions").inner_text()
    assert all(code in positions for code in (COVERED, SHORT, UNVERIFIED))
    alarms = page.locator("#alarms").inner_text()
    assert f"SURRENDER_DEFICIT\t门户示范2 {SHORT}" in alarms
    assert f"EMISSIONS_MISSING\t门户示范3 {UNVERIFIED}" in alarms
    assert COVERED not in alarms


def test_the_agency_page_lists_its_assignments_with_their_verdicts(page, portal, chain_data):
    page.goto(f"{portal}/agencies/{AGENCY.address}")
    assignments = page.locator("#assignments").inner_text()
    assert f"passed {tonnes(chain_data[COVERED]['verified'])}" in assignments
    assert UNVERIFIED in assignments


def test_the_enterprise_report_page_shows_the_reported_total(page, portal, chain_data):
    response = page.goto(f"{portal}/enterprises/{COVERED}/{YEAR}/report")
    assert response is not None and response.status == 200
    assert tonnes(chain_data[COVERED]["reported"]) in page.locator("main").inner_text()


def test_the_statistics_page_shows_every_region(page, portal):
    response = page.goto(f"{portal}/stats/{YEAR}?by=region")
    assert response is not None and response.status == 200
    body = page.locator("main").inner_text()
    assert all(region in body for region in REGIONS.values())


@pytest.mark.parametrize(
    "path", ["/explorer/index", "/explorer/contract/CarbonIndex", f"/explorer/events/{COVERED}"]
)
def test_explorer_pages_load_and_link_every_address(page, portal, path):
    response = page.goto(portal + path)
    assert response is not None and response.status == 200
    assert page.locator("a.addr").count() > 0


def _status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.parametrize(
    "path",
    [
        "/enterprises/" + with_check("911100000PRTL0099"),
        "/explorer/tx/0x" + "12" * 32,
        f"/agencies/{dev_account(6).address}",
        f"/enterprises/{COVERED}/{YEAR}/records/99",
    ],
)
def test_something_the_chain_does_not_have_answers_404_with_one_line(portal, path):
    status, html = _status(portal + path)
    assert status == 404
    assert html.count('class="error"') == 1


def test_an_unreachable_node_answers_503(suite, store):
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{free.getsockname()[1]}"
    free.close()
    served = _serve(lambda: ChainReader(dead, suite.manifest, store, timeout=2), store)
    url = next(served)
    try:
        status, html = _status(url + "/")
    finally:
        served.close()
    assert status == 503
    assert "Chain unreachable" in html


def test_carbon_serve_prints_its_url_and_serves_the_overview(manifest_file, store, chain_data):
    command = [sys.executable, "-m", "offchain.cli", "--deployment", str(manifest_file)]
    args = [*command, "--store", str(store.root), "serve", "--port", "0"]
    status, html = 0, ""
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None
            line = server.stdout.readline().strip()
            assert line.startswith("portal at http://127.0.0.1:"), line
            url = line.removeprefix("portal at ") + "/"
            # The URL is printed once the port is bound, a moment before uvicorn listens on it.
            for _ in range(100):
                try:
                    status, html = _status(url)
                    break
                except urllib.error.URLError:
                    time.sleep(0.1)
        finally:
            server.terminate()
    assert status == 200
    assert tonnes(chain_data[COVERED]["verified"]) in html
