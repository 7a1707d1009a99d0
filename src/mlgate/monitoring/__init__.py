"""After release: monitoring decisions, champion/challenger comparison.

``series`` reads time series (JSON, CSV, a Prometheus range query), ``stats``
computes window statistics, ``drift`` reads Evidently drift scores,
``build`` assembles the facts' ``monitoring`` section, ``decide`` evaluates
``data.mlgate.monitoring.decision`` (or ``…comparison.decision``) and turns the
policy's actions into dated remediation steps. ``monitor`` and ``compare`` are
the library entry points behind ``mlgate monitor`` and ``mlgate compare``.
Python computes statistics; the policy decides.
"""

from __future__ import annotations
