"""The mind-map: nodes under the case's question (the root) or under each other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .commands import Draft, _arg_id, _arg_text, _Bad, _only_keys, check_base
from .events import Event
from .limits import MAX_NODE, MAX_NODES, check_share
from .permissions import _need_tool
from .registry import ABSENT, applies, handles, item_part, shared_part, touches
from .state import RoomState

ROOT = "root"


# --- decide ---------------------------------------------------------------------------------------


def _node_parent(s: RoomState, a: Mapping[str, Any]) -> str:
    parent = a.get("parent")
    if parent == ROOT:
        return ROOT
    pid = _arg_id(a, "parent")
    if pid not in s.mindmap:
        raise _Bad("not_found", "the parent node does not exist")
    return pid


def _node(s: RoomState, nid: str) -> dict[str, Any]:
    node = s.mindmap.get(nid)
    if node is None:
        raise _Bad("not_found", "no such node")
    return node


@handles("mindmap.add")
def _mm_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "parent", "text")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    if nid == ROOT or nid in s.mindmap:
        raise _Bad("conflict", "a node with this id exists")
    parent = _node_parent(s, a)
    text = _arg_text(a, "text", MAX_NODE)
    if len(s.mindmap) >= MAX_NODES:
        raise _Bad("too_large", f"the mind-map holds at most {MAX_NODES} nodes")
    check_share(actor, s.is_fac(actor), s.mindmap.values(), MAX_NODES, "mind-map nodes")
    return Draft("mindmap.add", {"id": nid, "parent": parent, "text": text})


@handles("mindmap.edit")
def _mm_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text", "base")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    node = _node(s, nid)
    text = _arg_text(a, "text", MAX_NODE)
    check_base(s, a, "node." + nid, node["text"], text)
    return Draft("mindmap.edit", {"id": nid, "text": text})


@handles("mindmap.move")
def _mm_move(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "parent")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    _node(s, nid)
    parent = _node_parent(s, a)
    p: str | None = parent
    while p is not None and p != ROOT:
        if p == nid:
            raise _Bad("invalid", "a node cannot move under itself or its own descendants")
        p = s.mindmap[p]["parent"]
    return Draft("mindmap.move", {"id": nid, "parent": parent})


@handles("mindmap.remove")
def _mm_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    _node(s, nid)
    return Draft("mindmap.remove", {"id": nid})


# --- apply ----------------------------------------------------------------------------------------


def subtree(nodes: Mapping[str, Mapping[str, Any]], nid: str) -> list[str]:
    children: dict[str, list[str]] = {}
    for k, n in nodes.items():
        children.setdefault(n["parent"], []).append(k)
    out, stack = [], [nid]
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack.extend(children.get(cur, []))
    return out


def _removed_nodes(s: RoomState, e: Event) -> list[str]:
    gone = subtree(s.mindmap, e.data["id"])
    return [f"mindmap/nodes/{n}" for n in gone] + [
        f"versions/node.{n}" for n in gone if f"node.{n}" in s.versions
    ]


@touches("mindmap/nodes/{id}")
@applies("mindmap.add")
def _a_mm_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.mindmap[d["id"]] = {"parent": d["parent"], "text": d["text"], "author": e.actor, "at": e.seq}


@touches("mindmap/nodes/{id}", "versions/node.{id}")
@applies("mindmap.edit")
def _a_mm_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.mindmap[d["id"]]["text"] = d["text"]
    s.versions["node." + d["id"]] = e.seq


@touches("mindmap/nodes/{id}")
@applies("mindmap.move")
def _a_mm_move(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.mindmap[d["id"]]["parent"] = d["parent"]
    s.mindmap[d["id"]]["at"] = e.seq


@touches(_removed_nodes)
@applies("mindmap.remove")
def _a_mm_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for nid in subtree(s.mindmap, d["id"]):
        s.mindmap.pop(nid, None)
        s.versions.pop("node." + nid, None)


# --- view -----------------------------------------------------------------------------------------


@shared_part("mindmap")
def _mindmap_view(s: RoomState) -> dict[str, Any]:
    return {
        "root": s.case["reformulation"] or s.case["question"],
        "nodes": {nid: _node_view(n) for nid, n in s.mindmap.items()},
    }


def _node_view(n: Mapping[str, Any]) -> dict[str, Any]:
    return {"parent": n["parent"], "text": n["text"]}


@item_part("mindmap")
def _root_item(s: RoomState, viewer: str | None, key: str) -> Any:
    """`mindmap/root`: the case's question or its reformulation (the nodes are `mindmap/nodes/<id>`)."""
    if key == "root":
        return s.case["reformulation"] or s.case["question"]
    return _mindmap_view(s).get(key, ABSENT)


@item_part("mindmap/nodes")
def _node_item(s: RoomState, viewer: str | None, nid: str) -> Any:
    n = s.mindmap.get(nid)
    return ABSENT if n is None else _node_view(n)
