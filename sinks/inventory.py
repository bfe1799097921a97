"""What the bucket holds under a prefix, version by version: current keys, delete markers,
keys written more than once. One ``ListObjectVersions`` per prefix."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sinks.store import Store, Version


@dataclass
class Inventory:
    """The keys under some prefixes and what happened to each of them."""

    current: dict[str, str] = field(default_factory=dict)
    """key → version id of its current version (keys hidden by a delete marker excluded)."""
    hidden: dict[str, list[str]] = field(default_factory=dict)
    """key → surviving version ids, for keys whose current entry is a delete marker."""
    originals: dict[str, str] = field(default_factory=dict)
    """key → version id of its first version, for keys with more than one version (S3 lists
    the versions of a key newest first)."""
    markers: dict[str, int] = field(default_factory=dict)
    """key → number of delete markers ever placed on it."""
    modified: dict[str, datetime] = field(default_factory=dict)
    """key → when its current version was written (the server's clock), where listed."""

    def merge(self, other: Inventory) -> None:
        """Fold another inventory (of other prefixes) into this one."""
        self.current.update(other.current)
        self.hidden.update(other.hidden)
        self.originals.update(other.originals)
        self.markers.update(other.markers)
        self.modified.update(other.modified)

    def add(self, versions: Iterable[Version]) -> None:
        """Fold a version listing into the inventory."""
        by_key: dict[str, list[Version]] = defaultdict(list)
        for version in versions:
            by_key[version.key].append(version)
        for key, entries in by_key.items():
            kept = [v for v in entries if not v.delete_marker]
            markers = len(entries) - len(kept)
            if markers:
                self.markers[key] = markers
            latest = next((v for v in entries if v.is_latest), entries[0])
            if latest.delete_marker:
                self.hidden[key] = [v.version_id for v in kept]
            elif kept:
                self.current[key] = latest.version_id
                if latest.last_modified is not None:
                    self.modified[key] = latest.last_modified
            if len(kept) > 1:
                self.originals[key] = kept[-1].version_id


def take(store: Store, prefixes: Iterable[str]) -> Inventory:
    """The inventory of every prefix in ``prefixes``."""
    inventory = Inventory()
    for prefix in prefixes:
        inventory.add(store.versions(prefix))
    return inventory
