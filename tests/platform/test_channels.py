"""Notices that reach people: e-mail to a real SMTP server, SMS to a fake gateway, retries, no duplicates."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from safety_platform import channels
from safety_platform.models import Notification, NotificationPreference, OutboundMessage
from safety_platform.services import (
    OUTBOUND_MAX_ATTEMPTS,
    DomainError,
    notify,
    notify_address,
    outbound_deliver,
)
from safety_platform.validators import normalize_mainland_mobile
from tests.clock import shanghai

from .broker import celery_conf

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


# A real SMTP server and a fake SMS gateway on 127.0.0.1 -----------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[_Mailbox]:
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox
    finally:
        controller.stop()


class FakeGateway:
    """An SMS provider: answers 200 and, like real gateways, delivers a message id only once."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.delivered: dict[str, dict[str, Any]] = {}
        self.answer = 200
        self.delay = 0.0  # seconds before answering (a gateway that hangs)
        self.hold: threading.Event | None = None  # set: answer only once it is set (at most 60 s)
        self.auth: list[str] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.posts.append(payload)
                gateway.auth.append(self.headers.get("Authorization", ""))
                if gateway.answer == 200:
                    gateway.delivered.setdefault(payload["id"], payload)
                # Received (and delivered), but the answer is late: the sender may time out or die meanwhile.
                time.sleep(gateway.delay)
                if gateway.hold is not None:
                    gateway.hold.wait(60)
                self.send_response(gateway.answer)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def messages_to(self, mobile: str) -> list[dict[str, Any]]:
        return [p for p in self.delivered.values() if p["to"] == mobile]


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    fake = FakeGateway()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = fake.url
    settings.SMS_GATEWAY_KEY = "test-key"
    settings.SMS_GATEWAY_TIMEOUT = 2
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def reachable(users: dict[str, Any]) -> dict[str, Any]:
    """The enterprise user with a mobile and an e-mail address."""
    user = users["enterprise"]
    user.phone, user.email = "138-0000-0001", "anquan@xinluo-chem.cn"
    user.save(update_fields=["phone", "email"])
    return users


# Validators -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["13800000000", "138 0000 0000", "138-0000-0000", "+86 138 0000 0000", "8613800000000"]
)
def test_a_mainland_mobile_is_accepted_however_it_is_typed(typed: str) -> None:
    assert normalize_mainland_mobile(typed) == "13800000000"


