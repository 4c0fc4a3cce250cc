"""Core machinery: numbers, citations, dated parameters, trace, registry."""
