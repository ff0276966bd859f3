"""``branchq display-agent``: speak calls through a display PC's speakers."""

from __future__ import annotations

import logging

import click

from display.agent import AplayPlayer, DisplayAgent


@click.command("display-agent")
@click.option("--server", "server_url", required=True, help="BranchQ server URL, e.g. http://10.0.0.5:5000")
@click.option("--token", required=True, envvar="BRANCHQ_DEVICE_TOKEN", help="The display's device token.")
@click.option("--branch", "branch_id", required=True, type=int, help="The branch id the display belongs to.")
def display_agent(server_url: str, token: str, branch_id: int) -> None:
    """Announce every call of the branch through aplay (chime, then each language)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    player = AplayPlayer()
    if player.reason:
        click.echo(f"display agent: {player.reason}; calls will not be heard", err=True)
    click.echo(f"display agent: branch {branch_id}, server {server_url}")
    DisplayAgent(server_url, token, branch_id, player).run_forever()
