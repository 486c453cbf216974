"""The label catalogue: every word avr prints that is not from the user's files."""

from __future__ import annotations

import hashlib
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from avr.errors import AvrError, Diagnostics
from avr.load.yamlfile import load_document


def builtin_templates() -> Path:
    """avr's own templates: inside the installed package, or the source tree's templates/."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "templates"


_MISSING = object()


class Labels:
    """Nested lookup with a readable error for a missing key."""

    def __init__(self, data: dict[str, Any], language: str) -> None:
        self.data = data
        self.language = language

    def __call__(self, *path: str) -> Any:
        if len(path) == 2:  # L("field", "report"): a dozen per activity card, so without the loop
            group = self.data.get(path[0], _MISSING) if isinstance(self.data, dict) else _MISSING
            if isinstance(group, dict):
                value = group.get(path[1], _MISSING)
                if value is not _MISSING:
                    return value
        node: Any = self.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                raise AvrError(f"label {'.'.join(path)} is missing from the {self.language} catalogue")
            node = node[part]
        return node

    def get(self, *path: str, default: Any = None) -> Any:
        try:
            return self(*path)
        except AvrError:
            return default

    def count(self, n: int, *path: str) -> str:
        """A count with its words: the label at ``path`` holds ``one`` (n == 1) and ``other``, each with ``{n}``."""
        forms = self(*path)
        form = forms.get("one" if n == 1 else "other") if isinstance(forms, dict) else None
        if not isinstance(form, str):
            raise AvrError(f"label {'.'.join(path)} of the {self.language} catalogue needs `one:` and `other:` texts")
        return form.format(n=n)

    @cached_property
    def digest(self) -> str:
        """The catalogue's content, as a hash: two catalogues of the same labels have the same."""
        return hashlib.blake2b(repr((self.language, self.data)).encode(), digest_size=16).hexdigest()

    @property
    def locale(self) -> str:
        return str(self.data.get("locale", "sv_SE"))


@cache
def load_labels(language: str, override_dir: Path | None = None) -> Labels:
    """The catalogue for ``language``; a repo's ``labels/<lang>.yaml`` overrides keys."""
    diags = Diagnostics()
    path = builtin_templates() / "labels" / f"{language}.yaml"
    doc = load_document(path, str(path), diags)
    if doc is None:
        raise AvrError(f"label catalogue {path} cannot be read: {diags.items[0].format() if diags.items else ''}")
    data = doc.data
    if override_dir is not None:
        extra = override_dir / "labels" / f"{language}.yaml"
        if extra.is_file():
            over = load_document(extra, str(extra), diags, root=override_dir)
            if over is None:
                raise AvrError("; ".join(d.format() for d in diags.items))
            data = _merge(data, over.data)
    return Labels(data, language)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out
