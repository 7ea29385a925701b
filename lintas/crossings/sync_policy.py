"""What a post node may write of crossings, as the registration services would.

A node registers the crossings of its own post (``crossing_register``) and extends a
border-pass holder's stay (``plb_stay_extend``), its market visits
(``market_visit_register`` and the check-out), crossing groups and KILB cards; it corrects
a known document's dates. The hub checks each against the same rules.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lintas.accounts.roles import Capability
from lintas.crossings import rules
from lintas.crossings.kilb import KILB_AGENCIES
from lintas.crossings.models import (
    Crossing,
    CrossingGroup,
    Direction,
    DocumentKind,
    KilbCard,
    Outcome,
    RefusalReason,
    TravelDocument,
    Traveller,
)
from lintas.places.models import EntryPoint
from lintas.sync.policy import NodeContext, NodePolicy, NodeWrite, refuse
from lintas.sync.registry import SyncSpec, register


def _crossing_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    """Entry point of the post; the document, card and outbound of the same traveller."""
    entry_points = ctx.rows(EntryPoint, [w.value("entry_point_id") for w in writes])
    documents = ctx.rows(TravelDocument, [w.value("document_id") for w in writes])
    cards = ctx.rows(KilbCard, [w.value("kilb_id") for w in writes])
    outbound = ctx.rows(Crossing, [w.value("outbound_id") for w in writes])
    groups = ctx.rows(CrossingGroup, [w.value("group_id") for w in writes])
    for w in writes:
        if w.value("direction") not in Direction.values:
            raise refuse(w, "direction", _("Unknown direction."))
        outcome, reason = w.value("outcome"), w.value("refusal_reason")
        if outcome not in Outcome.values or (
            (reason in RefusalReason.values) != (outcome == Outcome.REFUSED)
        ):
            raise refuse(w, "outcome", _("A refusal needs its reason, and only a refusal has one."))
        point = entry_points.get(str(w.value("entry_point_id")))
        if point is None or str(getattr(point, "post_id", "")) != str(ctx.post_id):
            raise refuse(w, "entry_point", _("The entry point is not one of this post's."))
        traveller = str(w.value("traveller_id"))
        document = documents.get(str(w.value("document_id")))
        if document is None or str(getattr(document, "traveller_id", "")) != traveller:
            raise refuse(w, "document", _("The document is not the traveller's."))
        extended_to = w.value("stay_extended_to")
        if extended_to is not None and (
            not isinstance(extended_to, int)
            or rules.plb_stay_problem(extended_to)
            or w.value("direction") != Direction.OUTBOUND
            or outcome != Outcome.CROSSED
            or getattr(document, "kind", "") != DocumentKind.PLB
            or not str(w.value("stay_extension_reason") or "").strip()
        ):
            message = _("Only a border-pass holder's exit has a stay to extend, with a reason.")
            raise refuse(w, "stay", message)
        card_id = w.value("kilb_id")
        if card_id is not None:
            card = cards.get(str(card_id))
            if card is None or str(getattr(card, "holder_id", "")) != traveller:
                raise refuse(w, "kilb", _("The KILB card is not the traveller's."))
        out_id = w.value("outbound_id")
        if out_id is not None:
            out = outbound.get(str(out_id))
            if (
                out is None
                or str(getattr(out, "traveller_id", "")) != traveller
                or getattr(out, "direction", "") != Direction.OUTBOUND
                or getattr(out, "outcome", "") != Outcome.CROSSED
            ):
                raise refuse(w, "outbound", _("The outbound crossing is not the traveller's."))
        group_id = w.value("group_id")
        if group_id is not None:
            group = groups.get(str(group_id))
            if group is None or str(getattr(group, "post_id", "")) != str(ctx.post_id):
                raise refuse(w, "group", _("The group belongs to another post."))


def _document_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    """A document stays with its traveller; a node's travellers are its own records."""
    travellers = ctx.rows(Traveller, [w.value("traveller_id") for w in writes])
    for w in writes:
        traveller = travellers.get(str(w.value("traveller_id")))
        if traveller is None or getattr(traveller, "origin", "") != ctx.node:
            raise refuse(w, "traveller", _("The traveller was not registered at this node."))


def _kilb_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    """A card for the holder of the border pass it names, issued by customs or the post."""
    passes = ctx.rows(TravelDocument, [w.value("plb_id") for w in writes])
    for w in writes:
        plb = passes.get(str(w.value("plb_id")))
        if (
            plb is None
            or getattr(plb, "kind", "") != DocumentKind.PLB
            or str(getattr(plb, "traveller_id", "")) != str(w.value("holder_id"))
        ):
            raise refuse(w, "plb", _("The card's holder does not hold this border pass."))
        officer = ctx.officer(w.value("created_by_id"))
        if officer is None or officer.agency.type not in KILB_AGENCIES:
            raise refuse(
                w, "agency", _("Only customs or the border post authority issue KILB cards.")
            )


def register_policies() -> None:
    for spec in (
        SyncSpec(
            "crossings.traveller",
            NodePolicy(create=True, capability=Capability.REGISTER_CROSSING),
        ),
        SyncSpec(
            "crossings.traveldocument",
            NodePolicy(
                create=True,
                change=frozenset({"expiry_date", "issued_on"}),
                capability=Capability.REGISTER_CROSSING,
                rules=(_document_rules,),
            ),
        ),
        SyncSpec(
            "crossings.crossinggroup",
            NodePolicy(create=True, capability=Capability.REGISTER_CROSSING, post="post_id"),
        ),
        SyncSpec(
            "crossings.crossing",
            NodePolicy(
                create=True,
                # ``plb_stay_extend``: an officer of the post extends a holder's stay.
                change=frozenset(
                    {"stay_extended_to", "stay_extended_by_id", "stay_extension_reason"}
                ),
                capability=Capability.REGISTER_CROSSING,
                officers={"stay_extended_by_id": Capability.EXTEND_PLB_STAY},
                post="post_id",
                rules=(_crossing_rules,),
            ),
        ),
        SyncSpec(
            "crossings.kilbcard",
            NodePolicy(create=True, capability=Capability.ISSUE_KILB, rules=(_kilb_rules,)),
        ),
        SyncSpec(
            "crossings.marketvisit",
            NodePolicy(
                create=True,
                change=frozenset({"checked_out_at", "checked_out_by_id"}),
                capability=Capability.REGISTER_MARKET_VISIT,
                officers={"checked_out_by_id": Capability.REGISTER_MARKET_VISIT},
                post="post_id",
            ),
        ),
    ):
        register(spec)
