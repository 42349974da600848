"""The short join code and the second-device transfer across two workers on one real Redis: what
one worker made, the other answers; both spent or hidden alike everywhere."""

from __future__ import annotations

from typing import Any

from kring_testlib import Client, create_room, post_json

from server.joincode import CODE_RE


def test_code_and_transfer_work_across_workers(redis_server: Any, redis_workers: Any) -> None:
    a, b = redis_workers(2, redis_server)
    room = create_room(a.base, "basis", title="Twee workers")
    rid = room["room"]
    status, shown = post_json(a.base, f"/r/{rid}/code", {"key": room["facilitator_key"], "show": True})
    assert status == 200 and CODE_RE.match(shown["code"])
    # Renewing keeps the same code; the other worker resolves it to the current join link.
    again = post_json(b.base, f"/r/{rid}/code", {"key": room["facilitator_key"], "show": True})[1]
    assert again["code"] == shown["code"] and again["until"] >= shown["until"]
    code = shown["code"]
    assert post_json(b.base, "/api/code", {"code": code.lower()}) == (
        200,
        {"room": rid, "key": room["join_key"]},
    )
    # Hidden on one worker: dead on both.
    assert post_json(b.base, f"/r/{rid}/code", {"key": room["facilitator_key"], "show": False}) == (200, {})
    assert post_json(a.base, "/api/code", {"code": code})[0] == 404
    assert post_json(b.base, "/api/code", {"code": code})[0] == 404


async def test_a_transfer_made_on_one_worker_is_used_once_on_the_other(
    redis_server: Any, redis_workers: Any
) -> None:
    a, b = redis_workers(2, redis_server)
    room = create_room(a.base, "basis", title="Apparaten")
    rid = room["room"]
    joost = Client(a.ws_base, rid, a.base)
    welcome = await joost.connect({"key": room["join_key"], "name": "Joost"})
    await joost.close()
    status, made = post_json(
        a.base, f"/r/{rid}/transfer", {"key": room["join_key"], "token": welcome["token"]}
    )
    assert status == 200
    status, used = post_json(b.base, f"/r/{rid}/transfer/use", {"transfer": made["transfer"]})
    assert status == 200 and used["name"] == "Joost" and used["key"] == room["join_key"]
    assert used["token"]
    # Single use, on either worker; a made-up secret is answered the same way.
    assert post_json(a.base, f"/r/{rid}/transfer/use", {"transfer": made["transfer"]})[0] == 404
    assert post_json(b.base, f"/r/{rid}/transfer/use", {"transfer": "x" * 32})[0] == 404
