"""Flow import-declarations: load a declaration file (CSV or Excel) from the intake folder."""

from __future__ import annotations

from prefect import flow

from clm.errors import InvalidInput
from clm.storage.intake import resolve_intake_file
from flows.common import FlowInput, flat_form, intake_file
from tasks.artifacts import publish_input_errors, publish_markdown
from tasks.declarations import import_declaration_file


class ImportDeclarationsInput(FlowInput):
    """Invoer van de declaratie-import."""

    file_name: str = intake_file(
        "declaratiebestand",
        "Declaraties",
        "AGB-code, cliënt, gemeente, periode, bedrag, zorgvorm",
    )


@flat_form
@flow(name="import-declarations")
def import_declarations(params: ImportDeclarationsInput) -> dict:
    """Declaraties inlezen: het hele bestand wordt eerst gecontroleerd (elke fout met rij en
    kolom); pas als alles klopt, vervangen de regels de periodes (maanden) van het bestand, in
    één transactie. Hetzelfde bestand nogmaals inlezen verandert niets."""
    as_of = params.effective_as_of()
    try:
        path = resolve_intake_file(params.file_name, "file_name")
        result = import_declaration_file(path, as_of)
    except InvalidInput as exc:
        publish_input_errors(exc, key="declaraties-importfouten")
        raise
    publish_markdown(
        "artifacts/declaration_import.md.j2",
        key="declaraties-import",
        description=f"Import {result['file_name']}",
        result=result,
    )
    return result


if __name__ == "__main__":
    import sys

    import_declarations(ImportDeclarationsInput(file_name=sys.argv[1]))
