"""Intervisie methods as data: load and validate `methods/*.toml`.

One schema for the built-in files and for custom methods. Every error names the file (or source)
and the exact field, so a facilitator editing a method sees what to fix.
This module is over 600 lines on purpose: the schema's keys, their checks and their TOML form
belong in one place, so a key is added (and reviewed) in one file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .kind_hints import CODES as HINT_CODES

TOOLS = frozenset(
    {
        "text",
        "questions",
        "advice",
        "mindmap",
        "forcefield",
        "notes",
        "vote",
        "plan",
        "rounds",
        "evaluation",
        "pairs",  # work in pairs, each pair on a private board of its own (server/rooms/pairs.py)
        "drawing",
    }
)
# Board tools an earlier phase fills and a later phase may show read-only (a phase's `show`).
SHOW_TOOLS = frozenset({"mindmap", "forcefield", "plan", "drawing", "pairs"})
# What else `show` may name: an earlier phase's cards of one kind ("cards:position"), and the
# outcomes written in earlier phases ("outcomes"), read-only and in place.
SHOW_OUTCOMES = "outcomes"
# What a phase's `order` may name: the card panel and the board tools, in the room's own order.
BOARD_AREAS = ("vote", "mindmap", "forcefield", "plan", "cards")
# In the order a board shows them (the browser gets this order in its page data).
CARD_KIND_ORDER = (
    "question",
    "advice",
    "position",
    "reflection",
    "observation",
    "association",
    "judgement",
    "reformulation",
    "alternative",
    "idea",
    "value",
    "success",
    "statement",
    "checkin",  # on one's persoonlijke leervraag, in a meeting's opening: "wat is er bewogen?"
)
CARD_KINDS = frozenset(CARD_KIND_ORDER)
SHOWABLE = SHOW_TOOLS | {f"cards:{k}" for k in CARD_KIND_ORDER} | {SHOW_OUTCOMES}
MAX_OUTCOMES = 8  # outcome fields in one phase
PER_PERSON = (1, 50)  # a phase's cap of cards per person, inclusive
# Who may write on the board in a phase. `participants` are the people who are neither the
# inbrenger nor a silent listener (domain.md "P").
WRITERS = frozenset({"all", "participants", "inbrenger", "listeners", "coach", "facilitator", "timekeeper"})
# In the order the room shows a person's roles.
ROLE_ORDER = ("inbrenger", "listener", "timekeeper", "coach", "facilitator")
ROLES = frozenset(ROLE_ORDER)
LEVEL_ORDER = ("beginner", "experienced")
LEVELS = frozenset(LEVEL_ORDER)
KIND_ORDER = ("problem", "appreciative")
KINDS = frozenset(KIND_ORDER)
LANGS = ("nl", "en")
# A phase's plan form (`plan`): the SMART action plan, or the evaluation plan.
PLAN_FORMS = ("smart", "evaluation")
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
    "labels",
    "facilitator_writes",
}
_METHOD_REQUIRED = {"id", "name", "summary", "purpose", "level", "kind", "roles", "phases"}
_PHASE_KEYS = {
    "id",
    "title",
    "instructions",
    "minutes",
    "tools",
    "show",
    "order",
    "rate",
    "plan",
    "cards",
    "writers",
    "note_writers",
    "private",
    "fallback",
    "outcomes",
    "per_person",
    "inbrenger_listens",
    "hints",
}
_PHASE_REQUIRED = {"id", "title", "instructions", "minutes", "tools", "fallback"}
_ID_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
MAX_PHASES = 30
MAX_METHOD_ID = 40  # a method's or a phase's id
PHASE_MINUTES = (1, 240)  # a phase's planned minutes, inclusive


FieldPath = tuple[str | int, ...]

# What a MethodError can say: the browser shows the catalog's `methodError.<code>` (client/i18n).
ERROR_CODES = frozenset(
    {
        "text_table",
        "unknown_lang",
        "empty_text",
        "bad_id",
        "not_str_list",
        "unknown_value",
        "duplicate_value",
        "unknown_key",
        "missing",
        "not_table",
        "bad_minutes",
        "not_bool",
        "private_needs_cards",
        "no_writers",
        "bad_fallback",
        "one_of",
        "needs_facilitator",
        "rules_list",
        "not_string",
        "no_phases",
        "too_many_phases",
        "duplicate_phase",
        "bad_toml",
        "toml_too_long",
        "toml_long_key",
        "toml_too_deep",
        "builtin_id",
        "id_mismatch",
        "no_files",
        "no_basic",
        "show_open",
        "show_not_earlier",
        "order_not_here",
        "rate_needs_forcefield",
        "plan_needs_plan",
        "bad_per_person",
        "outcomes_list",
        "too_many_outcomes",
        "duplicate_outcome",
    }
)


def path_text(path: FieldPath) -> str:
    """("phases", 0, "title", "nl") -> "phases[0].title.nl"; the empty path is "(top)"."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out or "(top)"


