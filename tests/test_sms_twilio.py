"""SMS through Twilio's Messages API, against a small HTTP server on loopback that speaks
it (request shape, Basic auth, error bodies, 429 with Retry-After); and the GSM-7 count."""
from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from webapp import booking
from webapp.booking import BookingRequest
from webapp.extensions import db
from webapp.messaging import dispatch_due, queue
from webapp.messaging.sms import length
from webapp.models import SmsOptOut, utcnow
from webapp.timeutil import planner_zone

from .helpers import text

SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "secret-token"
ANSWERS = {  # To -> (status, body, headers)
    "+14185550199": (400, {"code": 21211, "message": "The 'To' number is not valid.",
                           "status": 400}, {}),
    "+14185550198": (400, {"code": 21610, "message": "Attempt to send to unsubscribed "
                           "recipient", "status": 400}, {}),
    "+14185550197": (429, {"code": 20429, "message": "Too Many Requests", "status": 429},
                     {"Retry-After": "7"}),
    "+14185550196": (500, {"message": "Internal error"}, {}),
}


class TwilioLike(BaseHTTPRequestHandler):
    received: list[dict[str, str]] = []
    calls: list[str] = []  # the To of every request, accepted or not

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        fields = {k: v[0] for k, v in parse_qs(
            self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
        self.calls.append(fields.get("To", ""))
        if self.headers.get("Authorization") != expected:
            return self._answer(401, {"code": 20003, "message": "Authenticate"})
        if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return self._answer(404, {"code": 20404, "message": "Not found"})
        status, body, headers = ANSWERS.get(fields["To"], (201, {
            "sid": "SM" + "0" * 32, "status": "queued", "to": fields["To"]}, {}))
        if status == 201:
            self.received.append(fields)
        self._answer(status, body, headers)

    def _answer(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def twilio(app):
    TwilioLike.received, TwilioLike.calls = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), TwilioLike)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID=SID, TWILIO_AUTH_TOKEN=TOKEN,
                      TWILIO_FROM="+14185550000",
                      TWILIO_API_URL=f"http://127.0.0.1:{server.server_port}")
    yield TwilioLike
    server.shutdown()
    server.server_close()


def sms(to: str):
    message = queue("confirmation", "sms", to, "Rendez-vous confirmé", due_at=utcnow())
    db.session.commit()
    return message


def test_sms_is_posted_as_twilio_expects(twilio):
    message = sms("418 555-0100")
    assert dispatch_due() == 1
    assert twilio.received == [{"To": "+14185550100", "From": "+14185550000",
                                "Body": "Rendez-vous confirmé"}]
    assert (message.status, message.backend) == ("sent", "twilio")


def test_messaging_service_sid_is_sent_as_such(app, twilio):
    app.config["TWILIO_FROM"] = "MG" + "1" * 32
    sms("418 555-0100")
    dispatch_due()
    assert twilio.received[0]["MessagingServiceSid"] == "MG" + "1" * 32


@pytest.mark.parametrize(("to", "status", "error"), [
    ("418 555-0199", "failed", "400 21211 The 'To' number is not valid."),
    ("418 555-0198", "dropped", "opted out (STOP): 400 21610 Attempt to send to unsubscribed "
                                "recipient"),
    ("418 555-0196", "pending", "500 Internal error"),
    ("12", "failed", "not a valid phone number: 12"),
])
def test_provider_refusals(twilio, to, status, error):
    message = sms(to)
    assert dispatch_due() == 0
    assert (message.status, message.last_error) == (status, error)


def test_an_opted_out_number_gets_no_more_sms_but_email_still_goes(app, twilio):
    first = sms("418 555-0198")
    assert dispatch_due() == 0
    assert db.session.get(SmsOptOut, "+14185550198") is not None
    assert twilio.calls == ["+14185550198"]
    later = sms("(418) 555-0198")  # the same number, typed another way
    email = queue("confirmation", "email", "marie@example.org", "Rendez-vous confirmé",
                  subject="S")
    db.session.commit()
    assert dispatch_due() == 1  # the email
    assert twilio.calls == ["+14185550198"]  # the provider was not asked again
    assert (later.status, later.last_error, email.status) == ("dropped", "opted out", "sent")
    assert first.status == "dropped"
    assert dispatch_due() == 0  # nothing retried


