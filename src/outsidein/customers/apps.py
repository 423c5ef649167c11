from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "outsidein.customers"
    verbose_name = "Customers"
