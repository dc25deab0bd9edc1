"""Reading bodies: whatever bytes arrive, the answer is the value or a plain-words ApiError, never a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.api.errors import ApiError
from core.api.jsonio import Fields, parse_int_text, parse_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_parse_or_give_a_400(data: bytes) -> None:
    try:
        parse_json(data)
    except ApiError as exc:
        assert exc.code == 400 and exc.message.startswith("The body is not")


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_valid_json_parses_to_what_was_sent(value: object) -> None:
    assert parse_json(json.dumps(value).encode()) == value


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["userId", "title", "completed", "x"]), json_values, max_size=4))
def test_field_checks_only_ever_answer_values_or_a_422(body: dict) -> None:
    fields = Fields(body, ("userId", "title", "completed"), "todo")
    fields.integer("userId", required=True)
    fields.text("title", required=True, max_length=10)
    fields.boolean("completed", required=False)
    try:
        values = fields.check()
    except ApiError as exc:
        assert exc.code == 422 and exc.fields and set(exc.fields) <= set(body) | {"userId", "title"}
    else:
        assert type(values["userId"]) is int and isinstance(values["title"], str)


@pytest.mark.parametrize("text, value", [("12", 12), ("-3", -3), ("0", 0), ("1.5", None), ("1_000", None),
                                         (" 7", None), ("", None), ("abc", None), ("9" * 19, 10**19 - 1), ("9" * 20, None), ("٣", None)])
def test_only_plain_whole_numbers_are_read_from_the_query(text: str, value: int | None) -> None:
    assert parse_int_text(text) == value
