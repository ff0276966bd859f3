"""The ``branchq`` command line."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from server.settings import Settings


def _app(settings: Settings | None = None) -> Any:
    from server.web import create_app

    return create_app(settings or Settings.from_env())


@click.group()
def main() -> None:
    """BranchQ: branch queues, call displays, counters and online booking."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed a demo branch and print its logins.")
@click.option(
    "--worker",
    type=click.Choice(["gevent", "gthread"]),
    default="gevent",
    show_default=True,
    envvar="BRANCHQ_WORKER",
    help="gevent holds thousands of websockets; gthread holds one thread per websocket.",
)
@click.option("--threads", default=256, show_default=True, help="Threads of the gthread worker.")
def serve(host: str, port: int, demo: bool, worker: str, threads: int) -> None:
    """Run the server (creating or upgrading the schema first)."""
    from server.store import migrate
    from server.web import start_background
    from server.web.serving import run_gunicorn

    settings = Settings.from_env(public_base_url=Settings.from_env().public_base_url or f"http://{host}:{port}")
    app = _app(settings)
    wiring = app.extensions["branchq"]
    migrate.upgrade(wiring.deps.store.engine)
    if demo:
        _print_demo(wiring, f"http://{host}:{port}")
    wiring.deps.store.engine.dispose()
    run_gunicorn(app, host, port, worker=worker, threads=threads, on_worker_start=start_background)


def _print_demo(wiring: Any, base_url: str) -> None:
    from server.demo import seed_demo

    info = seed_demo(wiring.deps, base_url)
    click.echo("")
    click.echo(f"BranchQ demo branch is ready at {base_url}")
    click.echo("  staff logins (password for all: {}):".format(next(iter(info["logins"].values()))))
    for username in info["logins"]:
        click.echo(f"    {username}")
    for kind, link in info["links"].items():
        click.echo(f"  {kind}: {link}")
    click.echo(f"  counter: {base_url}/counter   manager: {base_url}/manager   booking: {base_url}/book")
    click.echo("")


@main.command()
def scheduler() -> None:
    """Run only the scheduled jobs (booking no-shows, reminders, messages), in the foreground.

    For deployments with several `branchq serve` processes started with BRANCHQ_SCHEDULER=0:
    exactly one place runs the jobs. Events it causes reach screens through the message queue.
    """
    import signal
    import threading

    from server.scheduler import start_scheduler
    from server.store import migrate

    settings = Settings.from_env(run_scheduler=True)
    app = _app(settings)
    wiring = app.extensions["branchq"]
    migrate.upgrade(wiring.deps.store.engine)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # set before anything can be interrupted
        signal.signal(signum, lambda *_: stop.set())
    start_scheduler(wiring)
    click.echo("scheduler running; Ctrl-C to stop")
    while not stop.wait(2.0):
        wiring.relay.flush_all()
    wiring.scheduler.shutdown(wait=False)
    click.echo("scheduler stopped")


@main.command("create-admin")
@click.argument("username")
@click.option("--password", help="Read from a prompt when left out.")
@click.option("--reset-password", is_flag=True, help="Change the password of an existing user.")
def create_admin(username: str, password: str | None, reset_password: bool) -> None:
    """Make an admin user (or reset a user's password)."""
    from server.domain.errors import DomainError
    from server.services import admin_cli
    from server.store import migrate

    app = _app()
    wiring = app.extensions["branchq"]
    migrate.upgrade(wiring.deps.store.engine)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        message = admin_cli.create_admin(wiring.deps, username, password, reset=reset_password)
    except DomainError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    click.echo(message)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or upgrade the schema."""
    from server.store import migrate
    from server.store.database import make_engine

    settings = Settings.from_env()
    migrate.upgrade(make_engine(settings.database_url), revision)
    click.echo(f"schema at {revision}")


@db.command("revision")
@click.argument("message")
def db_revision(message: str) -> None:
    """Autogenerate a migration from the tables (development)."""
    from server.store import migrate
    from server.store.database import make_engine

    migrate.revision(make_engine(Settings.from_env().database_url), message)


def _register_optional() -> None:
    """Commands that live with their feature."""
    for module, name in (
        ("server.simulation.command", "simulate"),
        ("kiosk.command", "kiosk_agent"),
        ("display.command", "display_agent"),
    ):
        try:
            command = getattr(__import__(module, fromlist=[name]), name)
        except (ImportError, AttributeError):
            continue
        main.add_command(command)


_register_optional()
