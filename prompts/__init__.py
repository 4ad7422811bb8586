"""The shipped prompt templates as package data (versioned Markdown files with front matter).

Nothing here is code; ``importlib.resources.files("prompts")`` finds them in a checkout and in a wheel.
"""
