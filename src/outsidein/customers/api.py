from ninja import Field
from pydantic import field_validator

from outsidein.api.crud import add_crud
from outsidein.api.inputs import InputFilters
from outsidein.api.model_schemas import ModelInput, ModelOutput, crud_schemas
from outsidein.api.routing import Router
from outsidein.core.money import currency_of
from outsidein.customers import services
from outsidein.customers.models import Account, Competitor, Person, PersonRole, Product, Segment, Tier
from outsidein.workspaces.models import User

router = Router()


SegmentIn, SegmentPatch, SegmentOut = crud_schemas(Segment, ["name", "description"])


class SegmentFilter(InputFilters):
    q: str | None = None


class _BlankTier(ModelInput):
    """The tier column holds "" for "no tier", never NULL: accept "" and null, store ""."""

    @field_validator("tier", mode="before", check_fields=False)
    @classmethod
    def _blank_tier_is_none(cls, value):
        return None if value == "" else value

    @field_validator("tier", check_fields=False)
    @classmethod
    def _no_tier_is_blank(cls, value):
        return value or ""


ACCOUNT_FIELDS = ["name", "segment_id", "annual_revenue", "tier", "account_manager_id", "external_id", "website",
                  "notes"]
# The model does not bound revenue; the API, like the import, refuses a negative one.
ACCOUNT_BOUNDS = {"annual_revenue": {"ge": 0}}


class AccountIn(_BlankTier, model=Account, fields=ACCOUNT_FIELDS, bounds=ACCOUNT_BOUNDS):
    # "No tier" is "", which is no member of Tier: null stands for it here (see _BlankTier).
    tier: Tier | None = Field(None, validate_default=True)


class AccountPatch(_BlankTier, model=Account, fields=ACCOUNT_FIELDS, bounds=ACCOUNT_BOUNDS, optional=True):
    tier: Tier | None = None


ACCOUNT_OUT_FIELDS = ["id", "name", "segment_id", "segment_name", "annual_revenue", "currency", "tier",
                      "account_manager_id", "external_id", "website", "notes"]


class AccountOut(ModelOutput, model=Account, fields=ACCOUNT_OUT_FIELDS):
    segment_name: str | None = Field(None, alias="segment.name")  # read through the relation
    currency: str = Field("USD", description="ISO 4217 code of annual_revenue: the workspace's currency.")

    @staticmethod
    def resolve_currency(obj, context) -> str:
        return currency_of(context["request"].workspace)


class AccountFilter(InputFilters):
    q: str | None = None
    segment_id: int | None = None
    tier: Tier | None = None


PERSON_FIELDS = ["name", "email", "title", "account_id", "role", "external_id", "notes"]


PersonIn, PersonPatch, PersonOut = crud_schemas(Person, PERSON_FIELDS)


class PersonFilter(InputFilters):
    q: str | None = None
    account_id: int | None = None
    role: PersonRole | None = None


COMPETITOR_FIELDS = ["name", "aliases", "competitor_class", "notes"]


CompetitorIn, CompetitorPatch, CompetitorOut = crud_schemas(Competitor, COMPETITOR_FIELDS)


class CompetitorFilter(InputFilters):
    q: str | None = None


# The segments are many-to-many relations, sent and read as lists of ids.
PRODUCT_FIELDS = ["name", "product_class", "target_segment_ids", "non_target_segment_ids", "go_to_market"]


class ProductIn(ModelInput, model=Product, fields=PRODUCT_FIELDS):
    target_segment_ids: list[int] = []
    non_target_segment_ids: list[int] = []


class ProductPatch(ModelInput, model=Product, fields=PRODUCT_FIELDS, optional=True):
    target_segment_ids: list[int] | None = None
    non_target_segment_ids: list[int] | None = None


class ProductOut(ModelOutput, model=Product, fields=["id", *PRODUCT_FIELDS]):
    target_segment_ids: list[int]
    non_target_segment_ids: list[int]

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
