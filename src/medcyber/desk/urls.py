"""The desk's screens: operators under /desk/, members' consultations under /consultations/."""

from django.urls import path

from . import member_views, views

app_name = "desk"

urlpatterns = [
    path("desk/", views.queue, name="queue"),
    path("desk/intake/", views.phone_intake, name="phone_intake"),
    path("desk/breaches/", views.breaches, name="breaches"),
    path("desk/cases/<int:pk>/", views.case_detail, name="case"),
    path("desk/cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("desk/cases/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("desk/cases/<int:pk>/category/", views.case_recategorise, name="case_recategorise"),
    path("desk/cases/<int:pk>/escalate/", views.case_escalate, name="case_escalate"),
    path("desk/cases/<int:pk>/de-escalate/", views.case_deescalate, name="case_deescalate"),
    path("desk/cases/<int:pk>/note/", views.case_note, name="case_note"),
    path("desk/cases/<int:pk>/message/", views.case_message, name="case_message"),
    path("desk/cases/<int:pk>/caller/", views.case_match, name="case_match"),
    path("desk/cases/<int:pk>/refer/", views.case_refer, name="case_refer"),
    path("desk/cases/<int:pk>/attach/", views.case_attach, name="case_attach"),
    path("desk/referrals/<int:pk>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("desk/partners/", views.partners, name="partners"),
    path("answers/", views.answer_list, name="answers"),
    path("answers/<int:pk>/", views.answer_detail, name="answer"),
    path("consultations/", member_views.my_cases, name="my_cases"),
    path("consultations/new/", member_views.web_intake, name="web_intake"),
    path("consultations/<int:pk>/", member_views.my_case, name="my_case"),
    path("consultations/<int:pk>/reply/", member_views.my_case_reply, name="my_case_reply"),
]
