"""Templates of the eval reports and prompts of the optional LLM judge (package data)."""
