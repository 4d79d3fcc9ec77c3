"""Locust users for the load test (bench/load/run_load.py starts them; see bench/README.md).

EditorUser is a person at the day editor, as a browser with htmx would be:
it logs in (its own account, plan and day, made beforehand by seed.py),
opens its day, types into the inline food search (one request per pause in
typing), adds a result with the form's CSRF token and one-time `key`,
removes items it added (each answer carries the meals and, out of band,
the totals), and now and then uses the public food search page
(its htmx partial) or the JSON API. HealthzUser only asks for /healthz,
without pauses: the throughput ceiling of the same server.

The figures do not come from Locust's own statistics, which cover the
spawn and the logins (PBKDF2 on purpose, so slow) and round times above
100 ms. A listener keeps every request here and, once every user has
logged in and a settling pause has passed, times a steady window of
LOAD_DURATION seconds, then stops the run and writes exact figures for that
window to LOAD_RESULT (JSON). Environment, set by the driver:

    LOAD_ACCOUNTS  JSON file of accounts (username, password, day_id, base_items)
    LOAD_RESULT    where to write the figures
    LOAD_USERS     how many users this run spawns (the window waits for all of them)
    LOAD_DURATION  seconds of steady window (default 60)
    LOAD_SETTLE    seconds between the last login and the window (default 5)
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

ACCOUNTS = (
    json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
    if "LOAD_ACCOUNTS" in os.environ
    else []
)
RESULT_PATH = os.environ.get("LOAD_RESULT", "")
EXPECTED_USERS = int(os.environ.get("LOAD_USERS", "0"))
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
SETTLE = float(os.environ.get("LOAD_SETTLE", "5"))

# What people type into a food search: the queries bench_search.py times.
QUERIES = tuple(
    line
    for line in (Path(__file__).resolve().parent.parent / "search_queries.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#")
)
MEALS = ("breakfast", "lunch", "dinner", "snack")

# Request names in the report: one per kind of request, ids folded.
LOGIN_PAGE = "GET /accounts/login/"
LOGIN = "POST /accounts/login/"
EDITOR = "GET /days/<id>/ (day editor)"
INLINE_SEARCH = "GET /days/<id>/foods/?q= (htmx)"
ADD = "POST /days/<id>/items/add/ (htmx)"
DELETE = "POST /items/<id>/delete/ (htmx)"
SEARCH_PAGE = "GET /foods/?q= (htmx)"
API = "GET /api/foods/?q="
HEALTHZ = "GET /healthz"
LOGIN_NAMES = {LOGIN_PAGE, LOGIN}

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')
# One search result: the add form's food id and its one-time key.
RESULT_FORM = re.compile(
    r'name="food" value="(\d+)">\s*<input type="hidden" name="key" value="([^"]+)"'
)
ITEM = re.compile(r'<li class="item[^"]*" id="item-(\d+)"')

_next_account = itertools.count()


class EditorUser(FastHttpUser):
    # A person reads the page, thinks, types: one to four seconds between actions.
    wait_time = between(1, 4)

    def on_start(self) -> None:
        index = next(_next_account)
        if index >= len(ACCOUNTS):
            Steady.login_failed()
            raise StopUser(f"only {len(ACCOUNTS)} accounts for {index + 1} users")
        account = ACCOUNTS[index]
        self.day_url = f"/days/{account['day_id']}/"
        self.base_items = account["base_items"]
        self.items: list[int] = []
        self.origin = _origin(self.host)
        self.csrf = ""
        self._log_in(account["username"], account["password"])
        self._open_editor()
        Steady.logged_in()

    def _log_in(self, username: str, password: str) -> None:
        with self.client.get("/accounts/login/", name=LOGIN_PAGE, catch_response=True) as page:
            match = CSRF_FIELD.search(page.text or "")
            if page.status_code != 200 or not match:
                page.failure(f"login page: {_status(page)}, no CSRF field")
                Steady.login_failed()
                raise StopUser()
        form = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": match.group(1),
            "next": self.day_url,
        }
        with self.client.post(
            "/accounts/login/",
            data=urlencode(form),
            headers=self._form_headers("/accounts/login/", htmx=False),
            allow_redirects=False,
            name=LOGIN,
            catch_response=True,
        ) as response:
            # Success is a redirect to `next`; a wrong password or a CSRF
            # failure (403: the client did not send the csrftoken cookie back)
            # answers otherwise.
            if response.status_code != 302 or response.headers.get("Location") != self.day_url:
                response.failure(f"login answered {_status(response)}, not a redirect")
                Steady.login_failed()
                raise StopUser()

    def _open_editor(self) -> None:
        with self.client.get(self.day_url, name=EDITOR, catch_response=True) as response:
            match = CSRF_HEADER.search(response.text or "")
            if response.status_code != 200 or not match:
                response.failure(f"day editor: {_status(response)}, no X-CSRFToken")
                return
            # The page's token, as htmx sends it from <body hx-headers>.
            self.csrf = match.group(1)
            self.items = _items(response.text)

    def _htmx_headers(self, target: str) -> dict[str, str]:
        return {
            "HX-Request": "true",
            "HX-Current-URL": f"{self.origin}{self.day_url}",
            "HX-Target": target,
        }

    def _form_headers(self, path: str, htmx: bool = True, target: str = "meals") -> dict[str, str]:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            # Browsers send Origin on every POST; Django checks it against the host.
            "Origin": self.origin,
            "Referer": f"{self.origin}{path}",
        }
        if htmx:
            headers.update(self._htmx_headers(target))
            headers["X-CSRFToken"] = self.csrf
        return headers

    # -- what the person does ----------------------------------------------------------

    @task(2)
    def open_day(self) -> None:
        self._open_editor()

    @task(4)
    def add_food(self) -> None:
        meal = random.choice(MEALS)
        results = self._type_search(random.choice(QUERIES), meal)
        if not results:
            return
        food, key = random.choice(results[:5])
        self._edit(f"{self.day_url}items/add/", ADD, food=food, key=key, meal=meal)

    @task(3)
    def remove_food(self) -> None:
        # Keep the day near its seeded size: remove the newest item while there
        # are more than that, otherwise add one instead.
        if len(self.items) <= self.base_items:
            self.add_food()
            return
        self._edit(f"/items/{max(self.items)}/delete/", DELETE)

    def _edit(self, url: str, name: str, **fields: object) -> None:
        """One htmx edit of the day; its answer carries the day's items now."""
        form = {"csrfmiddlewaretoken": self.csrf, **fields}
        with self.client.post(
            url,
            data=urlencode(form),
            headers=self._form_headers(self.day_url),
            name=name,
            catch_response=True,
        ) as response:
            if _changed(response):
                self.items = _items(response.text)

    @task(2)
    def search_page(self) -> None:
        # The public search page's search-as-you-type: the results partial per pause.
        query = random.choice(QUERIES)
        for typed in _pauses(query):
            self.client.get(
                f"/foods/?{urlencode({'q': typed})}",
                headers={"HX-Request": "true", "HX-Target": "results"},
                name=SEARCH_PAGE,
            )
            gevent.sleep(random.uniform(0.3, 0.8))

    @task(1)
    def api_search(self) -> None:
        self.client.get(f"/api/foods/?{urlencode({'q': random.choice(QUERIES)})}", name=API)

    def _type_search(self, query: str, meal: str) -> list[tuple[str, str]]:
        text = ""
        for typed in _pauses(query):
            with self.client.get(
                f"{self.day_url}foods/?{urlencode({'q': typed, 'meal': meal})}",
                headers=self._htmx_headers("food-results"),
                name=INLINE_SEARCH,
                catch_response=True,
            ) as response:
                if response.status_code != 200 or 'id="food-results"' not in (response.text or ""):
                    response.failure(f"inline search: {_status(response)}")
                    return []
                text = response.text
            gevent.sleep(random.uniform(0.3, 0.8))
        return RESULT_FORM.findall(text)


class HealthzUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        Steady.logged_in()

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name=HEALTHZ)


# -- the steady window and its figures -------------------------------------------------------


def _origin(host: str | None) -> str:
    parts = urlsplit(host or "")
    return f"{parts.scheme}://{parts.netloc}"


def _pauses(query: str) -> list[str]:
    # htmx waits 250 ms after the last keystroke: a typist pauses after the
    # first word or so and at the end, so two or three requests per query.
    words = query.split()
    typed = [words[0][: max(3, len(words[0]) - 2)]]
    if len(words) > 1:
        typed.append(words[0])
    typed.append(query)
    return list(dict.fromkeys(typed))


def _items(html: str | None) -> list[int]:
    return [int(pk) for pk in ITEM.findall(html or "")]


def _status(response) -> str:
    # Status 0: no HTTP answer at all (connection refused, reset or timed out).
    if response.status_code:
        return str(response.status_code)
    return f"no response ({getattr(response, 'error', None)!r})"


def _changed(response) -> bool:
    """An add or remove answered with the meals and the totals out of band, in one response."""
    text = response.text or ""
    if response.status_code != 200:
        response.failure(_status(response))
        return False
    if 'id="meals"' not in text or 'hx-swap-oob="true"' not in text:
        response.failure("no meals partial or no out-of-band totals")
        return False
    if "message-error" in text:
        error = re.search(r'message-error">([^<]+)<', text)
        response.failure(f"form error: {error.group(1) if error else '?'}")
        return False
    return True


