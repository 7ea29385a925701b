"""One set of real records for the permission matrix, built through the services.

Two agencies at two posts. The *home* side is an immigration office at Motaain: it holds
one user of every role (the market registrar, whose role only the border post authority
may hold, sits in the PLBN office of the same post). The *other* side is an immigration
office at Wini with its own officers and records. Every detail URL of the matrix names a
record of one side or the other, so that "the same agency" and "another agency or post"
are tried with ids that exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.test import TestCase
from django.utils import timezone

from lintas.accounts.models import Agency, PhoneKey, User
from lintas.accounts.roles import AgencyType, Role
from lintas.cases.models import Case, CasePerson, FollowUp, Referral, Tip
from lintas.cases.referrals import referral_accept, referral_create
from lintas.cases.services import PersonData, case_open, case_person_add, consent_record
from lintas.cases.support import follow_ups_schedule, support_service_add
from lintas.cases.tips import tip_submit
from lintas.common.ids import uuid7
from lintas.crossings.models import Crossing, DocumentKind, MarketVisit
from lintas.crossings.services import (
    CrossingData,
    DocumentData,
    TravellerData,
    crossing_register,
    market_visit_register,
)
from lintas.places.models import Post
from lintas.screening.models import Alert, WatchList
from lintas.screening.watchlists import watch_list_create
from lintas.sync.models import SecurityEvent, SyncConflict, SyncNode
from lintas.sync.services import node_enrolment_issue
from tests.factories import make_agency, make_user
from tests.permissions.world_reach import Reach, build_reach

ANONYMOUS = "anonymous"
PRINCIPALS: tuple[str, ...] = (*Role.values, ANONYMOUS)


def _victim(actor: User, case: Case, first: str) -> CasePerson:
    return case_person_add(
        actor=actor,
        case=case,
        data=PersonData(role="victim", first_name=first, second_name="Uji", gender="Feminine"),
    )


_numbers = iter(range(3000000, 9999999))


def _cross(officer: User, *, purpose: str = "work", destination: str = "Nunukan") -> Crossing:
    """An outbound work crossing without papers: screening raises a post alert.

    The registration commits, then its screening runs (``transaction.on_commit``).
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        return crossing_register(
            actor=officer,
            traveller=TravellerData(
                surname="Bria", given_names="Yohanes", sex="M", birth_date=date(1999, 5, 1)
            ),
            document=DocumentData(
                kind=DocumentKind.PASSPORT,
                number=f"C{next(_numbers)}",
                issuing_state="IDN",
                expiry_date=date(2031, 1, 1),
            ),
            crossing=CrossingData(
                direction="out",
                purpose=purpose,
                entry_point_code=f"{officer.post_id}-{officer.post_id}",
                destination=destination,
            ),
        )


def _cross_plb(officer: User) -> Crossing:
    """A border-pass holder who left twelve days ago: past the stay, not yet extended."""
    issued = date.today() - timedelta(days=60)
    crossing = crossing_register(
        actor=officer,
        traveller=TravellerData(
            surname="Nahak",
            given_names="Agustina",
            sex="F",
            birth_date=date(1980, 1, 1),
            residence_district_code="53.04.02",
        ),
        document=DocumentData(
            kind=DocumentKind.PLB,
            number=f"P{next(_numbers)}",
            issuing_state="IDN",
            issued_on=issued,
            expiry_date=issued + timedelta(days=364),
        ),
        crossing=CrossingData(
            direction="out",
            purpose="family",
            entry_point_code=f"{officer.post_id}-{officer.post_id}",
            destination="Balibo",
            crossed_at=timezone.now() - timedelta(days=12),
        ),
    )
    return crossing


@dataclass
class Side:
    """One agency at one post, and the records it owns."""

    agency: Agency
    post: Post
    users: dict[str, User] = field(default_factory=dict)
    crossing: Crossing | None = None
    plb_abroad: Crossing | None = None  # a border-pass holder past the stay
    alert: Alert | None = None
    case: Case | None = None
    victim: CasePerson | None = None
    follow_up: FollowUp | None = None
    watch_list: WatchList | None = None
    incoming: Referral | None = None  # a pending referral *to* this side's agency
    reach: Reach | None = None  # linkage and outreach records (``world_reach``)

    @property
    def r(self) -> Reach:
        assert self.reach is not None
        return self.reach


@dataclass
class World:
    home: Side
    other: Side
    market_agency: Agency
    tip: Tip
    visit: MarketVisit
    shared_case: Case  # the other side's case, referred to home and accepted
    node: SyncNode
    conflict: SyncConflict
    security_event: SecurityEvent
    phone_key: PhoneKey  # the home case worker's phone
    other_phone_key: PhoneKey  # the other side's case worker's phone
    today: date

    def user(self, principal: str) -> User | None:
        return None if principal == ANONYMOUS else self.home.users[principal]


