"""Office Open XML packages (.docx, .xlsx) made in bulk.

A quarterly preparation writes a thousand agendas and data sheets that share almost every part
of their package (styles alone are 790 kB in a .docx). A :class:`PackageBase` compresses those
shared parts once; each document then only appends its own parts. Zip's append mode keeps the
entries already there as they are, so nothing is parsed or compressed again.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

# Characters that XML 1.0 does not allow (the same set openpyxl refuses in a cell).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class PackageBase:
    """A complete package less its ``variable`` parts, ready to be completed many times;
    ``originals`` holds what those parts were in the package it was made from."""

    def __init__(self, package: bytes, variable: Iterable[str]) -> None:
        self.variable = frozenset(variable)
        self.originals: dict[str, bytes] = {}
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(package)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as base,
        ):
            missing = self.variable - set(source.namelist())
            if missing:
                raise ValueError(f"package has no part {sorted(missing)}")
            for info in source.infolist():
                if info.filename in self.variable:
                    self.originals[info.filename] = source.read(info)
                else:
                    base.writestr(info, source.read(info))
        self._base = out.getvalue()

    def complete(self, parts: Mapping[str, bytes]) -> bytes:
        """The whole package with ``parts`` (exactly the variable ones) added."""
        if set(parts) != self.variable:
            raise ValueError(f"expected the parts {sorted(self.variable)}, got {sorted(parts)}")
        out = io.BytesIO(self._base)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        return out.getvalue()


def xml_text(value: str) -> str:
    """``value`` escaped for XML character data; refuses characters XML cannot hold."""
    if _ILLEGAL_XML.search(value):
        raise ValueError(f"{value!r} bevat een stuurteken dat niet in een document kan")
    return escape(value)
