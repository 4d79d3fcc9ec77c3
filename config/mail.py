"""Sending e-mail without letting a mail server that is down fail the page.

Invitations and password resets are saved or answered first; their e-mail is a
courtesy on top. When it cannot go out the page answers as usual and the log
says why, in words that help fix the mail server without naming the recipient.
"""

from __future__ import annotations

import logging
import smtplib

logger = logging.getLogger(__name__)

# smtplib's errors are OSErrors too; both are named for the reader. A refused
# connection, a timeout and an unknown host are all OSErrors.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def describe(error: BaseException) -> str:
    # Not str(error): SMTPRecipientsRefused carries the recipients' addresses.
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} (SMTP {error.smtp_code})"
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__} ({error.strerror})"
    return type(error).__name__


def log_failure(what: str, error: BaseException) -> None:
    logger.warning("Could not send the %s e-mail: %s", what, describe(error))
