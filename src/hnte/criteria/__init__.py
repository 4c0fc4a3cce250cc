"""Criteria: one module per article item, named after it (``national_2016/art11_5_rd_expense.py``).

Each criterion sets on its figure: ``status`` (pass | fail | unknown, I21), the measured ``value``,
the ``threshold``, the ``margin`` and its citations.
"""
