"""Stage 5, use: what a user calls on an installed package.

Loading tables into pandas (:mod:`~besa545.use.load`), SQL over the Parquet files
(:mod:`~besa545.use.sql`) and reading a paragraph with its annotations
(:mod:`~besa545.use.show`).
"""
