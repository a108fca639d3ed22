"""params.schema.json and docs/params.md, derived from shapegen.config.params' declarations
(`make schema`, `make docs`; a test fails when either is stale).
"""

import dataclasses
import json
import re
import types
import typing
from typing import Any

from shapegen import paths
from shapegen.config.params import (
    KIND_PLURAL,
    Params,
    kind_text,
    range_text,
)


def params_json_schema() -> dict:
    """A JSON Schema of params.yaml, derived from the same definitions that validate it.

    Editors (the YAML language server) use it to flag typos and wrong types while the
    user types. Checks across keys (checkpoints in order, memory) are
    shapegen.config.validation's alone.
    """
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "shapegen params.yaml",
        **_schema(Params),
    }


def schema_text() -> str:
    """The committed params.schema.json, byte for byte (`make schema` writes it)."""
    return json.dumps(params_json_schema(), indent=2) + "\n"


_JSON_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string"}


def _described(schema: dict, metadata: typing.Mapping[str, Any]) -> dict:
    """A key's schema with its description first (editors show it on hover)."""
    if "doc" not in metadata:
        return schema
    return {
        "description": metadata["doc"],
        **{k: v for k, v in schema.items() if k != "description"},
    }


def _schema(kind: Any, metadata: typing.Mapping[str, Any] | None = None) -> dict:
    metadata = metadata or {}
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = dataclasses.fields(kind)
        return {
            "description": " ".join(kind.__doc__.split()),
            "type": "object",
            "properties": {
                field.name: _described(_schema(hints[field.name], field.metadata), field.metadata)
                for field in fields
            },
            # An optional section (default None) may be left out.
            "required": [field.name for field in fields if field.default is dataclasses.MISSING],
            "additionalProperties": False,
        }
    origin = typing.get_origin(kind)
    if origin is dict:
        _, item_kind = typing.get_args(kind)
        return {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": paths.VARIANT_NAME.pattern},
            "additionalProperties": _schema(item_kind),
        }
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(kind))}
    if origin is types.UnionType:
        return _schema(typing.get_args(kind)[0], metadata)
    if origin is tuple:
        item_kind, _ = typing.get_args(kind)
        return {
            "type": "array",
            "minItems": 0 if metadata.get("may_be_empty", False) else 1,
            "items": _schema(item_kind, metadata),
        }
    schema: dict[str, Any] = {"type": _JSON_TYPES[kind]}
    if "minimum" in metadata:
        schema["exclusiveMinimum" if metadata["exclusive"] else "minimum"] = metadata["minimum"]
    if "maximum" in metadata:
        key = "maximum" if metadata.get("inclusive") else "exclusiveMaximum"
        schema[key] = metadata["maximum"]
    return schema


def params_reference() -> str:
    """docs/params.md: every key, what it takes and what it sets (`make docs` writes it)."""
    lines = [
        "# Parameters",
        "",
        "Every key of `params.yaml`: what it takes and what it sets. Written from",
        "`src/shapegen/config/params.py` by `make docs` (a test fails when it is stale); the same",
        "descriptions are in `params.schema.json`, which editors show on hover. A mistake is",
        "one line from the first stage of `dvc repro`, before any output is touched.",
        "",
        "| key | takes | sets |",
        "|---|---|---|",
    ]
    lines += [
        f"| `{key}` | {takes} | {_markdown(doc)} |"
        for key, takes, doc in _reference_rows(Params, "")
    ]
    return "\n".join(lines) + "\n"


# A path in a key's description (data/gallery/<variant>/samples.png): shown as code, so
# that its <placeholder> reads as written, raw and rendered.
_PATH = re.compile(r"(?<![\w`])((?:data|docs)/[\w./<>-]*[\w>/])")


def _markdown(doc: str) -> str:
    """A description for a Markdown table: paths as code, any other `<` escaped."""
    parts = _PATH.split(doc)
    return "".join(
        f"`{part}`" if index % 2 else part.replace("<", "&lt;") for index, part in enumerate(parts)
    )


def _reference_rows(kind: Any, prefix: str) -> list[tuple[str, str, str]]:
    hints = typing.get_type_hints(kind)
    rows = []
    for field in dataclasses.fields(kind):
        key = f"{prefix}{field.name}"
        hint = hints[field.name]
        origin = typing.get_origin(hint)
        doc = field.metadata.get("doc", "")
        if field.default is not dataclasses.MISSING:
            default = "[]" if field.default == () else json.dumps(field.default)
            doc += f" Optional (default {default})."
        if origin is types.UnionType:  # an optional section
            hint = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(hint):
            rows.append((key, "a section", doc))
            rows += _reference_rows(hint, f"{key}.")
        elif origin is dict:
            rows.append((key, "a section per variant name", doc))
            rows += _reference_rows(typing.get_args(hint)[1], f"{key}.<name>.")
        elif typing.get_origin(hint) is typing.Literal:
            choices = ", ".join(f"`{choice}`" for choice in typing.get_args(hint))
            rows.append((key, f"one of {choices}", doc))
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            takes = f"a list of {KIND_PLURAL[item]}{range_text(field.metadata)}"
            rows.append((key, takes, doc))
        else:
            rows.append((key, f"{kind_text(hint)}{range_text(field.metadata)}", doc))
    return rows
