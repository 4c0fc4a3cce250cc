"""Registries the identification runs on (issue 9): the technical-field catalogue and field suggestion,
qualified intermediaries and their special audit reports, and records of fraud (bad records).

Everything here is pure: data in, results out. The web layer stores firms and records in its database
and calls these functions with plain objects; the CLI reads the same objects from YAML files.
"""
