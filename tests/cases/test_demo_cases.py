from __future__ import annotations

import pytest
from django.utils import timezone

from lintas.accounts.demo import demo_accounts_seed
from lintas.cases.demo import demo_cases_seed
from lintas.cases.models import Case, FollowUp, Referral, Tip

pytestmark = pytest.mark.django_db


def test_demo_reporting_data_shows_the_states(reference: None) -> None:
    demo_accounts_seed()
    counts = demo_cases_seed()
    assert counts["tips"] == 5
    assert set(Tip.objects.values_list("status", flat=True)) == {
        "new",
        "verified",
        "merged",
        "linked",
        "closed",
    }
    assert set(Case.objects.values_list("status", flat=True)) == {"Active", "FollowUp", "Closed"}
    assert set(Referral.objects.values_list("status", flat=True)) == {
        "pending",
        "accepted",
        "rejected",
    }
    today = timezone.localdate()
    assert FollowUp.objects.exclude(done_on=None).count() == 1
    assert FollowUp.objects.filter(done_on=None, due_on__lt=today).count() == 1
    assert FollowUp.objects.filter(done_on=None, due_on__gte=today).count() == 2
    assert demo_cases_seed() == {"tips": 0, "cases": 0}
