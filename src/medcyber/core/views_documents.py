"""Downloads of stored documents: the only way a person gets a file's bytes back."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import audit
from .documents import open_document
from .models import StoredDocument


@require_GET
@login_required
@never_cache
def document_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        document = StoredDocument.objects.visible_to(request.user).get(public_id=public_id)
    except StoredDocument.DoesNotExist:
        raise Http404 from None
    data = open_document(document)
    audit.record_view(document, action="core.document.download")
    response = HttpResponse(data, content_type=document.content_type)
    # Always a download, never rendered in our origin: an uploaded HTML or SVG can't run.
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=document.original_name)
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