class Steady:
    """Every request's time; the window opens once all users are logged in and settled."""

    samples: list[tuple[float, str, float, str | None]] = []  # end time, name, ms, error
    logins = 0
    window_start: float | None = None
    window_end: float | None = None
    environment = None

    @classmethod
    def logged_in(cls) -> None:
        cls.logins += 1
        if cls.logins == EXPECTED_USERS and cls.window_start is None:
            cls.window_start = time.time() + SETTLE
            cls.window_end = cls.window_start + DURATION
            gevent.spawn_later(SETTLE + DURATION, cls._stop)

    @classmethod
    def login_failed(cls) -> None:
        # The step has failed already, and the window would never open: stop now.
        gevent.spawn_later(1, cls._stop)

    @classmethod
    def _stop(cls) -> None:
        if cls.environment is not None and cls.environment.runner is not None:
            cls.environment.runner.quit()


@events.init.add_listener
def _on_init(environment, **_kwargs) -> None:
    Steady.environment = environment


@events.request.add_listener
def _on_request(name, response_time, exception, start_time, response=None, **_kwargs) -> None:
    error = None
    if exception is not None:
        status = getattr(response, "status_code", None)
        error = f"{status}: {exception}" if status else repr(exception)
    Steady.samples.append((start_time + response_time / 1000, name, response_time, error))


def _percentile(ordered: list[float], fraction: float) -> float:
    # Nearest rank: an observed value, as in bench/harness.py.
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _figures(samples: list[tuple[float, str, float, str | None]], seconds: float) -> dict:
    by_name: dict[str, list[tuple[float, str | None]]] = {}
    for _, name, ms, error in samples:
        by_name.setdefault(name, []).append((ms, error))
    rows = {}
    for name, entries in sorted(by_name.items()):
        times = sorted(ms for ms, _ in entries)
        errors = [error for _, error in entries if error]
        rows[name] = {
            "requests": len(times),
            "rps": len(times) / seconds if seconds else 0.0,
            "p50": _percentile(times, 0.50),
            "p95": _percentile(times, 0.95),
            "p99": _percentile(times, 0.99),
            "max": times[-1],
            "errors": len(errors),
            "error_examples": sorted(set(errors))[:5],
        }
    return rows


@events.quitting.add_listener
def _on_quitting(environment, **_kwargs) -> None:
    if not RESULT_PATH:
        return
    start, end = Steady.window_start, Steady.window_end
    complete = start is not None and end is not None and time.time() >= end - 1
    if start is not None and end is not None:
        window = [s for s in Steady.samples if start <= s[0] < end and s[1] not in LOGIN_NAMES]
        seconds = min(end, time.time()) - start
    else:
        window, seconds = [], 0.0
    logins = [s for s in Steady.samples if s[1] in LOGIN_NAMES]
    everything_errors = [s for s in Steady.samples if s[3]]
    total = _figures(window, seconds)
    times = sorted(ms for _, _, ms, _ in window)
    result = {
        "complete": complete,
        "window_start": start,
        "window_end": end,
        "users": EXPECTED_USERS,
        "logged_in": Steady.logins,
        "window_seconds": seconds,
        "requests": total,
        "all": {
            "requests": len(times),
            "rps": len(times) / seconds if seconds else 0.0,
            "p50": _percentile(times, 0.50) if times else None,
            "p95": _percentile(times, 0.95) if times else None,
            "p99": _percentile(times, 0.99) if times else None,
            "errors": sum(1 for s in window if s[3]),
        },
        "login": _figures(logins, 0.0),
        # Errors outside the window count too: a failed login is a failed request.
        "errors_whole_run": len(everything_errors),
        "error_examples_whole_run": sorted({f"{s[1]}: {s[3]}" for s in everything_errors})[:10],
    }
    Path(RESULT_PATH).write_text(json.dumps(result, indent=1))
