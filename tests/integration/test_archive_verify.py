"""``archive verify`` on the real SeaweedFS: a clean archive passes; every kind of tampering
fails with a message naming the key; the pipeline identity cannot even place a delete marker."""

from __future__ import annotations

import gzip
import json
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from kafka import KafkaProducer
from typer.testing import CliRunner

from civicmod.cli import app
from pipeline.settings import Settings
from sinks import layout
from sinks.jsonl import serialize_lines
from sinks.manifest import ChainLink, describe, sha256_hex
from sinks.series import RetentionSeries
from sinks.verify import Report, Verifier
from tests.integration.archive_helpers import (
    DAY,
    archive_settings,
    cli_env,
    role_store,
    verdict_line,
    write_partition,
    writer,
)
from tests.integration.helpers import isolated, start, wait_for

pytestmark = pytest.mark.integration

LIVE_RECORDS = 3000


def _verify(settings: Settings, since: date | None = None) -> Report:
    return Verifier(role_store(settings, "officer"), RetentionSeries(settings)).run(since)


def _kinds(report: Report, key: str) -> set[str]:
    return {p.kind for p in report.problems if key in p.message}


def test_a_clean_archive_verifies_and_the_command_exits_zero(stack: Settings) -> None:
    settings = archive_settings(stack, "clean")
    chain = writer(settings)
    for partition in (0, 1):
        write_partition(settings, chain, partition, objects=3, per_object=5)
    dead = [{"topic": settings.topics.deadletter, "partition": 0, "offset": 0,
             "timestamp_ms": 1_764_061_200_000, "key": None, "raw_base64": "AA=="}]
    chain.append(settings.topics.deadletter, 0, DAY, dead)
    assert chain.maybe_write_head(force=True)

    report = _verify(settings)
    assert report.ok, report.problems
    assert (report.objects, report.records, report.partitions) == (7, 31, 3)
    assert report.chain_heads >= 1

    result = CliRunner().invoke(app, ["archive", "verify"], env=cli_env(settings, "officer"))
    assert result.exit_code == 0, result.output
    assert "OK: 7 objects, 31 records" in result.output


def test_a_delete_marker_fails_verify_and_the_pipeline_cannot_place_one(
    stack: Settings,
) -> None:
    settings = archive_settings(stack, "marker")
    keys = write_partition(settings, writer(settings), 0, objects=3, per_object=4)
    pipeline = role_store(settings, "pipeline")
    with pytest.raises(ClientError) as denied:
        pipeline.client.delete_object(Bucket=pipeline.bucket, Key=keys[1])
    assert denied.value.response["Error"]["Code"] == "AccessDenied"

    admin = role_store(settings, "admin")
    admin.client.delete_object(Bucket=admin.bucket, Key=keys[1])
    report = _verify(settings)
    assert not report.ok
    assert _kinds(report, keys[1]) == {"delete-marker"}
    assert "locked version" in report.problems[0].message

    result = CliRunner().invoke(app, ["archive", "verify"], env=cli_env(settings, "officer"))
    assert result.exit_code == 1
    assert keys[1] in result.output.replace("\n", "")


def test_a_forged_object_with_a_forged_manifest_fails_verify(stack: Settings) -> None:
    settings = archive_settings(stack, "forged")
    chain = writer(settings)
    write_partition(settings, chain, 0, objects=3, per_object=4)
    first_key = layout.manifest_key(
        layout.object_key(settings.topics.verdicts, 0, 0, DAY))
    pipeline = role_store(settings, "pipeline")
    first = pipeline.get(first_key)
    # A forger with the pipeline's keys adds an object in another date folder, offsets 4–7,
    # with a manifest that chains correctly to the real first manifest.
    lines = [verdict_line(settings, 0, n, text="forged words") for n in range(4, 8)]
    key = layout.object_key(settings.topics.verdicts, 0, 4, DAY + timedelta(days=1))
    body = serialize_lines(lines)
    pipeline.put_create_only(key, body, 4, 7, 4)
    prev = ChainLink(first_key, sha256_hex(first), 3)
    manifest = describe(key, body, lines, None, prev, RetentionSeries(settings))
    pipeline.put_json_create_only(manifest.key, manifest.to_bytes())

    report = _verify(settings)
    assert not report.ok
    assert {"overlap", "chain"} <= _kinds(report, manifest.key)


