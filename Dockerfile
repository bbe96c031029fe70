# Counterpoint in a container. With PostgreSQL beside it: compose.yaml; see the README,
# "Running it for real".
FROM python:3.11-slim

WORKDIR /opt/counterpoint
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY cogs ./cogs
# The README's install command, without the test extra.
RUN pip install --no-cache-dir . \
    && useradd --system --create-home --home-dir /data counterpoint

USER counterpoint
WORKDIR /data
# SQLite in the volume unless COUNTERPOINT_DATABASE_URL names PostgreSQL (compose.yaml does).
ENV COUNTERPOINT_DATABASE_URL=sqlite:////data/counterpoint.db \
    COUNTERPOINT_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
# docker stop sends SIGTERM, the bot's clean stop; compose allows it 30 s.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
