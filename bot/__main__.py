"""``python -m bot`` runs the madoguchi CLI."""

from bot.cli import app

app()
