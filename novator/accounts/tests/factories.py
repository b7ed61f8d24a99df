from __future__ import annotations

import factory

from novator.accounts.models import Role, RoleAssignment, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Ольга"
    last_name = "Смирнова"
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-1")

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()  # type: ignore[attr-defined]


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.EXPERT


def api_token_for(user: User, name: str = "") -> str:
    """A fresh API token's key for ``user`` (as ``POST /api/v1/auth/token/`` would issue it)."""
    from novator.accounts.services import api_token_issue

    return api_token_issue(user=user, name=name)[1]
