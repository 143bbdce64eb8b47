"""Pages from Jinja2 templates, one environment per language (the catalogs' translations
installed), with the labels, local times and the form's CSRF token every page may need."""

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from locales import labels
from locales.catalogs import translation
from services.communes.divisions import office_name
from web.i18n import LANGUAGES, request_language
from web.security import Csrf

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Pages:
    def __init__(self, tz: ZoneInfo, csrf: Csrf) -> None:
        self.tz = tz
        self.csrf = csrf
        self._envs = {language: self._environment(language) for language in LANGUAGES}

    def _environment(self, language: str) -> Environment:
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        catalog = translation(language)
        env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
        gettext = catalog.gettext
        env.globals.update(
            language=language,
            kind_label=lambda kind: labels.kind_label(kind, gettext),
            status_label=lambda status: labels.status_label(status, gettext),
            category_label=lambda slug, name: labels.category_label(slug, name, gettext),
            rule_label=lambda rule, basis: labels.rule_label(rule, basis, gettext),
            reject_reason_label=lambda reason: labels.reject_reason_label(reason, gettext),
            office_name=office_name,  # "xã Thống Nhất" after "UBND"
        )
        env.filters["local_time"] = self._local_time
        env.filters["local_day"] = self._local_day
        env.filters["local_day_iso"] = self._local_day_iso
        return env

    def _local_time(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%H:%M %d/%m/%Y")

    def _local_day(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%d/%m/%Y")

    def _local_day_iso(self, moment: str) -> str:
        """A moment an event's data keeps as ISO text (a new due date), as a local day."""
        try:
            return self._local_day(datetime.fromisoformat(moment))
        except (TypeError, ValueError):
            return ""

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        token, new_cookie = self.csrf.token(request)
        env = self._envs[request_language(request)]
        html = env.get_template(name).render(
            {**(context or {}), "csrf_token": token, "path": request.url.path}
        )
        response = HTMLResponse(html, status_code=status)
        if new_cookie is not None:
            self.csrf.set_cookie(response, new_cookie)
        return response

    def not_found(self, request: Request) -> HTMLResponse:
        """The same plain page for every address that opens nothing: an unknown commune, a
        wrong or stale case link."""
        return self.render(request, "not_found.html.j2", status=404)
