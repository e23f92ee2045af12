"""Flow release-minutes: send the minutes to the provider, with a week to react."""

from __future__ import annotations

from prefect import flow

from flows.common import MeetingInput, StaffKey, flat_form, receipt
from tasks.minutes import release
from tasks.outbox import deliver_outbox


class ReleaseMinutesInput(MeetingInput):
    """Verslag vrijgeven."""

    released_by: StaffKey


@flat_form
@flow(name="release-minutes")
def release_minutes(params: ReleaseMinutesInput) -> dict:
    """Het verslag (of de herziene versie) naar de aanbieder sturen, als PDF, met de termijn
    om te reageren (een week; valt die in een weekend of op een feestdag, dan de volgende
    werkdag). Opnieuw draaien verstuurt niets nieuws."""
    version = release(
        params.provider_code, params.meeting_month(), params.released_by, params.effective_as_of()
    )
    deliver_outbox()
    receipt(
        f"verslag {params.provider_code} verstuurd",
        [f"Versie {version} van het verslag van {params.month_label()} verstuurd"]
        if version
        else [],
        [
            "De aanbieder heeft een week om te reageren; zonder opmerkingen wordt het verslag "
            "daarna vanzelf definitief."
        ],  # fmt: skip
        params.provider_code,
        params.released_by,
    )
    return {"version_sent": version}