class MethodError(ValueError):
    """A method file or custom method that breaks the schema.

    str() is the English message naming the source and the field ("src: phases[0].id: must be ...");
    `code` (one of ERROR_CODES), `path` (the field as a list of keys and indexes) and `params` (the
    values the message names) let a client say the same in its own language without parsing it.
    """

    def __init__(self, message: str, *, code: str, path: FieldPath = (), **params: str | int) -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.code = code
        self.path = path
        self.params = params

    def detail(self) -> dict[str, Any]:
        """{code, path, params} as JSON for the API (beside the English message)."""
        return {"code": self.code, "path": list(self.path), "params": dict(self.params)}


@dataclass(frozen=True)
class Text:
    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl

    def to_dict(self) -> dict[str, str]:
        return {"nl": self.nl, "en": self.en}


@dataclass(frozen=True)
class Outcome:
    """An outcome field of a phase: its id (unique in the phase), its label, and who writes it (the
    phase's writers when empty)."""

    id: str
    label: Text
    writers: tuple[str, ...] = ()
    # The group proposes texts and votes; the facilitator adopts one (server/rooms/proposals.py).
    propose: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label.to_dict(),
            "writers": list(self.writers),
            "propose": self.propose,
        }


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
    # Tools an earlier phase opened, shown read-only here (e.g. the force field in an action plan).
    show: tuple[str, ...] = ()
    # The board areas (BOARD_AREAS) in the order this phase puts them on screen; the rest follow.
    order: tuple[str, ...] = ()
    # The forces are weighed here: ratings and "hangt samen met" links (needs the force field open).
    rate: bool = False
    # The plan's form where the plan is open: "smart" (the SMART fields) or "evaluation" (criteria
    # and check moments with dates).
    plan: str = "smart"
    # Written results this phase asks of its writers (an outcome field each), in screen order.
    outcomes: tuple[Outcome, ...] = ()
    # At most this many cards per person in this phase (0: only the room's shares).
    per_person: int = 0
    # The inbrenger listens: they change nothing shared in this phase (their own notes stay theirs).
    inbrenger_listens: bool = False
    # The gentle hints this phase gives on cards other than questions (server/kind_hints.py).
    hints: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "instructions": self.instructions.to_dict(),
            "minutes": self.minutes,
            "tools": list(self.tools),
            "show": list(self.show),
            "order": list(self.order),
            "rate": self.rate,
            "plan": self.plan,
            "cards": list(self.cards),
            "writers": list(self.writers),
            "note_writers": list(self.note_writers),
            "private": self.private,
            "fallback": self.fallback,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "per_person": self.per_person,
            "inbrenger_listens": self.inbrenger_listens,
            "hints": list(self.hints),
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
    # A role's name in this method where it differs from the usual one (the coach as interviewer).
    labels: tuple[tuple[str, Text], ...] = ()
    # False: the facilitator adds no content (socratisch) unless they turn writing on for themselves.
    facilitator_writes: bool = True
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
            "labels": {role: t.to_dict() for role, t in self.labels},
            "facilitator_writes": self.facilitator_writes,
        }

    def outcome_fields(self) -> list[tuple[Phase, Outcome]]:
        """Every outcome field of the method, in phase order."""
        return [(p, o) for p in self.phases for o in p.outcomes]


