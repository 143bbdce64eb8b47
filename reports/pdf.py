"""The .docx as PDF, by LibreOffice headless. Each conversion runs on its own copy of the
file with its own LibreOffice profile, so conversions at the same time never collide (two
soffice processes sharing a profile wait for each other or fail)."""

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

from services.errors import DomainError

TIMEOUT_SECONDS = 120.0
CANDIDATES = ("soffice", "libreoffice")


class PdfUnavailable(DomainError):
    """LibreOffice (soffice) is not installed: PDF cannot be made here."""


class PdfFailed(DomainError):
    """LibreOffice ran but produced no PDF (or took too long)."""


def soffice_path() -> str | None:
    configured = os.environ.get("SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


async def _kill(process: asyncio.subprocess.Process) -> None:
    """soffice starts helpers of its own: end the whole process group it leads."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()


async def render_pdf(docx: bytes, *, seconds: float = TIMEOUT_SECONDS) -> bytes:
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable("soffice not found: install LibreOffice (libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="pakn-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        await asyncio.to_thread(source.write_bytes, docx)
        process = await asyncio.create_subprocess_exec(
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "HOME": str(work)},
            start_new_session=True,
        )
        try:
            _out, err = await asyncio.wait_for(process.communicate(), seconds)
        except TimeoutError as exc:
            await _kill(process)
            raise PdfFailed(f"LibreOffice took more than {seconds:.0f} s") from exc
        except asyncio.CancelledError:
            await _kill(process)
            raise
        target = work / "report.pdf"
        if process.returncode != 0 or not target.exists():
            detail = err.decode("utf-8", "replace").strip()[-500:]
            raise PdfFailed(f"LibreOffice exited with {process.returncode}: {detail}")
        return await asyncio.to_thread(target.read_bytes)
