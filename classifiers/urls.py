"""Links in a comment: extraction (with or without a scheme) and the hosts they point to.

Linear-time patterns: a bare domain has at most six labels and starts only where no domain
character precedes it, so no input makes the engine retry a long run from every position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers.textnorm import STEM, NormText, normalize

# Top-level domains recognised without a scheme ("bit.ly/x", "example.com"). Common English
# words ("me", "us", "to", "at", "live", "shop") are only links with a scheme or www.
BARE_TLDS: tuple[str, ...] = (
    "com", "net", "org", "gov", "edu", "info", "biz", "io", "ly", "gl", "gd", "co", "tv", "cc",
    "xyz", "top", "site", "online", "club", "store", "ru", "cn", "tk", "ml", "ga", "cf", "gq",
    "ws", "su", "in", "uk", "de", "fr", "ph", "li", "vn", "md", "gy", "id", "ee",
)  # fmt: skip
# ".me" and ".at" are words too: a bare domain there counts only with a path ("t.me/x").
SLASH_TLDS: tuple[str, ...] = ("me", "at")
_TLD_STEMS: frozenset[str] = frozenset(tld[:STEM] for tld in BARE_TLDS)
"""The trigger stems of the bare TLDs ("store" is "stor": a text's stems are 4 letters)."""
TRIGGERS: frozenset[str] = frozenset({"http", "www", *_TLD_STEMS, *SLASH_TLDS})

_TAIL = r"""(?:[/?#][^\s<>"'`]*)?"""
LINK_START = r"(?:https?://|www\.)"
"""How a link with a scheme (or ``www.``) begins."""
_SCHEME_URL = re.compile(r"\b" + LINK_START + r"""[^\s<>"'`/?#]+""" + _TAIL)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_BARE_URL = re.compile(
    rf"(?<![\w@.-])(?:{_LABEL}\.){{1,6}}(?:{'|'.join(BARE_TLDS)})(?![\w-])(?!\.\w)" + _TAIL
)
_BARE_GATE = re.compile(rf"\.(?:{'|'.join(BARE_TLDS)})(?![\w-])")
"""What every bare-domain match holds: its last label's dot, the TLD, no word character after.
It starts with a literal, so ``re`` jumps from dot to dot instead of trying every position."""
_SLASH_URL = re.compile(
    rf"""(?<![\w@.-])(?:{_LABEL}\.){{1,3}}(?:{'|'.join(SLASH_TLDS)})/[^\s<>"'`]*"""
)
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class Link:
    """One link: its span in the lower-case view, its text and its host."""

    start: int
    end: int
    text: str
    host: str


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = authority.rsplit("@", 1)[-1].split(":", 1)[0]
    return host.strip(".")


def links(doc: NormText) -> Iterator[Link]:
    """Every link in ``doc``'s lower-case view, trailing punctuation left out."""
    found: list[tuple[int, int]] = []
    if "http" in doc.stems or "www" in doc.stems:
        found.extend(m.span() for m in _SCHEME_URL.finditer(doc.lower))
    if not doc.stems.isdisjoint(_TLD_STEMS) and _BARE_GATE.search(doc.lower):
        for m in _BARE_URL.finditer(doc.lower):
            if not any(a <= m.start() < b for a, b in found):
                found.append(m.span())
    if any(f".{tld}/" in doc.lower for tld in SLASH_TLDS):
        found.extend(m.span() for m in _SLASH_URL.finditer(doc.lower))
    for start, end in sorted(set(found)):
        text = doc.lower[start:end].rstrip(_TRAILING)
        host = _host(text)
        if host:
            yield Link(start, start + len(text), text, host)


def on_domain(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.removeprefix("www.")
    return any(host == d or host.endswith("." + d) for d in domains)


def blank_links_to(text: str, domains: tuple[str, ...]) -> str:
    """``text`` with every link to ``domains`` (or their subdomains) replaced by spaces of the
    same length, so offsets into it still point at the same characters of ``text``."""
    lower = text.lower()
    if not any(domain in lower for domain in domains):
        return text
    doc = normalize(text)
    for link in links(doc):
        if on_domain(link.host, domains):
            start, end = doc.span(link.start, link.end)
            text = text[:start] + " " * (end - start) + text[end:]
    return text
