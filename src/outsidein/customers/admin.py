from django.contrib import admin

from outsidein.customers.models import Account, Competitor, Person, Product, Segment


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["name"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "segment", "tier", "annual_revenue", "workspace"]
    list_filter = ["workspace", "tier"]
    search_fields = ["name", "external_id"]
    list_select_related = ["segment", "workspace"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "account", "role", "workspace"]
    list_filter = ["workspace", "role"]
    search_fields = ["name", "email"]
    list_select_related = ["account", "workspace"]


@admin.register(Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    list_display = ["name", "competitor_class", "workspace"]
    search_fields = ["name", "aliases"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "product_class", "workspace"]
    search_fields = ["name"]