def test_the_messages_screen_says_the_patient_opted_out(app, twilio, client, auth):
    from webapp.accounts.roles import Role

    from .factories import make_world, patient_data

    world = make_world(days_ahead=2)
    appointment = booking.book(BookingRequest(
        world.slots[0], world.service, patient_data(0, cell_phone="418 555-0198"),
        send_sms=True))
    dispatch_due()
    auth.login(Role.PILOTE)
    day = appointment.created_at.astimezone(planner_zone()).date().isoformat()
    for language, words in (("fr", "L'usager ne veut plus de SMS (il a répondu STOP)."),
                            ("en", "The patient opted out of SMS (replied STOP).")):
        page = client.get(f"/admin/messages/?day={day}", headers={"Accept-Language": language})
        assert words in text(page)


def test_rate_limit_waits_as_long_as_retry_after_says(twilio):
    message = sms("418 555-0197")
    before = utcnow()
    dispatch_due(now=before)
    assert message.status == "pending"
    assert message.due_at == before + timedelta(seconds=7)


def test_bad_credentials_are_shown_and_retried(app, twilio):
    app.config["TWILIO_AUTH_TOKEN"] = "wrong"
    message = sms("418 555-0100")
    dispatch_due()
    assert (message.status, message.last_error) == ("pending", "401 20003 Authenticate")


def test_provider_down_is_retried(app):
    app.config.update(SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID=SID, TWILIO_AUTH_TOKEN=TOKEN,
                      TWILIO_FROM="+14185550000", TWILIO_API_URL="http://127.0.0.1:9")
    message = sms("418 555-0100")
    dispatch_due()
    assert message.status == "pending" and "refused" in message.last_error.lower()


def test_provider_that_never_answers_is_retried(app):
    import socket

    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.config.update(SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID=SID, TWILIO_AUTH_TOKEN=TOKEN,
                          TWILIO_FROM="+14185550000", SMS_TIMEOUT=0.5,
                          TWILIO_API_URL=f"http://127.0.0.1:{silent.getsockname()[1]}")
        message = sms("418 555-0100")
        assert dispatch_due() == 0
    assert (message.status, message.attempts) == ("pending", 1)
    assert "timed out" in message.last_error.lower()


def test_gsm7_length():
    assert length("a" * 160) == length("a" * 160) and length("a" * 160).parts == 1
    assert length("a" * 161).parts == 2
    assert length("é à ù").gsm7 is True  # in the GSM alphabet
    assert length("ê").gsm7 is False  # not in it: the whole text goes as UCS-2 (70)
    assert length("ê" * 71).parts == 2
    assert length("€").characters == 2


def test_french_sms_is_written_in_the_sms_alphabet():
    from webapp.messaging.gsm import to_gsm7

    text = to_gsm7("Fête – « Ça » à l’école, 9 h 30")
    assert text == "Fete - \" Ça \" à l'école, 9 h 30"
    assert length(text).gsm7


def signed_post(client, fields: dict[str, str], token: str = TOKEN):
    from webapp.messaging.sms import signature

    url = "https://rdv.example.org/sms/incoming"
    return client.post("/sms/incoming", data=fields,
                       headers={"X-Twilio-Signature": signature(url, fields, token)})


def test_a_stop_reply_posted_by_twilio_stops_sms_and_start_restarts_them(app, twilio, client):
    app.config["PUBLIC_URL"] = "https://rdv.example.org"
    reply = {"From": "+14185550100", "To": "+14185550000", "Body": "Stop ", "MessageSid": "SM1"}
    response = signed_post(client, reply)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert db.session.get(SmsOptOut, "+14185550100") is not None
    message = sms("418 555-0100")
    assert dispatch_due() == 0 and message.status == "dropped"
    assert signed_post(client, {**reply, "Body": "START"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(SmsOptOut, "+14185550100") is None
    sms("418 555-0100")
    assert dispatch_due() == 1


def test_an_unsigned_or_forged_stop_changes_nothing(app, twilio, client):
    app.config["PUBLIC_URL"] = "https://rdv.example.org"
    reply = {"From": "+14185550100", "Body": "STOP"}
    assert client.post("/sms/incoming", data=reply).status_code == 403
    assert signed_post(client, reply, token="guessed").status_code == 403
    assert signed_post(client, {"From": "+14185550100", "Body": "Merci!"}).status_code == 200
    assert db.session.query(SmsOptOut).count() == 0
