"""`carbon serve`: the read-only web portal on the deployment's chain, served by uvicorn."""

import click

from offchain.cli.app import App, pass_app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8800, show_default=True, help="Port (0: any free port).")
@pass_app
def serve_command(app: App, host: str, port: int) -> None:
    """Serve the portal: the regulator's overview, compliance and alarms, each enterprise with
    its records and verification, each agency, and explorer pages. Prints its URL; Ctrl-C stops
    it. Nothing is signed here: every page only reads the chain."""
    from offchain.ingest.service import serve
    from offchain.web.app import create_app

    portal = create_app(lambda: app.reader, app.store)
    serve(portal, host, port, lambda url: click.echo(f"portal at {url}"))
