"""The README's walk through the API ("## A walk through the API"), made only with the client
that openapi-python-client generated from openapi/openapi.json (package `mitra_client`), then
the stateless solver. Run by scripts/client-walk.sh, which generates the client and starts
`mitra serve --demo`; MITRA_URL is the server, MITRA_TOKEN_FILE holds the organizer token.

Every call must answer its documented status with a body the generated models parse, and no
model may hold a field the document does not name (a server answering more than the document
says). Exits 1 with the call and the answer on the first mismatch.

Where the README reads or sends another format than JSON (the import's CSV, the export's CSV,
the agenda's .ics), the walk uses the operation's JSON form: the generator can send and read
only one content type per body, and these operations document JSON beside the others.
"""

import datetime
import os
import sys
import time

import attrs
from mitra_client import AuthenticatedClient
from mitra_client.api.events import add_participant, create_event, remove_participant
from mitra_client.api.firms import (
    create_firm,
    export_firms,
    get_firm,
    import_firms,
    list_firms,
    patch_firm,
)
from mitra_client.api.matching import firm_matches, get_config, rank_batch, score_pair
from mitra_client.api.outcomes import get_outcome, record_outcome
from mitra_client.api.reference import kbli, regencies
from mitra_client.api.schedule import agenda, generate, get_schedule, grid, repair, solve
from mitra_client.models import (
    Agenda,
    BatchRequest,
    BatchResult,
    Certification,
    ContactInput,
    DayInput,
    DealInput,
    EventInput,
    EventView,
    ExportFirmsFormat,
    Firm,
    FirmInput,
    FirmList,
    FirmMatches,
    FirmMatchesDirection,
    ForumParticipant,
    ForumSchedule,
    GenerateRequest,
    GridFormat,
    ImportReport,
    KbliEntry,
    MeetingStatus,
    NeedInput,
    Objective,
    Outcome,
    OutcomeInput,
    PairScore,
    ParticipantInput,
    Problem,
    ProductInput,
    Province,
    RateInput,
    RegencyEntry,
    RegisteredFirm,
    RepairOptions,
    RepairResult,
    ScheduleRequest,
    ScheduleResponse,
    ScoreRequest,
    SessionInput,
    SolverMeeting,
    SolverParticipant,
    SolverSession,
    Status,
    VersionedConfig,
)
from mitra_client.types import Unset

FORUM = "temu-bisnis-mataram-2026"
FIRM = "kopi-sembalun"
# Two demo firms that make standing pouches (the README registers them).
POUCH_MAKERS = ["jatim-plastik-arema-0707", "jatim-plastik-blitar-0297"]


class Mismatch(Exception):
    pass


def fail(what, message, response=None):
    body = ""
    if response is not None:
        body = "\n  answer: " + response.content[:1500].decode("utf-8", "replace")
    raise Mismatch(f"{what}: {message}{body}")


def undocumented_fields(value, path="answer"):
    """Paths of fields a model kept in `additional_properties` untyped: the server sent
    them and the document does not name them. A map the document describes (an object with
    an `additionalProperties` schema) keeps its entries there typed; those are looked into."""
    found = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += undocumented_fields(item, f"{path}[{i}]")
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            inner = getattr(value, field.name)
            if field.name != "additional_properties":
                found += undocumented_fields(inner, f"{path}.{field.name}")
            elif str(field.type).replace(" ", "") == "dict[str,Any]":
                found += [f"{path}.{key}" for key in inner]
            else:
                for key, entry in inner.items():
                    found += undocumented_fields(entry, f"{path}.{key}")
    return found


