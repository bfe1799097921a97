"""Dependencies whose absence only shows as slowness (issue 17)."""

from __future__ import annotations

from kafka.record import util


def test_kafka_python_computes_crc32c_with_the_c_package() -> None:
    # Without the crc32c package kafka-python falls back to its pure-Python CRC32C, which
    # took 45% of the archive sink's CPU.
    assert util.crc32c_c is not None
    assert util.calc_crc32c.__defaults__ == (util.crc32c_c,)
    assert util.calc_crc32c(memoryview(b"123456789")) == 0xE3069283  # the CRC-32C check value
