"""How long a login name is locked after failed attempts: a short grace, then doubling."""

from __future__ import annotations

# Failed attempts in a row a name may make before it is locked at all.
FREE_FAILURES = 4
FIRST_LOCK_SECONDS = 30
LONGEST_LOCK_SECONDS = 3600


def lock_seconds(failures: int) -> int:
    """Seconds to lock a name after its ``failures``-th failure in a row (0: not locked).

    The 5th failure locks for 30 s, each further one for twice as long, up to an hour: a
    guesser gets about a handful of tries an hour, a teller who mistyped waits seconds.
    """
    beyond = failures - FREE_FAILURES
    if beyond <= 0:
        return 0
    return min(FIRST_LOCK_SECONDS << min(beyond - 1, 20), LONGEST_LOCK_SECONDS)
