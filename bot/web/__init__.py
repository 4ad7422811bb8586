"""The web door: FastAPI (REST, SSE, OpenAI-compatible chat) and the embeddable chat widget."""
