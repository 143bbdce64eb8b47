"""The residents' web page under load: `python -m bot --role web` in its own process, as a
commune runs it behind nginx, on SQLite; residents file text-only cases at a steady rate,
then cases with one 3 MB phone photo, then read their case pages. Prints p50/p95/p99 of
each and the process's peak memory. Not a test: nothing fails the build.

    .venv/bin/python -m bench.web_filing                  # 20 text filings/s for 15 s, ...
    .venv/bin/python -m bench.web_filing --seconds 5      # a quick look

Open loop: a request starts on schedule whether or not the earlier ones have finished, so
a slow server shows in the times, not in a lower rate. Each resident's address comes in
X-Forwarded-For from a trusted proxy (as behind nginx), so the per-address limit counts
residents, not the benchmark."""

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

import httpx
from PIL import Image

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


def _summary(name: str, times: list[float], errors: int) -> str:
    ms = sorted(t * 1000 for t in times)
    if not ms:
        return f"{name}: no answers, {errors} errors"
    p = statistics.quantiles(ms, n=100, method="inclusive")
    return (
        f"{name}: {len(ms)} answered, {errors} errors; "
        f"p50 {p[49]:.0f} ms, p95 {p[94]:.0f} ms, p99 {p[98]:.0f} ms, max {ms[-1]:.0f} ms"
    )


async def _file(client: httpx.AsyncClient, n: int, photo: bytes | None) -> tuple[float, str]:
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    headers = {"x-forwarded-for": address}
    cookies = httpx.Cookies()
    form = await client.get("/x/07060", headers=headers, cookies=cookies)
    cookies.update(form.cookies)
    token = CSRF.search(form.text)
    assert token, form.text[:200]
    data = {"csrf": token.group(1), "kind": "report", "text": TEXT.format(n=n), "consent": "yes"}
    files = [("files", ("IMG.jpg", photo, "image/jpeg"))] if photo else None
    started = time.perf_counter()
    sent = await client.post("/x/07060", data=data, files=files, headers=headers, cookies=cookies)
    took = time.perf_counter() - started
    if sent.status_code != 303:
        raise RuntimeError(f"{sent.status_code}: {sent.text[:200]}")
    return took, sent.headers["location"].split("?")[0]


async def _paced(rate: float, seconds: float, work) -> tuple[list[float], list[str], int]:  # type: ignore[no-untyped-def]
    tasks = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(work(n)))
    done = await asyncio.gather(*tasks, return_exceptions=True)
    ok = [d for d in done if not isinstance(d, BaseException)]
    return [t for t, _ in ok], [page for _, page in ok], len(done) - len(ok)


async def measure(port: int, args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits
    ) as client:
        for _ in range(200):
            try:
                await client.get("/x/07060")
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.1)
        counter = iter(range(10**9))

        async def text_only(n: int) -> tuple[float, str]:
            return await _file(client, next(counter), None)

        await _paced(5, 2, text_only)  # warm up
        times, pages, errors = await _paced(args.rate, args.seconds, text_only)
        print(_summary(f"text-only filing at {args.rate}/s", times, errors))

        photo = _photo(3)
        print(f"photo: {len(photo) / 1024 / 1024:.1f} MB JPEG")

        async def with_photo(n: int) -> tuple[float, str]:
            return await _file(client, next(counter), photo)

        times, _, errors = await _paced(args.photo_rate, args.seconds, with_photo)
        print(_summary(f"filing with a 3 MB photo at {args.photo_rate}/s", times, errors))

        async def case_page(n: int) -> tuple[float, str]:
            page = pages[n % len(pages)]
            started = time.perf_counter()
            shown = await client.get(page)
            assert shown.status_code == 200
            return time.perf_counter() - started, page

        times, _, errors = await _paced(50, args.seconds, case_page)
        print(_summary("case page at 50/s", times, errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--photo-rate", type=float, default=5)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="pakn-web-bench-"))
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory}/pakn.db", "LOG_LEVEL": "WARNING"}
    env.pop("BOT_TOKEN", None)
    env.update(
        WEB_PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        TRUSTED_PROXIES="127.0.0.1",
        DATA_DIR=str(directory / "data"),
        MALLOC_ARENA_MAX="2",  # as deploy/*.service runs it
    )
    command = [sys.executable, "-m", "bot"]
    subprocess.run([*command, "commune", "add", "7060"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([*command, "--role", "web"], env=env, cwd=directory)
    try:
        asyncio.run(measure(port, args))
        print(f"peak memory of the web process: {_peak_rss_mb(server.pid):.1f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
