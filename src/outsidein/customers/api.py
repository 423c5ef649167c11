from decimal import Decimal

from ninja import Field, Schema
from pydantic import field_validator

from outsidein.api.crud import add_crud
from outsidein.api.inputs import InputFilters, InputSchema
from outsidein.api.routing import Router
from outsidein.core.money import currency_of
from outsidein.customers import services
from outsidein.customers.models import Account, Competitor, Person, PersonRole, Product, Segment, Tier
from outsidein.workspaces.models import User

router = Router()


class SegmentIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    description: str = ""


class SegmentPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = None


class SegmentOut(Schema):
    id: int
    name: str
    description: str


class SegmentFilter(InputFilters):
    q: str | None = None


class _BlankTier(InputSchema):
    """The tier column holds "" for "no tier", never NULL: accept "" and null, store ""."""

    @field_validator("tier", mode="before", check_fields=False)
    @classmethod
    def _blank_tier_is_none(cls, value):
        return None if value == "" else value

    @field_validator("tier", check_fields=False)
    @classmethod
    def _no_tier_is_blank(cls, value):
        return value or ""


class AccountIn(_BlankTier):
    name: str = Field(min_length=1, max_length=200)
    segment_id: int | None = None
    annual_revenue: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    tier: Tier | None = Field(None, validate_default=True)
    account_manager_id: int | None = None
    external_id: str = ""
    website: str = ""
    notes: str = ""


class AccountPatch(_BlankTier):
    name: str | None = Field(None, min_length=1, max_length=200)
    segment_id: int | None = None
    annual_revenue: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    tier: Tier | None = None
    account_manager_id: int | None = None
    external_id: str | None = None
    website: str | None = None
    notes: str | None = None


class AccountOut(Schema):
    id: int
    name: str
    segment_id: int | None
    segment_name: str | None = Field(None, alias="segment.name")
    annual_revenue: Decimal | None
    currency: str = Field("USD", description="ISO 4217 code of annual_revenue: the workspace's currency.")
    tier: str
    account_manager_id: int | None
    external_id: str
    website: str
    notes: str

    @staticmethod
    def resolve_currency(obj, context) -> str:
        return currency_of(context["request"].workspace)


class AccountFilter(InputFilters):
    q: str | None = None
    segment_id: int | None = None
    tier: Tier | None = None


class PersonIn(InputSchema):
    name: str = Field(min_length=1, max_length=150)
    email: str = ""
    title: str = ""
    account_id: int | None = None
    role: PersonRole = PersonRole.END_USER
    external_id: str = ""
    notes: str = ""


class PersonPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=150)
    email: str | None = None
    title: str | None = None
    account_id: int | None = None
    role: PersonRole | None = None
    external_id: str | None = None
    notes: str | None = None


class PersonOut(Schema):
    id: int
    name: str
    email: str
    title: str
    account_id: int | None
    role: str
    external_id: str
    notes: str


class PersonFilter(InputFilters):
    q: str | None = None
    account_id: int | None = None
    role: PersonRole | None = None


class CompetitorIn(InputSchema):
    name: str = Field(min_length=1, max_length=150)
    aliases: str = ""
    competitor_class: str = ""
    notes: str = ""


class CompetitorPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=150)
    aliases: str | None = None
    competitor_class: str | None = None
    notes: str | None = None


class CompetitorOut(Schema):
    id: int
    name: str
    aliases: str
    competitor_class: str
    notes: str


class CompetitorFilter(InputFilters):
    q: str | None = None


class ProductIn(InputSchema):
    name: str = Field(min_length=1, max_length=150)
    product_class: str = ""
    target_segment_ids: list[int] = []
    non_target_segment_ids: list[int] = []
    go_to_market: str = ""


class ProductPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=150)
    product_class: str | None = None
    target_segment_ids: list[int] | None = None
    non_target_segment_ids: list[int] | None = None
    go_to_market: str | None = None


class ProductOut(Schema):
    id: int
    name: str
    product_class: str
    target_segment_ids: list[int]
    non_target_segment_ids: list[int]
    go_to_market: str

    @staticmethod
    def resolve_target_segment_ids(obj: Product) -> list[int]:
        return [s.pk for s in obj.target_segments.all()]

    @staticmethod
    def resolve_non_target_segment_ids(obj: Product) -> list[int]:
        return [s.pk for s in obj.non_target_segments.all()]


class ProductFilter(InputFilters):
    q: str | None = None


add_crud(router, path="segments", model=Segment, schema_in=SegmentIn, schema_patch=SegmentPatch,
         schema_out=SegmentOut, filters=SegmentFilter, search_fields=["name", "description"])
add_crud(router, path="accounts", model=Account, schema_in=AccountIn, schema_patch=AccountPatch,
         schema_out=AccountOut, filters=AccountFilter, search_fields=["name", "external_id", "notes"],
         refs={"segment_id": Segment, "account_manager_id": User}, select_related=["segment"])
add_crud(router, path="persons", model=Person, schema_in=PersonIn, schema_patch=PersonPatch,
         schema_out=PersonOut, filters=PersonFilter, search_fields=["name", "email", "title"],
         refs={"account_id": Account})
add_crud(router, path="competitors", model=Competitor, schema_in=CompetitorIn, schema_patch=CompetitorPatch,
         schema_out=CompetitorOut, filters=CompetitorFilter, search_fields=["name", "aliases"])
add_crud(router, path="products", model=Product, schema_in=ProductIn, schema_patch=ProductPatch,
         schema_out=ProductOut, filters=ProductFilter, search_fields=["name", "product_class", "go_to_market"],
         refs={"target_segment_ids": Segment, "non_target_segment_ids": Segment},
         create=services.create_product, update=services.update_product,
         prefetch_related=["target_segments", "non_target_segments"])
