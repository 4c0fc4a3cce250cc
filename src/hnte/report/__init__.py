"""Renderers of the one assessment trace: terminal text (rich) and JSON."""
