"""The residents' web page under load: `python -m bot --role web` in its own process, as a
commune runs it behind nginx, on SQLite; residents file text-only cases at a steady rate,
then cases with one 3 MB phone photo, then read their case pages. Prints p50/p95/p99 of
each and the process's peak memory. Not a test: nothing fails the build.

    .venv/bin/python -m bench.web_filing                  # 20 text filings/s for 15 s, ...
    .venv/bin/python -m bench.web_filing --seconds 5      # a quick look
    .venv/bin/python -m bench.web_filing --cases 100000   # on a database of 100,000 cases
    .venv/bin/python -m bench.web_filing --cases 100000 --pages-only   # the case page alone

With `--cases N` the process runs on a copy of `bench.bulk_cases`'s database of N cases
(built once and cached), the filings go to its busiest commune, and the case pages read
are the pages of that database's web cases, picked at random over its two years (each
read once), rather than the pages just filed.

Open loop: a request starts on schedule whether or not the earlier ones have finished, so
a slow server shows in the times, not in a lower rate. Each resident's address comes in
X-Forwarded-For from a trusted proxy (as behind nginx), so the per-address limit counts
residents, not the benchmark."""

import argparse
import asyncio
import gc
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Coroutine
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from bench.bulk_cases import case_database

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
TEXT = "Đèn đường ở ngõ {n} thôn Yên Phú bị hỏng đã một tuần, buổi tối rất tối"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _photo(megabytes: float) -> bytes:
    """A phone-sized JPEG of noise (noise does not compress: the size is what is sent)."""
    side = 1000
    while True:
        image = Image.frombytes("RGB", (side, side * 3 // 4), os.urandom(side * side * 3 // 4 * 3))
        out = BytesIO()
        image.save(out, format="JPEG", quality=92)
        if out.tell() >= megabytes * 1024 * 1024:
            return out.getvalue()
        side += 200


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _summary(name: str, times: list[float], errors: int) -> str:
    ms = sorted(t * 1000 for t in times)
    if not ms:
        return f"{name}: no answers, {errors} errors"
    p = statistics.quantiles(ms, n=100, method="inclusive")
    return (
        f"{name}: {len(ms)} answered, {errors} errors; "
        f"p50 {p[49]:.0f} ms, p95 {p[94]:.0f} ms, p99 {p[98]:.0f} ms, max {ms[-1]:.0f} ms"
    )


async def _file(
    client: httpx.AsyncClient, form_page: str, n: int, photo: bytes | None
) -> tuple[float, str]:
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    headers = {"x-forwarded-for": address}
    form = await client.get(form_page, headers=headers)
    # this resident's own cookie, sent by hand: the client is shared and keeps none
    headers["cookie"] = "; ".join(f"{k}={v}" for k, v in form.cookies.items())
    token = CSRF.search(form.text)
    assert token, form.text[:200]
    data = {"csrf": token.group(1), "kind": "report", "text": TEXT.format(n=n), "consent": "yes"}
    files = [("files", ("IMG.jpg", photo, "image/jpeg"))] if photo else None
    started = time.perf_counter()
    sent = await client.post(form_page, data=data, files=files, headers=headers)
    took = time.perf_counter() - started
    if sent.status_code != 303:
        raise RuntimeError(f"{sent.status_code}: {sent.text[:200]}")
    return took, sent.headers["location"].split("?")[0]


async def _paced(
    rate: float, seconds: float, work: Callable[[int], Coroutine[Any, Any, tuple[float, str]]]
) -> tuple[list[float], list[str], int]:
    tasks: list[asyncio.Task[tuple[float, str]]] = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(work(n)))
    done = await asyncio.gather(*tasks, return_exceptions=True)
    ok = [d for d in done if not isinstance(d, BaseException)]
    for error in sorted({repr(d)[:200] for d in done if isinstance(d, BaseException)})[:3]:
        print(f"  error: {error}", flush=True)
    return [t for t, _ in ok], [page for _, page in ok], len(done) - len(ok)


class _KeepNone(DefaultCookiePolicy):
    def set_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        return False


def freeze_client() -> None:
    """Keeps this process's own full collections short: what it imported and built (the
    services and models through bench.bulk_cases, the pages to read) leaves the collector's
    reach, as `python -m bot` does with its own. Unfrozen, one full collection here held
    every request in flight for ~100 ms, which showed as the server's p99."""
    gc.collect()
    gc.freeze()


def residents_client(port: int) -> httpx.AsyncClient:
    """One client for many residents: it keeps no cookie, so one resident's CSRF cookie is
    never sent with another's form (each sends its own, `_file`)."""
    return httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        timeout=60,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        cookies=CookieJar(policy=_KeepNone()),
    )


