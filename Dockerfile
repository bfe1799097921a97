# syntax=docker/dockerfile:1
# civicmod application image: one image for every role (topics, worker, sink, serve-http).
# Built by docker-compose.yml. Docker is not available on the dev machine: this file has been
# reviewed, not built. Add a .dockerignore (.venv/, .civicmod/, .git/, .env, bundles) before
# building, or the whole virtualenv is sent as build context.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# pyproject.toml names README.md as the readme: the build fails without it.
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
COPY classifiers ./classifiers
COPY sinks ./sinks
RUN pip wheel --wheel-dir /wheels .

FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin civicmod
COPY --from=build /wheels /wheels
RUN pip install --no-compile /wheels/*.whl && rm -rf /wheels
WORKDIR /app
# Data the code reads at run time (defaults.yaml, policy.yaml, lexicons, schemas). settings.py
# looks for config/ beside the installed package, so point it here explicitly.
COPY config ./config
ENV CIVICMOD_CONFIG_FILE=/app/config/defaults.yaml \
    CIVICMOD_POLICY_FILE=/app/config/policy.yaml \
    CIVICMOD_EMBEDDED__ENABLED=false
USER civicmod
# Each compose service sets its own command (civicmod worker | sink | serve-http | topics create).
CMD ["civicmod", "--help"]
