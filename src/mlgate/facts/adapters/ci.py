"""``ci:`` (or ``ci:github``, ``ci:gitlab``): the CI run's context from its environment.

GitHub Actions (``GITHUB_ACTIONS=true``): commit ``GITHUB_SHA``, branch
``GITHUB_HEAD_REF`` for a pull request else ``GITHUB_REF_NAME``, pipeline
``$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID``, actor
``GITHUB_ACTOR``. GitLab CI (``GITLAB_CI=true``): ``CI_COMMIT_SHA``,
``CI_COMMIT_REF_NAME``, ``CI_PIPELINE_URL``, ``GITLAB_USER_LOGIN``.
A variable that is unset leaves its fact absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlgate.facts.adapters.base import AdapterBase, FactsFragment, fail, provenance

KIND = "ci"
PROVIDERS = ("github", "gitlab")


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        env = self.options.environ
        provider = location or "auto"
        if provider == "auto":
            provider = next((p for p in PROVIDERS if _detected(p, env)), "")
            if not provider:
                raise fail(KIND, location or "auto", "no CI detected (GITHUB_ACTIONS, GITLAB_CI)")
        elif provider not in PROVIDERS:
            raise fail(KIND, location, f"unknown CI {provider!r}: one of auto, github, gitlab")
        elif not _detected(provider, env):
            flag = "GITHUB_ACTIONS" if provider == "github" else "GITLAB_CI"
            raise fail(KIND, location, f"not running in {provider} CI ({flag} is not 'true')")
        context, run_id = _github(env) if provider == "github" else _gitlab(env)
        source = provenance(KIND, self.options, uri=context.get("pipeline"), run_id=run_id)
        source["provider"] = provider
        return FactsFragment(KIND, location, {"context": {**context, "source": source}})


def _detected(provider: str, env: Mapping[str, str]) -> bool:
    flag = "GITHUB_ACTIONS" if provider == "github" else "GITLAB_CI"
    return env.get(flag, "").lower() == "true"


def _github(env: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
    context = _present(
        commit=env.get("GITHUB_SHA"),
        branch=env.get("GITHUB_HEAD_REF") or env.get("GITHUB_REF_NAME"),
        actor=env.get("GITHUB_ACTOR"),
    )
    server, repo = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY")
    run = env.get("GITHUB_RUN_ID")
    if server and repo and run:
        context["pipeline"] = f"{server.rstrip('/')}/{repo}/actions/runs/{run}"
    return context, run or None


def _gitlab(env: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
    context = _present(
        commit=env.get("CI_COMMIT_SHA"),
        branch=env.get("CI_COMMIT_REF_NAME"),
        pipeline=env.get("CI_PIPELINE_URL"),
        actor=env.get("GITLAB_USER_LOGIN"),
    )
    return context, env.get("CI_PIPELINE_ID") or None


def _present(**values: str | None) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v}
