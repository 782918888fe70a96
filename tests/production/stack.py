"""The production profile, for real, on loopback: the processes docker/ runs, started here.

Used by the fault test (tests/production/test_production_faults.py) and the load test
(bench/load.py). ``Stack`` creates its own PostgreSQL database (``<name>_prod`` beside the one
DATABASE_URL names), migrates it, loads the demo, collects the static files into a temporary
folder, and starts:

- two redis-server processes of its own: the broker and the cache (apart, so the broker can be
  stopped without taking the cache and the sessions with it);
- gunicorn with 3 workers, a Celery worker and Celery beat, with the commands of docker/.

Every process runs in its own process group and is killed (group and all) by ``close()``, which
also drops the database. The environment is the production one (DEBUG off, a secret key, the
allowed host, cache and broker on Redis) behind a pretend TLS-terminating proxy: requests carry
``X-Forwarded-Proto: https`` and ``TRUST_X_FORWARDED_PROTO=true``.

Ports: the operating system chooses free ones, unless STACK_PORTS / STACK_REDIS_PORTS give a
range (``8500-8599``) to choose from, for machines where each user has a range.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.production.client import Client
from tests.production.database import _admin, prod_database_url
from tests.production.processes import (
    HOST,
    Process,
    _die_with_parent,
    _port_in,
    _port_in_except,
    _redis_ping,
    _signal_group,
    _wait,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO_AREA = "E09000002"


class Stack:
    """PostgreSQL database, two Redis servers, gunicorn, a Celery worker and beat; see above."""

    def __init__(
        self,
        *,
        database_url: str,
        suffix: str = "_prod",
        workdir: Path | None = None,
        sweep_seconds: int = 300,
        web_workers: int = 3,
        env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = prod_database_url(database_url, suffix)
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="csp-prod-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.web_workers = web_workers
        self.password = "prod-" + secrets.token_urlsafe(12)
        self.processes: dict[str, Process] = {}
        self.redis_ports = {
            "broker": _port_in(os.environ.get("STACK_REDIS_PORTS")),
        }
        self.redis_ports["cache"] = _port_in_except(
            os.environ.get("STACK_REDIS_PORTS"), set(self.redis_ports.values())
        )
        self.web_port = _port_in(os.environ.get("STACK_PORTS"))
        self.base = f"http://{HOST}:{self.web_port}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            # Nothing of the caller's configuration leaks in: only the profile below counts.
            if not key.startswith(("DJANGO_", "CELERY_", "CACHE_", "DATABASE_", "DEBUG"))
        }
        self.env.update(
            {
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "csp.settings",
                "DEBUG": "false",
                # The demo's coordinator has no second factor; enrolment is tested apart
                # (tests/functional/test_browser_second_factor.py).
                "MFA_REQUIRED": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": HOST,
                "DATABASE_URL": self.database_url,
                "CACHE_URL": f"redis://{HOST}:{self.redis_ports['cache']}/0",
                "CELERY_BROKER_URL": f"redis://{HOST}:{self.redis_ports['broker']}/0",
                "TRUST_X_FORWARDED_PROTO": "true",
                "SITE_URL": f"https://{HOST}:{self.web_port}",
                "STATIC_ROOT": str(self.workdir / "static"),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "DEMO_PASSWORD": self.password,
                "RECOMPUTE_SWEEP_SECONDS": str(sweep_seconds),
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.env.update(env or {})
        self.python = sys.executable

    # --- set-up ---------------------------------------------------------------------------

    def prepare(self, *, synthetic_areas: int = 0, synthetic_months: int = 72) -> None:
        """A fresh database with the demo, and the static files, as an operator would; with
        ``synthetic_areas``, made-up figures beside the demo's (see scenarios.synthetic_areas).
        """
        admin, name = _admin(self.database_url)
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        # Static files need no database: collected meanwhile.
        collect = subprocess.Popen(
            [self.python, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            self.manage("migrate", "--no-input", "-v0")
            self.manage("load_demo")
            if synthetic_areas:
                self.django("synthetic_areas", areas=synthetic_areas, months=synthetic_months)
        finally:
            output, _ = collect.communicate(timeout=600)
        if collect.returncode != 0:
            raise RuntimeError(f"collectstatic failed:\n{output.decode(errors='replace')}")

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [self.python, str(ROOT / "manage.py"), *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def django(self, function: str, **kwargs: Any) -> Any:
        """Call ``tests.production.scenarios.<function>(**kwargs)`` in a child process with
        Django set up on the stack's database; returns its JSON result."""
        code = (
            "import json, sys, django; django.setup(); "
            "from tests.production import scenarios; "
            f"result = scenarios.{function}(**json.loads(sys.argv[1])); "
            "print('RESULT=' + json.dumps(result))"
        )
        done = subprocess.run(
            [self.python, "-c", code, json.dumps(kwargs)],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT=")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"scenario {function} failed:\n{done.stdout}{done.stderr}")
        return json.loads(lines[-1].removeprefix("RESULT="))

    # --- processes ------------------------------------------------------------------------

    def _spawn(self, name: str, args: list[str]) -> Process:
        if name in self.processes and self.processes[name].popen.poll() is None:
            raise RuntimeError(f"{name} is already running")
        log = self.workdir / f"{name}.log"
        handle = open(log, "ab")  # noqa: SIM115 (the child keeps it; closed here at once)
        try:
            popen = subprocess.Popen(
                args,
                cwd=self.workdir,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, killed as one
                preexec_fn=_die_with_parent,  # noqa: PLW1509 (no locks taken: see _LIBC)
            )
        finally:
            handle.close()
        process = Process(name, args, log, popen)
        self.processes[name] = process
        return process

    def start_redis(self, role: str) -> None:
        port = self.redis_ports[role]
        self._spawn(
            f"redis-{role}",
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                HOST,
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        _wait(lambda: _redis_ping(port), 20, f"redis ({role}) answers on {port}")

    def stop_redis(self, role: str) -> None:
        self.stop(f"redis-{role}", signal.SIGTERM)
        port = self.redis_ports[role]
        _wait(lambda: not _redis_ping(port), 10, f"redis ({role}) has stopped")

    def start_web(self, *, wait: bool = True) -> None:
        self._spawn(
            "web",
            [
                self.python,
                "-m",
                "gunicorn",
                "csp.wsgi",
                "--workers",
                str(self.web_workers),
                "--bind",
                f"{HOST}:{self.web_port}",
                "--access-logfile",
                "-",
            ],
        )
        if wait:
            self.wait_web()

    def wait_web(self) -> None:
        _wait(lambda: self._answers("/healthz"), 120, "gunicorn answers")

    def start_worker(self, *, wait: bool = True) -> None:
        self._spawn(
            "worker", [self.python, "-m", "celery", "-A", "csp", "worker", "--loglevel=INFO"]
        )
        if wait:
            self.wait_worker()

    def wait_worker(self) -> None:
        _wait(self.worker_ready, 120, "the Celery worker answers a ping")

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                self.python,
                "-m",
                "celery",
                "-A",
                "csp",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(self.workdir / "celerybeat-schedule"),
            ],
        )

    def start(self, *, synthetic_areas: int = 0) -> None:
        """Everything, in the order an operator would bring it up."""
        self.start_redis("broker")
        self.start_redis("cache")
        self.prepare(synthetic_areas=synthetic_areas)
        self.start_web(wait=False)
        self.start_worker(wait=False)
        self.start_beat()
        self.wait_web()
        self.wait_worker()

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Signal a process's whole group; SIGKILL what is still there after ``timeout``."""
        process = self.processes.get(name)
        if process is None:
            return
        _signal_group(process.popen.pid, sig)
        try:
            process.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process.popen.pid, signal.SIGKILL)
            process.popen.wait(timeout=10)
        # The leader may be gone while others of its group live on (gunicorn's workers,
        # Celery's pool): finish them too.
        _signal_group(process.popen.pid, signal.SIGKILL)

    def close(self, *, keep_workdir: bool = False) -> None:
        """Stop everything (web and workers first, the servers last) and drop the database."""
        for name in sorted(self.processes, key=lambda n: n.startswith("redis")):
            self.stop(name, signal.SIGTERM, timeout=10)
        try:
            admin, name = _admin(self.database_url)
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            if not keep_workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)

    def leftovers(self) -> list[int]:
        """Process ids still alive in any of the stack's process groups."""
        groups = {p.popen.pid for p in self.processes.values()}
        alive = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getpgid(int(entry)) in groups:
                        alive.append(int(entry))
                except OSError:
                    pass
        return alive

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by each process's group (its living members), by name."""
        ticks = os.sysconf("SC_CLK_TCK")
        groups = {p.popen.pid: name for name, p in self.processes.items()}
        used = dict.fromkeys(self.processes, 0.0)
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            name = groups.get(int(fields[2]))  # field 5 of stat: the process group
            if name is not None:
                used[name] += (int(fields[11]) + int(fields[12])) / ticks
        return used

    # --- probes ---------------------------------------------------------------------------

    def client(self) -> Client:
        return Client(self.base)

    def _answers(self, path: str) -> bool:
        try:
            return self.client().get(path).status == 200
        except OSError:
            return False

    @contextmanager
    def celery(self) -> Iterator[Any]:
        """A Celery client of the stack's broker (for queueing a task and pinging workers)."""
        from celery import Celery

        # Celery reads CELERY_BROKER_URL from the environment before any configuration, so the
        # test run's own broker (CI sets one) would win over the stack's: point it at the stack's
        # while the probe is in use.
        outer = os.environ.get("CELERY_BROKER_URL")
        os.environ["CELERY_BROKER_URL"] = self.env["CELERY_BROKER_URL"]
        app = Celery("stack-probe", broker=self.env["CELERY_BROKER_URL"], set_as_current=False)
        app.conf.broker_connection_retry_on_startup = False
        try:
            yield app
        finally:
            app.close()
            if outer is None:
                os.environ.pop("CELERY_BROKER_URL", None)
            else:
                os.environ["CELERY_BROKER_URL"] = outer

    def worker_ready(self) -> bool:
        try:
            with self.celery() as app:
                return bool(app.control.ping(timeout=1.0))
        except Exception:  # noqa: BLE001 (the broker may be down: not ready)
            return False

    def active_tasks(self) -> list[str] | None:
        """Names of the tasks the workers are running; None when the broker could not be asked
        (it may have just come back: ask again)."""
        try:
            with self.celery() as app:
                replies = app.control.inspect(timeout=0.5).active() or {}
        except Exception:  # noqa: BLE001
            return None
        return [task["name"] for tasks in replies.values() for task in tasks]

    def log(self, name: str) -> str:
        process = self.processes.get(name)
        return process.log.read_text(errors="replace") if process else ""
