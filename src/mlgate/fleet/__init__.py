"""Fleet re-certification: re-evaluate every production model under a new bundle.

``sources`` lists the models (a directory of facts files, or an MLflow
registry's models under an alias) without reading them; ``work`` evaluates
one model in a worker; ``pool`` runs worker processes with a bounded number
of models in flight;
``recertify`` compares each outcome with the last logged decision (or another
bundle's), appends the new decisions to the log a batch per transaction, and
returns the changes; ``table`` renders them.
"""

from __future__ import annotations
