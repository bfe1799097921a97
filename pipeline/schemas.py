"""Generate the JSON Schemas of the record models into ``config/schemas/``.

Run ``python -m pipeline.schemas [DIRECTORY]`` after changing :mod:`pipeline.records`; a unit
test fails while the committed schemas differ from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.actions import FlaggedComment, ModerationAction, Standing
from pipeline.platform import PlatformAnswer, PlatformEvent
from pipeline.records import Comment, DeadLetter, Finding, Verdict
from pipeline.settings import CONFIG_DIR

SCHEMA_DIR = CONFIG_DIR / "schemas"

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "comment": Comment,
    "finding": Finding,
    "verdict": Verdict,
    "deadletter": DeadLetter,
    "action": ModerationAction,
    "standing": Standing,
    "flagged": FlaggedComment,
    "platform_event": PlatformEvent,
    "platform_answer": PlatformAnswer,
}
"""Every record model with a published JSON Schema, by schema name."""


def schema_text(schema: dict[str, Any]) -> str:
    """The canonical text of one schema: indent 2, sorted keys, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write ``<name>.schema.json`` for every record model; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, model in SCHEMA_MODELS.items():
        path = directory / f"{name}.schema.json"
        path.write_text(schema_text(model.model_json_schema()), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the schemas into the directory given (default: ``config/schemas``)."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else SCHEMA_DIR
    for path in write_schemas(directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
