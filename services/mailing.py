"""The mailing job: each user's notifications (services/notifications.py) sent to their
e-mail address, each at most once, in the background (the projection worker's process, as
the stamping job), never inside a request.

A round reads the users with an address, their notices, and sends each one their inbox does
not hold as mailed; once the mail server took it, the inbox records it (``Mailed``), so that a
restarted worker does not send it again. A server that refuses or does not answer ends the
round (nothing recorded for what was not sent); the round is tried again later, waiting twice
as long each time (at most ``RETRY_MOST`` seconds).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from domain.moments import written_day
from services.jobs import follow_rounds, in_background
from services.notifications import Notice, Notifications
from services.tenancy import MailRecipients, Tenancy

log = logging.getLogger("ledger.mail")
INTERVAL = 30.0  # seconds between rounds while the server answers
RETRY_MOST = 600.0


class MailFailed(Exception):
    """The mail server refused the message or did not answer."""


class MailSender(Protocol):
    """Sends one message (infra/mail.py: SMTP); raises ``MailFailed``."""

    def send(self, to: str, subject: str, body: str) -> None: ...


SUBJECTS = {
    "due_soon": "{year}年度报告将于{due}截止报送（还剩{days_left}天）",
    "quarter_due_soon": "{quarter_name}台账将于{due}截止报送（还剩{days_left}天）",
    "report_returned": "{year}年度报告已被县级退回",
    "report_accepted": "{year}年度报告已被县级采纳",
    "rank_restated": "已发布的{period}排名已有变化",
    "quality_flag": "{period}年度数据质量提示：{rule_name}",
}
QUARTERS = ("一", "二", "三", "四")
# The data-quality rules' names, as the pages say them (web/labels.py QUALITY_FLAGS).
RULE_NAMES = {
    "backfilled": "集中补录",
    "rushed": "截止前突击登记",
    "same_day_closures": "当日办结偏多",
    "retractions": "撤回偏多",
}
BODIES = {
    "report_returned": "退回原因：{reason}\n请修改后重新报送。",
    "rank_restated": "发布之后登记或撤回的记录改变了部分乡镇的名次，请在“发布”页查看。",
    "quality_flag": "{township}的{period}年度记录被标记为“{rule_name}”，请在台账中查看依据的记录。",
}


def written(notice: Notice) -> tuple[str, str]:
    """The notice's subject and body, in Chinese (the product's first language)."""
    params = dict(notice.params)
    if "due" in params:
        params["due"] = written_day(params["due"])
    if "rule" in params:
        params["rule_name"] = RULE_NAMES.get(params["rule"], params["rule"])
    kind = notice.kind
    if kind == "due_soon" and "-Q" in str(params.get("period", "")):
        kind = "quarter_due_soon"
        year, quarter = params["period"].split("-Q")
        params["quarter_name"] = f"{year}年第{QUARTERS[int(quarter) - 1]}季度"
    subject = SUBJECTS.get(kind, kind).format(**params)
    body = BODIES.get(kind, "").format(**params)
    footer = "\n\n请登录法治政府建设台账查看。"
    return subject, (f"{subject}\n\n{body}" if body else subject) + footer


@dataclass
class Round:
    sent: int = 0
    failed: int = 0


class Mailer:
    def __init__(self, tenancy: Tenancy, notifications: Notifications, sender: MailSender) -> None:
        self.tenancy = tenancy
        self.notifications = notifications
        self.sender = sender
        self.recipients: MailRecipients | None = None  # the log read for them so far

    def step(self) -> Round:
        done = Round()
        self.recipients = self.tenancy.mail_recipients(self.recipients)
        for principal, address in self.recipients.addresses:
            mailed = self.notifications.inbox(principal.username).mailed
            for notice in self.notifications.notices(principal):
                if notice.key in mailed:
                    continue
                subject, body = written(notice)
                try:
                    self.sender.send(address, subject, body)
                except MailFailed as failure:
                    done.failed += 1
                    log.warning(
                        "mail to %s not sent: %s; tried again later", principal.username, failure
                    )
                    return done
                if self.notifications.note_mailed(principal.username, notice.key):
                    done.sent += 1
                    log.info("mailed %s to %s", notice.key, principal.username)
        return done

    def follow(
        self,
        stop: threading.Event,
        *,
        leading: Callable[[], bool] = lambda: True,
        interval: float = INTERVAL,
        retry_most: float = RETRY_MOST,
    ) -> None:
        """Rounds until ``stop`` is set, while this worker leads (services/jobs.py)."""
        follow_rounds(
            self.step,
            stop,
            what="mailing",
            leading=leading,
            interval=interval,
            retry_most=retry_most,
        )

    def follow_in_background(self, stop: threading.Event, **options) -> threading.Thread:
        """``follow`` in a daemon thread of this process, until ``stop`` is set."""
        return in_background(lambda: self.follow(stop, **options), "ledger-mail")
