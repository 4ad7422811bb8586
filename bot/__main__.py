"""``python -m bot`` runs the madoguchi CLI."""

from bot.cli.main import app

app()
