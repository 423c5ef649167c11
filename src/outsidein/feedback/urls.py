from django.urls import path

from outsidein.feedback import views

urlpatterns = [
    path("voice/feedback/", views.feedback_list, name="feedback-list"),
    path("voice/feedback/export.csv", views.feedback_export, name="feedback-export"),
    path("voice/feedback/<int:feedback_id>/", views.feedback_detail, name="feedback-detail"),
    path("voice/imports/", views.import_list, name="feedback-import-list"),
    path("voice/imports/<int:batch_id>/", views.import_detail, name="feedback-import-detail"),
    path("voice/imports/<int:batch_id>/map/", views.import_map, name="feedback-import-map"),
    path("voice/imports/<int:batch_id>/progress/", views.import_progress, name="feedback-import-progress"),
    path("voice/imports/<int:batch_id>/rejected.csv", views.import_rejected, name="feedback-import-rejected"),
]
