"""``civicmod sources serve``: the webhook endpoint and the pollers in one process.

One process, so that the webhook and the polls share one ledger and one producer: a poll that
overlaps a webhook then finds the version already produced.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import aiohttp
from aiohttp import web

from civicmod.sources import facebook_webhook
from civicmod.sources.capture import Capture
from civicmod.sources.facebook_graph import FacebookPoller, GraphPoller, graph_client
from civicmod.sources.instagram import InstagramPoller
from civicmod.sources.ledger import Ledger, ledger_path
from civicmod.sources.youtube import YouTubePoller, youtube_client
from pipeline import health
from pipeline.ingest import CommentProducer
from pipeline.settings import Settings

log = logging.getLogger(__name__)


def serve_sources(settings: Settings, stop: threading.Event) -> None:
    """Serve the webhook and poll on schedule until ``stop`` is set."""
    asyncio.run(_serve(settings, stop))


async def _serve(settings: Settings, stop: threading.Event) -> None:
    sources = settings.sources
    producer = CommentProducer(settings)
    ledger = Ledger(ledger_path(settings))
    capture = Capture(producer, ledger)
    runner: web.AppRunner | None = None
    try:
        async with aiohttp.ClientSession() as session:
            pollers: list[GraphPoller | YouTubePoller] = []
            if sources.meta_configured:
                app = web.Application(client_max_size=settings.ingest.max_request_bytes)
                facebook_webhook.add_routes(app, capture, sources)
                runner = web.AppRunner(app)
                await runner.setup()
                await web.TCPSite(runner, sources.webhook_host, sources.webhook_port).start()
                log.info("meta webhook on http://%s:%d%s", sources.webhook_host,
                         sources.webhook_port, facebook_webhook.PATH)
            graph = graph_client(session, sources)
            if "facebook" in sources.configured:
                pollers.append(FacebookPoller(graph, capture, ledger, sources))
            if "instagram" in sources.configured:
                pollers.append(InstagramPoller(graph, capture, ledger, sources))
            if "youtube" in sources.configured:
                pollers.append(YouTubePoller(youtube_client(session, sources), capture, ledger,
                                             sources))
            health.STATE.set_ready()
            beat = asyncio.create_task(health.beat_forever())
            while not stop.is_set():
                for poller in pollers:
                    produced = await poller.poll()
                    log.info("%s: %d comment version(s) produced", type(poller).__name__,
                             produced)
                await asyncio.to_thread(stop.wait, sources.poll_every_seconds)
            beat.cancel()
    finally:
        if runner is not None:
            await runner.cleanup()
        producer.close()
        ledger.close()
