"""Stage 4, build: write every generated file.

:mod:`~besa545.build.pipeline` reads, derives, checks and writes;
:mod:`~besa545.build.render` renders the bytes of each file, with the documentation
(:mod:`~besa545.build.docs`) and the citation files (:mod:`~besa545.build.citation`).
"""
