"""The names migration keeps every branch, service and counter name, both ways, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from server.store import migrate
from server.store.database import make_engine
from server.store.uow import SqlStore
from tests.support.databases import ON_BOTH_DATABASES

pytestmark = ON_BOTH_DATABASES

BEFORE = "8e621ffc61a5"
NAMES = "3c5d7e9f1a2b"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate.upgrade(engine, BEFORE)
    yield engine
    engine.dispose()


def _insert(engine: Engine, table: str, **values: Any) -> None:
    columns = ", ".join(values)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values)


def _seed_old_schema(engine: Engine) -> None:
    """Rows as the schema before the migration held them, with a ticket pointing at a counter."""
    _insert(
        engine, "branch", id=1, code="ZS", name_zh="中山路支行", name_en="Zhongshan Road", timezone="Asia/Shanghai",
        opening_hours="{}", policy="{}", settings="{}", last_seq=0, published_seq=0,
    )  # fmt: skip
    _insert(
        engine, "service", id=1, branch_id=1, name_zh="个人业务", name_en="Personal banking", prefix="A",
        target_wait=600, expected_service=300, active=True,
    )  # fmt: skip
    for number, name in ((1, "1号窗口"), (2, "")):
        _insert(engine, "counter", id=number, branch_id=1, number=number, name=name, service_ids="[1]", status="open")
    _insert(
        engine, "ticket", id=1, branch_id=1, service_id=1, number="A001", sequence=1, business_date="2026-12-01",
        customer_class="regular", status="serving", language="zh", issued_at="2026-12-01 01:00:00",
        anchor_at="2026-12-01 01:00:00", counter_id=2, recall_count=0, tracking_token="t",
    )  # fmt: skip


def test_upgrade_moves_each_name_into_one_object_per_language(engine: Engine) -> None:
    _seed_old_schema(engine)
    migrate.upgrade(engine)  # through this migration and every later one, read by today's store
    with SqlStore(engine).read() as uow:
        assert uow.branches.get(1).name == {"zh": "中山路支行", "en": "Zhongshan Road"}
        assert uow.services.get(1).name == {"zh": "个人业务", "en": "Personal banking"}
        assert uow.counters.get(1).name == {"zh": "1号窗口", "en": "1号窗口"}
        assert uow.counters.get(2).name == {"zh": "2", "en": "2"}  # unnamed: its number, as new counters get
        assert uow.tickets.get(1).counter_id == 2
    for table in ("branch", "service"):
        assert {c["name"] for c in inspect(engine).get_columns(table)} & {"name_zh", "name_en"} == set()


def test_downgrade_gives_back_the_columns_with_their_texts(engine: Engine) -> None:
    _seed_old_schema(engine)
    migrate.upgrade(engine, NAMES)
    with engine.begin() as conn:  # a name only in Cantonese and English, as the new schema allows
        conn.execute(text("""UPDATE counter SET name = '{"yue": "一號窗", "en": "Desk one"}' WHERE id = 1"""))
    migrate.downgrade(engine, BEFORE)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name_zh, name_en FROM branch")).one() == ("中山路支行", "Zhongshan Road")
        assert conn.execute(text("SELECT name_zh, name_en FROM service")).one() == ("个人业务", "Personal banking")
        # no zh text: zh falls back to en, as the contract's rule says
        assert conn.execute(text("SELECT name FROM counter ORDER BY id")).scalars().all() == ["Desk one", "2"]
    migrate.upgrade(engine)
    with SqlStore(engine).read() as uow:
        assert uow.counters.get(1).name == {"zh": "Desk one", "en": "Desk one"}