def test_altered_content_written_over_an_archived_key_fails_verify(stack: Settings) -> None:
    settings = archive_settings(stack, "altered")
    keys = write_partition(settings, writer(settings), 0, objects=2, per_object=4)
    pipeline = role_store(settings, "pipeline")
    original = gzip.decompress(pipeline.get(keys[0])).decode()
    altered = gzip.compress(original.replace("Ellsworth", "Elsewhere").encode(), mtime=0)
    # Without If-None-Match the PUT makes a new current version over the locked one.
    pipeline.client.put_object(Bucket=pipeline.bucket, Key=keys[0], Body=altered,
                               ChecksumAlgorithm="SHA256")
    report = _verify(settings)
    assert {"altered", "rewritten"} <= _kinds(report, keys[0])


def test_a_broken_chain_and_an_offset_gap_fail_verify(stack: Settings) -> None:
    settings = archive_settings(stack, "broken")
    chain = writer(settings)
    topic = settings.topics.verdicts
    keys = write_partition(settings, chain, 0, objects=2, per_object=4)
    # The next manifest is chained to a forged predecessor hash.
    link = chain.links[(topic, 0)]
    assert link is not None
    chain.links[(topic, 0)] = ChainLink(link.manifest_key, "0" * 64, link.last_offset)
    third = chain.append(topic, 0, DAY, [verdict_line(settings, 0, n) for n in range(8, 12)])
    # And offsets 12–15 never reach the archive.
    gap = chain.append(topic, 0, DAY, [verdict_line(settings, 0, n) for n in range(16, 20)])

    report = _verify(settings)
    assert _kinds(report, layout.manifest_key(third.key)) == {"chain"}
    assert "chain broken between" in next(p.message for p in report.problems
                                          if p.kind == "chain")
    assert _kinds(report, layout.manifest_key(gap.key)) == {"gap"}
    assert not _kinds(report, keys[0]) and not _kinds(report, keys[1])


def test_an_object_without_manifest_or_a_manifest_without_object_fails(
    stack: Settings,
) -> None:
    settings = archive_settings(stack, "orphan")
    chain = writer(settings)
    topic = settings.topics.verdicts
    write_partition(settings, chain, 0, objects=2, per_object=4)
    pipeline = role_store(settings, "pipeline")
    stray = layout.object_key(topic, 0, 3, DAY)  # inside the chain's range, no manifest
    pipeline.put_create_only(stray, serialize_lines([verdict_line(settings, 0, 3)]), 3, 3, 1)
    ghost_lines = [verdict_line(settings, 0, n) for n in range(8, 12)]
    ghost = layout.object_key(topic, 0, 8, DAY)
    link = chain.links[(topic, 0)]
    manifest = describe(ghost, serialize_lines(ghost_lines), ghost_lines, None, link,
                        RetentionSeries(settings))
    pipeline.put_json_create_only(manifest.key, manifest.to_bytes())

    report = _verify(settings)
    assert _kinds(report, stray) == {"orphan"}
    assert "missing" in _kinds(report, ghost)


def test_verify_since_a_date_checks_the_link_into_the_range(stack: Settings) -> None:
    settings = archive_settings(stack, "since")
    chain = writer(settings)
    topic = settings.topics.verdicts
    chain.append(topic, 0, DAY, [verdict_line(settings, 0, n) for n in range(4)])
    later = DAY + timedelta(days=1)
    chain.append(topic, 0, later, [verdict_line(settings, 0, n) for n in range(4, 8)])
    report = _verify(settings, since=later)
    assert report.ok, report.problems
    assert report.objects == 1