class Walk:
    def __init__(self, client):
        self.client = client
        self.calls = 0

    def call(self, what, operation, status, kind, item=None, **kwargs):
        """Calls a generated operation; its answer must have `status` and parse as `kind`
        (a list of `item` when `kind` is list)."""
        started = time.monotonic()
        try:
            response = operation.sync_detailed(client=self.client, **kwargs)
        except Exception as error:  # the generated parser refused a real answer
            raise Mismatch(f"{what}: the generated client failed: {type(error).__name__}: {error}") from error
        self.calls += 1
        if response.status_code != status:
            fail(what, f"status {int(response.status_code)}, expected {status}", response)
        parsed = response.parsed
        if not isinstance(parsed, kind):
            fail(what, f"parsed as {type(parsed).__name__}, expected {kind.__name__}", response)
        if item is not None and not all(isinstance(x, item) for x in parsed):
            fail(what, f"items not all {item.__name__}", response)
        extra = undocumented_fields(parsed)
        if extra:
            fail(what, f"fields the document does not name: {', '.join(extra[:10])}", response)
        elapsed = (time.monotonic() - started) * 1000
        shown = f"list[{item.__name__}]" if item else kind.__name__
        print(f"ok {status} {shown:<18} {what} ({elapsed:.0f} ms)", flush=True)
        return parsed


def check(what, condition, detail=""):
    if not condition:
        raise Mismatch(f"{what}{': ' + str(detail) if detail else ''}")


