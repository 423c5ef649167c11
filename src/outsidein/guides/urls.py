from django.urls import path

from outsidein.guides import views

urlpatterns = [
    path("guides/", views.guide_list, name="guide-list"),
    path("guides/new/", views.guide_create, name="guide-create"),
    path("guides/<int:guide_id>/", views.guide_detail, name="guide-detail"),
    path("guides/<int:guide_id>/edit/", views.guide_edit, name="guide-edit"),
    path("guides/<int:guide_id>/delete/", views.guide_delete, name="guide-delete"),
    path("guides/<int:guide_id>/questions/", views.question_add, name="guide-question-add"),
    path("guides/questions/<int:question_id>/move/", views.question_move, name="guide-question-move"),
    path("guides/questions/<int:question_id>/delete/", views.question_delete, name="guide-question-delete"),
    path("questions/", views.bank_list, name="bank-list"),
    path("coach/", views.coach_page, name="coach"),
    path("coach/check/", views.coach_check, name="coach-check"),
    path("conversations/<int:conversation_id>/interview/", views.interview, name="interview"),
    path("conversations/<int:conversation_id>/interview/<int:question_id>/asked/", views.interview_asked,
         name="interview-asked"),
    path("conversations/<int:conversation_id>/interview/<int:question_id>/answer/", views.interview_answer,
         name="interview-answer"),
]
