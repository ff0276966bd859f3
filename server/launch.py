"""The ``branchq`` entry point: patch for gevent before anything else is imported.

``branchq serve`` runs on gevent (gunicorn's gevent worker, Flask-SocketIO's gevent mode):
one greenlet per connection instead of one thread, so a process holds thousands of idle
websockets. gevent must patch the standard library before any module creates a lock,
a thread or a socket, so the patch happens here, ahead of the command line itself.
"""

from __future__ import annotations

import os
import sys

WORKERS = ("gevent", "gthread")


def serving_worker(argv: list[str], environ: os._Environ[str] | dict[str, str]) -> str | None:
    """The worker class ``branchq serve`` will use, or None for any other command."""
    if "serve" not in argv[1:2]:
        return None
    worker = environ.get("BRANCHQ_WORKER", "gevent")
    for index, arg in enumerate(argv):
        if arg == "--worker" and index + 1 < len(argv):
            worker = argv[index + 1]
        elif arg.startswith("--worker="):
            worker = arg.split("=", 1)[1]
    return worker


def main() -> None:
    if serving_worker(sys.argv, os.environ) == "gevent":
        from gevent import monkey

        monkey.patch_all()
    from server.cli import main as cli_main

    cli_main()