def walk(w):
    # Reference tables for pickers
    entries = w.call("kbli ?q=kopi", kbli, 200, list, KbliEntry, q="kopi")
    check("kbli ?q=kopi finds 10761", any(e.code == "10761" for e in entries), [e.code for e in entries])
    places = w.call("regencies ?province=NTB", regencies, 200, list, RegencyEntry, province="NTB")
    check("NTB has Lombok Timur", any(p.name.endswith("Lombok Timur") for p in places))

    # Register a firm; the answer carries the firm's own token (shown once)
    profile = FirmInput(
        id=FIRM,
        name="CV Kopi Sembalun Rinjani",
        province="NTB",
        regency="Lombok Timur",
        kbli=["10761"],
        size="small",
        employees=14,
        certifications=["halal", "pirt"],
        products=[
            ProductInput(
                name="Kopi arabika sangrai",
                hs_code="0901.21",
                capacity=RateInput(amount=300, unit="kg", per="month"),
            )
        ],
        needs=[NeedInput(name="Standing pouch", volume=RateInput(amount=2000, unit="pcs", per="month"))],
        contact=ContactInput(person="Baiq Nurul Aini", phone="0812-3456-7890"),
    )
    firm = w.call("create firm", create_firm, 201, RegisteredFirm, body=profile)
    check("the new firm's token", firm.token.startswith("mitra_firm_"), firm.token[:12])
    check("province read as an enum", firm.province == Province.NTB, firm.province)

    # Read, change a field (JSON merge patch), list with filters, page with the cursor
    firm = w.call("get firm", get_firm, 200, Firm, id=FIRM)
    check("certifications read as enums", Certification.HALAL in firm.certifications, firm.certifications)
    firm = w.call("patch firm", patch_firm, 200, Firm, id=FIRM, body={"employees": 18})
    check("patched employees", firm.employees == 18, firm.employees)
    page = w.call(
        "list firms (NTB, 107, halal)",
        list_firms,
        200,
        FirmList,
        province=Province.NTB,
        kbli="107",
        certification=Certification.HALAL,
        limit=20,
    )
    check("the filtered list holds firms", len(page.firms) > 0)
    if isinstance(page.next_cursor, str):
        more = w.call(
            "list firms, next page",
            list_firms,
            200,
            FirmList,
            province=Province.NTB,
            kbli="107",
            certification=Certification.HALAL,
            limit=20,
            cursor=page.next_cursor,
        )
        check("the next page moves on", not {f.id for f in more.firms} & {f.id for f in page.firms})
    found = w.call("list firms ?q=rumput laut", list_firms, 200, FirmList, q="rumput laut")
    check("seaweed firms found", len(found.firms) > 0)

    # Import an organizer's list (all or nothing), export it back
    sheet = [
        FirmInput(
            id="walk-gula-aren-sumbawa",
            name="UD Gula Aren Sumbawa",
            province="NTB",
            regency="Sumbawa",
            kbli=["10722"],
            size="micro",
            employees=4,
            products=[ProductInput(name="Gula aren cetak", capacity=RateInput(amount=500, unit="kg", per="month"))],
        ),
        FirmInput(
            id="walk-kemasan-sidoarjo",
            name="CV Kemasan Sidoarjo",
            province="JATIM",
            regency="Sidoarjo",
            kbli=["22220"],
            size="small",
            employees=25,
            products=[ProductInput(name="Standing pouch", capacity=RateInput(amount=50000, unit="pcs", per="month"))],
        ),
    ]
    report = w.call("import firms (JSON)", import_firms, 200, ImportReport, body=sheet, upsert=True)
    check("import created both", report.created == 2 and len(report.tokens) == 2, report.to_dict())
    exported = w.call("export firms (JSON)", export_firms, 200, list, Firm, format_=ExportFirmsFormat.JSON)
    check("the export holds the new firm", any(f.id == FIRM for f in exported))

    # A forum: two days, sessions cut into 20-minute slots with 5-minute breaks, 14 tables
    forum = EventInput(
        id=FORUM,
        name="Temu Bisnis IKM NTB–Jatim 2026",
        time_zone="WITA",
        slot_minutes=20,
        break_minutes=5,
        tables=14,
        days=[
            DayInput(
                date=datetime.date(2026, 12, 10),
                sessions=[
                    SessionInput(name="pagi", start="08:30", end="12:00"),
                    SessionInput(name="siang", start="13:30", end="16:00"),
                ],
            ),
            DayInput(date=datetime.date(2026, 12, 11), sessions=[SessionInput(name="pagi", start="08:30", end="12:00")]),
        ],
    )
    event = w.call("create forum", create_event, 201, EventView, body=forum)
    check("the forum has slots", len(event.slots) > 0)
    w.call(
        "register kopi-sembalun",
        add_participant,
        201,
        ForumParticipant,
        id=FORUM,
        body=ParticipantInput(firm_id=FIRM, max_meetings=8),
    )

    # Who should this firm meet? Ranked partners from the other province, with reasons
    matches = w.call(
        "matches of kopi-sembalun",
        firm_matches,
        200,
        FirmMatches,
        id=FIRM,
        limit=5,
        direction=FirmMatchesDirection.BOTH,
    )
    check("kopi-sembalun has partners", len(matches.matches) > 0)
    check("partners come with reasons", all(m.reasons for m in matches.matches))
    cafe = FirmInput(
        name="Kafe Nusantara",
        province="JATIM",
        regency="Surabaya",
        kbli=["56303"],
        size="small",
        employees=12,
        needs=[NeedInput(name="roasted arabica coffee", volume=RateInput(amount=200, unit="kg", per="month"))],
    )
    pair = w.call("score a pair", score_pair, 200, PairScore, body=ScoreRequest(a=FIRM, b=cafe))
    check("the café buys the coffee", pair.score > 0, pair.score)
    config = w.call("scoring config", get_config, 200, VersionedConfig)
    check("the built-in config", config.version == 0, config.version)
    batch = w.call(
        "batch ranking",
        rank_batch,
        200,
        BatchResult,
        body=BatchRequest(limit=10, include_matches=False),
    )
    check("the batch ranked the firms", batch.firms > 0 and batch.pairs_scored > 0, batch.to_dict())

    # Register more participants (a list at once), then the timetable in one call
    w.call(
        "register the pouch makers",
        add_participant,
        201,
        list,
        ForumParticipant,
        id=FORUM,
        body=[ParticipantInput(firm_id=POUCH_MAKERS[0]), ParticipantInput(firm_id=POUCH_MAKERS[1], max_meetings=6)],
    )
    schedule = w.call(
        "generate the timetable",
        generate,
        200,
        ForumSchedule,
        id=FORUM,
        body=GenerateRequest(objective=Objective.MAX_VALUE, time_limit_ms=2000),
    )
    check("a solved timetable", schedule.status in (Status.OPTIMAL, Status.FEASIBLE), schedule.status)
    check("kopi-sembalun meets someone", any(FIRM in (m.a, m.b) for m in schedule.meetings))
    own = w.call("agenda of kopi-sembalun (JSON)", agenda, 200, Agenda, id=FORUM, firm_id=FIRM)
    check("the agenda has a meeting", len(own.meetings) > 0)
    page = w.call("the grid (HTML)", grid, 200, str, id=FORUM, format_=GridFormat.HTML)
    check("the grid names kopi-sembalun", "CV Kopi Sembalun Rinjani" in page)

    # After a cancellation (DELETE …/participants/{firm_id}): untouched meetings stay put
    w.call(
        f"cancel {POUCH_MAKERS[1]}",
        remove_participant,
        204,
        type(None),
        id=FORUM,
        firm_id=POUCH_MAKERS[1],
    )
    repaired = w.call("repair the timetable", repair, 200, RepairResult, id=FORUM, body=RepairOptions())
    check(
        "the cancelled firm is gone",
        all(POUCH_MAKERS[1] not in (m.a, m.b) for m in repaired.schedule.meetings),
    )

    # What a meeting led to
    schedule = w.call("the timetable", get_schedule, 200, ForumSchedule, id=FORUM)
    meeting = next((m for m in schedule.meetings if FIRM in (m.a, m.b)), None)
    check("kopi-sembalun still has a meeting after the repair", meeting is not None)
    outcome = w.call(
        "record an outcome",
        record_outcome,
        200,
        Outcome,
        id=FORUM,
        meeting_id=meeting.id,
        body=OutcomeInput(
            status="held",
            interest_a="high",
            interest_b="high",
            notes="Sampel dikirim minggu depan",
            deals=[
                DealInput(
                    product="Kopi arabika sangrai",
                    value_idr=36_000_000,
                    direction="ntb_to_jatim",
                    volume=RateInput(amount=200, unit="kg", per="month"),
                )
            ],
        ),
    )
    check("the outcome is held", outcome.status == MeetingStatus.HELD, outcome.status)
    again = w.call("read the outcome", get_outcome, 200, Outcome, id=FORUM, meeting_id=meeting.id)
    check("the deal is kept", not isinstance(again.deals, Unset) and len(again.deals) == 1)

    # The stateless solver: a problem of its own, no forum needed
    solved = w.call(
        "solve a problem",
        solve,
        200,
        ScheduleResponse,
        body=ScheduleRequest(
            sessions=[SolverSession(name="morning", slots=13), SolverSession(name="afternoon", slots=8)],
            tables=14,
            participants=[
                SolverParticipant(id="p1", max_meetings=8, unavailable_slots=[16]),
                SolverParticipant(id="p2"),
                SolverParticipant(id="p3"),
            ],
            meetings=[
                SolverMeeting(a="p1", b="p2", session="morning", value=1.0),
                SolverMeeting(a="p2", b="p3", count=2),
                SolverMeeting(a="p1", b="p3", value=0.5),
            ],
            objective=Objective.MIN_IDLE,
            time_limit_ms=1000,
        ),
    )
    check("the solver placed every meeting", solved.stats.scheduled == 4, solved.to_dict())

    # An error parses too: the document's problem+json body
    problem = w.call("a firm that does not exist", get_firm, 404, Problem, id="no-such-firm")
    check("its code", problem.code == "not_found", problem.code)


def main():
    url = os.environ["MITRA_URL"]
    with open(os.environ["MITRA_TOKEN_FILE"], encoding="utf-8") as f:
        token = f.read().strip()
    # Undocumented statuses raise instead of parsing as None.
    client = AuthenticatedClient(base_url=url, token=token, raise_on_unexpected_status=True, timeout=60)
    w = Walk(client)
    try:
        with client:
            walk(w)
    except Mismatch as mismatch:
        print(f"MISMATCH after {w.calls} calls: {mismatch}", file=sys.stderr)
        return 1
    print(f"{w.calls} calls, each with its documented status and a parsed answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
