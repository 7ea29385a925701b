"""Encrypted fields: what a person types is stored as typed, whatever it looks like.

Whether a value is already encrypted is decided by its type (``Ciphertext``), never by
its text: a name or a tip that begins with ``enc1:`` is user text like any other.
"""

from __future__ import annotations

import pytest
from django.db import connection

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.cases.models import Case, CasePerson
from lintas.cases.services import PersonData, case_open, case_person_add
from lintas.common.crypto import (
    PREFIX,
    Ciphertext,
    DecryptionError,
    EncryptedTextField,
    decrypt_text,
    encrypt_text,
)
from lintas.sync.protocol import SyncError
from lintas.sync.records import column_values, differing_fields, record_state
from tests.factories import make_agency, make_user

pytestmark = pytest.mark.django_db

# The last one is a real ciphertext, typed (pasted) by a person: it is still their text.
LOOKALIKES = ["enc1:xyz", "enc1:", "enc1:abc=", PREFIX + encrypt_text("x")[len(PREFIX) :]]


def _stored(person: CasePerson, column: str) -> str:
    """The column as the database holds it (no field conversion on the way out)."""
    table, pk = CasePerson._meta.db_table, CasePerson._meta.pk
    assert pk is not None
    key = pk.get_db_prep_value(person.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [key])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.fixture
def case_worker(reference: None) -> User:
    return make_user(Role.CASE_WORKER, agency=make_agency(type=AgencyType.PROTECTION))


def test_encrypt_text_gives_ciphertext_and_plain_text_is_never_mistaken_for_it() -> None:
    sealed = encrypt_text("enc1:abc")
    assert type(sealed) is Ciphertext
    assert decrypt_text(sealed) == "enc1:abc"
    field = EncryptedTextField()
    # Plain text that looks like ciphertext is sealed like any other text.
    for text in LOOKALIKES:
        stored = field.get_prep_value(text)
        assert type(stored) is str
        assert stored != text
        assert decrypt_text(stored) == text
        assert field.to_python(text) == text
    # Text already sealed (typed as such) is kept as it is, and read back as plain text.
    assert field.get_prep_value(sealed) == str(sealed)
    assert field.to_python(sealed) == "enc1:abc"


@pytest.mark.parametrize("bad", ["enc1:abc", "enc1:", "enc1:é", "plain", PREFIX + "A" * 40])
def test_broken_ciphertext_is_a_decryption_error(bad: str) -> None:
    with pytest.raises(DecryptionError):
        decrypt_text(bad)


@pytest.mark.parametrize("name", LOOKALIKES)
def test_a_case_person_named_like_ciphertext_round_trips(case_worker: User, name: str) -> None:
    case = case_open(actor=case_worker, summary=name)
    person = case_person_add(
        actor=case_worker,
        case=case,
        data=PersonData(role="victim", first_name=name, second_name="Kolo " + name),
    )
    again = CasePerson.objects.get(pk=person.pk)
    assert (again.first_name, again.second_name) == (name, "Kolo " + name)
    assert Case.objects.get(pk=case.pk).summary == name
    stored = _stored(person, "first_name")
    assert stored != name
    assert decrypt_text(stored) == name


def test_sync_state_carries_ciphertext_and_gives_back_the_typed_text(case_worker: User) -> None:
    case = case_open(actor=case_worker)
    person = case_person_add(
        actor=case_worker,
        case=case,
        data=PersonData(role="victim", first_name="enc1:xyz", second_name=""),
    )
    state = record_state(CasePerson.objects.get(pk=person.pk))
    assert state["first_name"] != "enc1:xyz"
    assert decrypt_text(state["first_name"]) == "enc1:xyz"
    assert state["second_name"] == ""
    # As it arrives from JSON: plain str, no type; the field says it is ciphertext.
    arrived = {k: (str(v) if isinstance(v, str) else v) for k, v in state.items()}
    values = column_values(CasePerson, arrived)
    assert (values["first_name"], values["second_name"]) == ("enc1:xyz", "")
    again = record_state(CasePerson.objects.get(pk=person.pk))
    assert differing_fields(CasePerson, arrived, again, ("first_name", "second_name")) == []
    changed = {**arrived, "first_name": str(encrypt_text("enc1:xyz2"))}
    assert differing_fields(CasePerson, changed, again, ("first_name",)) == ["first_name"]


@pytest.mark.parametrize("bad", ["enc1:xyz", "Yosefina", 7])
def test_a_synced_encrypted_field_that_is_not_ciphertext_is_refused(
    case_worker: User, bad: object
) -> None:
    case = case_open(actor=case_worker)
    person = case_person_add(
        actor=case_worker, case=case, data=PersonData(role="victim", first_name="Yosefina")
    )
    state = {**record_state(person), "first_name": bad}
    with pytest.raises(SyncError) as caught:
        column_values(CasePerson, state)
    assert (caught.value.code, caught.value.status) == ("invalid_event", 422)
    with pytest.raises(SyncError) as caught:
        differing_fields(CasePerson, state, record_state(person), ("first_name",))
    assert (caught.value.code, caught.value.status) == ("invalid_event", 422)