@pytest.mark.parametrize("typed", ["12800000000", "1380000000", "138000000001", "0591-8888888", "abc", ""])
def test_a_number_that_is_not_a_mainland_mobile_is_refused(typed: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        normalize_mainland_mobile(typed)


def test_notify_address_refuses_a_bad_mobile_naming_the_field() -> None:
    with pytest.raises(DomainError) as excinfo:
        notify_address(channel="sms", address="0597-1234567", title="预警", dedup_key="k")
    assert (excinfo.value.code, excinfo.value.field) == ("invalid", "address")
    assert "13" in excinfo.value.message
    with pytest.raises(DomainError) as excinfo:
        notify_address(channel="fax", address="13800000000", title="预警", dedup_key="k")
    assert (excinfo.value.code, excinfo.value.field) == ("invalid", "channel")
    assert not OutboundMessage.objects.exists()


# E-mail to a real SMTP server -------------------------------------------------------------------


def test_an_email_notice_reaches_a_real_smtp_server_in_chinese(smtp_server: _Mailbox, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://aq.longyan.gov.cn"
    assert notify_address(
        channel="email",
        address="cunzhuren@example.cn",
        name="张三",
        title="暴雨红色预警",
        body="请立即组织低洼地带人员撤离。",
        url="/emergency/warnings/7/",
        category="emergency.warning",
        dedup_key="warning:7:contact:1",
    )
    assert outbound_deliver() == 1
    [(rcpt, message)] = smtp_server.messages
    assert rcpt == ["cunzhuren@example.cn"]
    assert "暴雨红色预警" in message["Subject"]
    text = message.get_content()
    assert "张三" in text and "https://aq.longyan.gov.cn/emergency/warnings/7/" in text
    sent = OutboundMessage.objects.get()
    # The message id travels as the e-mail's Message-ID, so a re-send after a crash is recognisable.
    assert str(sent.message_id) in message["Message-ID"]
    assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at is not None


def test_an_smtp_server_that_is_down_is_retried_and_the_failure_kept(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nothing listens there
    notify_address(channel="email", address="a@example.cn", title="通知", dedup_key="e1")
    assert outbound_deliver() == 0
    message = OutboundMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1
    assert "邮件服务器" in message.last_error and "refused" in message.last_error.lower()


# SMS through the gateway ------------------------------------------------------------------------


def test_an_sms_reaches_the_gateway_with_signature_link_and_key(gateway: FakeGateway, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://aq.longyan.gov.cn"
    notify_address(
        channel="sms",
        address="+86 139 0000 0002",
        title="暴雨红色预警",
        body="福建省气象台发布暴雨红色预警，" * 10,
        url="/emergency/warnings/7/ack/",
        category="emergency.warning",
        dedup_key="warning:7:contact:2",
    )
    assert outbound_deliver() == 1
    [post] = gateway.posts
    assert post["to"] == "13900000002"
    assert post["text"].startswith("【龙岩市安全生产监管平台】")
    assert post["text"].endswith("https://aq.longyan.gov.cn/emergency/warnings/7/ack/")
    assert len(post["text"]) <= 140  # the body was shortened, never the link
    assert post["id"] == str(OutboundMessage.objects.get().message_id)
    assert gateway.auth == ["Bearer test-key"]


@pytest.mark.parametrize("failure", ["down", "error"])
def test_a_gateway_down_or_answering_an_error_is_retried_later_and_the_failure_is_visible(
    failure: str, gateway: FakeGateway, settings: Any, client: Any, users: dict[str, Any]
) -> None:
    if failure == "down":
        settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{_free_port()}/sms"  # connection refused
    else:
        gateway.answer = 500
    notify_address(channel="sms", address="13900000003", title="预警", dedup_key="warning:1:contact:3")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert outbound_deliver() == 0
    message = OutboundMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1
    assert ("无法连接" if failure == "down" else "HTTP 500") in message.last_error
    assert message.next_attempt_at == start + dt.timedelta(minutes=1)
    # Not due yet: nothing is tried again before the back-off has passed.
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert outbound_deliver() == 0
    assert OutboundMessage.objects.get().attempts == 1
    # Every later attempt fails as well, each after a longer wait, until it gives up.
    waits = [1, 5, 15, 60, 360]
    moment = start
    for attempt, minutes in enumerate(waits, start=2):
        moment += dt.timedelta(minutes=minutes)
        with time_machine.travel(moment, tick=False):
            outbound_deliver()
        assert OutboundMessage.objects.get().attempts == attempt
    message = OutboundMessage.objects.get()
    assert message.attempts == OUTBOUND_MAX_ATTEMPTS
    assert message.status == "failed" and message.last_error and message.next_attempt_at is None

    client.force_login(users["committee"])
    page = client.get(reverse("notification_outbound"), {"status": "failed"}).content.decode()
    assert "13900000003" in page and message.last_error[:8] in page and "重发" in page

    # The gateway is back; "重发" sends it now.
    gateway.answer = 200
    settings.SMS_GATEWAY_URL = gateway.url
    response = client.post(reverse("notification_outbound_retry", args=[message.pk]))
    assert response.status_code == 302
    outbound_deliver()
    assert OutboundMessage.objects.get().status == "sent"
    assert len(gateway.messages_to("13900000003")) == 1


def test_the_same_event_twice_sends_one_message(gateway: FakeGateway) -> None:
    assert notify_address(channel="sms", address="13900000004", title="预警", dedup_key="warning:9:contact:4")
    assert not notify_address(channel="sms", address="139 0000 0004", title="预警", dedup_key="warning:9:contact:4")
    outbound_deliver()
    outbound_deliver()
    assert len(gateway.posts) == 1


class _WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing in the worker gets to run after it."""


def test_a_worker_that_dies_after_the_gateway_got_the_message_resends_the_same_id(
    gateway: FakeGateway, monkeypatch: Any
) -> None:
    notify_address(channel="sms", address="13900000005", title="预警", dedup_key="warning:2:contact:5")
    real_deliver = channels.deliver

    def deliver_then_die(message: OutboundMessage) -> None:
        real_deliver(message)
        raise _WorkerKilled

    monkeypatch.setattr(channels, "deliver", deliver_then_die)
    start = timezone.now()
    with time_machine.travel(start, tick=False), pytest.raises(_WorkerKilled):
        outbound_deliver()
    assert OutboundMessage.objects.get().status == "sending"  # never marked: the worker died first
    monkeypatch.setattr(channels, "deliver", real_deliver)
    # Another worker before the claim ran out leaves it alone; after, it sends it again.
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        assert outbound_deliver() == 0
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        assert outbound_deliver() == 1
    message = OutboundMessage.objects.get()
    assert message.status == "sent" and message.attempts == 2
    assert [p["id"] for p in gateway.posts] == [str(message.message_id)] * 2
    assert len(gateway.messages_to("13900000005")) == 1  # the gateway dropped the duplicate by its id


def test_the_embedded_sms_backend_writes_what_would_be_sent_to_a_file(settings: Any, tmp_path: Any) -> None:
    settings.SMS_BACKEND = "log"
    settings.SMS_LOG_FILE = tmp_path / "sms.log"
    notify_address(channel="sms", address="13900000006", title="演练通知", dedup_key="d1")
    assert outbound_deliver() == 1
    [line] = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["to"] == "13900000006" and "演练通知" in json.loads(line)["text"]


# notify(): platform users by their preferences --------------------------------------------------


def test_notify_queues_sms_for_urgent_groups_and_email_for_the_rest(reachable: dict[str, Any]) -> None:
    user = reachable["enterprise"]
    notify(recipients=[user], title="重大隐患挂牌督办", category="major_hazard", dedup_key="h:1")
    notify(recipients=[user], title="隐患整改提醒", category="hazard", dedup_key="h:2")
    got = set(OutboundMessage.objects.values_list("dedup_key", "channel", "address"))
    assert got == {
        ("h:1", "sms", "13800000001"),
        ("h:1", "email", "anquan@xinluo-chem.cn"),
        ("h:2", "email", "anquan@xinluo-chem.cn"),
    }
    assert Notification.objects.filter(recipient=user).count() == 2


def test_notify_honours_the_users_preferences(reachable: dict[str, Any]) -> None:
    user = reachable["enterprise"]
    NotificationPreference.objects.create(user=user, group="major_hazard", email=False, sms=False)
    NotificationPreference.objects.create(user=user, group="hazard", email=False, sms=True)
    notify(recipients=[user], title="重大隐患挂牌督办", category="major_hazard", dedup_key="h:1")
    notify(recipients=[user], title="隐患整改提醒", category="hazard", dedup_key="h:2")
    assert list(OutboundMessage.objects.values_list("dedup_key", "channel")) == [("h:2", "sms")]
    assert Notification.objects.filter(recipient=user).count() == 2  # the site always keeps the notice


def test_a_user_without_address_gets_only_the_site_notice(users: dict[str, Any]) -> None:
    users["inspector"].email, users["inspector"].phone = "", "0597-2345678"  # a landline cannot take SMS
    notify(recipients=[users["inspector"]], title="预警", category="emergency.warning", dedup_key="w:1")
    assert Notification.objects.count() == 1 and not OutboundMessage.objects.exists()


def test_notify_repeated_for_the_same_event_queues_nothing_more(reachable: dict[str, Any]) -> None:
    user = reachable["enterprise"]
    for _ in range(3):
        notify(recipients=[user], title="预警", category="emergency.warning", dedup_key="w:2")
    assert OutboundMessage.objects.count() == 2  # one SMS, one e-mail


def test_notify_to_a_thousand_users_is_a_handful_of_queries(org: Any, django_assert_max_num_queries: Any) -> None:
    from safety_platform.models import User

    User.objects.bulk_create(
        [User(username=f"u{i}", role="committee", email=f"u{i}@example.cn", phone=f"139{i:08d}") for i in range(1000)]
    )
    people = list(User.objects.filter(username__startswith="u"))
    # One statement per bulk insert: on PostgreSQL one for the notices and one for the messages; SQLite binds at most
    # 999 parameters a statement, so there each bulk insert comes in as many statements as its batches.
    extra = _bulk_statements(OutboundMessage, 2000) + _bulk_statements(Notification, 1000) - 2
    with django_assert_max_num_queries(8 + extra):
        notify(recipients=people, title="红色预警", category="emergency.warning", dedup_key="w:3")
    assert OutboundMessage.objects.count() == 2000


def _bulk_statements(model: Any, rows: int) -> int:
    """How many INSERT statements `bulk_create` needs for `rows` rows of `model` on this database."""
    from django.db import connection

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    per_statement = connection.ops.bulk_batch_size(fields, [None] * rows)
    return -(-rows // per_statement)


# The request that caused a notice does not wait for delivery ------------------------------------


def test_the_request_that_causes_a_notice_answers_fast_while_the_gateway_hangs(
    reachable: dict[str, Any],
    xinluo_chem: Any,
    client: Any,
    settings: Any,
    gateway: FakeGateway,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from hazards.choices import HazardGrade
    from tests.hazards.factories import make_hazard

    gateway.delay = 3.0  # longer than the adapter's 2-second timeout
    hazard = make_hazard(xinluo_chem, state="reported", grade=HazardGrade.MAJOR, inspector=reachable["inspector"])
    client.force_login(reachable["committee"])
    # As in production: after commit the work goes to the broker (here: stays in the outbox), never runs
    # in the request. In eager mode the delivery would run here and the request would take 2 seconds.
    settings.TASK_OUTBOX_PUBLISH_AFTER_COMMIT = False
    with celery_conf(CELERY_TASK_ALWAYS_EAGER=False):
        began = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("hazards:act", args=[hazard.pk, "list"]), {"list-note": "挂牌督办"})
        elapsed = time.monotonic() - began
    assert response.status_code == 302
    assert elapsed < 1.5 and gateway.posts == []
    sms = OutboundMessage.objects.get(channel="sms", address="13800000001")
    assert sms.status == "pending" and sms.recipient == reachable["enterprise"]
    # The worker's attempt times out: recorded, to be retried.
    outbound_deliver()
    sms.refresh_from_db()
    assert sms.status == "pending" and sms.attempts == 1
    assert "无法连接" in sms.last_error and "timed out" in sms.last_error


# Settings checks --------------------------------------------------------------------------------


def test_manage_check_names_a_gateway_url_that_is_not_http(settings: Any) -> None:
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "ftp://sms.example.cn/send"
    settings.SMS_GATEWAY_KEY = ""
    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check")
    assert "SMS_GATEWAY_URL" in str(excinfo.value) and "SMS_GATEWAY_KEY" in str(excinfo.value)
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = "https://sms.example.cn/send", "k"
    call_command("check")


def test_messages_unsent_at_backup_time_are_held_after_a_restore_until_released(gateway: FakeGateway) -> None:
    from safety_platform.services import outbound_messages_hold

    notify_address(channel="sms", address="13900000008", title="预警", dedup_key="warning:3:contact:8")
    assert outbound_messages_hold(action="count") == {"outbound_messages": 1}
    assert outbound_messages_hold(action="hold") == {"outbound_messages": 1}
    assert outbound_deliver() == 0 and gateway.posts == []  # may have gone out from the lost database: held
    assert "恢复" in OutboundMessage.objects.get().last_error
    assert outbound_messages_hold(action="release") == {"outbound_messages": 1}
    assert outbound_deliver() == 1 and len(gateway.messages_to("13900000008")) == 1
    assert outbound_messages_hold(action="hold") == {}


def test_message_texts_follow_the_category_and_the_language(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://aq.longyan.gov.cn"
    text = channels.render_sms(title="YH-1 储罐泄漏", body="", url="/hazards/1/", category="major_hazard")
    assert text == "【龙岩市安全生产监管平台】重大隐患：YH-1 储罐泄漏 https://aq.longyan.gov.cn/hazards/1/"
    plain = channels.render_sms(title="培训通知", body="周五考试", url="", category="training")
    assert plain == "【龙岩市安全生产监管平台】培训通知：周五考试"
    subject, body = channels.render_email(title="Drill", body="", url="", category="training", language="en")
    assert subject == "[Longyan work-safety supervision platform]Drill" and "Longyan" in body
    subject, _ = channels.render_email(title="暴雨红色预警", body="", url="", category="emergency.warning")
    assert subject == "【龙岩市安全生产监管平台】预警：暴雨红色预警"


# A real worker killed mid-send ------------------------------------------------------------------


@pytest.fixture
def sms_worker(
    transactional_db: Any, gateway: FakeGateway, tmp_path: Any
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A real `celery worker` on Redis, on the test database, sending SMS to the fake gateway."""
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "safety_platform.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SMS_BACKEND": "http",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_KEY": "test-key",
        "SMS_GATEWAY_TIMEOUT": "60",
        "OUTBOUND_CLAIM_SECONDS": "3",
    }
    queue = f"test-sms-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "celery", "-A", "safety_platform", "worker", "--pool", "solo", "-Q", queue]
    command += ["--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    log = tmp_path / "worker.log"
    proc = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    # Not eager, or the task would run here, not in the worker.
    try:
        with celery_conf(CELERY_TASK_ALWAYS_EAGER=False):
            yield proc, queue
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=20)


@pytest.mark.redis
@pytest.mark.postgres
# The worker is another process on the real clock: the claim it sets must expire on the same clock.
@pytest.mark.clock(None)
def test_a_worker_killed_mid_send_leaves_one_delivery_to_the_person(
    sms_worker: tuple[subprocess.Popen[bytes], str], gateway: FakeGateway, settings: Any
) -> None:
    from safety_platform.tasks import outbound_deliver_task

    proc, queue = sms_worker
    settings.OUTBOUND_CLAIM_SECONDS = 3
    notify_address(channel="sms", address="13900000009", title="暴雨红色预警", dedup_key="warning:4:contact:9")
    gateway.hold = threading.Event()  # the gateway takes the message, then keeps the worker waiting for its answer
    outbound_deliver_task.apply_async(queue=queue, retry=False)
    deadline = time.monotonic() + 180  # a loaded machine starts a worker slowly
    while not gateway.posts and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert gateway.posts, "the worker never reached the gateway"
    os.kill(proc.pid, signal.SIGKILL)  # dies after the gateway got the message, before marking it sent
    proc.wait(timeout=20)
    gateway.hold.set()
    message = OutboundMessage.objects.get()
    assert message.status == "sending", (gateway.posts, message.attempts, message.last_error, proc.returncode)
    time.sleep(3.5)  # the dead worker's claim runs out
    assert outbound_deliver() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert [p["id"] for p in gateway.posts] == [str(message.message_id)] * 2
    assert len(gateway.messages_to("13900000009")) == 1
