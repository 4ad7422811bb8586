"""madoguchi: a consultation desk for Japan's regional industry policy.

The one door into the logic is ``bot.desk.Desk``; ``answering``, ``plans`` and ``audit`` hold its jobs; ``cli``, ``web``
and ``slack`` are thin doors over it. Importing this package does no work.
"""
