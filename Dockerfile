# madoguchi — one image for the web workers and for ingest (see docs/deploy.md).
#   docker build -t madoguchi .
#   docker run -p 8000:8000 madoguchi                 # embedded defaults: the baked index, SQLite log
#   docker compose up --scale madoguchi=4             # the scaled setup in compose.yaml

# ---- builder: a venv with the project, and the shipped corpus indexed into /app/data -------------------
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /app
# A regular (not editable) install: corpus/, prompts/, templates, static files, migrations and the eval suites
# are package data, found with importlib.resources wherever the wheel is installed.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY retrieval ./retrieval
COPY evals ./evals
COPY prompts ./prompts
COPY corpus ./corpus
RUN pip install ".[pg,redis]"
# Bake the index of the shipped corpus (embedded Chroma + BM25) so a single container serves at once.
ENV MADOGUCHI_DATA_DIR=/app/data \
    MADOGUCHI_EMBED_THREADS=1
RUN madoguchi ingest
# The installed package is what runs: drop the copied sources so the runtime image holds one copy.
RUN rm -rf /app/bot /app/retrieval /app/evals /app/prompts

# ---- runtime: the venv, the code and the index; no compilers, no pip cache, not root -------------------
FROM python:3.11-slim AS runtime
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MADOGUCHI_DATA_DIR=/app/data \
    MADOGUCHI_EMBED_THREADS=1 \
    MADOGUCHI_PORT=8000
RUN groupadd --system --gid 10001 madoguchi \
 && useradd --system --uid 10001 --gid madoguchi --home-dir /app --shell /usr/sbin/nologin madoguchi
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder --chown=madoguchi:madoguchi /app /app
WORKDIR /app
USER madoguchi
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["madoguchi", "serve", "--host", "0.0.0.0"]
