"""JSON API for documents attached to records: upload, list, describe, download, remove (thin: the rules
and checks are in core/storage; see docs/files.md).

An upload is the file's bytes as the request body (not a multipart form), so it can be streamed to a
staging file and stopped at the size limit; its name and purpose travel in the query.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from innobridge.core.context import Context
from innobridge.core.errors import AppError
from innobridge.core.http import get_context, get_principal, get_session, require_user
from innobridge.core.principal import Principal
from innobridge.core.storage import service
from innobridge.core.storage.names import content_disposition, display_name
from innobridge.core.storage.schemas import DocumentKind, RecordRef, StoredFileOut, UploadIn
from innobridge.core.storage.spool import Spooled, TooLarge, human_size

router = APIRouter(prefix="/api/v1", tags=["Documents · 文件"])
_ENTITY = Path(
    pattern=r"^[a-z][a-z0-9_]{0,63}$", description="The record's entity: achievement, need, organisation, …"
)
# One Path() per parameter name: FastAPI binds a shared one to the first name it meets.
_ENTITY_ID = Path(ge=1, le=2**31 - 1)
_FILE_ID = Path(ge=1, le=2**31 - 1)
_RAW_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes. Its type is recognised from them, not from any header.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
_PROBLEM: dict[str, Any] = {
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
}
# Downloads are never rendered in our origin: saved as a file, no sniffing, sandboxed if opened.
_DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-cache",
}


class RawBodyNeeded(AppError):
    status = 415
    code = "storage.raw_body_needed"


@router.post(
    "/records/{entity}/{entity_id}/documents",
    response_model=StoredFileOut,
    status_code=201,
    openapi_extra=_RAW_BODY,
    name="upload_document",
    responses={status: _PROBLEM for status in (413, 415)},
)
async def upload(
    request: Request,
    entity: str = _ENTITY,
    entity_id: int = _ENTITY_ID,
    name: str = Query(min_length=1, max_length=1000, description="The file's name, e.g. 技术合同.pdf"),
    kind: DocumentKind = Query(DocumentKind.other, description="What the document is for."),
    ctx: Context = Depends(get_context),
    actor: Principal = Depends(require_user),
) -> StoredFileOut:
    data = UploadIn(entity=entity, entity_id=entity_id, name=name, kind=kind)
    storage = service.storage_for(ctx)
    await run_in_threadpool(_require_writable, ctx, actor, data)  # before a byte of the body is read
    if request.headers.get("content-type", "").startswith("multipart/"):
        raise RawBodyNeeded()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > storage.max_bytes:
        raise TooLarge(name=display_name(name), limit=human_size(storage.max_bytes))
    with storage.spool(name) as staging:
        async for chunk in request.stream():
            staging.write(chunk)  # raises TooLarge at the limit: the rest is never read
        spooled = await run_in_threadpool(staging.finish)
    return await run_in_threadpool(_store, ctx, actor, data, spooled)


def _require_writable(ctx: Context, actor: Principal, record: RecordRef) -> None:
    with ctx.session() as session:
        service.require_writable(session, actor=actor, record=record)


def _store(ctx: Context, actor: Principal, data: UploadIn, spooled: Spooled) -> StoredFileOut:
    with ctx.uow() as uow:
        return service.upload_document(
            uow, actor=actor, storage=service.storage_for(ctx), data=data, upload=spooled
        )


@router.get(
    "/records/{entity}/{entity_id}/documents", response_model=list[StoredFileOut], name="list_documents"
)
def list_(
    entity: str = _ENTITY,
    entity_id: int = _ENTITY_ID,
    session: Session = Depends(get_session),
    actor: Principal = Depends(get_principal),
) -> list[StoredFileOut]:
    record = RecordRef(entity=entity, entity_id=entity_id)
    return service.list_documents(session, actor=actor, record=record)


@router.get("/documents/{file_id}", response_model=StoredFileOut, name="get_document")
def get(
    file_id: int = _FILE_ID,
    session: Session = Depends(get_session),
    actor: Principal = Depends(get_principal),
) -> StoredFileOut:
    return service.get_document(session, actor=actor, file_id=file_id)


@router.get(
    "/documents/{file_id}/content",
    response_class=StreamingResponse,
    name="download_document",
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes."}},
)
def download(
    file_id: int = _FILE_ID,
    ctx: Context = Depends(get_context),
    session: Session = Depends(get_session),
    actor: Principal = Depends(get_principal),
) -> StreamingResponse:
    out, chunks = service.open_document(
        session, actor=actor, storage=service.storage_for(ctx), file_id=file_id
    )
    headers = {
        **_DOWNLOAD_HEADERS,
        "Content-Disposition": content_disposition(out.name),
        "Content-Length": str(out.size),
        "ETag": f'"{out.sha256}"',
    }
    return StreamingResponse(chunks, media_type=out.content_type, headers=headers)


@router.delete("/documents/{file_id}", status_code=204, name="remove_document")
def remove(
    file_id: int = _FILE_ID, ctx: Context = Depends(get_context), actor: Principal = Depends(require_user)
) -> Response:
    with ctx.uow() as uow:
        service.remove_document(uow, actor=actor, file_id=file_id)
    return Response(status_code=204)
