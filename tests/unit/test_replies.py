"""The rules that read a provider's reply (clm.rules.replies)."""

from __future__ import annotations

import pytest

from clm.rules.replies import (
    agenda_points,
    answer_text,
    asks_for_copy,
    is_agreement,
    names_objection,
    reference_token,
    reply_address,
    subject_with_reference,
    tokens_in,
)


def test_a_reference_is_stable_readable_and_survives_a_reply() -> None:
    token = reference_token("minutes:abc:v1")
    assert token == reference_token("minutes:abc:v1") != reference_token("minutes:abc:v2")
    assert len(token) == 8 and not set(token) & set("01OI")
    subject = subject_with_reference("Verslag 14-04-2027", token)
    assert subject_with_reference(subject, token) == subject  # once
    for reply in (f"RE: {subject}", f"Antw: Fwd: {subject.lower()}", f"AW:{subject}"):
        assert tokens_in(reply) == [token]
    address = reply_address("contractbeheer@regio.nl", token)
    assert address == f"contractbeheer+CLM-{token}@regio.nl"
    assert tokens_in("", f"Regio <{address}>") == [token]
    assert reply_address("post+oud@regio.nl", token).startswith("post+CLM-")


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ("Akkoord.\n\nOp di 14 apr. 2027 om 10:00 schreef Regio <a@b.nl>:\n> verslag", "Akkoord."),
        ("Akkoord\r\n\r\n-----Oorspronkelijk bericht-----\r\nVan: Regio", "Akkoord"),
        ("akkoord\n\nVan: Regio <a@b.nl>\nVerzonden: dinsdag", "akkoord"),
        ("Prima\n> geciteerd\nGroet", "Prima\nGroet"),
        ("On Tue, Apr 14, 2027 at 10:00 AM Regio wrote:\n> x", ""),
        ("Op 14-04-2027 schreef Regio:\n> verslag\n> tekst\n\nAkkoord\n", "Akkoord"),
        # Outlook: nothing above its headers, the original unquoted below them: no answer
        ("\nVan: Regio\nOnderwerp: uitvraag\n- Wachttijden (dagen)\n", ""),
        ("Tekst\n-- \nEva de Vries\nDirecteur", "Tekst"),
        ("", ""),
    ],
)
def test_the_answer_is_the_text_above_the_quote(body: str, answer: str) -> None:
    assert answer_text(body) == answer


@pytest.mark.parametrize(
    ("answer", "agreed"),
    [
        ("Akkoord", True),
        ("akkoord.", True),
        ("  AKKOORD!\nMet vriendelijke groet", True),
        ("Akkoord, maar bij 4b staat een verkeerde datum", False),
        ("Wij gaan akkoord", False),  # not the first word: read by a person
        ("Niet akkoord", False),
        ("akkoordverklaring volgt", False),
        ("", False),
    ],
)
def test_agreement_is_akkoord_as_the_first_word_without_a_reservation(
    answer: str, agreed: bool
) -> None:
    assert is_agreement(answer) is agreed


def test_copy_and_objection_words() -> None:
    assert asks_for_copy("Kopie graag") and asks_for_copy("kopie.")
    assert not asks_for_copy("Graag een kopie")
    assert names_objection("Hierbij maken wij bezwaar tegen de ingebrekestelling")
    assert names_objection("Onze bezwaren: ...") and not names_objection("Geen opmerkingen")


def test_agenda_points_from_a_reply_to_the_data_request() -> None:
    text = "Beste,\n\nGraag bespreken:\n- Wachttijden\n* Instroom\n2) Personeel\n•  Vervoer \n"
    assert agenda_points(text, with_sheet=True) == [
        "Wachttijden",
        "Instroom",
        "Personeel",
        "Vervoer",
    ]
    assert agenda_points("Hierbij de cijfers. Groet, Eva", with_sheet=True) == []
    assert agenda_points("Wij willen de wachttijden bespreken.", with_sheet=False) == [
        "Wij willen de wachttijden bespreken."
    ]
    many = "\n".join(f"- punt {n} " + "x" * 3000 for n in range(40))
    points = agenda_points(many, with_sheet=True)
    assert len(points) == 20 and all(len(p) == 2000 for p in points)