async def measure(port: int, args: argparse.Namespace, commune: str, known: list[str]) -> None:
    """`known`: case pages to read (each once, in this order); none: the pages just filed."""
    form_page = f"/x/{commune}"
    freeze_client()
    async with residents_client(port) as client:
        for _ in range(200):
            try:
                await client.get(form_page)
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.1)
        counter = iter(range(10**9))

        async def text_only(n: int) -> tuple[float, str]:
            return await _file(client, form_page, next(counter), None)

        await _paced(5, 2, text_only)  # warm up
        pages: list[str] = []
        if not args.pages_only:
            times, pages, errors = await _paced(args.rate, args.seconds, text_only)
            print(_summary(f"text-only filing at {args.rate}/s", times, errors))

            photo = _photo(3)
            print(f"photo: {len(photo) / 1024 / 1024:.1f} MB JPEG")

            async def with_photo(n: int) -> tuple[float, str]:
                return await _file(client, form_page, next(counter), photo)

            times, _, errors = await _paced(args.photo_rate, args.seconds, with_photo)
            print(_summary(f"filing with a 3 MB photo at {args.photo_rate}/s", times, errors))

        read = known or pages

        async def case_page(n: int) -> tuple[float, str]:
            page = read[n % len(read)]
            started = time.perf_counter()
            shown = await client.get(page)
            assert shown.status_code == 200
            return time.perf_counter() - started, page

        times, _, errors = await _paced(args.page_rate, args.seconds, case_page)
        where = f"{len(read):,} pages of {args.cases:,} cases" if known else "pages just filed"
        print(_summary(f"case page at {args.page_rate}/s ({where})", times, errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--photo-rate", type=float, default=5)
    parser.add_argument("--page-rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--cases", type=int, default=0, help="run on bench.bulk_cases's database")
    parser.add_argument("--pages-only", action="store_true", help="with --cases: no filings")
    args = parser.parse_args()
    if args.pages_only and not args.cases:
        parser.error("--pages-only reads the pages of --cases N")
    directory = Path(tempfile.mkdtemp(prefix="pakn-web-bench-"))
    port = _free_port()
    commune, known = "07060", []
    url = f"sqlite:///{directory}/pakn.db"
    if args.cases:
        cases = case_database(args.cases)
        url = cases.fresh_copy(directory)
        commune = cases.commune_codes[0]
        wanted = min(len(cases.links), int(args.page_rate * args.seconds))
        known = [f"/h/{code}/{token}" for code, token, _ in random.sample(cases.links, wanted)]
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    env.pop("BOT_TOKEN", None)
    env.update(
        WEB_PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        TRUSTED_PROXIES="127.0.0.1",
        DATA_DIR=str(directory / "data"),
        MALLOC_ARENA_MAX="2",  # as deploy/*.service runs it
    )
    command = [sys.executable, "-m", "bot"]
    if not args.cases:
        subprocess.run(
            [*command, "commune", "add", "7060"], env=env, check=True, capture_output=True
        )
    server = subprocess.Popen([*command, "--role", "web"], env=env, cwd=directory)
    print(f"load average at the start: {_load()}", flush=True)
    try:
        asyncio.run(measure(port, args, commune, known))
        print(f"load average at the end: {_load()}")
        print(f"peak memory of the web process: {_peak_rss_mb(server.pid):.1f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)  # a copy of --cases N is 160 MB


if __name__ == "__main__":
    main()
