"""hnte — High and New Technology Enterprise identification (高新技术企业认定).

The rules engine is this pure-Python package; it never imports Django. Entry point:
:func:`hnte.engine.assess`.
"""

__version__ = "0.1.0"
