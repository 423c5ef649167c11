from django.urls import path

from outsidein.insights import views

urlpatterns = [
    path("voice/", views.scores_page, name="voice-scores"),
    path("voice/themes/", views.theme_list, name="theme-list"),
    path("voice/themes/run/", views.theme_run, name="theme-run"),
    path("voice/themes/assign/", views.theme_assign, name="theme-assign"),
    path("voice/themes/<int:theme_id>/", views.theme_detail, name="theme-detail"),
    path("voice/themes/<int:theme_id>/rename/", views.theme_rename, name="theme-rename"),
    path("voice/themes/<int:theme_id>/merge/", views.theme_merge, name="theme-merge"),
    path("voice/themes/<int:theme_id>/split/", views.theme_split, name="theme-split"),
    path("voice/key-drivers/", views.driver_analysis_list, name="driver-analysis-list"),
    path("voice/key-drivers/<int:analysis_id>/", views.driver_analysis_detail, name="driver-analysis-detail"),
    path("voice/pain/", views.pain_list, name="pain-list"),
    path("voice/pain/initiative/", views.pain_initiative, name="pain-initiative"),
]
