from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "outsidein.site"
    # "site" alone reads like django.contrib.sites' and is easy to clash with; the label names the product's.
    label = "outsidein_site"
    verbose_name = "Outside-In site"
