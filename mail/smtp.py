"""E-mail to the superior level: the report as a .docx attachment, over SMTP (aiosmtplib,
so the event loop never blocks). A second channel beside Telegram, sent from the same
outbox rows (recipient kind superior_email) by the scheduler's mail job."""

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, make_msgid, parseaddr

import aiosmtplib

from config.settings import Settings

log = logging.getLogger(__name__)
# Python's header folding puts the space between two folded encoded-words outside them, where
# RFC 2047 readers drop it ("kết quả tiếp" arrives as "kết quảtiếp"); unfolded, a Vietnamese
# subject stays one encoded-word and keeps its spaces.
ONE_LINE_HEADERS = SMTP.clone(max_line_length=998)
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


class MailNotConfigured(Exception):
    """SMTP_HOST or SMTP_FROM is missing: e-mail waits until they are set."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    filename: str
    attachment: bytes


def build_message(settings: Settings, mail: Mail) -> EmailMessage:
    if not settings.smtp_host or not settings.smtp_from:
        raise MailNotConfigured("set SMTP_HOST and SMTP_FROM to send reports by e-mail")
    message = EmailMessage(policy=ONE_LINE_HEADERS)
    message["From"] = settings.smtp_from
    message["To"] = formataddr(("", mail.to))
    message["Subject"] = mail.subject  # UTF-8 encoded words: the diacritics survive
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2].strip("> "))
    message.set_content(mail.body)
    message.add_attachment(
        mail.attachment, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=mail.filename
    )
    return message


async def send_mail(settings: Settings, mail: Mail) -> None:
    """Raises aiosmtplib.SMTPException (or OSError) on failure; the caller retries later."""
    message = build_message(settings, mail)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    await aiosmtplib.send(
        message.as_bytes(policy=ONE_LINE_HEADERS),  # flattened here: aiosmtplib would refold
        sender=parseaddr(settings.smtp_from or "")[1],
        recipients=[mail.to],
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=password,
        use_tls=settings.smtp_security == "tls",
        start_tls=settings.smtp_security == "starttls",
        timeout=settings.smtp_timeout_seconds,
    )
    log.info("report e-mailed to %s", mail.to)
