"""Travellers, their travel documents, crossings at the posts, and market-day visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lintas.common.models import LintasModel, LintasQuerySet
from lintas.places.models import District, EntryPoint, Post, Village


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNSPECIFIED = "X", _("Unspecified")


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("ID card with MRZ")
    VISA = "visa", _("Visa")
    PLB = "plb", _("Border pass (PLB)")
    KTP = "ktp", _("Indonesian ID card (KTP)")


class Direction(models.TextChoices):
    OUTBOUND = "out", _("Leaving Indonesia")
    INBOUND = "in", _("Entering Indonesia")


class Outcome(models.TextChoices):
    CROSSED = "crossed", _("Crossed")
    REFUSED = "refused", _("Refused")


class RefusalReason(models.TextChoices):
    """Why an officer refused entry or exit; recorded with the refused crossing."""

    EXPIRED_DOCUMENT = "expired_document", _("Document expired or not valid")
    NO_PLB_FOR_POST = "no_plb_for_post", _("Border pass not valid at this post")
    SUSPECTED_TRAFFICKING = "suspected_trafficking", _("Suspected trafficking")
    NO_PLACEMENT_PAPERS = "no_placement_papers", _("Migrant worker without placement papers")
    OTHER = "other", _("Other reason (in the notes)")


class Purpose(models.TextChoices):
    FAMILY = "family", _("Family visit")
    TRADE = "trade", _("Trade")
    WORK = "work", _("Work")
    STUDY = "study", _("Study")
    TOURISM = "tourism", _("Tourism")
    MARKET = "market", _("Market")
    OTHER = "other", _("Other")


class Traveller(LintasModel):
    """A person who crosses; found again by document number at the next crossing."""

    surname = models.CharField(max_length=100, blank=True)
    given_names = models.CharField(max_length=150, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNSPECIFIED)
    birth_date = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3)
    residence_district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    residence_village = models.ForeignKey(
        Village, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LintasQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["surname", "given_names"], name="traveller_name_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.surname) if part)


class TravelDocument(LintasModel):
    """A passport, ID card, visa, border pass or KTP, as presented at a desk."""

    traveller = models.ForeignKey(Traveller, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    number = models.CharField(max_length=30)
    issuing_state = models.CharField(max_length=3)
    issued_on = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    issuing_office = models.CharField(max_length=100, blank=True)
    mrz_format = models.CharField(max_length=4, blank=True)

    objects = LintasQuerySet.as_manager()

    class Meta:
        # Unique per node that recorded it: two offline posts may each meet the same
        # passport first, and both records must reach the hub.
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "kind", "issuing_state", "number"],
                name="document_number_origin_unique",
            )
        ]
        indexes = [models.Index(fields=["number"], name="document_number_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issuing_state} {self.number}"


class CrossingGroup(LintasModel):
    """Travellers registered together: a bus, a family, a group with one escort."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.label or str(self.pk)


class Crossing(LintasModel):
    """One person passing one post in one direction."""

    traveller = models.ForeignKey(Traveller, on_delete=models.PROTECT, related_name="crossings")
    document = models.ForeignKey(TravelDocument, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    entry_point = models.ForeignKey(EntryPoint, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    # A refusal of entry or exit is a crossing too: counted and screened like the rest,
    # but the traveller stayed on the side they came from.
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.CROSSED)
    refusal_reason = models.CharField(max_length=24, choices=RefusalReason.choices, blank=True)
    crossed_at = models.DateTimeField()
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    destination = models.CharField(max_length=150, blank=True)
    employer_name = models.CharField(max_length=150, blank=True)
    recruiter_name = models.CharField(max_length=150, blank=True)
    placement_agency_licence = models.CharField(max_length=60, blank=True)
    group = models.ForeignKey(
        CrossingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="crossings"
    )
    goods_value_idr = models.PositiveBigIntegerField(null=True, blank=True)
    kilb = models.ForeignKey(
        "KilbCard", null=True, blank=True, on_delete=models.PROTECT, related_name="crossings"
    )
    outbound = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an inbound crossing: the traveller's last outbound one"),
    )
    document_problems = models.JSONField(default=list, blank=True)
    # Why a document that fails a rule (an expired passport) was accepted all the same.
    document_reason = models.CharField(max_length=200, blank=True)
    # What the officer saw or heard at the desk (codes from screening.facts.OBSERVATIONS).
    observations = models.JSONField(default=list, blank=True)
    sponsor_phone = models.CharField(max_length=16, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    # A border-pass holder's stay abroad extended from 10 days to this many (at most 30).
    stay_extended_to = models.PositiveSmallIntegerField(null=True, blank=True)
    stay_extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stay_extension_reason = models.CharField(max_length=200, blank=True)

    objects = LintasQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["post", "crossed_at"], name="crossing_post_time_idx"),
            models.Index(fields=["traveller", "crossed_at"], name="crossing_traveller_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.post_id} {self.crossed_at:%Y-%m-%d %H:%M}"


class PlbDistrictStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    PENDING = "pending", _("Decision pending")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class PlbDistrict(models.Model):
    """An Indonesian district whose residents may (or may not) hold a border pass."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, primary_key=True)
    status = models.CharField(max_length=12, choices=PlbDistrictStatus.choices)
    split_from = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.district_id} {self.status}"


class PlbDestination(models.Model):
    """A Timor-Leste sub-district where a border pass is valid."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=60)
    municipality = models.CharField(max_length=60)

    class Meta:
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"


class PostPlbPolicy(models.Model):
    """Whether a post currently accepts border passes (Motamasin has not since 2020)."""

    post = models.OneToOneField(Post, on_delete=models.PROTECT, primary_key=True)
    accepts_plb = models.BooleanField(default=True)
    since = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.post_id} accepts_plb={self.accepts_plb}"


class KilbCard(LintasModel):
    """Kartu Identitas Lintas Batas: the customs card for a border crosser's goods."""

    number = models.CharField(max_length=30, unique=True)
    holder = models.ForeignKey(Traveller, on_delete=models.PROTECT, related_name="kilb_cards")
    plb = models.ForeignKey(TravelDocument, on_delete=models.PROTECT, related_name="+")
    monthly_limit_idr = models.PositiveBigIntegerField()
    expiry_date = models.DateField()

    def __str__(self) -> str:
        return self.number


class MarketVisit(LintasModel):
    """A Timor-Leste resident entering the border market area without a passport."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    visit_number = models.CharField(max_length=20, unique=True)
    full_name = models.CharField(max_length=150)
    origin_village = models.CharField(max_length=100)
    id_number = models.CharField(max_length=30, blank=True)
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LintasQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["post", "checked_in_at"], name="market_post_time_idx")]

    def __str__(self) -> str:
        return self.visit_number
