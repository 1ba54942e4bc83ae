"""Airflow on the CeleryExecutor with PostgreSQL and Redis, on loopback, without Docker.

The same deployment as docker-compose.yaml (api-server, scheduler, dag-processor, triggerer, Celery
workers, a PostgreSQL metadata DB, a Redis broker), from Debian's packages and the virtualenv,
for machines without a Docker engine and for the tests. Every process gets the same
environment, JWT secret included: AIRFLOW__API_AUTH__JWT_SECRET when set (`make stack` passes
the checkout's), else a random one made for this stack; never a fixed default. Everything
listens on 127.0.0.1 unless --host (or AIRFLOW__API__HOST) opens the api-server wider. Usage:

    .venv/bin/python tools/celery_stack.py up [--dir .stack] [--workers 2] [--port 8080] [--host 127.0.0.1]

prints the UI address and login and runs until interrupted; `make stack` calls it.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtualenv's bin: airflow, newsflow
DEBIAN_PACKAGES = {"postgres": "postgresql", "redis-server": "redis-server"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    if path := shutil.which(name):
        return path
    raise FileNotFoundError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")


def wait_for(check, what: str, timeout: float, proc: subprocess.Popen | None = None, log: Path | None = None):
    """Poll ``check`` until it is truthy; bounded in time, and fails fast if ``proc`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what}: process exited with {proc.returncode}\n{tail}")
        try:
            if result := check():
                return result
        except Exception:  # not up yet: refused connections, HTTP errors
            pass
        time.sleep(0.5)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what}: not ready after {timeout:.0f} s\n{tail}")


@dataclass
class Stack:
    """One deployment under ``root``: its database, broker, Airflow home, data lake and logs."""

    root: Path
    data_dir: Path | None = None
    workers: int = 1
    concurrency: int = 2
    api_port: int = field(default_factory=free_port)
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    log_port: int = field(default_factory=free_port)
    trigger_log_port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))  # 64 chars: HS512
    host: str = "127.0.0.1"  # where the api-server listens; PostgreSQL and Redis stay on loopback
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.data_dir = Path(self.data_dir or self.root / "data").resolve()
        if not self.jwt_secret:
            raise ValueError("the JWT secret must not be empty")
        self.pg_dir: Path | None = None
        self.stopped = False

    @property
    def url(self) -> str:
        """Where this machine reaches the api-server (loopback when it listens on every address)."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.api_port}"

    @property
    def db_url(self) -> str:
        return f"postgresql+psycopg2://airflow@127.0.0.1:{self.pg_port}/airflow"

    def env(self) -> dict[str, str]:
        home = self.root / "airflow"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "NEWSFLOW"))}
        env.update({
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",  # both DAGs run on their own
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.db_url,
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://airflow@127.0.0.1:{self.pg_port}/airflow",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.concurrency),
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,  # the same for every process
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(self.log_port),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self.trigger_log_port),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "GX_ANALYTICS_ENABLED": "False",
            "NEWSFLOW_DATA_DIR": str(self.data_dir),
        })
        env.update(self.extra_env)
        return env

    # -- processes ------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], as_user: str | None = None) -> subprocess.Popen:
        log = self.root / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        if as_user:
            cmd = ["runuser", "-u", as_user, "--", *cmd]
        with open(log, "ab") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env(),
                                    cwd=self.root, start_new_session=True)
        self.procs[name] = proc
        return proc

    def _airflow(self, *args: str, timeout: float = 300) -> str:
        r = subprocess.run([str(BIN / "airflow"), *args], env=self.env(), cwd=self.root, capture_output=True,
                           text=True, timeout=timeout)
        if r.returncode:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
        return r.stdout

    def start_postgres(self) -> None:
        # PostgreSQL refuses to run as root and needs a directory its user can reach.
        self.pg_dir = Path(tempfile.mkdtemp(prefix="newsflow-pg-"))
        user = "postgres" if os.geteuid() == 0 else None
        if user:
            shutil.chown(self.pg_dir, user, user)
        data = self.pg_dir / "db"
        run_as = ["runuser", "-u", user, "--"] if user else []
        subprocess.run([*run_as, pg_bin("initdb"), "-D", str(data), "-U", "airflow", "-A", "trust", "-E", "UTF8"],
                       check=True, capture_output=True, timeout=120)
        proc = self._spawn("postgres", [pg_bin("postgres"), "-D", str(data), "-p", str(self.pg_port),
                                        "-c", "listen_addresses=127.0.0.1", "-k", str(self.pg_dir),
                                        "-c", "fsync=off", "-c", "max_connections=200"], as_user=user)
        wait_for(lambda: subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.pg_port)],
                                        capture_output=True).returncode == 0,
                 "postgres", 60, proc, self.root / "logs" / "postgres.log")
        subprocess.run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "airflow", "airflow"],
                       check=True, capture_output=True, timeout=60)

    def start_redis(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            raise FileNotFoundError("redis-server not found: install Redis (apt-get install redis-server)")
        proc = self._spawn("redis", [server, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no"])

        def ping():
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        wait_for(ping, "redis", 30, proc, self.root / "logs" / "redis.log")

    def api_server_command(self) -> list[str]:
        return [str(BIN / "airflow"), "api-server", "--host", self.host, "--port", str(self.api_port),
                "--workers", "1"]

    def start(self) -> Stack:
        atexit.register(self.stop)  # also when the caller forgets, or an exception ends the interpreter
        self.root.mkdir(parents=True, exist_ok=True)
        home = self.root / "airflow"
        home.mkdir(exist_ok=True)
        (home / "passwords.json").write_text(json.dumps({"admin": self.password}))
        self.start_postgres()
        self.start_redis()
        self._airflow("db", "migrate", timeout=600)
        import httpx

        # The api-server first: the DAGs are active as soon as they are parsed, and a task the
        # scheduler sends before the execution API answers fails its first try.
        api = self._spawn("api-server", self.api_server_command())
        wait_for(lambda: httpx.get(f"{self.url}/api/v2/monitor/health", timeout=2).status_code == 200,
                 "api-server", 180, api, self.root / "logs" / "api-server.log")
        self._spawn("scheduler", [str(BIN / "airflow"), "scheduler"])
        self._spawn("dag-processor", [str(BIN / "airflow"), "dag-processor"])
        self._spawn("triggerer", [str(BIN / "airflow"), "triggerer"])  # asset-driven and deferrable work
        for i in range(self.workers):
            # one log server per machine: the first worker serves the task logs to the UI
            self._spawn(f"worker-{i}", [str(BIN / "airflow"), "celery", "worker", "--celery-hostname",
                                        f"newsflow-worker-{i}@%h", "--concurrency", str(self.concurrency),
                                        *(["--skip-serve-logs"] if i else [])])
        return self

    def stop(self) -> None:
        """Stop every process group (children included, even when the leader already exited);
        never raises, so one stubborn process cannot keep the others or the database running."""
        def signal_group(name: str, proc: subprocess.Popen, sig: int) -> None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)

        if self.stopped:
            return
        self.stopped = True
        try:
            for name, proc in reversed(list(self.procs.items())):
                # PostgreSQL: SIGINT is its fast shutdown (SIGTERM waits for clients)
                signal_group(name, proc, signal.SIGINT if name == "postgres" else signal.SIGTERM)
            deadline = time.monotonic() + 30
            for name, proc in self.procs.items():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    signal_group(name, proc, signal.SIGKILL)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=10)
            for name, proc in self.procs.items():  # stragglers left in a group whose leader is gone
                signal_group(name, proc, signal.SIGKILL)
        finally:
            if self.pg_dir:
                shutil.rmtree(self.pg_dir, ignore_errors=True)

    def __enter__(self) -> Stack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- REST API -------------------------------------------------------------------------
    def client(self):
        """An httpx client logged in to the REST API as admin."""
        import httpx

        token = httpx.post(f"{self.url}/auth/token", json={"username": "admin", "password": self.password},
                           timeout=30)
        token.raise_for_status()
        return httpx.Client(base_url=f"{self.url}/api/v2", timeout=30,
                            headers={"Authorization": f"Bearer {token.json()['access_token']}"})


def stack_from_args(argv: list[str] | None = None) -> Stack:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--dir", default=str(ROOT / ".stack"), help="where the stack keeps its state and logs")
    parser.add_argument("--data", default=None, help="the lake (default: DIR/data)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default=os.environ.get("AIRFLOW__API__HOST") or "127.0.0.1",
                        help="the address the api-server listens on (default: AIRFLOW__API__HOST or 127.0.0.1)")
    args = parser.parse_args(argv)
    # one secret for every process: the caller's (make passes the checkout's), else a random one
    secret = {"jwt_secret": s} if (s := os.environ.get("AIRFLOW__API_AUTH__JWT_SECRET")) else {}
    return Stack(Path(args.dir), data_dir=Path(args.data) if args.data else None, workers=args.workers,
                 api_port=args.port, host=args.host, **secret)


def main(argv: list[str] | None = None) -> int:
    with stack_from_args(argv) as stack:
        print(f"Airflow (CeleryExecutor, PostgreSQL on {stack.pg_port}, Redis on {stack.redis_port}) "
              f"on {stack.url} (listening on {stack.host})  login: admin / {stack.password}\n"
              f"logs: {stack.root / 'logs'}  lake: {stack.data_dir}\nCtrl-C stops everything.", flush=True)
        try:
            while all(p.poll() is None for p in stack.procs.values()):
                time.sleep(2)
            dead = [n for n, p in stack.procs.items() if p.poll() is not None]
            print(f"stopped: {', '.join(dead)} exited (see {stack.root / 'logs'})", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
