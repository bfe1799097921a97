# syntax=docker/dockerfile:1
# civicmod application image: one image for every role (topics, worker, sink, serve-http).
# Built by docker-compose.yml. Docker does not run on the development machine, so this file
# has been reviewed, not built.
#
# A regular (non-editable) install without the `embedded` extra: the settings, policy and
# lexicons ship as the package civicmod_config, the model inside classifiers/, all read with
# importlib.resources; Kafka and S3 are external services here.
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    CIVICMOD_EMBEDDED__ENABLED=false
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin civicmod
WORKDIR /app
COPY . /src
RUN pip install --no-compile /src && rm -rf /src
USER civicmod
# Each compose service sets its own command (civicmod worker | sink | serve-http | topics create).
CMD ["civicmod", "--help"]
