"""Creating civicmod's topics explicitly, all with the same partition count."""

from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.settings import Settings


def create_topics(settings: Settings) -> list[str]:
    """Create every missing civicmod topic; return the names created (idempotent)."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka.bootstrap_servers, client_id="civicmod-topics"
    )
    try:
        existing = set(admin.list_topics())
        wanted = [name for name in settings.topics.all() if name not in existing]
        created = []
        for name in wanted:
            try:
                admin.create_topics(
                    [
                        NewTopic(
                            name,
                            settings.kafka.partitions,
                            settings.kafka.replication_factor,
                        )
                    ]
                )
                created.append(name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()
