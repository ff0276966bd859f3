"""``python -m server.simulation``: the ``branchq simulate`` command on its own."""

from server.simulation.command import simulate

simulate()
