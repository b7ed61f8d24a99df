from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "novator.library"
    label = "library"
    verbose_name = _("Library of methodological products")

    def ready(self) -> None:
        from novator.organizations.services import PUBLISHED_NAME_HOOKS

        from .services import on_published_name_changed

        # A withdrawn consent to publication takes the author's name out of the search index at once.
        if on_published_name_changed not in PUBLISHED_NAME_HOOKS:
            PUBLISHED_NAME_HOOKS.append(on_published_name_changed)
