from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, RoleAssignment, User
from .services import email_taken_check


class _UniqueEmail:
    """The admin's user forms refuse an e-mail address another account has (services.email_taken_check)."""

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "").strip()  # type: ignore[attr-defined]
        email_taken_check(email, exclude_pk=self.instance.pk)  # type: ignore[attr-defined]
        return email


class UserChangeFormUniqueEmail(_UniqueEmail, UserChangeForm):
    pass


class UserCreationFormUniqueEmail(_UniqueEmail, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email")


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("region", "municipality", "organization")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeFormUniqueEmail
    add_form = UserCreationFormUniqueEmail
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Middle name"), {"fields": ("middle_name",)}),
    )
    list_display = ("username", "last_name", "first_name", "email", "is_active", "is_superuser")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Users' API tokens (only the beginning of each key is stored in clear); an administrator can revoke
    (delete) one."""

    list_display = ("user", "prefix", "name", "created", "last_used_at")
    search_fields = ("user__username", "prefix", "name")
    raw_id_fields = ("user",)
    fields = ("user", "prefix", "name", "created", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
