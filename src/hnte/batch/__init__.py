"""Batch screening and policy simulation over tables of enterprises (columnar, Polars).

``columns`` defines the table (one enterprise per row, the application file flattened); ``convert``
turns a row into an application file for the single-application engine (the reference the vectorised
path is proven equal to).
"""
