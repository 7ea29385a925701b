from __future__ import annotations

import pytest

from lintas.common.phones import phone_e164, phone_masked


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+62 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("0812 3456 789", "+628123456789"),
        ("(0380) 821234", "+62380821234"),
        ("+670 7723 4567", "+67077234567"),
        ("00670 77234567", "+67077234567"),
        ("", None),
        ("halo", None),
        ("0812", None),
        ("+62 0812 3456 789", None),
        ("\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10", None),
        ("12345", None),
        ("+6281234567890123456", None),
    ],
)
def test_e164(raw: str, expected: str | None) -> None:
    assert phone_e164(raw) == expected


def test_masked() -> None:
    assert phone_masked("+6281234567890") == "+62812*****890"
    assert phone_masked("+670") == "****"
