"""The service worker that shows a case's news on the phone (Web Push). Served from the
site's root, so it may look after every page."""

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse

router = APIRouter()
WORKER = Path(__file__).resolve().parent.parent / "static" / "sw.js"


@router.get("/sw.js", include_in_schema=False)
async def service_worker() -> FileResponse:
    return FileResponse(WORKER, media_type="text/javascript", headers={"Cache-Control": "no-cache"})
