"""The committed JSON Schemas match the record models, and validate real records."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.records import Comment, DeadLetter
from pipeline.schemas import SCHEMA_DIR, SCHEMA_MODELS, write_schemas
from pipeline.settings import CONFIG_DIR


def committed(name: str) -> dict[str, object]:
    path = SCHEMA_DIR / f"{name}.schema.json"
    assert path.is_file(), f"{path} missing: run python -m pipeline.schemas"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_schema_dir_is_in_config() -> None:
    assert SCHEMA_DIR == CONFIG_DIR / "schemas"


def test_every_model_has_a_schema_and_nothing_else() -> None:
    names = {p.name for p in SCHEMA_DIR.glob("*.schema.json")}
    assert names == {f"{name}.schema.json" for name in SCHEMA_MODELS}


@pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
def test_committed_schema_equals_the_model(name: str) -> None:
    assert committed(name) == SCHEMA_MODELS[name].model_json_schema(), (
        f"config/schemas/{name}.schema.json is stale: run python -m pipeline.schemas"
    )


def test_generator_writes_canonical_files(tmp_path: Path) -> None:
    paths = write_schemas(tmp_path / "out")
    assert [p.name for p in paths] == [f"{name}.schema.json" for name in SCHEMA_MODELS]
    for path, (_, model) in zip(paths, SCHEMA_MODELS.items(), strict=True):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n") and not text.endswith("\n\n")
        assert text == json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
    # byte for byte what is committed
    for path in paths:
        assert path.read_bytes() == (SCHEMA_DIR / path.name).read_bytes()


def test_generator_is_idempotent(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_schemas(tmp_path)}
    second = {p.name: p.read_bytes() for p in write_schemas(tmp_path)}
    assert first == second


@pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
def test_committed_schemas_are_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(committed(name))


def sample_comment() -> Comment:
    return Comment(
        id="c-1",
        platform="facebook",
        page="town",
        post="p-1",
        author_id="u-1",
        text="Is the splash pad open this weekend?",
        created_at="2026-06-01T09:00:00Z",
    )


def test_a_comment_validates_against_the_committed_schema() -> None:
    schema = committed("comment")
    instance = json.loads(sample_comment().to_json_bytes())
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": 5}, "is not of type 'string'"),
        ({"likes": 3}, "Additional properties are not allowed"),
        ({"author_id": ""}, "should be non-empty"),
    ],
)
def test_the_committed_schema_rejects_bad_comments(change: dict[str, object], message: str) -> None:
    instance = {**json.loads(sample_comment().to_json_bytes()), **change}
    with pytest.raises(jsonschema.ValidationError, match=message):
        jsonschema.validate(instance, committed("comment"))


def test_a_missing_field_is_refused_by_the_schema() -> None:
    instance = json.loads(sample_comment().to_json_bytes())
    del instance["author_id"]
    with pytest.raises(jsonschema.ValidationError, match="'author_id' is a required property"):
        jsonschema.validate(instance, committed("comment"))


def test_a_dead_letter_validates_against_the_committed_schema() -> None:
    letter = DeadLetter.from_bytes(b"\xff\x00", "invalid UTF-8 at byte 0", "http:1#0")
    jsonschema.validate(json.loads(letter.to_json_bytes()), committed("deadletter"))
