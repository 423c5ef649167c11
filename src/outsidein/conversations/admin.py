from django.contrib import admin

from outsidein.conversations.models import Conversation, Highlight, Tag


class HighlightInline(admin.TabularInline):
    model = Highlight
    extra = 0
    fields = ["kind", "text", "person"]
    raw_id_fields = ["person"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "occurred_at", "workspace"]
    list_filter = ["workspace", "kind", "status"]
    search_fields = ["notes", "title"]
    date_hierarchy = "occurred_at"
    raw_id_fields = ["account", "persons"]
    inlines = [HighlightInline]


@admin.register(Highlight)
class HighlightAdmin(admin.ModelAdmin):
    list_display = ["kind", "text", "workspace", "created_at"]
    list_filter = ["workspace", "kind"]
    search_fields = ["text"]
    raw_id_fields = ["conversation", "person", "competitor"]


admin.site.register(Tag)
