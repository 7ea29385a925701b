"""Enrolment: a one-time code, the node's own key, revocation."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lintas.accounts.models import User
from lintas.common.errors import ValidationFailed
from lintas.places.models import Post
from lintas.sync import crypto
from lintas.sync.models import SyncNode
from lintas.sync.services import node_enrol, node_enrolment_issue, node_revoke
from tests.sync.conftest import node_crossing
from tests.sync.helpers import FakeNode

pytestmark = pytest.mark.django_db


def enrol_body(code: str, secret: str, public_key: str) -> dict[str, str]:
    key = crypto.enrolment_key(secret)
    return {
        "node": code,
        "public_key": public_key,
        "proof": crypto.proof(key, "enrol", code, public_key),
    }


def post_enrol(body: object) -> Any:
    return Client().post("/api/sync/enrol", json.dumps(body), content_type="application/json")


def test_enrolment_over_http_proves_the_code_both_ways(reference: None) -> None:
    _node, secret = node_enrolment_issue(
        actor=None, code="post-wini", post=Post.objects.get(pk="wini")
    )
    assert len(secret) == 19
    public = crypto.public_key_of(crypto.new_private_key())
    response = post_enrol(enrol_body("post-wini", secret, public))
    assert response.status_code == 200
    reply = response.json()
    key = crypto.enrolment_key(secret)
    assert reply["proof"] == crypto.proof(
        key, "enrolled", "post-wini", public, reply["hub_public_key"]
    )
    assert reply["post"] == "wini"
    node = SyncNode.objects.get(pk="post-wini")
    assert (node.public_key, node.enrol_key) == (public, "")
    assert node.enrolled_at is not None
    # The code worked once.
    again = post_enrol(
        enrol_body("post-wini", secret, crypto.public_key_of(crypto.new_private_key()))
    )
    assert again.status_code == 422
    assert SyncNode.objects.get(pk="post-wini").public_key == public


def test_a_wrong_code_does_not_use_up_the_right_one(reference: None) -> None:
    node_enrolment_issue(actor=None, code="post-wini")
    _node, secret = node_enrolment_issue(actor=None, code="post-wini")  # a new code replaces it
    public = crypto.public_key_of(crypto.new_private_key())
    with pytest.raises(ValidationFailed):
        node_enrol(
            node_code="post-wini",
            **_without_node(enrol_body("post-wini", "AAAA-BBBB-CCCC-DDDD", public)),
        )
    node_enrol(
        node_code="post-wini", **_without_node(enrol_body("post-wini", secret.lower(), public))
    )
    assert SyncNode.objects.get(pk="post-wini").public_key == public


def _without_node(body: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in body.items() if k != "node"}


def test_an_expired_code_is_refused(reference: None) -> None:
    _node, secret = node_enrolment_issue(actor=None, code="post-wini")
    SyncNode.objects.filter(pk="post-wini").update(
        enrol_expires_at=timezone.now() - timedelta(seconds=1)
    )
    public = crypto.public_key_of(crypto.new_private_key())
    with pytest.raises(ValidationFailed):
        node_enrol(node_code="post-wini", **_without_node(enrol_body("post-wini", secret, public)))
    assert SyncNode.objects.get(pk="post-wini").public_key == ""


def test_bad_node_codes_are_refused(reference: None) -> None:
    for code in ("hub", "ab", "post motaain", "-post", "x" * 41):
        with pytest.raises(ValidationFailed):
            node_enrolment_issue(actor=None, code=code)
    assert not SyncNode.objects.exists()


def test_malformed_enrolment_requests_are_refused(reference: None) -> None:
    client = Client()
    assert client.get("/api/sync/enrol").status_code == 405
    response = client.post("/api/sync/enrol", b"[1, 2]", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "malformed")
    assert post_enrol({"node": "post-wini", "public_key": "zz", "proof": ""}).status_code == 422


def test_re_enrolment_replaces_the_key_and_keeps_the_cursor(
    node: FakeNode, hub_officer: User
) -> None:
    made = node_crossing(hub_officer)
    assert node.push(node.batch([node.event(r) for r in made.records], after=0)).status_code == 200
    old_key = node.private_key
    replacement = FakeNode()  # the same code enrolled again (a new machine)
    assert SyncNode.objects.get(pk=node.code).applied_seq == 3
    node.private_key = old_key
    response = node.post("/api/sync/pull", {"cursor": {"id": 0}})
    assert (response.status_code, node.data(response)["code"]) == (401, "bad_signature")
    ok = replacement.post("/api/sync/pull", {"cursor": {"id": 0}})
    assert ok.status_code == 200


def test_revoked_node_can_enrol_again_with_a_new_code(node: FakeNode) -> None:
    node_revoke(actor=None, code=node.code)
    assert node.post("/api/sync/pull", {}).status_code == 403
    again = FakeNode()
    assert SyncNode.objects.get(pk=node.code).revoked_at is None
    assert again.post("/api/sync/pull", {}).status_code == 200


def test_a_key_rotation_needs_proof_of_the_new_key(node: FakeNode) -> None:
    from lintas.sync.models import SyncNode

    before = SyncNode.objects.get(pk=node.code).public_key
    new_key = crypto.new_private_key()
    public = crypto.public_key_of(new_key)
    nonce = "ab" * 16
    forged = crypto.sign(
        crypto.new_private_key(), crypto.rotation_message(node.code, public, nonce)
    )
    refused = node.post("/api/sync/rotate", {"public_key": public, "nonce": nonce, "proof": forged})
    assert (refused.status_code, node.data(refused)["code"]) == (401, "bad_signature")
    malformed = node.post("/api/sync/rotate", {"public_key": "zz", "nonce": nonce, "proof": ""})
    assert (malformed.status_code, node.data(malformed)["code"]) == (400, "malformed")
    assert SyncNode.objects.get(pk=node.code).public_key == before
    proof = crypto.sign(new_key, crypto.rotation_message(node.code, public, nonce))
    done = node.post("/api/sync/rotate", {"public_key": public, "nonce": nonce, "proof": proof})
    assert done.status_code == 200
    assert node.signed(done)
    assert SyncNode.objects.get(pk=node.code).public_key == public
    # The old key no longer speaks for the node.
    stale = node.push(node.batch([], after=0))
    assert (stale.status_code, node.data(stale)["code"]) == (401, "bad_signature")
