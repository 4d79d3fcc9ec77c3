"""E-mail backends that fail as a mail server that is down does (tests set EMAIL_BACKEND)."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class RecipientsRefusedBackend(BaseEmailBackend):
    # Its message holds the recipients: the log must not repeat it.
    def send_messages(self, email_messages):
        recipients = [to for message in email_messages for to in message.to]
        raise smtplib.SMTPRecipientsRefused(
            {to: (550, b"mailbox unavailable") for to in recipients}
        )
