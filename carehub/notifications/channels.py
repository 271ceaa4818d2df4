"""Send one claimed message through its channel; raise TemporaryFailure or PermanentFailure on failure."""

import hashlib
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from . import sms
from .errors import PermanentFailure, TemporaryFailure


def reference_for(message) -> str:
    """Stable per message: the email's Message-ID and the SMS gateway's de-duplication reference."""
    return hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]


def send_email(message) -> None:
    email = EmailMessage(
        subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.recipient],
        # The same Message-ID on every attempt: mail clients that see a resend show it once.
        headers={"Message-ID": f"<{reference_for(message)}@carehub>"},
        connection=get_connection(fail_silently=False),  # the smtp backend applies EMAIL_TIMEOUT
    )
    for attachment in message.attachments or []:
        email.attach(attachment["filename"], attachment["content"], attachment.get("mimetype", "text/plain"))
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            raise PermanentFailure(f"mail server refused the address ({codes[0]})") from exc
        raise TemporaryFailure(f"mail server deferred the address ({codes[0] if codes else '?'})") from exc
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
        # Our configuration, not the person's address: retried, so fixing EMAIL_URL delivers them.
        raise TemporaryFailure(f"mail server refused our login or sender ({exc.smtp_code})") from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(f"mail server refused the message ({exc.smtp_code})") from exc
        raise TemporaryFailure(f"mail server busy ({exc.smtp_code})") from exc
    except (socket.timeout, TimeoutError) as exc:
        raise TemporaryFailure("mail server did not answer in time") from exc
    except (smtplib.SMTPException, OSError) as exc:
        if "timed out" in str(exc):  # smtplib reports a read timeout as "Connection unexpectedly closed: timed out"
            raise TemporaryFailure("mail server did not answer in time") from exc
        raise TemporaryFailure(f"mail server unreachable: {exc.__class__.__name__}: {exc}") from exc


def send_sms(message) -> None:
    sms.get_backend().send(to=message.recipient, text=message.body, reference=reference_for(message))


SENDERS = {"email": send_email, "sms": send_sms}
