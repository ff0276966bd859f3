"""The ``branchq`` command line."""

from __future__ import annotations

import logging
import os
import socket
import sys
from typing import Any

import click

from server.settings import Settings, SettingsError


def _app(settings: Settings | None = None) -> Any:
    from server.web import create_app

    return create_app(settings or Settings.from_env())


def _ready(settings: Settings | None = None) -> Any:
    """The app with its database reached and its schema at head."""
    from server.store import migrate
    from server.store.database import check_reachable

    app = _app(settings)
    engine = app.extensions["branchq"].deps.store.engine
    check_reachable(engine)
    migrate.upgrade(engine)
    return app


def _check_job_settings(settings: Settings) -> None:
    """Refuse notification settings now: in the serving worker they would end it with a traceback."""
    if settings.run_scheduler:
        from server.notify import NotifySettings

        NotifySettings.from_env()


class _Main(click.Group):
    """A setting that cannot work ends any command with one line naming it, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Main)
@click.version_option(package_name="branchq", message="branchq %(version)s")
def main() -> None:
    """BranchQ: branch queues, call displays, counters and online booking."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def port_in_use(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on now (None when it can), tried as the server binds it."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        return f"unknown host {host!r} ({error.strerror})"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind(address)
        except OSError as error:
            return error.strerror or str(error)
    return None


def announce_listening(host: str, port: int) -> None:
    """The line a user waits for: printed by the serving worker once the port is bound."""
    click.echo(f"BranchQ listening on http://{host}:{port} (Ctrl-C to stop)")
    sys.stdout.flush()


def _worker_start(host: str, port: int) -> Any:
    from server.web import start_background

    def started(app: Any) -> None:
        start_background(app)
        announce_listening(host, port)

    return started


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed a demo branch (in its own instance/demo folder) and print its logins.")
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
    from server.web.serving import run_gunicorn

    # before anything is touched: a second start must not change a running server's data
    if reason := port_in_use(host, port):
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {reason} (is BranchQ already running? choose another with --port)"
        )
    public_url = os.environ.get("BRANCHQ_PUBLIC_URL") or f"http://{host}:{port}"
    settings = Settings.from_env(demo=demo, public_base_url=public_url)
    _check_job_settings(settings)
    app = _ready(settings)
    wiring = app.extensions["branchq"]
    if demo:
        _print_demo(wiring, f"http://{host}:{port}")
    wiring.deps.store.engine.dispose()
    run_gunicorn(app, host, port, worker=worker, threads=threads, on_worker_start=_worker_start(host, port))


def _print_demo(wiring: Any, base_url: str) -> None:
    from server.demo import seed_demo

    info = seed_demo(wiring.deps, base_url)
    click.echo("")
    click.echo(f"BranchQ demo branch is ready at {base_url}")
    click.echo(f"  demo data: {wiring.settings.instance_dir} (apart from `branchq serve` without --demo)")
    if os.environ.get("DATABASE_URL"):
        click.echo("  DATABASE_URL is not used by the demo: it keeps its own SQLite database there")
    click.echo("  staff logins (password for all: {}):".format(next(iter(info["logins"].values()))))
    for username in info["logins"]:
        click.echo(f"    {username}")
    for kind, link in info["links"].items():
        click.echo(f"  {kind}: {link}")
    click.echo(f"  counter: {base_url}/counter   manager: {base_url}/manager   booking: {base_url}/book")
    _demo_history(wiring)
    click.echo("")


def _demo_history(wiring: Any) -> None:
    """The demo's four past weeks, played by the real services in a process of its own (about
    a minute on a first start, nothing on the next ones): the server answers meanwhile."""
    import subprocess

    from server.demo import DEMO_CODE
    from server.demo_history import DAYS, days_missing

    with wiring.deps.store.read() as uow:
        branch = uow.branches.by_code(DEMO_CODE)
    if branch is None or not days_missing(wiring.deps, branch.id):
        return
    click.echo(f"  history: the past {DAYS} days are being played in the background (about a minute)")
    args = [sys.executable, "-m", "server.demo_history", wiring.settings.database_url, str(os.getpid())]
    subprocess.Popen(args)


@main.command()
def scheduler() -> None:
    """Run only the scheduled jobs (booking no-shows, reminders, messages), in the foreground.

    For deployments with several `branchq serve` processes started with BRANCHQ_SCHEDULER=0:
    exactly one place runs the jobs. Events it causes reach screens through the message queue.
    """
    import signal
    import threading

    from server.scheduler import start_scheduler

    settings = Settings.from_env(run_scheduler=True)
    _check_job_settings(settings)
    wiring = _ready(settings).extensions["branchq"]
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

    wiring = _ready().extensions["branchq"]
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
    from server.store.database import check_reachable, make_engine

    engine = make_engine(Settings.from_env().database_url)
    check_reachable(engine)
    migrate.upgrade(engine, revision)
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
