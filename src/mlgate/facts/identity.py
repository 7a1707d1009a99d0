"""Names of people that must not pass for one another (UTS #39 in small).

Separation of duties compares names: an approver against the model's author and
the pipeline's actor, principals against each other. ``fold`` already makes
spellings a reader cannot see equal (case, width, invisible characters); this
module adds what a reader cannot *tell apart*:

* ``skeleton``: the folded name with every character that looks like an ASCII
  letter or digit replaced by it (Cyrillic ``\\u0430`` → ``a``, Greek ``\\u03bf`` → ``o``),
  and ``i``/``1``/``|`` read as ``l``, ``0`` as ``o``, ``rn`` as ``m``. Two names
  with one skeleton are the same person to the gate: a principal file holding
  both is refused, and an approval by a look-alike of the author does not count.
* ``mixed_scripts``: the scripts of a name's letters when they are more than one
  (``d\\u0430na.ml`` is Latin with one Cyrillic letter): such a name is refused where
  it is read (principals file, facts), whatever the table above knows. Latin with
  Han, Hiragana, Katakana or Hangul is one writing system, not a mix.

The skeleton errs towards "the same": two different people whose names differ
only by look-alikes count as one, which only ever makes a decision stricter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from mlgate.facts._confusables import ASCII, LOOKALIKES
from mlgate.facts.normalize import fold

_TO_ASCII = str.maketrans(LOOKALIKES, ASCII)
_WITHIN_ASCII = str.maketrans({"i": "l", "1": "l", "|": "l", "0": "o"})
_SEQUENCES = (("rn", "m"), ("vv", "w"))
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC"})


def skeleton(name: str) -> str:
    """The form two look-alike names share: ``skeleton('D\\u0430na.ML') == skeleton('dana.ml')``."""
    text = fold(name).translate(_TO_ASCII).translate(_WITHIN_ASCII)
    for sequence, single in _SEQUENCES:
        text = text.replace(sequence, single)
    return text


def same_person(a: str, b: str) -> bool:
    return skeleton(a) == skeleton(b)


def mixed_scripts(name: str) -> list[str]:
    """The scripts of the letters of ``name`` (folded), sorted, when it mixes several;
    ``[]`` for a name written in one (digits, punctuation and marks belong to none)."""
    scripts = {_script(c) for c in fold(name) if unicodedata.category(c).startswith("L")}
    if scripts <= {"LATIN", "EAST ASIAN"}:
        return []
    return sorted(scripts) if len(scripts) > 1 else []


def identity_problem(name: str) -> str | None:
    """Why ``name`` cannot name a person for separation of duties, or ``None``."""
    scripts = mixed_scripts(name)
    if scripts:
        return (
            f"mixes the {' and '.join(s.title() for s in scripts)} scripts, so a look-alike "
            "of another name could pass for it"
        )
    return None


def _script(char: str) -> str:
    word = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    return "EAST ASIAN" if word in _EAST_ASIAN else word


# The names separation of duties compares, where the facts hold them.
PEOPLE_FIELDS = (("subject", "author"), ("subject", "owner"), ("context", "actor"))


def people(doc: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every name of a person in the facts, with its path."""
    if not isinstance(doc, dict):
        return
    for section, key in PEOPLE_FIELDS:
        holder = doc.get(section)
        if isinstance(holder, dict) and isinstance(holder.get(key), str):
            yield (section, key), holder[key]
    approvals = doc.get("approvals")
    for i, item in enumerate(approvals if isinstance(approvals, list) else []):
        if isinstance(item, dict) and isinstance(item.get("principal"), str):
            yield ("approvals", i, "principal"), item["principal"]


def unify_people(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with each approval's principal written as the author, the actor or an
    earlier approver it looks like, so that the policy's plain ``==`` treats a
    look-alike as the person it imitates. The input is not changed."""
    approvals = doc.get("approvals")
    if not isinstance(approvals, list):
        return doc
    known: dict[str, str] = {}
    for section, key in (("subject", "author"), ("context", "actor")):
        holder = doc.get(section)
        name = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(name, str):
            known.setdefault(skeleton(name), name)
    unified = []
    for item in approvals:
        principal = item.get("principal") if isinstance(item, dict) else None
        if isinstance(principal, str):
            written = known.setdefault(skeleton(principal), principal)
            if written != principal:
                item = {**item, "principal": written}
        unified.append(item)
    return {**doc, "approvals": unified}
