"""Indicators: exact computations over the application (I14). One module per subject."""
