"""The single-process outbox pushes each commit's events as written, in seq order, once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from server.store.outbox import OutboxRelay
from server.store.uow import SqlStore

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Pushed:
    """What the relay emitted, and the statements run while it did."""

    def __init__(self, store: SqlStore) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", self._statement)

    def __call__(self, branch_id: int, events: list[tuple[str, dict[str, Any]]]) -> None:
        self.events.extend(events)

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def seqs(self) -> list[int]:
        return [payload["seq"] for _name, payload in self.events]


def write(store: SqlStore, branch_id: int, *names: str) -> list[int]:
    with store.write() as uow:
        return [uow.emit(branch_id, name, {"n": name}, AT) for name in names]


@pytest.fixture
def relay(deps: Any, branch: Any) -> tuple[SqlStore, OutboxRelay, Pushed]:
    """A relay that has pushed the branch's set-up (its cursor read from the log)."""
    store = SqlStore(deps.store.engine)
    pushed = Pushed(store)
    outbox = OutboxRelay(store, pushed, shared=False)
    write(store, branch.id, "one")
    outbox.request([branch.id])
    assert pushed.events[-1][0] == "one"
    pushed.events.clear()
    pushed.statements.clear()
    return store, outbox, pushed


def logged(store: SqlStore, branch_id: int, since: int) -> list[tuple[str, dict[str, Any]]]:
    with store.read() as uow:
        return [(name, payload) for _seq, name, payload in uow.events.after(branch_id, since)]


def test_a_commit_that_follows_the_cursor_goes_out_without_reading_the_log(relay: Any, branch: Any) -> None:
    store, outbox, pushed = relay
    seqs = write(store, branch.id, "two", "three")
    outbox.request([branch.id])
    assert not [s for s in pushed.statements if "branch_event" in s and s.lstrip().startswith("SELECT")]
    assert pushed.seqs() == seqs
    # exactly what the log holds, payload for payload
    assert pushed.events == logged(store, branch.id, seqs[0] - 1)


def test_a_commit_it_did_not_hear_of_is_read_back_in_seq_order(relay: Any, branch: Any) -> None:
    store, outbox, pushed = relay
    elsewhere = write(SqlStore(store.engine), branch.id, "by another writer")  # e.g. the CLI
    mine = write(store, branch.id, "mine")
    outbox.request([branch.id])
    assert pushed.seqs() == elsewhere + mine
    assert [name for name, _p in pushed.events] == ["by another writer", "mine"]


def test_each_event_goes_out_once_whichever_flush_comes_first(relay: Any, branch: Any) -> None:
    store, outbox, pushed = relay
    a = write(store, branch.id, "a")
    b = write(store, branch.id, "b")
    outbox.request([branch.id])  # the first writer's flush pushes both
    outbox.request([branch.id])  # the second's finds nothing left
    outbox.flush_all()  # nor does the periodic flush
    assert pushed.seqs() == a + b


def test_a_write_that_rolled_back_is_never_pushed(relay: Any, branch: Any) -> None:
    store, outbox, pushed = relay
    with pytest.raises(RuntimeError), store.write() as uow:
        uow.emit(branch.id, "rolled back", {}, AT)
        raise RuntimeError("the change failed")
    kept = write(store, branch.id, "kept")
    outbox.request([branch.id])
    assert [name for name, _p in pushed.events] == ["kept"]
    assert pushed.events == logged(store, branch.id, kept[0] - 1)
