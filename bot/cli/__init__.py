"""The command line (Typer): ``madoguchi ingest / ask / match / precheck / eval / serve / log …``.

A thin door over the ``Desk``; ``bot.cli.main:app`` is the console-script entry point.
"""
