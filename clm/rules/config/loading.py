"""Reading the region configuration: YAML with no key twice, validated, every error naming the
file and the key."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from clm.errors import ConfigError

from .checks import cross_problems
from .schema import RegionConfig


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(bovenste niveau)"


def parse_config(data: object, source: str) -> RegionConfig:
    """Validate already-parsed YAML; errors name ``source`` and each failing key."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: verwacht een YAML-mapping op het bovenste niveau")
    try:
        cfg = RegionConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {_loc(err['loc'])}: {_message(err['msg'])}" for err in exc.errors()]
        raise ConfigError("Ongeldige regioconfiguratie:\n" + "\n".join(lines)) from None
    if problems := cross_problems(cfg):
        lines = [f"{source}: {problem}" for problem in problems]
        raise ConfigError("Ongeldige regioconfiguratie:\n" + "\n".join(lines))
    return cfg


def _message(msg: str) -> str:
    # pydantic puts 'Value error, ' before the Dutch sentence of a validator
    return msg.removeprefix("Value error, ")


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader (libyaml's parser where PyYAML has it: ten times faster), refusing
    a key that appears twice in one mapping (plain YAML lets the last one win, so a pasted
    duplicate would silently change the region)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"sleutel '{key}' staat twee keer in dezelfde mapping "
                    f"(regels {seen[key]} en {line}); laat er één staan",
                    key_node.start_mark,
                )
            if isinstance(key, str | int | float | bool):
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_config(path: Path | str) -> RegionConfig:
    """Read and validate the region configuration file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: bestand niet gevonden") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: geen UTF-8-tekst") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: geen geldige YAML: {exc}") from None
    return parse_config(data, str(path))
