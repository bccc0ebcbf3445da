"""Stage 1, model: what a package is.

Paths, the Table Schemas and how each type maps to pandas, Arrow and pandera, the fields
that recur across tables, the source text and how passages are found in it, reading and
writing CSV, the package in memory, the metadata, and problems with their registered
codes. Imports nothing from the later stages (derive, check, build, use).
"""
