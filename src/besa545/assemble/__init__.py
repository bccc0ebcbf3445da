"""Stage 4, build: write every generated file.

:mod:`~besa545.assemble.pipeline` reads, derives, checks and writes;
:mod:`~besa545.assemble.render` renders the bytes of each file, with the documentation
(:mod:`~besa545.assemble.docs`) and the citation files (:mod:`~besa545.assemble.citation`).
"""
