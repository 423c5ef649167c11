from django.urls import path

from outsidein.voice import views_insights as views

urlpatterns = [
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/run/", views.theme_run, name="theme-run"),
    path("themes/assign/", views.theme_assign, name="theme-assign"),
    path("themes/<int:theme_id>/", views.theme_detail, name="theme-detail"),
    path("themes/<int:theme_id>/rename/", views.theme_rename, name="theme-rename"),
    path("themes/<int:theme_id>/merge/", views.theme_merge, name="theme-merge"),
    path("themes/<int:theme_id>/split/", views.theme_split, name="theme-split"),
    path("key-drivers/", views.driver_analysis_list, name="driver-analysis-list"),
    path("key-drivers/<int:analysis_id>/", views.driver_analysis_detail, name="driver-analysis-detail"),
    path("pain/", views.pain_list, name="pain-list"),
    path("pain/initiative/", views.pain_initiative, name="pain-initiative"),
]
