"""Creating civicmod's topics explicitly, all with the same partition count.

``authors.sanctions`` and ``moderation.actions`` are the sources the worker rebuilds
per-author standings from, so they are kept forever (``retention.ms=-1``), never compacted:
the archive sink must see every record. The other topics keep the broker's default retention;
the archive, not the broker, is the record.
"""

from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.kafka_auth import client_options
from pipeline.settings import Settings


def create_topics(settings: Settings) -> list[str]:
    """Create every missing civicmod topic; return the names created (idempotent)."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka.bootstrap_servers, client_id="civicmod-topics",
        **client_options(settings.kafka),
    )
    try:
        existing = set(admin.list_topics())
        wanted = [name for name in settings.topics.all() if name not in existing]
        created = []
        kept_forever = {settings.topics.sanctions, settings.topics.actions}
        for name in wanted:
            configs = {"retention.ms": "-1"} if name in kept_forever else {}
            try:
                admin.create_topics(
                    [
                        NewTopic(
                            name,
                            settings.kafka.partitions,
                            settings.kafka.replication_factor,
                            topic_configs=configs,
                        )
                    ]
                )
                created.append(name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()
