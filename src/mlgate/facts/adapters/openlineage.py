"""``openlineage:PATH``: OpenLineage run events → ``lineage``.

``PATH`` is a JSON file (one event or a list), a JSON-lines file (``.jsonl``,
``.ndjson``, or several events one per line), or a directory of such files.
Events of one run merge (START then COMPLETE); a run whose last event is
``FAIL`` or ``ABORT`` is reported with a warning.

* input and output datasets → ``lineage.datasets`` with ``namespace``,
  ``direction``, ``columns`` (schema facet), ``owners`` (ownership facet),
  ``rows`` (dataQualityMetrics / outputStatistics), ``version``; ``uri`` is
  ``namespace/name`` when the namespace is a URI. OpenLineage has no dataset
  role, so ``role`` is ``other`` unless a ``tags`` facet says ``role``;
* ``dataQualityAssertions`` → ``lineage.data_quality`` checks;
* job and run ids → ``lineage.jobs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.facts.adapters.base import (
    AdapterBase,
    FactsFragment,
    fail,
    parse_json,
    provenance,
    prune,
    read_bytes,
)

KIND = "openlineage"
ROLES = ("train", "validation", "test", "evaluation", "reference", "other")
_LINES = (".jsonl", ".ndjson")


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        path = Path(location)
        files = (
            sorted(p for p in path.iterdir() if p.suffix in (".json", *_LINES))
            if (path.is_dir())
            else [path]
        )
        if not files:
            raise fail(KIND, location, "the directory holds no .json or .jsonl files")
        builder = _Builder()
        events = 0
        for file in files:
            data = read_bytes(KIND, str(file), self.options)
            source = provenance(KIND, self.options, file=str(file), data=data)
            for n, event in enumerate(_events(str(file), data)):
                events += 1
                try:
                    builder.add(event, source, str(file), n)
                except (TypeError, AttributeError) as exc:  # a list or object of another type
                    raise fail(KIND, str(file), f"event {n}: unexpected shape ({exc})") from None
        if not events:  # an empty export is no lineage, not a clean one
            raise fail(KIND, location, "no OpenLineage events in it")
        return FactsFragment(KIND, location, builder.document(), tuple(builder.warnings))


def _events(name: str, data: bytes) -> list[Any]:
    if Path(name).suffix not in _LINES:
        try:
            doc = parse_json(KIND, name, data)
        except InputError as exc:
            if "Extra data" not in exc.message:
                raise
        else:
            return doc if isinstance(doc, list) else [doc]
    lines = data.split(b"\n")
    return [
        parse_json(KIND, f"{name}:{i}", line) for i, line in enumerate(lines, 1) if line.strip()
    ]


class _Builder:
    def __init__(self) -> None:
        self.datasets: dict[tuple[str, str], dict[str, Any]] = {}
        self.checks: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []

    def add(self, event: Any, source: dict[str, Any], name: str, n: int) -> None:
        run, job = (event.get(k) if isinstance(event, dict) else None for k in ("run", "job"))
        if not isinstance(run, dict) or not isinstance(job, dict):
            if isinstance(event, dict) and ("dataset" in event or "job" in event):
                return  # a static DatasetEvent / JobEvent: no run, nothing measured
            raise fail(KIND, name, f"event {n}: not an OpenLineage run event (no run and job)")
        run_id, job_name = run.get("runId"), job.get("name")
        if not isinstance(run_id, str) or not isinstance(job_name, str):
            raise fail(KIND, name, f"event {n}: a run event needs run.runId and job.name")
        state = event.get("eventType")
        entry = self.jobs.setdefault(run_id, {"run_id": run_id, "name": job_name})
        entry.update(prune({"namespace": job.get("namespace"), "state": state}))
        entry.update(prune({"event_time": event.get("eventTime"), "source": source}))
        for direction in ("inputs", "outputs"):
            for dataset in event.get(direction) or []:
                self._dataset(dataset, direction[:-1], source, name, n)

    def _dataset(
        self, dataset: Any, direction: str, source: dict[str, Any], name: str, n: int
    ) -> None:
        if not isinstance(dataset, dict) or not isinstance(dataset.get("name"), str):
            raise fail(KIND, name, f"event {n}: a dataset needs a name")
        raw_namespace = dataset.get("namespace")
        namespace: str = raw_namespace if isinstance(raw_namespace, str) else ""
        facets = _facets(dataset, "facets")
        io_facets = _facets(dataset, "inputFacets" if direction == "input" else "outputFacets")
        entry = self.datasets.setdefault((namespace, dataset["name"]), {})
        stats = io_facets.get("dataQualityMetrics") or io_facets.get("outputStatistics") or {}
        fields = (facets.get("schema") or {}).get("fields") or []
        owners = (facets.get("ownership") or {}).get("owners") or []
        entry.update(
            prune(
                {
                    "name": dataset["name"][:256],
                    "role": _role(facets),
                    "namespace": namespace or None,
                    "uri": f"{namespace.rstrip('/')}/{dataset['name']}"
                    if "://" in namespace
                    else None,
                    "direction": direction,
                    "columns": [
                        prune({"name": f.get("name"), "type": f.get("type")})
                        for f in fields
                        if isinstance(f, dict)
                    ],
                    "owners": [o.get("name") for o in owners if isinstance(o, dict)],
                    "rows": stats.get("rowCount")
                    if isinstance(stats.get("rowCount"), int)
                    else None,
                    "version": (facets.get("version") or {}).get("datasetVersion"),
                }
            )
        )
        entry.setdefault("source", source)
        assertions = io_facets.get("dataQualityAssertions") or facets.get("dataQualityAssertions")
        for item in (assertions or {}).get("assertions") or []:
            if isinstance(item, dict) and not isinstance(item.get("success"), bool):
                raise fail(
                    KIND,
                    name,
                    f"event {n}: a data-quality assertion on {dataset['name']} has success "
                    f"{item.get('success')!r}, not true or false",
                )
            if isinstance(item, dict):
                column = f" ({item['column']})" if item.get("column") else ""
                check_name = f"{dataset['name']}:{item.get('assertion')}{column}"[:256]
                self.checks[check_name] = {
                    "name": check_name,
                    "passed": item["success"],
                    "source": source,
                }

    def document(self) -> dict[str, Any]:
        for job in self.jobs.values():
            if job.get("state") in ("FAIL", "ABORT"):
                self.warnings.append(f"run {job['run_id']} of {job['name']} ended {job['state']}")
        lineage = {
            "datasets": list(self.datasets.values()),
            "data_quality": list(self.checks.values()),
            "jobs": list(self.jobs.values()),
        }
        return {"lineage": prune(lineage)} if self.jobs else {}


def _facets(dataset: dict[str, Any], key: str) -> dict[str, Any]:
    facets = dataset.get(key)
    return (
        {k: v for k, v in facets.items() if isinstance(v, dict)} if isinstance(facets, dict) else {}
    )


def _role(facets: dict[str, Any]) -> str:
    for tag in (facets.get("tags") or {}).get("tags") or []:
        if isinstance(tag, dict) and tag.get("key") in ("role", "mlgate.role"):
            value = str(tag.get("value", "")).lower()
            return value if value in ROLES else "other"
    return "other"
