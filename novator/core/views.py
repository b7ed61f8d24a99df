from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .jobs import JobRetryError, can_retry, job_retry, jobs_visible_to
from .models import Job


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@never_cache
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(job.as_dict())
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job, "can_retry": can_retry(job)})


@login_required
@require_POST
def job_retry_view(request: HttpRequest, pk: str) -> HttpResponse:
    """Run a failed job again; its page shows the new progress."""
    try:
        job_retry(actor=request.user, job_id=pk)
    except Job.DoesNotExist:
        raise Http404 from None
    except JobRetryError:
        messages.error(request, _("Only a failed job can be run again, and this one cannot."))
    else:
        messages.success(request, _("The job is queued again."))
    return redirect("core:job_detail", pk=pk)