def build_world() -> World:
    """Every record the matrix needs; about a second on SQLite."""
    motaain, wini = Post.objects.get(code="motaain"), Post.objects.get(code="wini")
    home = Side(
        make_agency(type=AgencyType.IMMIGRATION, name="Kantor Imigrasi Atambua", post=motaain),
        motaain,
    )
    other = Side(
        make_agency(type=AgencyType.IMMIGRATION, name="Kantor Imigrasi Kefamenanu", post=wini),
        wini,
    )
    market_agency = make_agency(type=AgencyType.BORDER_POST, name="PLBN Motaain", post=motaain)
    at_post = {Role.POST_OFFICER, Role.MARKET_REGISTRAR, Role.SUPERVISOR}
    for role in Role.values:
        agency = market_agency if role == Role.MARKET_REGISTRAR else home.agency
        home.users[role] = make_user(role, agency=agency, post=motaain if role in at_post else None)
    other_roles = (Role.POST_OFFICER, Role.SUPERVISOR, Role.INVESTIGATOR, Role.CASE_WORKER)
    for role in (*other_roles, Role.OUTREACH_COORDINATOR):
        other.users[role] = make_user(
            role, agency=other.agency, post=wini if role in at_post else None
        )
    other.users[Role.AGENCY_ADMIN] = make_user(Role.AGENCY_ADMIN, agency=other.agency)

    for side in (home, other):
        side.crossing = _cross(side.users[Role.POST_OFFICER])
        side.alert = Alert.objects.get(crossing=side.crossing)
        side.plb_abroad = _cross_plb(side.users[Role.POST_OFFICER])
        worker = side.users[Role.CASE_WORKER]
        side.case = case_open(actor=worker, summary="Direkrut ke Malaysia tanpa dokumen")
        side.victim = _victim(worker, side.case, "Yosefina")
        side.follow_up = follow_ups_schedule(actor=worker, person=side.victim, months=(1,))[0]
        side.watch_list = watch_list_create(
            actor=side.users[Role.INVESTIGATOR], kind="wanted_suspect", name="DPO uji"
        )
        side.reach = build_reach(side.users, _cross, side.crossing, side.post.code)
    # Each side's case is referred to the other with the victim's consent (pending).
    for source, target in ((home, other), (other, home)):
        assert source.case is not None
        assert source.victim is not None
        worker = source.users[Role.CASE_WORKER]
        consent_record(
            actor=worker,
            person=source.victim,
            kind="disclose",
            method="written",
            agency=target.agency,
        )
        target.incoming = referral_create(
            actor=worker, case=source.case, to_agency=target.agency, reason="Other"
        )
    support_service_add(
        actor=home.users[Role.CASE_WORKER],
        person=home.victim,
        type="shelter",
        provider=home.agency,
        note="",
    )
    # A third case of the other side, referred to home and accepted: home sees, not owns.
    other_worker = other.users[Role.CASE_WORKER]
    shared_case = case_open(actor=other_worker, summary="Kasus dirujuk dan diterima")
    shared_victim = _victim(other_worker, shared_case, "Maria")
    consent_record(
        actor=other_worker,
        person=shared_victim,
        kind="disclose",
        method="written",
        agency=home.agency,
    )
    shared = referral_create(
        actor=other_worker, case=shared_case, to_agency=home.agency, reason="Other"
    )
    referral_accept(actor=home.users[Role.CASE_WORKER], referral_id=shared.pk)

    tip = tip_submit(body="Ada perekrut di desa kami yang membawa anak perempuan ke Malaysia.").tip
    visit = market_visit_register(
        actor=home.users[Role.MARKET_REGISTRAR],
        full_name="Joana da Costa",
        origin_village="Batugade",
    )
    node, _code = node_enrolment_issue(
        actor=home.users[Role.SYSTEM_ADMIN], code="post-wini", name="Wini", post=wini
    )
    # Conflicts arise only inside the sync apply path; a stored one is enough to resolve.
    now = timezone.now()
    assert home.alert is not None
    conflict = SyncConflict.objects.create(
        id=uuid7(),
        model="screening.alert",
        record_id=str(home.alert.pk),
        node="post-motaain",
        kind="version",
        fields="status",
        hub_state={"version": 2},
        node_state={"version": 2},
        node_seq=1,
        created_at=now - timedelta(minutes=5),
        updated_at=now,
    )
    # Likewise a refused push's security event (made by the hub's write-policy check).
    security_event = SecurityEvent.objects.create(
        node="post-wini",
        at=now,
        code="policy_post",
        model="crossings.crossing",
        record_id=str(uuid7()),
        seq=1,
        message="Pos lain",
    )
    phone_key, other_phone_key = (
        PhoneKey.objects.create(
            user=side.users[Role.CASE_WORKER], digest=f"{n:064x}", label="Ponsel uji"
        )
        for n, side in enumerate((home, other), start=1)
    )
    return World(
        home=home,
        other=other,
        market_agency=market_agency,
        tip=tip,
        visit=visit,
        shared_case=shared_case,
        node=node,
        conflict=conflict,
        security_event=security_event,
        phone_key=phone_key,
        other_phone_key=other_phone_key,
        today=timezone.localdate(),
    )
