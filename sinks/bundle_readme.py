"""The README of a public-records bundle: written for the requester, not for us."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from sinks.verify import Report


@dataclass(frozen=True)
class BundleFacts:
    """What the README states about one bundle."""

    query: str
    generated_at: str
    records: int
    files: dict[str, str]
    verification: Report
    redactions: int


def render(facts: BundleFacts) -> str:
    """The README text."""
    files = "\n".join(f"  {name:<18} {what}" for name, what in facts.files.items())
    check = facts.verification
    if check.ok:
        verified = (f"PASSED: {check.objects} archive objects ({check.records} records) match "
                    "the SHA-256 in their manifests, are under Object Lock (COMPLIANCE), and "
                    "each manifest is linked to the one before it in its hash chain.")
    else:
        verified = (f"FAILED with {len(check.problems)} problem(s), listed in "
                    "verification.json. Ask the Town's records officer about them.")
    redacted = (f"{facts.redactions} redactions were made in this copy, each listed with "
                "its reason in redactions.csv. The archive keeps the original."
                if facts.redactions else "Nothing in this copy is redacted.")
    verified, redacted = textwrap.fill(verified, 88), textwrap.fill(redacted, 88)
    return f"""PUBLIC RECORDS BUNDLE - Town of Queen Creek social media comments

Generated {facts.generated_at} by civicmod from the Town's immutable comment archive.
Request (search terms): {facts.query}
Records: {facts.records} comments, each with its moderation history.

FILES
{files}

WHAT THE FIELDS MEAN
  comment_id      the platform's id of the comment
  created_at      when the comment was posted (UTC)
  platform, page, post, parent
                  where it was posted (parent: the comment it answers, if any)
  author_id, author_name
                  the commenter as the platform identifies them
  text            the comment exactly as received
  verdict         the automatic screening result under Social Media Policy 785, section
                  E.1: allow, review (sent to a moderator) or remove
  reasons         why, citing the policy letter (E.1.a to E.1.i) and the words found
  categories      the policy letters cited
  status          the comment's state now: allowed, reviewed, removed or restored
                  (moderator actions after the verdict are in the history)
  on_hold         true when a legal hold keeps the comment from disposal
  history         in order: the verdict, every moderator action, every legal hold and
                  its release, with who and when

CHECKING THAT NOTHING WAS CHANGED
Every file in this bundle is listed with its SHA-256 hash in SHA256SUMS. To check:
  Linux:    sha256sum -c SHA256SUMS
  macOS:    shasum -a 256 -c SHA256SUMS
  Windows:  Get-FileHash -Algorithm SHA256 records.* (PowerShell), compare by eye
Each line must report OK.

sources.csv lists the archive objects these records were read from, with the SHA-256 that
the archive's manifest records for each. The Town can produce those objects from its
archive (S3 Object Lock, COMPLIANCE mode: nobody can change or delete them before their
retention date); hashing one with the same tools must give the value listed.

VERIFICATION OF THE ARCHIVE AT EXPORT TIME
{verified}
Details: verification.json.

REDACTIONS
{redacted}
"""
