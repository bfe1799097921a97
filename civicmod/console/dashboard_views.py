"""The first screen: a picture of the last two weeks, charts drawn on the server."""

from __future__ import annotations

import time

import aiohttp_jinja2
from aiohttp import web

from civicmod.console.charts import bar_chart
from civicmod.console.keys import QUEUE, READER
from civicmod.console.security import allow
from civicmod.console.stats import read_stats
from civicmod.console.users import ROLES
from pipeline.records import CATEGORY_NAMES, utc_now

DAYS = 14


@allow(*ROLES)
async def dashboard(request: web.Request) -> web.Response:
    """Comments and flags per category per day, backlog, time to decision, archive lag."""
    now = utc_now()
    stats = await request.app[READER].run(lambda db: read_stats(db, now.date(), DAYS))
    counts = stats.counts
    labels = [f"{d:%m-%d}" for d in counts.days]
    entries = request.app[QUEUE].items()
    oldest = max((time.time() - e.arrived for e in entries), default=None)
    lag = (now - stats.newest_archived).total_seconds() if stats.newest_archived else None
    charts = {
        "Comments and flags per day": bar_chart(
            "Comments and flags per day", labels,
            {"flagged": [float(n) for n in counts.flagged],
             "not flagged": [float(c - f) for c, f in zip(counts.comments, counts.flagged,
                                                          strict=True)]}),
        "Flags per category per day": bar_chart(
            "Flags per category per day", labels,
            {f"{c}: {CATEGORY_NAMES[c]}"[:24]: [float(n) for n in row]
             for c, row in counts.categories.items()}),
        "Automatic removals and moderators' actions": bar_chart(
            "Automatic removals and moderators' actions", labels,
            {"automatic (policy)": [float(n) for n in counts.automatic],
             "moderators' actions": [float(n) for n in counts.human]}),
    }
    return aiohttp_jinja2.render_template("dashboard.html", request, {
        "charts": charts, "stats": stats, "backlog": len(entries), "oldest": oldest,
        "lag": lag, "labels": labels, "counts": counts, "names": CATEGORY_NAMES})
