"""The MIME writer (clm.storage.mail.build_message), read back by Python's own email parser:
what was put in comes out, whatever the text. Random envelopes (a fixed seed) with the
characters that trip writers: beyond ASCII and beyond the BMP, quotes, markup, '=?', long
words and lines, runs of spaces and tabs, dots and 'From ' at a line's start. (The sender's
name is the region's, from the config: a few real kinds of name.)"""

from __future__ import annotations

import email
import email.policy
import random

import pytest

from clm.storage.mail import Attachment, Envelope, HeaderInjection, build_message

ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;:!?-_'\"()<>[]@&%=+/\\\t"
    "éëïöüáàçñ ÉËÏ € — – ‘’ “” ß ø å 中文 😀 \u00a0"
)


def _text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def _body(rng: random.Random) -> str:
    lines = [_text(rng, rng.choice((0, 10, 80, 300, 1200))) for _ in range(rng.randint(1, 12))]
    lines += rng.sample([".", "From here", "  ", "=?utf-8?b?eA==?=", "--=_0000"], 2)
    rng.shuffle(lines)
    return "\n".join(lines)


def _envelope(rng: random.Random) -> Envelope:
    attachments = [
        Attachment(
            rng.choice(["agenda.docx", "Gegevens één.xlsx", 'naam "x".pdf', "中文.pdf"]),
            rng.choice(["application/pdf", "application/octet-stream"]),
            rng.randbytes(rng.randint(0, 5000)),
        )
        for _ in range(rng.randint(0, 3))
    ]
    if rng.random() < 0.5:
        attachments.append(
            Attachment(
                "uitnodiging.ics",
                "text/calendar; method=REQUEST; charset=utf-8",
                f"BEGIN:VCALENDAR\r\nSUMMARY:{_text(rng, 40)}\r\nEND:VCALENDAR\r\n".encode(),
            )
        )
    subject = " ".join(_text(rng, 30).replace("\t", " ") for _ in range(rng.randint(1, 40)))
    return Envelope(
        message_id=f"<{rng.randint(0, 10**9)}@regio.example.org>",
        sender_name=rng.choice(
            [
                "Regio Zuid",
                'Régio, "Zuid" (team)',
                "Jeugdhulp Regio Zuid-Oost — Contractmanagement en inkoop van jeugdhulp",
                "Ünïcode 😀 Regio",
            ]
        ),
        sender_email="contractmanagement@regio.example.org",
        reply_to=rng.choice([None, "contractbeheer+CLM-AB12CD34@regio.example.org"]),
        to=[f"a{n}@aanbieder.example.org" for n in range(rng.randint(1, 80))],
        cc=rng.choice([[], ["cm@regio.example.org"]]),
        subject=subject,
        text=_body(rng),
        html="<p>" + _body(rng).replace("\n", "</p>\n<p>") + "</p>",
        attachments=tuple(attachments),
    )


def _lines_as_sent(text: str) -> str:
    """What a text part holds once sent: its lines, each ended by a line break."""
    return "".join(line + "\n" for line in text.splitlines())


@pytest.mark.parametrize("seed", range(60))
def test_what_goes_in_comes_out(seed: int) -> None:
    rng = random.Random(seed)
    env = _envelope(rng)
    msg = build_message(env)
    raw = msg.as_bytes()
    assert raw.isascii()  # 7-bit clean: every server takes it, no 8BITMIME needed
    assert max(len(line) for line in raw.split(b"\n")) <= 998
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert all(not part.defects for part in parsed.walk())
    assert parsed["Subject"] == env.subject.strip(" \t")  # readers drop spaces at the ends
    assert parsed["From"].addresses[0].display_name == env.sender_name
    assert parsed["From"].addresses[0].addr_spec == env.sender_email
    assert [a.addr_spec for a in parsed["To"].addresses] == env.to
    assert [a.addr_spec for a in parsed["Cc"].addresses] if env.cc else parsed["Cc"] is None
    assert (parsed["Reply-To"] and str(parsed["Reply-To"])) == (env.reply_to or None)
    assert parsed["Message-ID"] == env.message_id
    assert parsed.get_body(("plain",)).get_content() == _lines_as_sent(env.text)
    assert parsed.get_body(("html",)).get_content() == _lines_as_sent(env.html)
    sent = list(parsed.iter_attachments())
    assert [a.get_filename() for a in sent] == [a.filename for a in env.attachments]
    for part, item in zip(sent, env.attachments, strict=True):
        assert part.get_content_type() == item.content_type.split(";")[0]
        if part.get_content_maintype() == "text":
            assert part.get_param("method") == "REQUEST"
            assert part.get_content() == _lines_as_sent(item.content.decode())
        else:
            assert part.get_content() == item.content
    assert msg.recipients == (*env.to, *env.cc)
    assert not msg.needs_smtputf8


def test_a_subject_keeps_its_plain_words_readable() -> None:
    """Only the words beyond ASCII are encoded: a reader of the raw message (and a filter on
    the subject) still sees the rest, and nothing is folded after 'Subject:'."""
    env = Envelope(
        "<1@x>",
        "Regio",
        "r@x.nl",
        None,
        ["a@x.nl"],
        [],
        "Signaal: Cliënt van De Regenboog",
        "t",
        "h",
    )
    raw = build_message(env).as_bytes()
    line = next(x for x in raw.split(b"\n") if x.startswith(b"Subject:"))
    assert line.startswith(b"Subject: Signaal: =?utf-8?b?") and line.endswith(b" van De Regenboog")


def test_an_address_beyond_ascii() -> None:
    """A domain beyond ASCII goes in its IDNA form; a mailbox part beyond ASCII can only go
    as it is, to a server that takes SMTPUTF8 (the message says it needs one)."""
    env = Envelope("<1@x>", "Regio", "r@x.nl", None, ["info@zorg-één.nl"], [], "s", "t", "h")
    msg = build_message(env)
    assert msg.recipients == ("info@xn--zorg-n-fvaa.nl",) and not msg.needs_smtputf8
    assert b"To: info@xn--zorg-n-fvaa.nl" in msg.as_bytes()
    utf8 = build_message(
        Envelope("<1@x>", "Regio", "r@x.nl", None, ["jöran@zorg.nl"], [], "s", "t", "h")
    )
    assert utf8.needs_smtputf8


@pytest.mark.parametrize("field", ["subject", "to", "reply_to"])
def test_a_line_break_in_a_header_is_refused(field: str) -> None:
    values = {"subject": "s\r\nBcc: x@evil.example", "to": ["a@x.nl\nBcc: x@evil.example"]}
    values["reply_to"] = "r@x.nl\nBcc: x@evil.example"
    env = Envelope("<1@x>", "Regio", "r@x.nl", None, ["a@x.nl"], [], "s", "t", "h")
    with pytest.raises(HeaderInjection):
        build_message(env.__class__(**(env.__dict__ | {field: values[field]})))
