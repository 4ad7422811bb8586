"""Retrieval, the lowest layer: load, normalize, chunk, embed and index the corpus; hybrid search.

It imports nothing from ``bot``; its errors (``retrieval.errors``) are mapped to users by the doors.
"""
