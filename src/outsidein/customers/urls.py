from django.urls import path

from outsidein.core.crud import resource_urls
from outsidein.customers import views

urlpatterns = [
    path("accounts/search/", views.account_search, name="account-search"),
    path("persons/search/", views.person_search, name="person-search"),
    path("accounts/import/", views.import_csv, {"kind": "accounts"}, name="account-import"),
    path("persons/import/", views.import_csv, {"kind": "persons"}, name="person-import"),
    path("accounts/import/<int:import_id>/", views.import_detail, {"kind": "accounts"}, name="account-import-detail"),
    path("accounts/import/<int:import_id>/progress/", views.import_progress, {"kind": "accounts"},
         name="account-import-progress"),
    path("persons/import/<int:import_id>/", views.import_detail, {"kind": "persons"}, name="person-import-detail"),
    path("persons/import/<int:import_id>/progress/", views.import_progress, {"kind": "persons"},
         name="person-import-progress"),
    *resource_urls(views.segments),
    *resource_urls(views.accounts),
    *resource_urls(views.persons),
    *resource_urls(views.competitors),
    *resource_urls(views.products),
]
