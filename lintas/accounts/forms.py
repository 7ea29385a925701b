from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.accounts.services import MAX_PASSWORD_LENGTH
from lintas.places.models import Post, Regency


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    current = forms.CharField(
        label=_("Current password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new = forms.CharField(
        label=_("New password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    repeat = forms.CharField(
        label=_("Repeat new password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new") and data.get("repeat") and data["new"] != data["repeat"]:
            self.add_error("repeat", _("The two passwords differ."))
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=60)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.all(), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, agencies: Any, posts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        if agencies.count() == 1:
            field.initial = agencies.first()
        _offer_posts(self, posts)


def _offer_posts(form: forms.Form, posts: Any) -> None:
    """Offer only the posts the granter may grant (the service checks it again)."""
    if posts is None:
        return
    field = form.fields["post"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = posts


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.all(), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, posts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_posts(self, posts)

    @classmethod
    def for_user(cls, user: User, posts: Any = None) -> UserEditForm:
        return cls(
            initial={
                "full_name": user.full_name,
                "role": user.role,
                "post": user.post,
                "is_active": user.is_active,
            },
            posts=posts,
        )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class AgencyCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    code = forms.SlugField(label=_("Code"), max_length=40, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=AgencyType.choices)
    regency = forms.ModelChoiceField(
        label=_("Regency"), queryset=Regency.objects.all(), required=False
    )
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.all(), required=False)
