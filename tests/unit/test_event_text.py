"""An event's frame is built around its data JSON, made once (server/protocol.py event_text):
it must be exactly the text `dumps` makes of the event's wire form."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server import protocol as P
from server.rooms import Event

# Strings that JSON escapes, or that ensure_ascii=False writes as they are.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ['"', "\\", "\n\t\x00\x1f", "é ü ß", "“quoted”", "</script>", "\u2028\u2029", "😀"]
)
JSONABLE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(
    seq=st.integers(1, 2**40),
    type_=TEXT,
    actor=st.none() | TEXT,
    at=st.integers(0, 2**45),
    data=st.dictionaries(TEXT, JSONABLE, max_size=6),
)
def test_event_text_is_dumps_of_the_wire_form(
    seq: int, type_: str, actor: str | None, at: int, data: Any
) -> None:
    e = Event(seq, type_, actor, at, data)
    text = P.event_text(e.seq, e.type, e.actor, e.at, e.data_json)
    assert text == P.dumps(e.wire())
    assert json.loads(text) == e.wire()


def test_data_json_is_made_once_and_not_carried_into_a_changed_copy() -> None:
    import dataclasses

    e = Event(3, "card.add", "p1", 10, {"text": "Wat maakt het lastig?"})
    assert e.data_json is e.data_json  # cached
    other = dataclasses.replace(e, data={"text": "anders"})
    assert json.loads(other.data_json) == {"text": "anders"}
    assert other == dataclasses.replace(e, data={"text": "anders"})  # the cache is not part of equality
