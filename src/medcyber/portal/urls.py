from django.urls import path

from . import (
    editor_views,
    page_cache,
    practice_editor_views,
    practice_views,
    registration_views,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/pdf/", views.journal_pdf, name="journal_pdf"),
    path("images/<int:pk>/", views.image, name="image"),
    path("search/", views.search, name="search"),
    path("language/", page_cache.switch_language, name="language"),
    path("feed/", views.news_feed, name="feed"),
    path("register/", registration_views.signup, name="signup"),
    path(
        "facilities/<int:pk>/staff/",
        registration_views.facility_staff,
        name="facility_staff",
    ),
    path("texts/", practice_views.book_list, name="books"),
    path("texts/<int:pk>/", practice_views.book_detail, name="book"),
    path("texts/chapters/<int:pk>/", practice_views.chapter_detail, name="chapter"),
    path("texts/chapters/<int:pk>/pdf/", practice_views.chapter_pdf, name="chapter_pdf"),
    path(
        "facilities/<int:pk>/quiz-results/",
        practice_views.quiz_results,
        name="quiz_results",
    ),
    path("editor/", editor_views.item_list, name="editor_list"),
    path("editor/texts/", practice_editor_views.book_list, name="editor_texts"),
    path(
        "editor/texts/<int:pk>/chapters/new/",
        practice_editor_views.chapter_new,
        name="editor_chapter_new",
    ),
    path(
        "editor/texts/chapters/<int:pk>/",
        practice_editor_views.chapter_edit,
        name="editor_chapter",
    ),
    path(
        "editor/texts/chapters/<int:pk>/versions/",
        practice_editor_views.chapter_versions,
        name="editor_chapter_versions",
    ),
    path("editor/new/<str:kind>/", editor_views.item_new, name="editor_new"),
    path("editor/<int:pk>/", editor_views.item_edit, name="editor_edit"),
    path("editor/<int:pk>/versions/", editor_views.item_versions, name="editor_versions"),
    path("editor/<int:pk>/images/", editor_views.image_upload, name="editor_image"),
    path("editor/<int:pk>/<str:action>/", editor_views.item_action, name="editor_action"),
    path("editor/alerts/new/", editor_views.alert_new, name="alert_new"),
    path("editor/alerts/", editor_views.alert_list, name="alert_list"),
    path("editor/alerts/<int:pk>/", editor_views.alert_draft, name="alert_draft"),
    path("editor/alerts/<int:pk>/end/", editor_views.alert_end, name="alert_end"),
]
