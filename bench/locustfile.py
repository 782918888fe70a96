"""Locust users for the load test: board readers, agency leads saving drafts, the coordinator.

Run by bench/load.py, which starts the production stack and passes the plan (who may save which
submission) in CSP_LOAD_PLAN. Never imported by pytest: locust patches the standard library
with gevent on import.

Every request carries ``X-Forwarded-Proto: https`` (the stack sits behind a pretend
TLS-terminating proxy) and the users keep their own cookies, since a ``Secure`` cookie is not
sent back over plain HTTP by the requests library. Request names are the groups reported.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(os.environ.get("CSP_LOAD_PLAN", "{}"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
SUBMISSION_LINK = re.compile(r'href="/submissions/(\d+)/"')

PACK = "board: pack pages"


class Person(HttpUser):
    abstract = True
    username = ""

    def on_start(self) -> None:
        # Signed in before the run by bench/load.py (one session per username): the password
        # hash is slow on purpose, and 50 sign-ins in five seconds is not the load modelled.
        self.cookies: dict[str, str] = dict(PLAN["sessions"][self.username])
        self.client.hooks["response"].append(self._keep_cookies)

    def _keep_cookies(self, response: Any, *args: Any, **kwargs: Any) -> None:
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.client.cookies.clear()

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def get(self, path: str, name: str, *, expect: int = 200) -> str:
        with self.client.get(
            path, name=name, headers=self._headers(), allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"{path}: {response.status_code}, expected {expect}")
            return response.text

    def post(
        self, path: str, name: str, data: dict[str, Any], page: str, *, expect: int = 302
    ) -> str:
        token = TOKEN.search(page)
        origin = "https://" + self.host.split("://", 1)[1]
        with self.client.post(
            path,
            name=name,
            data={**data, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers=self._headers({"Origin": origin, "Referer": origin + path}),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{path}: {response.status_code}, expected {expect}")
            return response.text


class BoardReader(Person):
    """Reads the published pack: the call-over summary and the indicator pages."""

    weight = 7
    wait_time = between(1, 3)
    username = "board"

    @task(2)
    def summary(self) -> None:
        self.get(f"/packs/{PLAN['area']}/{PLAN['month']}/", PACK)

    @task(5)
    def indicator(self) -> None:
        code = random.choice(PLAN["indicator_codes"])
        self.get(f"/packs/{PLAN['area']}/{PLAN['month']}/{code}/", PACK)


class AgencyLead(Person):
    """Opens one of their agency's January entry forms and saves it as a draft."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.username = random.choice(sorted(PLAN["leads"]))
        super().on_start()

    @task
    def save_draft(self) -> None:
        pk = random.choice(PLAN["leads"][self.username])
        page = self.get(f"/submissions/{pk}/", "lead: entry form")
        version = VERSION.search(page)
        if version is None:
            return
        # 302: saved. 200: someone saved in between, and the form says so (not an error).
        with self.client.post(
            f"/submissions/{pk}/",
            name="lead: save draft",
            data={
                "csrfmiddlewaretoken": (TOKEN.search(page) or [None, ""])[1],
                "entry_status": "reported",
                "value": random.randint(50, 2000),
                "performance_overview": "Draft saved under load.",
                "version": version.group(1),
                "action": "save",
            },
            headers=self._headers(
                {
                    "Origin": "https://" + self.host.split("://", 1)[1],
                    "Referer": "https://" + self.host.split("://", 1)[1] + f"/submissions/{pk}/",
                }
            ),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in {200, 302}:
                response.failure(f"save draft {pk}: {response.status_code}")


class Coordinator(Person):
    """Works through the review queue, approving."""

    weight = 1
    wait_time = between(2, 5)
    username = "coordinator"

    @task
    def approve(self) -> None:
        page = self.get("/review/?status=submitted", "coordinator: review queue")
        waiting = SUBMISSION_LINK.findall(page)
        if not waiting:
            return
        pk = random.choice(waiting)
        # A refusal (another coordinator session approved it first) is a message and a 302 too.
        self.post(
            f"/submissions/{pk}/approve/",
            "coordinator: approve",
            {"next": "/review/?status=submitted"},
            page,
        )
