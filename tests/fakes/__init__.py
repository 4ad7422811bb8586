"""Fakes of the process edge (a local OpenAI-compatible server); real HTTP servers on loopback port 0."""

from .fake_openai import FakeOpenAI, Recorded, Reply

__all__ = ["FakeOpenAI", "Recorded", "Reply"]
