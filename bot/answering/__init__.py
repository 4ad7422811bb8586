"""Answering: from a question to an answer — question checks, scope judgement, extractive and LLM composers,
verification, conversation history, prompts and the answer cache.

The desk drives this package; it imports nothing from the doors, plan analysis or the audit trail.
"""

from bot.answering.answer import Answer, Citation, new_answer_id
from bot.answering.cache import AnswerCache
from bot.answering.conversation import Turn, parse_history

__all__ = ["Answer", "AnswerCache", "Citation", "Turn", "new_answer_id", "parse_history"]
