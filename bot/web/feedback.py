"""Feedback that means something: a per-answer token proves the rater received the answer, and each client is
known by a keyed hash (never its address) so that it has one rating per answer."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from bot.config import Settings
from bot.web.limits import ClientRateLimiter, make_storage, parse_rate


class FeedbackSigner:
    """Signs answer ids for the client that received them and names raters without storing addresses."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, kind: str, value: str) -> str:
        data = f"{kind}\0{value}".encode("utf-8", "surrogatepass")
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()[:32]

    def token(self, answer_id: str) -> str:
        """The feedback token returned with an answer."""
        return self._mac("answer", answer_id)

    def valid(self, answer_id: str, token: str | None) -> bool:
        """True when ``token`` was issued with ``answer_id``."""
        given = str(token or "").encode("utf-8", "surrogatepass")
        return bool(given) and hmac.compare_digest(self.token(answer_id).encode(), given)

    def rater(self, client: str) -> str:
        """A stable pseudonym of a client (its address, keyed): one rating per answer and rater."""
        return self._mac("rater", client)


def signer_of(state: Any, settings: Settings) -> FeedbackSigner:
    """The app's signer (made on first use): ``MADOGUCHI_FEEDBACK_SECRET``, else a random per-process key."""
    signer = getattr(state, "feedback_signer", None)
    if not isinstance(signer, FeedbackSigner):
        given = settings.feedback_secret
        signer = FeedbackSigner(given.encode() if given else secrets.token_bytes(32))
        state.feedback_signer = signer
    return signer


def feedback_limiter(state: Any, settings: Settings) -> ClientRateLimiter | None:
    """The app's per-client feedback rate limiter (None when ``MADOGUCHI_FEEDBACK_RATE_LIMIT`` is off)."""
    if not hasattr(state, "feedback_limiter"):
        items = parse_rate(settings.feedback_rate_limit)
        state.feedback_limiter = ClientRateLimiter(items, make_storage(settings.redis_url)) if items else None
    limiter: ClientRateLimiter | None = state.feedback_limiter
    return limiter
