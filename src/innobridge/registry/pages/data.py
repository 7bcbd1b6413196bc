"""Data work: upload a file for any entity and see accepted and rejected rows with reasons, download
the row-error report, export any list as CSV or XLSX."""

from __future__ import annotations

import csv
import re
import secrets
import tempfile
from pathlib import Path as FsPath

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from innobridge.core.context import Context
from innobridge.core.errors import AppError, FieldError, NotFound
from innobridge.core.http import get_context, get_session, get_uow, require_user
from innobridge.core.i18n import t
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.registry import exporting, files, importing, service
from innobridge.registry.entities import BY_PLURAL, ORDER, SPECS, EntitySpec
from innobridge.web.forms import FORM_ERROR, errors_by_field, field_label
from innobridge.web.lang import request_lang
from innobridge.web.pages.deps import form_data, form_str
from innobridge.web.render import render

router = APIRouter(prefix="/data")
SHOWN_ERRORS = 200
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _reports_dir(ctx: Context) -> FsPath:
    path = ctx.settings.data_dir / "import-reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _entities() -> list[EntitySpec]:
    return [SPECS[n] for n in ORDER]


def _import_form(
    request: Request,
    principal: Principal,
    *,
    errors: dict[str, list[str]] | None = None,
    entity: str = "",
    status_code: int = 200,
) -> Response:
    spec = SPECS.get(entity) if entity else None
    settings = get_context(request).settings
    return render(
        request,
        "registry/data.html",
        principal=principal,
        status_code=status_code,
        title=t("ui.data.title", request_lang(request)),
        entities=_entities(),
        entity=entity,
        errors=errors or {},
        columns=importing.header_aliases(spec) if spec else {},
        may_import="import" in service.allowed_actions(actor=principal),
        limits={
            "rows": f"{settings.import_max_rows:,}",
            "mb": f"{settings.import_max_upload_bytes / 1_000_000:.0f}",
        },
    )


@router.get("")
def data_page(request: Request, entity: str = "", principal: Principal = Depends(require_user)) -> Response:
    return _import_form(request, principal, entity=entity if entity in SPECS else "")


class UploadTooLarge(AppError):
    status = 413
    code = "import.too_large"


FORM_OVERHEAD = 64 * 1024  # the other fields and the multipart framing around the file


def _declared_size_within_limit(request: Request, ctx: Context = Depends(get_context)) -> None:
    """Refuse a body declared too large before the form is parsed (and the file spooled to disk)."""
    declared = request.headers.get("content-length", "")
    limit = ctx.settings.import_max_upload_bytes
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise UploadTooLarge(limit=limit)


@router.post("/import", dependencies=[Depends(_declared_size_within_limit)])
def import_file(
    request: Request,
    form: FormData = Depends(form_data),
    ctx: Context = Depends(get_context),
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(require_user),
) -> Response:
    lang = request_lang(request)
    entity = form_str(form, "entity")
    upload = form.get("file")
    dry_run = form.get("dry_run") is not None
    problems: list[FieldError] = []
    if entity not in SPECS:
        problems.append(FieldError("entity", "field.required"))
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems.append(FieldError("file", "ui.data.no_file"))
    if "import" not in service.allowed_actions(actor=principal):
        problems.append(FieldError(FORM_ERROR, "ui.data.officer_only"))
    if problems or not isinstance(upload, UploadFile):
        return _import_form(
            request, principal, errors=errors_by_field(problems, lang), entity=entity, status_code=422
        )
    spec = SPECS[entity]
    filename = FsPath(upload.filename or "upload").name
    settings = ctx.settings
    try:
        # The upload is already spooled to a file: it is read as a stream, never whole into memory.
        upload.file.seek(0, 2)
        if upload.file.tell() > settings.import_max_upload_bytes:
            raise files.FileUnreadable("import.too_large", limit=settings.import_max_upload_bytes)
        limits = importing.limits_from(settings)
        with (
            files.read_stream(upload.file, files.kind_of(FsPath(filename)), limits) as table,
            uow,
        ):
            report = importing.import_table(
                uow,
                actor=principal,
                spec=spec,
                table=table,
                source=f"web:{filename}"[:200],
                dry_run=dry_run,
                max_field_bytes=settings.import_max_field_bytes,
                limits=limits,
            )
    except files.FileUnreadable as exc:
        errors = errors_by_field([FieldError("file", exc.code, exc.params)], lang)
        return _import_form(request, principal, errors=errors, entity=entity, status_code=422)
    token = ""
    if report.errors:
        token = secrets.token_urlsafe(24)
        path = _reports_dir(ctx) / f"{principal.user_id}-{token}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(importing.REPORT_HEADERS)
            for row in importing.report_rows(report):
                writer.writerow([files.neutralise(v) for v in row])
    return render(
        request,
        "registry/import_result.html",
        principal=principal,
        title=t("ui.data.result", lang),
        spec=spec,
        filename=filename,
        report=report,
        accepted=report.valid,
        errors=sorted(report.errors, key=lambda e: e.row)[:SHOWN_ERRORS],
        token=token,
        field_labels={
            name: field_label(info, name, lang) for name, info in spec.schema_in.model_fields.items()
        },
    )


@router.get("/reports/{token}.csv")
def import_report(
    token: str,
    ctx: Context = Depends(get_context),
    principal: Principal = Depends(require_user),
) -> Response:
    if not _TOKEN_RE.match(token):
        raise NotFound()
    path = _reports_dir(ctx) / f"{principal.user_id}-{token}.csv"  # only its own author finds a report
    if not path.is_file():
        raise NotFound("ui.data.report_gone")
    return Response(
        path.read_bytes(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-errors-{token[:8]}.csv"'},
    )


@router.get("/export/{plural}.{fmt}")
def export(
    request: Request,
    plural: str = Path(max_length=40),
    fmt: str = Path(pattern="^(csv|xlsx)$"),
    q: str | None = Query(None, max_length=200),
    kind: str | None = Query(None, max_length=40),
    region: str | None = Query(None, pattern=r"^\d{0,6}$"),
    field: str | None = Query(None, max_length=20),
    organisation_id: int | None = Query(None, ge=1, le=2**31 - 1),
    session: Session = Depends(get_session),
    principal: Principal = Depends(require_user),
) -> Response:
    spec = BY_PLURAL.get(plural)
    if spec is None:
        raise NotFound()
    filters = service.ListQuery(
        kind=kind or None,
        region=region or None,
        field=field or None,
        organisation_id=organisation_id,
        q=q or None,
    )
    headers, rows = exporting.export_rows(session, actor=principal, spec=spec, filters=filters)
    with tempfile.TemporaryDirectory() as tmp:
        path = FsPath(tmp) / f"{spec.plural}.{fmt}"
        files.write_table(path, headers, rows)
        body = path.read_bytes()
    return Response(
        body,
        media_type=EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{spec.plural}.{fmt}"'},
    )
