"""Stage 3, check: the validator.

One module per layer (:mod:`~besa545.check.files`, :mod:`~besa545.check.tables`,
:mod:`~besa545.check.content`, :mod:`~besa545.check.spec`), the steps that read the
package for them (:mod:`~besa545.check.reading`), the list of every step and check in
order (:mod:`~besa545.check.plan`) and the scheduler that runs it
(:mod:`~besa545.check.scheduler`). Validation only reads.
"""
