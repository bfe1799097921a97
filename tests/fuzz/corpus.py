"""Hostile input for the ingest and screening paths: a hand-built corpus and hypothesis
strategies. Each corpus entry says what it must end as under the default settings
(``max_text_chars`` 20,000): a verdict (a valid comment, however odd) or a dead letter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import strategies as st

Expect = Literal["verdict", "deadletter"]


@dataclass(frozen=True)
class Hostile:
    """One hostile input: its name, its bytes (one JSON Lines record or HTTP body), its fate."""

    name: str
    raw: bytes
    expect: Expect


def comment(n: int | str, **changes: Any) -> dict[str, Any]:
    """A valid comment with id ``h-<n>`` and author ``a-<n>``, changed by ``changes``."""
    data: dict[str, Any] = {
        "id": f"h-{n}", "platform": "facebook", "page": "townofqueencreek", "post": "p-1",
        "author_id": f"a-{n}", "author_name": f"Author {n}",
        "text": f"Comment {n}: when does the farmers market open?",
        "created_at": "2026-11-25T10:00:00Z",
    }
    data.update(changes)
    return data


def _json(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


def _with_raw_field(base: dict[str, Any], name: str, raw_value: bytes) -> bytes:
    """``base`` as JSON with one more field whose value is spliced in as raw bytes."""
    return _json(base)[:-1] + b', "' + name.encode() + b'": ' + raw_value + b"}"


ZALGO = "".join(ch + "\u0301\u0336\u0317\u0353\u035c\u0361" * 3 for ch in "hello town council")
RTL = "\u202eevil.exe\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u200f"
ZERO_WIDTH = "f\u200bu\u200cc\u200dk\ufeff this \u2060road"
HOMOGLYPHS = ("\u0455\u04bb\u0456\u0442 \u0440\u043e\u0430d w\u043erk, "
              "\u0455\u0441\u0430\u043c.\u0441\u043em")
EMOJI = "\U0001f621\U0001f4a9\U0001f595\U0001f3fd\u200d\U0001f525\U0001f1fa\U0001f1f8" * 20
URLS_10K = " ".join(f"https://spam{i}.example.com/x?y={i}" for i in range(10_000))
MB_TEXT = "a" * 1_048_576


def corpus() -> list[Hostile]:
    """The hand-built corpus, one entry per kind of hostility (ids ``h-<name>`` when valid)."""
    entries: list[tuple[str, bytes, Expect]] = [
        ("not-json", b"this is not json at all", "deadletter"),
        ("html-body", b"<html><body>POST</body></html>", "deadletter"),
        ("truncated-json", b'{"id": "x", "text": "unterminated', "deadletter"),
        ("json-string", b'"just a string"', "deadletter"),
        ("json-number", b"42", "deadletter"),
        ("json-null", b"null", "deadletter"),
        ("json-true", b"true", "deadletter"),
        ("empty-object", b"{}", "deadletter"),
        ("whitespace", b"   \t ", "deadletter"),
        ("text-is-number", _json(comment("t", text=12345)), "deadletter"),
        ("text-is-list", _json(comment("t", text=["a", "b"])), "deadletter"),
        ("text-is-object", _json(comment("t", text={"nested": "yes"})), "deadletter"),
        ("id-is-null", _json(comment("t", id=None)), "deadletter"),
        ("version-is-string", _json(comment("t", version="two")), "deadletter"),
        ("date-garbage", _json(comment("t", created_at="yesterday-ish")), "deadletter"),
        ("missing-text", _json({k: v for k, v in comment("t").items() if k != "text"}),
         "deadletter"),
        ("missing-all-but-text", _json({"text": "hello"}), "deadletter"),
        ("extra-field", _json(comment("t", admin=True)), "deadletter"),
        ("extra-long-field-name", _json(comment("t", **{"k" * 5000: 1})), "deadletter"),
        ("deep-array", b"[" * 100_000 + b"]" * 100_000, "deadletter"),
        ("deep-object", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "deadletter"),
        ("deep-extra-field", _with_raw_field(comment("t"), "x", b"[" * 50_000 + b"]" * 50_000),
         "deadletter"),
        ("huge-int", b"9" * 10_000, "deadletter"),
        ("huge-int-version", _with_raw_field(comment("t"), "version", b"9" * 5000), "deadletter"),
        ("huge-float-version", _with_raw_field(comment("t"), "version", b"1e99999"),
         "deadletter"),
        ("nan-version", _with_raw_field(comment("t"), "version", b"NaN"), "deadletter"),
        ("negative-version", _json(comment("t", version=-1)), "deadletter"),
        ("text-1mb", _json(comment("t", text=MB_TEXT)), "deadletter"),
        ("id-too-long", _json(comment("t", id="i" * 600)), "deadletter"),
        ("invalid-utf8", _json(comment("t"))[:-3] + b'\xe9\xff\xfe"}', "deadletter"),
        ("invalid-utf8-only", b"\xff\xfe\xfd\x80\x81", "deadletter"),
        ("nul-in-text", _json(comment("t", text="before\x00after")), "deadletter"),
        ("nul-bytes-raw", b'{"text": "a\x00b"}\x00\x00', "deadletter"),
        ("lone-surrogate-text", _json(comment("t", text="bad \ud800 text")), "deadletter"),
        ("lone-surrogate-author", _json(comment("t", author_name="\udfff")), "deadletter"),
        ("utf16-body", _json(comment("t")).decode().encode("utf-16"), "deadletter"),
        ("empty-text", _json(comment("t", text="")), "deadletter"),
        ("zero-width-only-text", _json(comment("zwonly", text="\u200b\u200c\u200d")), "verdict"),
        ("rtl", _json(comment("rtl", text=RTL, author_name="\u202eresu")), "verdict"),
        ("zero-width", _json(comment("zw", text=ZERO_WIDTH)), "verdict"),
        ("zalgo", _json(comment("zalgo", text=ZALGO, author_name=ZALGO[:100])), "verdict"),
        ("homoglyphs", _json(comment("homoglyph", text=HOMOGLYPHS)), "verdict"),
        ("emoji-only", _json(comment("emoji", text=EMOJI)), "verdict"),
        ("emoji-only-utf8", json.dumps(comment("emoji8", text=EMOJI), ensure_ascii=False)
         .encode("utf-8"), "verdict"),
        ("urls-10k", _json(comment("urls", text=URLS_10K)), "deadletter"),
        ("urls-under-limit", _json(comment("urls500", text=URLS_10K[:19_999])), "verdict"),
        ("text-at-limit", _json(comment("limit", text="word " * 4000)), "verdict"),
        ("control-chars", _json(comment("ctl", text="bell\x07 esc\x1b[31m red \x7f")),
         "verdict"),
        ("script-injection", _json(comment("xss", text="<script>alert(1)</script>"
                                                       "'; DROP TABLE comments; --")),
         "verdict"),
        ("format-string", _json(comment("fmt", text="%s %n {0} ${jndi:ldap://x/a}")),
         "verdict"),
    ]
    return [Hostile(name, raw, expect) for name, raw, expect in entries]


BROKEN_CSV = (
    b"id,platform,page,post,author_id,text,created_at\n"
    b"csv-1,facebook,townofqueencreek,p-1,a-1,fine row,2026-11-25T10:00:00Z\n"
    b'csv-2,facebook,townofqueencreek,p-1,a-2,"unterminated quote,2026-11-25T10:00:00Z\n'
    + b"x" * 140_000 + b"\n"
    b'csv-3,facebook,townofqueencreek,p-1,a-3,stray "quote" inside,2026-11-25T10:00:00Z\n'
    b"csv-4,facebook,townofqueencreek,p-1,a-4,caf\xe9 latin-1,2026-11-25T10:00:00Z\n"
    b"csv-5,facebook,townofqueencreek,p-1,a-5,too,many,fields,2026-11-25T10:00:00Z\n"
    b"csv-6,facebook\n"
    b"csv-7,facebook,townofqueencreek,p-1,a-7,last good row,2026-11-25T10:00:00Z\n"
)
"""A CSV whose quoting breaks: every row must end as a comment or a dead letter."""

# Hypothesis strategies -----------------------------------------------------------------

_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
            | st.text(max_size=40))
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=20,
)
"""Any JSON value (as Python), usually not a comment."""

nasty_text = st.text(
    alphabet=st.characters(codec=None, categories=None), min_size=0, max_size=300
) | st.sampled_from([ZALGO, RTL, ZERO_WIDTH, HOMOGLYPHS, EMOJI, "\ud800", "\x00", " "])
"""Text from the whole of Unicode (surrogates and controls included) or a hostile sample."""

FIELDS = ("id", "platform", "page", "post", "author_id", "author_name", "text", "created_at",
          "url", "version", "parent", "edited_at")


@st.composite
def mutated_comments(draw: st.DrawFn) -> dict[str, Any]:
    """A valid comment with some fields replaced by nasty text or any JSON value, some
    dropped, and maybe a field added."""
    data = comment(draw(st.integers(0, 10**6)))
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        data[field] = draw(nasty_text | json_values)
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=2, unique=True)):
        data.pop(field, None)
    if draw(st.booleans()):
        data[draw(st.text(max_size=20))] = draw(json_values)
    return data


def encode(data: Any, ascii_only: bool) -> bytes:
    """JSON bytes of ``data``; lone surrogates survive as escapes or as raw surrogate bytes."""
    text = json.dumps(data, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass")


hostile_bytes = st.one_of(
    st.binary(max_size=200),
    st.builds(encode, json_values, st.booleans()),
    st.builds(encode, mutated_comments(), st.booleans()),
    st.builds(lambda d: _json(d)[: len(_json(d)) // 2], mutated_comments()),
)
"""Raw bytes as a source might send them: garbage, any JSON, damaged comments."""


# Seeded generation for the integration run (one pass, no shrinking) ------------------------

NASTY_VALUES: tuple[Any, ...] = (
    None, True, 0, -1, 10**30, 1.5e308, "", " ", "\x00", "\ud800", ZALGO, RTL, ZERO_WIDTH,
    HOMOGLYPHS, EMOJI, "x" * 600, [], {}, [1, [2, [3]]], {"a": {"b": None}},
    "2026-13-45T99:99:99Z", "https://example.com/" + "a" * 3000,
)


def generated_inputs(count: int, seed: int) -> list[bytes]:
    """``count`` inputs from ``random.Random(seed)``: comments with fields replaced, dropped or
    added; corpus entries with bytes flipped, cut or spliced; random bytes. About a third are
    valid comments with hostile text."""
    import random

    rng = random.Random(seed)
    hand = [h.raw for h in corpus() if len(h.raw) < 50_000]
    out: list[bytes] = []
    for n in range(count):
        kind = n % 6
        data = comment(f"gen-{seed}-{n}")
        if kind in (0, 1):  # valid, with hostile text and author name
            data["text"] = rng.choice([ZALGO, RTL, ZERO_WIDTH, HOMOGLYPHS, EMOJI]) + f" {n}"
            data["author_name"] = rng.choice([ZALGO[:200], RTL, EMOJI[:50], ""])
            out.append(encode(data, rng.random() < 0.5))
        elif kind == 2:  # fields replaced, dropped, added
            for field in rng.sample(FIELDS, rng.randint(1, 3)):
                data[field] = rng.choice(NASTY_VALUES)
            if rng.random() < 0.5:
                data.pop(rng.choice(FIELDS), None)
            if rng.random() < 0.3:
                data[rng.choice(["extra", "", "\u202e", "k" * 700])] = rng.choice(NASTY_VALUES)
            out.append(encode(data, rng.random() < 0.5))
        elif kind == 3:  # a corpus entry with a few bytes flipped
            raw = bytearray(rng.choice(hand))
            for _ in range(rng.randint(1, 4)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
            out.append(bytes(raw))
        elif kind == 4:  # a valid comment cut short, or two spliced together
            whole = _json(data)
            out.append(whole[: rng.randrange(1, len(whole))] + rng.choice([b"", whole]))
        else:  # random bytes
            out.append(rng.randbytes(rng.randint(1, 300)))
    return out
