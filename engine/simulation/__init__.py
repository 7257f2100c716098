"""Closed-loop incident response simulation: SimPy reference model + Numba event engine.

Pipeline of ``simulate_scenario`` (``run.py``)::

    setup.build_layout     worker grids, workers, bases, rosters, street pools, trip times,
                           responders (emergency.py), escalation centres (escalation.py)
    demand.build_demand    hour-of-week profile, unit intensities, type / urgency mix
    streams.workflow_streams  incidents + every random duration, drawn once
    workflow.run_workflow  _kernels.workflow_kernel (numba) | reference.WorkflowModel (simpy)
    emergency / escalation responders and centre queues (numba | simpy), micro-grid members
    run.assemble           per-incident table, summary, per grid / worker / street, backlog

Both engines consume the same pre-drawn streams and give identical per-incident results
(tests/test_simulation.py).  The workflow conventions (shifts, call-outs, priority queues,
case cap, dispatch policies, patrol finds) are written down once in ``workflow.py``;
closure = on-site end + wait and desk time at the escalation centre + escalated lead time +
verification; docs/model.md describes every stage and its sources.  ``dispatch.py`` runs
the abstract hypercube model for ``engine.queueing.simulate_dispatch``.
"""
from __future__ import annotations

from .replications import simulate_replications
from .run import SimulationResult, simulate_scenario

__all__ = ["SimulationResult", "simulate_replications", "simulate_scenario"]
