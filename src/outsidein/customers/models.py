"""Who the customers are (segments, accounts, persons) and the marketplace (competitors, products)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from outsidein.core.imports.rows import ImportJob
from outsidein.core.scoping import WorkspaceOwned


class Segment(WorkspaceOwned):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_segment_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("segment-detail", kwargs={"ws": self.workspace.slug, "segment_id": self.pk})


class Tier(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    KEY = "key", "Key"
    GROWTH = "growth", "Growth"
    STANDARD = "standard", "Standard"


class Account(WorkspaceOwned):
    """A customer organisation."""

    name = models.CharField(max_length=200)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The id in your CRM; imports match on it so they can be re-run."
    )
    segment = models.ForeignKey(Segment, on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts")
    annual_revenue = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="What this customer pays us a year (ARR)."
    )
    tier = models.CharField(max_length=12, choices=Tier.choices, blank=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="managed_accounts"
    )
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_account_external_id",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("account-detail", kwargs={"ws": self.workspace.slug, "account_id": self.pk})


class PersonRole(models.TextChoices):
    BUYER = "buyer", "Buyer"
    END_USER = "end_user", "End user"
    INTERNAL = "internal", "Internal customer"


class Person(WorkspaceOwned):
    """A contact at an account, or an internal customer served by the team."""

    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    title = models.CharField(max_length=150, blank=True)
    account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="persons")
    role = models.CharField(max_length=10, choices=PersonRole.choices, default=PersonRole.END_USER)
    external_id = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "persons"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"], condition=~models.Q(email=""), name="unique_person_email"
            ),
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_person_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("person-detail", kwargs={"ws": self.workspace.slug, "person_id": self.pk})

    @property
    def picker_label(self) -> str:
        """The name with the account, which tells two people of the same name apart in a picker."""
        return f"{self.name} ({self.account})" if self.account_id else self.name


class Competitor(WorkspaceOwned):
    name = models.CharField(max_length=150)
    aliases = models.CharField(
        max_length=300, blank=True, help_text="Other names customers use, separated by commas."
    )
    competitor_class = models.CharField(
        "class", max_length=100, blank=True, help_text="e.g. direct, substitute, in-house tool."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_competitor_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split(",") if a.strip()]

    def get_absolute_url(self) -> str:
        return reverse("competitor-detail", kwargs={"ws": self.workspace.slug, "competitor_id": self.pk})


class Product(WorkspaceOwned):
    name = models.CharField(max_length=150)
    product_class = models.CharField("class", max_length=100, blank=True)
    target_segments = models.ManyToManyField(Segment, blank=True, related_name="target_products")
    non_target_segments = models.ManyToManyField(
        Segment, blank=True, related_name="non_target_products", help_text="Segments this product is not for."
    )
    go_to_market = models.TextField("go-to-market notes", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_product_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("product-detail", kwargs={"ws": self.workspace.slug, "product_id": self.pk})


class AccountImport(WorkspaceOwned, ImportJob):
    """One CSV of accounts or persons through the import (a background job), with its progress and outcome."""

    class Kind(models.TextChoices):
        ACCOUNTS = "accounts", "Accounts"
        PERSONS = "persons", "Persons"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.file_name}"

    def get_absolute_url(self) -> str:
        name = "account-import-detail" if self.kind == self.Kind.ACCOUNTS else "person-import-detail"
        return reverse(name, kwargs={"ws": self.workspace.slug, "import_id": self.pk})

    def summary(self) -> str:
        return (f"{self.rows_created} created, {self.rows_updated} updated, {self.rows_unchanged} unchanged, "
                f"{self.rows_rejected} rejected")