def test_chain_heads_are_written_periodically_and_checked(stack: Settings) -> None:
    settings = archive_settings(stack, "heads")
    chain = writer(settings)
    chain.every_objects = 2
    topic = settings.topics.verdicts
    heads = []
    for n in range(4):
        chain.append(topic, 0, DAY, [verdict_line(settings, 0, 4 * n + i) for i in range(4)])
        heads.append(chain.maybe_write_head())
    assert [h is not None for h in heads] == [False, True, False, True]
    assert _verify(settings).ok

    admin = role_store(settings, "admin")
    document = json.loads(admin.get(str(heads[-1])))
    document["heads"][0]["manifest_sha256"] = "f" * 64
    forged = layout.chain_head_key(datetime.now(UTC), "forger")
    admin.put_json_create_only(forged, json.dumps(document).encode())
    report = _verify(settings)
    assert _kinds(report, forged) == {"chain-head"}


def test_objects_written_after_the_cut_are_out_of_scope_not_missing(stack: Settings) -> None:
    settings = archive_settings(stack, "cut")
    chain = writer(settings)
    topic = settings.topics.verdicts
    write_partition(settings, chain, 0, objects=2, per_object=4)
    pipeline = role_store(settings, "pipeline")
    # Partition 1's first object is written, its manifest not yet (the sink writes it next).
    pending = layout.object_key(topic, 1, 0, DAY)
    pipeline.put_create_only(pending, serialize_lines([verdict_line(settings, 1, 0)]), 0, 0, 1)

    verifier = Verifier(role_store(settings, "officer"), RetentionSeries(settings))
    cut = verifier.cut()
    # The sink goes on writing (object, then manifest) between the cut and the object listing.
    later = [chain.append(topic, 0, DAY, [verdict_line(settings, 0, n) for n in range(s, s + 4)])
             for s in (8, 12)]
    report = verifier.check(cut)
    assert report.ok, report.problems
    assert (report.objects, report.records, report.out_of_scope) == (2, 8, 3)
    assert not any(pending in p.message for p in report.problems)
    assert any("3 object(s) beyond the cut" in note for note in report.notes)
    assert not any(later[1].key in p.message for p in report.problems)

    again = verifier.run()
    assert again.ok, again.problems
    assert (again.objects, again.records, again.out_of_scope) == (4, 16, 1)


def test_verify_passes_again_and_again_while_the_sink_writes(stack: Settings) -> None:
    settings = isolated(stack, "liveverify", batch_max_records=10)
    producer = KafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all",
                             linger_ms=5)
    sent, stop = threading.Event(), threading.Event()

    def produce() -> None:
        for n in range(LIVE_RECORDS):
            if stop.is_set():
                return
            line = verdict_line(settings, n % 2, n)
            producer.send(settings.topics.verdicts, key=line["key"].encode(),
                          value=json.dumps(line["record"]).encode(), partition=n % 2)
            if n % 20 == 19:
                producer.flush()
                time.sleep(0.05)  # pacing, so the sink writes while verify runs
        producer.flush()
        sent.set()

    sink = start("liveverify-sink", ["sink"], settings)
    thread = threading.Thread(target=produce, daemon=True)
    verifier = Verifier(role_store(settings, "officer"), RetentionSeries(settings))
    reports: list[Report] = []
    try:
        thread.start()
        wait_for(lambda: _verify_objects(settings) > 0, 60, "the sink's first object")
        while not sent.is_set() and len(reports) < 12:
            reports.append(verifier.run())
            assert reports[-1].ok, [p.message for p in reports[-1].problems]
        thread.join(timeout=120)
        assert sent.is_set(), "the producer did not finish"
        def all_archived() -> Report | None:
            report = verifier.run()
            return report if report.records == LIVE_RECORDS else None

        final = wait_for(all_archived, 90, f"{LIVE_RECORDS} archived records")
    finally:
        stop.set()
        thread.join(timeout=30)
        sink.stop()
        producer.close()
    assert final.ok and final.out_of_scope == 0, final.problems
    assert len(reports) >= 3
    assert len({r.objects for r in reports}) >= 2, "verify never ran while the sink wrote"


def _verify_objects(settings: Settings) -> int:
    return Verifier(role_store(settings, "officer"), RetentionSeries(settings)).run().objects
