from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "novator.synthetic"
    verbose_name = "Synthetic data"
