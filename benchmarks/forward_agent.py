"""The peer of the end-to-end benchmark: a forward-only Faust agent, ``SOURCE`` → ``TARGET``.

Same broker settings as the moderation worker (``pipeline.worker.app_options``): producer linger
10 ms and batch size, poll records, rebalance timeouts, acks=all; no detectors, no records,
one ``send`` per message as a Faust agent is usually written. The ceiling of the framework on
this broker.

    python -m benchmarks.forward_agent BOOTSTRAP SOURCE TARGET APP_ID
"""

from __future__ import annotations

import sys

import faust

from pipeline.settings import load_settings
from pipeline.worker import app_options


def main() -> None:
    """Forward every message of SOURCE to TARGET until SIGTERM."""
    bootstrap, source, target, app_id = sys.argv[1:5]
    settings = load_settings()
    settings = settings.model_copy(update={"kafka": settings.kafka.model_copy(
        update={"bootstrap_servers": bootstrap})})
    app = faust.App(app_id, **app_options(settings))
    out = app.topic(target, key_type=bytes, value_type=bytes, key_serializer="raw",
                    value_serializer="raw")

    @app.agent(app.topic(source, key_type=bytes, value_type=bytes, key_serializer="raw",
                         value_serializer="raw"))
    async def forward(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await out.send(key=event.key, value=event.value)

    faust.Worker(app, loglevel="INFO", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
