"""Branches, services and counters are named in any known language; counters still take a string."""

from __future__ import annotations

import pytest

from tests.api.test_bad_input import assert_error
from tests.support.databases import ON_BOTH_DATABASES

CANTONESE = {"zh": "一号窗口", "en": "Counter one", "yue": "一號櫃位"}


@ON_BOTH_DATABASES
def test_a_counter_named_in_three_languages_keeps_them_all(client, branch):
    headers = branch.headers("manager")
    body = {"number": 7, "name": CANTONESE, "service_ids": [branch.services["A"]]}
    created = client.post(f"/api/v1/branches/{branch.id}/counters", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["name"] == CANTONESE
    listed = client.get(f"/api/v1/branches/{branch.id}/counters", headers=headers).json
    assert next(c for c in listed if c["number"] == 7)["name"] == CANTONESE


def test_a_counter_named_by_one_string_reads_back_as_a_name_object(client, branch):
    headers = branch.headers("manager")
    body = {"number": 8, "name": "8号窗口", "service_ids": [branch.services["A"]]}
    created = client.post(f"/api/v1/branches/{branch.id}/counters", json=body, headers=headers).json
    assert created["name"] == {"zh": "8号窗口", "en": "8号窗口"}
    renamed = client.patch(f"/api/v1/counters/{created['id']}", json={"name": ""}, headers=headers)
    assert renamed.json["name"] == {"zh": "8", "en": "8"}  # an empty name: the counter goes by its number


def test_an_unnamed_counter_is_named_by_its_number(client, branch):
    counter = client.get(f"/api/v1/counters/{branch.counters[1]}", headers=branch.headers("manager")).json
    assert counter["name"] == {"zh": "1", "en": "1"}


def test_a_service_renamed_in_cantonese_keeps_the_other_languages_given(client, branch):
    headers = branch.headers("manager")
    name = {"zh": "个人业务", "yue": "個人業務"}
    renamed = client.patch(f"/api/v1/services/{branch.services['A']}", json={"name": name}, headers=headers)
    assert renamed.status_code == 200 and renamed.json["name"] == name


@pytest.mark.parametrize(
    "name",
    [
        {"fr": "Guichet"},
        {"yue": "一號櫃位"},
        {"zh": ""},
        {"en": "x" * 121},
        {"zh": ["list"]},
        {},
        7,
        None,
    ],
)
@pytest.mark.parametrize("what", ["branch", "service", "counter"])
def test_a_bad_name_is_a_422_on_the_name_field(client, branch, admin_headers, what, name):
    url = {
        "branch": f"/api/v1/branches/{branch.id}",
        "service": f"/api/v1/services/{branch.services['A']}",
        "counter": f"/api/v1/counters/{branch.counters[1]}",
    }[what]
    before = client.get(url, headers=admin_headers).json["name"]
    assert_error(client.patch(url, json={"name": name}, headers=admin_headers), 422, "validation_error", "name")
    assert client.get(url, headers=admin_headers).json["name"] == before
