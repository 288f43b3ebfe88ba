"""“Ask the desk about this item”: the facility's question page for one checklist item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import queries, rules, services
from .forms import ItemQuestionForm
from .models import ChecklistItem, ItemQuestion
from .questions import QuestionInvalid, ask_desk
from .views import _facility, _version


@login_required
@require_http_methods(["GET", "POST"])
def item_question(request: HttpRequest, pk: int, code: str, year: int, key: str) -> HttpResponse:
    """Facility people ask; association staff answer at the desk, not here (403)."""
    facility = _facility(request, pk)
    version = _version(code, year)
    if not queries.may_edit(request.user):
        raise PermissionDenied
    item = ChecklistItem.objects.filter(version=version, key=key).first()
    if item is None:
        raise Http404
    assessment = queries.facility_and_assessment(request.user, facility.pk, version)[1]
    form = ItemQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = assessment or services.start_assessment(
            facility=facility, version=version, by=request.user
        )
        try:
            question = ask_desk(
                assessment=assessment,
                item=item,
                question=form.cleaned_data["question"],
                caller_phone=form.cleaned_data["caller_phone"],
                by=request.user,
                now=timezone.now(),
            )
        except QuestionInvalid as error:
            form.add_error("question", str(error))
        else:
            messages.success(
                request,
                _(
                    "相談窓口に質問を送りました（受付番号 %(ref)s）。"
                    "回答はこの項目の横に表示されます。"
                )
                % {"ref": question.case.reference},
            )
            target = reverse("guideline:assessment", args=[facility.pk, code, year])
            return redirect(f"{target}#item-{item.key}")
    asked = (
        ItemQuestion.objects.visible_to(request.user)
        .filter(assessment=assessment, item=item)
        .select_related("case")
        if assessment is not None
        else []
    )
    return render(
        request,
        "guideline/item_question.html",
        {
            "facility": facility,
            "version": version,
            "item": item,
            "form": form,
            "asked": asked,
            "year_label": rules.fiscal_year_label(year),
        },
    )
