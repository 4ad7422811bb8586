"""Deliver a staff reply: store it, then e-mail the asker when they gave an address and SMTP is configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

from bot.audit.consultations import ConsultationStore
from bot.config import Settings

log = logging.getLogger("madoguchi.audit")
SUBJECT = "【相談窓口】ご相談への担当者からの回答"
BODY = """\
{name}

先日は相談窓口にご相談いただき、ありがとうございました。
担当者からの回答をお送りします。

――― ご相談内容 ―――
{question}

――― 担当者からの回答 ―――
{reply}

同じブラウザで相談窓口（{page}）を開くと、会話の中でも回答をご覧いただけます。
このメールは送信専用です。追加のご相談は相談窓口からお願いします。
"""


def send_reply_mail(settings: Settings, consultation: dict[str, Any], reply: str) -> bool:
    """E-mail the reply to the asker; False (logged, never raised) when not possible."""
    to = consultation.get("contact_email")
    if not (settings.smtp_host and to and consultation.get("consent")):
        return False
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = settings.smtp_from
    message["To"] = str(to)
    name = f"{consultation['contact_name']} 様" if consultation.get("contact_name") else "ご相談者 様"
    message.set_content(BODY.format(name=name, question=consultation.get("question", ""), reply=reply,
                                    page=consultation.get("page_url") or consultation.get("origin") or "窓口のページ"))
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("reply notification for consultation %s not sent: %s", consultation.get("id"), exc)
        return False
    return True


def deliver_reply(
    store: ConsultationStore, settings: Settings, consultation_id: str, text: str, *, author: str, via: str,
    faq_candidate: bool = False,
) -> dict[str, Any]:
    """Store a staff reply (the asker's widget shows it) and notify by e-mail; returns the reply row."""
    reply = store.reply(consultation_id, text, author=author, via=via, faq_candidate=faq_candidate)
    consultation = store.get(consultation_id) or {}
    if send_reply_mail(settings, consultation, reply["text"]):
        store.mark_notified(consultation_id)
        reply["notified"] = True
    log.info("consultation %s answered via %s", consultation_id, via)
    return reply
