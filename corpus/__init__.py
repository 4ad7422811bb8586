"""The shipped corpus as package data: policy documents, catalogs and the editable behaviour (YAML).

Nothing here is code; ``importlib.resources.files("corpus")`` finds these files in a checkout and in an
installed wheel alike.
"""