def _fail(src: str, path: FieldPath, code: str, msg: str, **params: str | int) -> MethodError:
    return MethodError(f"{src}: {path_text(path)}: {msg}", code=code, path=path, **params)


def _text(src: str, path: FieldPath, value: Any) -> Text:
    if not isinstance(value, dict):
        raise _fail(src, path, "text_table", "must be a table with 'nl' and 'en' texts")
    extra = set(value) - set(LANGS)
    if extra:
        key = sorted(extra)[0]
        raise _fail(
            src, path, "unknown_lang", f"unknown language key {key!r} (allowed: nl, en)", value=str(key)
        )
    for lang in LANGS:
        v = value.get(lang)
        if not isinstance(v, str) or not v.strip():
            raise _fail(src, (*path, lang), "empty_text", "missing or empty text")
    return Text(nl=value["nl"].strip(), en=value["en"].strip())


def _bool(src: str, path: FieldPath, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(src, path, "not_bool", "must be true or false")
    return value


def _id(src: str, path: FieldPath, value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_METHOD_ID or not set(value) <= _ID_OK:
        raise _fail(src, path, "bad_id", "must be 1-40 characters of a-z, 0-9, '-' or '_'")
    return value


def _str_list(src: str, path: FieldPath, value: Any, allowed: frozenset[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(src, path, "not_str_list", "must be a list of strings")
    for v in value:
        if v not in allowed:
            names = ", ".join(sorted(allowed))
            raise _fail(
                src, path, "unknown_value", f"unknown value {v!r} (allowed: {names})", value=v, allowed=names
            )
    if len(set(value)) != len(value):
        raise _fail(src, path, "duplicate_value", "has a duplicate value")
    return tuple(value)


def _keys(src: str, path: FieldPath, data: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _fail(src, (*path, unknown[0]), "unknown_key", "unknown key")
    missing = sorted(required - set(data))
    if missing:
        raise _fail(src, (*path, missing[0]), "missing", "missing")


def _phase(src: str, i: int, data: Any, basic_ids: frozenset[str] | None) -> Phase:
    at: FieldPath = ("phases", i)
    if not isinstance(data, dict):
        raise _fail(src, at, "not_table", "must be a table")
    _keys(src, at, data, _PHASE_KEYS, _PHASE_REQUIRED)
    pid = _id(src, (*at, "id"), data["id"])
    minutes = data["minutes"]
    lo, hi = PHASE_MINUTES
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not lo <= minutes <= hi:
        raise _fail(
            src, (*at, "minutes"), "bad_minutes", f"must be a whole number of minutes from {lo} to {hi}"
        )
    tools = _str_list(src, (*at, "tools"), data["tools"], TOOLS)
    show = _str_list(src, (*at, "show"), data.get("show", []), SHOWABLE)
    for tool in show:
        if tool in tools:
            raise _fail(
                src,
                (*at, "show"),
                "show_open",
                f"{tool!r} is open in this phase already (remove it from 'show' or from 'tools')",
                value=tool,
            )
    cards = _str_list(src, (*at, "cards"), data.get("cards", []), CARD_KINDS)
    order = _str_list(src, (*at, "order"), data.get("order", []), frozenset(BOARD_AREAS))
    for area in order:
        if not (cards if area == "cards" else area in tools or area in show):
            raise _fail(
                src,
                (*at, "order"),
                "order_not_here",
                f"{area!r} is not on screen in this phase (not in 'tools', 'show' or, for 'cards', 'cards')",
                value=area,
            )
    rate = _bool(src, (*at, "rate"), data.get("rate", False))
    if rate and "forcefield" not in tools:
        raise _fail(
            src,
            (*at, "rate"),
            "rate_needs_forcefield",
            "forces are rated only where 'forcefield' is in 'tools'",
        )
    plan = data.get("plan", "smart")
    if plan not in PLAN_FORMS:
        names = ", ".join(PLAN_FORMS)
        raise _fail(src, (*at, "plan"), "one_of", f"must be one of {names}", allowed=names)
    if plan != "smart" and "plan" not in tools:
        raise _fail(src, (*at, "plan"), "plan_needs_plan", "a plan form needs 'plan' in 'tools'")
    writers = _str_list(src, (*at, "writers"), data.get("writers", ["all"]), WRITERS)
    note_writers = _str_list(src, (*at, "note_writers"), data.get("note_writers", ["listeners"]), WRITERS)
    private = _bool(src, (*at, "private"), data.get("private", False))
    if private and not cards:
        raise _fail(
            src,
            (*at, "private"),
            "private_needs_cards",
            "a private phase needs at least one card kind in 'cards'",
        )
    if not writers and (cards or {"mindmap", "forcefield", "plan", "vote", "drawing"} & set(tools)):
        raise _fail(
            src, (*at, "writers"), "no_writers", "nobody may write in a phase that opens a board tool"
        )
    fallback = _id(src, (*at, "fallback"), data["fallback"])
    if basic_ids is not None and fallback not in basic_ids:
        names = ", ".join(sorted(basic_ids))
        raise _fail(
            src,
            (*at, "fallback"),
            "bad_fallback",
            f"{fallback!r} is not a phase of the basic method ({names})",
            value=fallback,
            allowed=names,
        )
    per_person = data.get("per_person", 0)
    lo, hi = PER_PERSON
    if (
        not isinstance(per_person, int)
        or isinstance(per_person, bool)
        or not (per_person == 0 or lo <= per_person <= hi)
    ):
        raise _fail(
            src,
            (*at, "per_person"),
            "bad_per_person",
            f"must be a whole number from {lo} to {hi}",
            min=lo,
            max=hi,
        )
    listens = _bool(src, (*at, "inbrenger_listens"), data.get("inbrenger_listens", False))
    return Phase(
        id=pid,
        title=_text(src, (*at, "title"), data["title"]),
        instructions=_text(src, (*at, "instructions"), data["instructions"]),
        minutes=minutes,
        tools=tools,
        cards=cards,
        writers=writers,
        note_writers=note_writers,
        private=private,
        fallback=fallback,
        show=show,
        order=order,
        rate=rate,
        plan=str(plan),
        outcomes=_outcomes(src, (*at, "outcomes"), data.get("outcomes", [])),
        per_person=per_person,
        inbrenger_listens=listens,
        hints=_str_list(src, (*at, "hints"), data.get("hints", []), frozenset(HINT_CODES)),
    )


def _outcomes(src: str, at: FieldPath, raw: Any) -> tuple[Outcome, ...]:
    if not isinstance(raw, list) or not all(isinstance(o, dict) for o in raw):
        raise _fail(src, at, "outcomes_list", "must be a list of {id, label} tables")
    if len(raw) > MAX_OUTCOMES:
        raise _fail(src, at, "too_many_outcomes", f"at most {MAX_OUTCOMES} outcome fields", max=MAX_OUTCOMES)
    out: list[Outcome] = []
    for i, o in enumerate(raw):
        _keys(src, (*at, i), o, {"id", "label", "writers", "propose"}, {"id", "label"})
        oid = _id(src, (*at, i, "id"), o["id"])
        if any(x.id == oid for x in out):
            raise _fail(src, (*at, i, "id"), "duplicate_outcome", f"duplicate outcome id {oid!r}", value=oid)
        writers = _str_list(src, (*at, i, "writers"), o.get("writers", []), WRITERS)
        propose = _bool(src, (*at, i, "propose"), o.get("propose", False))
        out.append(Outcome(oid, _text(src, (*at, i, "label"), o["label"]), writers, propose))
    return tuple(out)


def _labels(src: str, raw: Any) -> tuple[tuple[str, Text], ...]:
    if not isinstance(raw, dict):
        raise _fail(src, ("labels",), "not_table", "must be a table of role = {nl, en}")
    for role in raw:
        if role not in ROLES:
            names = ", ".join(ROLE_ORDER)
            raise _fail(
                src, ("labels", role), "unknown_value", f"unknown role {role!r}", value=role, allowed=names
            )
    return tuple((role, _text(src, ("labels", role), raw[role])) for role in ROLE_ORDER if role in raw)


def parse_method(data: Any, src: str = "method", basic_ids: frozenset[str] | None = None) -> Method:
    """Validate one method given as parsed TOML/JSON data. Raises MethodError naming `src` and field."""
    if not isinstance(data, dict):
        raise _fail(src, (), "not_table", "must be a table")
    _keys(src, (), data, _METHOD_KEYS, _METHOD_REQUIRED)
    mid = _id(src, ("id",), data["id"])
    for key, allowed in (("level", LEVELS), ("kind", KINDS)):
        if data[key] not in allowed:
            names = ", ".join(sorted(allowed))
            raise _fail(src, (key,), "one_of", f"must be one of {names}", allowed=names)
    level, kind = data["level"], data["kind"]
    roles = _str_list(src, ("roles",), data["roles"], ROLES)
    if "facilitator" not in roles:
        raise _fail(src, ("roles",), "needs_facilitator", "must include 'facilitator'")
    rules_raw = data.get("rules", [])
    if not isinstance(rules_raw, list):
        raise _fail(src, ("rules",), "rules_list", "must be a list of {nl, en} tables")
    rules = tuple(_text(src, ("rules", i), r) for i, r in enumerate(rules_raw))
    source = data.get("source", "")
    if not isinstance(source, str):
        raise _fail(src, ("source",), "not_string", "must be a string")
    phases_raw = data["phases"]
    if not isinstance(phases_raw, list) or not phases_raw:
        raise _fail(src, ("phases",), "no_phases", "must be a non-empty list of [[phases]] tables")
    if len(phases_raw) > MAX_PHASES:
        raise _fail(src, ("phases",), "too_many_phases", f"at most {MAX_PHASES} phases", max=MAX_PHASES)
    if mid == BASIC_METHOD and basic_ids is None:
        basic_ids = frozenset(str(p.get("id")) for p in phases_raw if isinstance(p, dict))
    phases = tuple(_phase(src, i, p, basic_ids) for i, p in enumerate(phases_raw))
    seen: set[str] = set()
    for i, p in enumerate(phases):
        if p.id in seen:
            raise _fail(
                src, ("phases", i, "id"), "duplicate_phase", f"duplicate phase id {p.id!r}", value=p.id
            )
        seen.add(p.id)
    opened: set[str] = set()
    for i, p in enumerate(phases):
        for tool in p.show:
            if tool not in opened:
                raise _fail(
                    src,
                    ("phases", i, "show"),
                    "show_not_earlier",
                    f"{tool!r} is not open in an earlier phase, so there is nothing to show",
                    value=tool,
                )
        opened.update(p.tools)
        opened.update(f"cards:{k}" for k in p.cards)
        if p.outcomes:
            opened.add(SHOW_OUTCOMES)
    fac_writes = _bool(src, ("facilitator_writes",), data.get("facilitator_writes", True))
    return Method(
        id=mid,
        name=_text(src, ("name",), data["name"]),
        summary=_text(src, ("summary",), data["summary"]),
        purpose=_text(src, ("purpose",), data["purpose"]),
        level=level,
        kind=kind,
        roles=roles,
        phases=phases,
        rules=rules,
        source=source,
        labels=_labels(src, data.get("labels", {})),
        facilitator_writes=fac_writes,
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
        raise MethodError(
            f"{src}: a method file may be at most {MAX_TOML} characters", code="toml_too_long", max=MAX_TOML
        )
    bare = _TOML_COMMENTS.sub("", _TOML_STRINGS.sub('""', text))
    for m in _TOML_KEY.finditer(bare):
        if m.group(1).count(".") >= MAX_KEY_PARTS:
            raise MethodError(
                f"{src}: a key has more than {MAX_KEY_PARTS} dotted parts",
                code="toml_long_key",
                max=MAX_KEY_PARTS,
            )
    depth = deepest = 0
    for c in re.sub(r"[^\[\]{}]+", "", bare):
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    if deepest > MAX_TOML_DEPTH:
        raise MethodError(
            f"{src}: nested deeper than {MAX_TOML_DEPTH} levels", code="toml_too_deep", max=MAX_TOML_DEPTH
        )


def parse_toml(text: str, src: str = "method", basic_ids: frozenset[str] | None = None) -> Method:
    check_toml_shape(text, src)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise MethodError(f"{src}: not valid TOML: {e}", code="bad_toml", detail=str(e)) from None
    return parse_method(data, src, basic_ids)


class MethodLibrary:
    """The built-in methods, keyed by id, with the basic method first."""

    def __init__(self, methods: dict[str, Method]) -> None:
        if BASIC_METHOD not in methods:
            raise MethodError(
                f"the library has no basic method ({BASIC_METHOD!r})", code="no_basic", value=BASIC_METHOD
            )
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
            raise MethodError(f"{directory}: no method files (*.toml)", code="no_files")
        by_id = {f.stem: f for f in files}
        basic_file = by_id.get(BASIC_METHOD)
        if basic_file is None:
            raise MethodError(
                f"{directory}: missing {BASIC_METHOD}.toml (the basic method)",
                code="no_basic",
                value=BASIC_METHOD,
            )
        basic = parse_toml(basic_file.read_text("utf-8"), basic_file.name)
        basic_ids = frozenset(p.id for p in basic.phases)
        methods: dict[str, Method] = {basic.id: basic}
        for f in files:
            if f == basic_file:
                continue
            m = parse_toml(f.read_text("utf-8"), f.name, basic_ids)
            if m.id != f.stem:
                raise MethodError(
                    f"{f.name}: id: {m.id!r} must match the file name {f.stem!r}",
                    code="id_mismatch",
                    path=("id",),
                    value=m.id,
                    file=f.stem,
                )
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
        *([] if m.facilitator_writes else ["facilitator_writes = false"]),
    ]
    for key, text in (("name", m.name), ("summary", m.summary), ("purpose", m.purpose)):
        lines += ["", f"[{key}]", f"nl = {_toml_str(text.nl)}", f"en = {_toml_str(text.en)}"]
    for r in m.rules:
        lines += ["", "[[rules]]", f"nl = {_toml_str(r.nl)}", f"en = {_toml_str(r.en)}"]
    for role, t in m.labels:
        lines += ["", f"[labels.{role}]", f"nl = {_toml_str(t.nl)}", f"en = {_toml_str(t.en)}"]
    for p in m.phases:
        lines += [
            "",
            "[[phases]]",
            f"id = {_toml_str(p.id)}",
            f"minutes = {p.minutes}",
            f"tools = {_toml_list(p.tools)}",
            *([f"show = {_toml_list(p.show)}"] if p.show else []),
            *([f"order = {_toml_list(p.order)}"] if p.order else []),
            *(["rate = true"] if p.rate else []),
            *([f"plan = {_toml_str(p.plan)}"] if p.plan != "smart" else []),
            f"cards = {_toml_list(p.cards)}",
            f"writers = {_toml_list(p.writers)}",
            f"note_writers = {_toml_list(p.note_writers)}",
            f"private = {'true' if p.private else 'false'}",
            f"fallback = {_toml_str(p.fallback)}",
            *([f"per_person = {p.per_person}"] if p.per_person else []),
            *(["inbrenger_listens = true"] if p.inbrenger_listens else []),
            *([f"hints = {_toml_list(p.hints)}"] if p.hints else []),
            "[phases.title]",
            f"nl = {_toml_str(p.title.nl)}",
            f"en = {_toml_str(p.title.en)}",
            "[phases.instructions]",
            f"nl = {_toml_str(p.instructions.nl)}",
            f"en = {_toml_str(p.instructions.en)}",
        ]
        for o in p.outcomes:
            lines += [
                "[[phases.outcomes]]",
                f"id = {_toml_str(o.id)}",
                *([f"writers = {_toml_list(o.writers)}"] if o.writers else []),
                *(["propose = true"] if o.propose else []),
                "[phases.outcomes.label]",
                f"nl = {_toml_str(o.label.nl)}",
                f"en = {_toml_str(o.label.en)}",
            ]
    return "\n".join(lines) + "\n"
