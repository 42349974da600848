"""Intervisie methods as data: load and validate `methods/*.toml`.

One schema for the built-in files and for custom methods. Every error names the file (or source)
and the exact field, so a facilitator editing a method sees what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOOLS = frozenset(
    {"text", "questions", "advice", "mindmap", "forcefield", "notes", "vote", "plan", "rounds", "evaluation"}
)
CARD_KINDS = frozenset(
    {
        "question",
        "advice",
        "position",
        "reflection",
        "association",
        "judgement",
        "statement",
        "observation",
        "idea",
        "reformulation",
        "success",
        "alternative",
        "value",
    }
)
# Who may write on the board in a phase. `participants` are the people who are neither the
# inbrenger nor a silent listener (domain.md "P").
WRITERS = frozenset({"all", "participants", "inbrenger", "listeners", "coach", "facilitator", "timekeeper"})
ROLES = frozenset({"facilitator", "inbrenger", "listener", "timekeeper", "coach"})
LEVELS = frozenset({"beginner", "experienced"})
KINDS = frozenset({"problem", "appreciative"})
LANGS = ("nl", "en")
BASIC_METHOD = "basis"

_METHOD_KEYS = {
    "id",
    "name",
    "summary",
    "purpose",
    "level",
    "kind",
    "roles",
    "rules",
    "source",
    "phases",
}
_METHOD_REQUIRED = {"id", "name", "summary", "purpose", "level", "kind", "roles", "phases"}
_PHASE_KEYS = {
    "id",
    "title",
    "instructions",
    "minutes",
    "tools",
    "cards",
    "writers",
    "note_writers",
    "private",
    "fallback",
}
_PHASE_REQUIRED = {"id", "title", "instructions", "minutes", "tools", "fallback"}
_ID_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


class MethodError(ValueError):
    """A method file or custom method that breaks the schema."""


@dataclass(frozen=True)
class Text:
    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl

    def to_dict(self) -> dict[str, str]:
        return {"nl": self.nl, "en": self.en}


@dataclass(frozen=True)
class Phase:
    id: str
    title: Text
    instructions: Text
    minutes: int
    tools: tuple[str, ...]
    cards: tuple[str, ...]
    writers: tuple[str, ...]
    note_writers: tuple[str, ...]
    private: bool
    fallback: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "instructions": self.instructions.to_dict(),
            "minutes": self.minutes,
            "tools": list(self.tools),
            "cards": list(self.cards),
            "writers": list(self.writers),
            "note_writers": list(self.note_writers),
            "private": self.private,
            "fallback": self.fallback,
        }


@dataclass(frozen=True)
class Method:
    id: str
    name: Text
    summary: Text
    purpose: Text
    level: str
    kind: str
    roles: tuple[str, ...]
    phases: tuple[Phase, ...]
    rules: tuple[Text, ...] = ()
    source: str = ""
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({p.id: i for i, p in enumerate(self.phases)})

    @property
    def minutes(self) -> int:
        return sum(p.minutes for p in self.phases)

    def phase_index(self, phase_id: str) -> int | None:
        return self._index.get(phase_id)

    def to_dict(self) -> dict[str, Any]:
        """The method as plain data; `parse_method(m.to_dict())` gives an equal method."""
        return {
            "id": self.id,
            "name": self.name.to_dict(),
            "summary": self.summary.to_dict(),
            "purpose": self.purpose.to_dict(),
            "level": self.level,
            "kind": self.kind,
            "roles": list(self.roles),
            "rules": [r.to_dict() for r in self.rules],
            "source": self.source,
            "phases": [p.to_dict() for p in self.phases],
        }


def _fail(src: str, where: str, msg: str) -> MethodError:
    return MethodError(f"{src}: {where}: {msg}")


def _text(src: str, where: str, value: Any) -> Text:
    if not isinstance(value, dict):
        raise _fail(src, where, "must be a table with 'nl' and 'en' texts")
    extra = set(value) - set(LANGS)
    if extra:
        raise _fail(src, where, f"unknown language key {sorted(extra)[0]!r} (allowed: nl, en)")
    for lang in LANGS:
        v = value.get(lang)
        if not isinstance(v, str) or not v.strip():
            raise _fail(src, f"{where}.{lang}", "missing or empty text")
    return Text(nl=value["nl"].strip(), en=value["en"].strip())


def _id(src: str, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 40 or not set(value) <= _ID_OK:
        raise _fail(src, where, "must be 1-40 characters of a-z, 0-9, '-' or '_'")
    return value


def _str_list(src: str, where: str, value: Any, allowed: frozenset[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(src, where, "must be a list of strings")
    for v in value:
        if v not in allowed:
            raise _fail(src, where, f"unknown value {v!r} (allowed: {', '.join(sorted(allowed))})")
    if len(set(value)) != len(value):
        raise _fail(src, where, "has a duplicate value")
    return tuple(value)


def _keys(src: str, where: str, data: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _fail(src, f"{where}{unknown[0]}", "unknown key")
    missing = sorted(required - set(data))
    if missing:
        raise _fail(src, f"{where}{missing[0]}", "missing")


def _phase(src: str, i: int, data: Any, basic_ids: frozenset[str] | None) -> Phase:
    where = f"phases[{i}]"
    if not isinstance(data, dict):
        raise _fail(src, where, "must be a table")
    _keys(src, where + ".", data, _PHASE_KEYS, _PHASE_REQUIRED)
    pid = _id(src, f"{where}.id", data["id"])
    minutes = data["minutes"]
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 240:
        raise _fail(src, f"{where}.minutes", "must be a whole number of minutes from 1 to 240")
    tools = _str_list(src, f"{where}.tools", data["tools"], TOOLS)
    cards = _str_list(src, f"{where}.cards", data.get("cards", []), CARD_KINDS)
    writers = _str_list(src, f"{where}.writers", data.get("writers", ["all"]), WRITERS)
    note_writers = _str_list(src, f"{where}.note_writers", data.get("note_writers", ["listeners"]), WRITERS)
    private = data.get("private", False)
    if not isinstance(private, bool):
        raise _fail(src, f"{where}.private", "must be true or false")
    if private and not cards:
        raise _fail(src, f"{where}.private", "a private phase needs at least one card kind in 'cards'")
    if not writers and (cards or {"mindmap", "forcefield", "plan", "vote"} & set(tools)):
        raise _fail(src, f"{where}.writers", "nobody may write in a phase that opens a board tool")
    fallback = _id(src, f"{where}.fallback", data["fallback"])
    if basic_ids is not None and fallback not in basic_ids:
        raise _fail(
            src,
            f"{where}.fallback",
            f"{fallback!r} is not a phase of the basic method ({', '.join(sorted(basic_ids))})",
        )
    return Phase(
        id=pid,
        title=_text(src, f"{where}.title", data["title"]),
        instructions=_text(src, f"{where}.instructions", data["instructions"]),
        minutes=minutes,
        tools=tools,
        cards=cards,
        writers=writers,
        note_writers=note_writers,
        private=private,
        fallback=fallback,
    )


def parse_method(data: Any, src: str = "method", basic_ids: frozenset[str] | None = None) -> Method:
    """Validate one method given as parsed TOML/JSON data. Raises MethodError naming `src` and field."""
    if not isinstance(data, dict):
        raise _fail(src, "(top)", "must be a table")
    _keys(src, "", data, _METHOD_KEYS, _METHOD_REQUIRED)
    mid = _id(src, "id", data["id"])
    level = data["level"]
    if level not in LEVELS:
        raise _fail(src, "level", f"must be one of {', '.join(sorted(LEVELS))}")
    kind = data["kind"]
    if kind not in KINDS:
        raise _fail(src, "kind", f"must be one of {', '.join(sorted(KINDS))}")
    roles = _str_list(src, "roles", data["roles"], ROLES)
    if "facilitator" not in roles:
        raise _fail(src, "roles", "must include 'facilitator'")
    rules_raw = data.get("rules", [])
    if not isinstance(rules_raw, list):
        raise _fail(src, "rules", "must be a list of {nl, en} tables")
    rules = tuple(_text(src, f"rules[{i}]", r) for i, r in enumerate(rules_raw))
    source = data.get("source", "")
    if not isinstance(source, str):
        raise _fail(src, "source", "must be a string")
    phases_raw = data["phases"]
    if not isinstance(phases_raw, list) or not phases_raw:
        raise _fail(src, "phases", "must be a non-empty list of [[phases]] tables")
    if len(phases_raw) > 30:
        raise _fail(src, "phases", "at most 30 phases")
    if mid == BASIC_METHOD and basic_ids is None:
        basic_ids = frozenset(str(p.get("id")) for p in phases_raw if isinstance(p, dict))
    phases = tuple(_phase(src, i, p, basic_ids) for i, p in enumerate(phases_raw))
    seen: set[str] = set()
    for i, p in enumerate(phases):
        if p.id in seen:
            raise _fail(src, f"phases[{i}].id", f"duplicate phase id {p.id!r}")
        seen.add(p.id)
    return Method(
        id=mid,
        name=_text(src, "name", data["name"]),
        summary=_text(src, "summary", data["summary"]),
        purpose=_text(src, "purpose", data["purpose"]),
        level=level,
        kind=kind,
        roles=roles,
        phases=phases,
        rules=rules,
        source=source,
    )


MAX_TOML = 64 * 1024  # characters; the biggest built-in method is 8 KB
MAX_TOML_DEPTH = 12  # nested arrays and inline tables
MAX_KEY_PARTS = 4  # a.b.c...: tomllib's time grows with the square of a dotted key's parts
_TOML_STRINGS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'', re.S
)
_TOML_COMMENTS = re.compile(r"#[^\n]*")
_TOML_KEY = re.compile(r"^\s*\[{0,2}\s*([^=\]\n]*)", re.M)


def check_toml_shape(text: str, src: str = "method") -> None:
    """Refuse, in linear time and before parsing, what would make tomllib slow or recurse deeply:
    an oversized text, long dotted keys, deep nesting. A method file never needs any of them."""
    if len(text) > MAX_TOML:
        raise MethodError(f"{src}: a method file may be at most {MAX_TOML} characters")
    bare = _TOML_COMMENTS.sub("", _TOML_STRINGS.sub('""', text))
    for m in _TOML_KEY.finditer(bare):
        if m.group(1).count(".") >= MAX_KEY_PARTS:
            raise MethodError(f"{src}: a key has more than {MAX_KEY_PARTS} dotted parts")
    depth = deepest = 0
    for c in re.sub(r"[^\[\]{}]+", "", bare):
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    if deepest > MAX_TOML_DEPTH:
        raise MethodError(f"{src}: nested deeper than {MAX_TOML_DEPTH} levels")


def parse_toml(text: str, src: str = "method", basic_ids: frozenset[str] | None = None) -> Method:
    check_toml_shape(text, src)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise MethodError(f"{src}: not valid TOML: {e}") from None
    return parse_method(data, src, basic_ids)


class MethodLibrary:
    """The built-in methods, keyed by id, with the basic method first."""

    def __init__(self, methods: dict[str, Method]) -> None:
        if BASIC_METHOD not in methods:
            raise MethodError(f"the library has no basic method ({BASIC_METHOD!r})")
        self.methods = methods

    @property
    def basic(self) -> Method:
        return self.methods[BASIC_METHOD]

    @property
    def basic_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.basic.phases)

    def get(self, method_id: str) -> Method | None:
        return self.methods.get(method_id)

    def __iter__(self) -> Any:
        return iter(self.methods.values())

    @classmethod
    def load(cls, directory: Path) -> MethodLibrary:
        files = sorted(directory.glob("*.toml"))
        if not files:
            raise MethodError(f"{directory}: no method files (*.toml)")
        by_id = {f.stem: f for f in files}
        basic_file = by_id.get(BASIC_METHOD)
        if basic_file is None:
            raise MethodError(f"{directory}: missing {BASIC_METHOD}.toml (the basic method)")
        basic = parse_toml(basic_file.read_text("utf-8"), basic_file.name)
        basic_ids = frozenset(p.id for p in basic.phases)
        methods: dict[str, Method] = {basic.id: basic}
        for f in files:
            if f == basic_file:
                continue
            m = parse_toml(f.read_text("utf-8"), f.name, basic_ids)
            if m.id != f.stem:
                raise MethodError(f"{f.name}: id: {m.id!r} must match the file name {f.stem!r}")
            methods[m.id] = m
        return cls(methods)


def summary(m: Method) -> dict[str, Any]:
    """The public description served by GET /api/methods."""
    d = m.to_dict()
    d["minutes"] = m.minutes
    return d


def _toml_str(v: str) -> str:
    out = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in out) + '"'


def _toml_list(v: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_toml_str(x) for x in v) + "]"


def to_toml(m: Method) -> str:
    """Write a method as TOML in the layout of methods/*.toml; `parse_toml(to_toml(m))` equals m."""
    lines = [
        f"id = {_toml_str(m.id)}",
        f"level = {_toml_str(m.level)}",
        f"kind = {_toml_str(m.kind)}",
        f"roles = {_toml_list(m.roles)}",
        f"source = {_toml_str(m.source)}",
    ]
    for key, text in (("name", m.name), ("summary", m.summary), ("purpose", m.purpose)):
        lines += ["", f"[{key}]", f"nl = {_toml_str(text.nl)}", f"en = {_toml_str(text.en)}"]
    for r in m.rules:
        lines += ["", "[[rules]]", f"nl = {_toml_str(r.nl)}", f"en = {_toml_str(r.en)}"]
    for p in m.phases:
        lines += [
            "",
            "[[phases]]",
            f"id = {_toml_str(p.id)}",
            f"minutes = {p.minutes}",
            f"tools = {_toml_list(p.tools)}",
            f"cards = {_toml_list(p.cards)}",
            f"writers = {_toml_list(p.writers)}",
            f"note_writers = {_toml_list(p.note_writers)}",
            f"private = {'true' if p.private else 'false'}",
            f"fallback = {_toml_str(p.fallback)}",
            "[phases.title]",
            f"nl = {_toml_str(p.title.nl)}",
            f"en = {_toml_str(p.title.en)}",
            "[phases.instructions]",
            f"nl = {_toml_str(p.instructions.nl)}",
            f"en = {_toml_str(p.instructions.en)}",
        ]
    return "\n".join(lines) + "\n"
