"""`make airflow`: Airflow's api-server, scheduler, dag-processor and triggerer on this machine,
started, watched and stopped as one (in place of `airflow standalone`).

`airflow standalone` did not stop: Ctrl-C hung for minutes, a second one left its LocalExecutor
workers (32 of them, one per slot of the default parallelism) ignoring SIGTERM, and SIGTERM left
the api-server serving. Here every component is an `airflow <component>` subprocess in a session
(process group) of its own, the LocalExecutor runs at most AIRFLOW__CORE__PARALLELISM tasks at
once (4 by default: a small machine), and the api-server listens on 127.0.0.1 unless --host (or
AIRFLOW__API__HOST) says otherwise. Ctrl-C, SIGTERM or SIGHUP stop everything within seconds:
SIGTERM to each component, --grace seconds (5) for them to stop their own children, then SIGKILL
to every process group and every process of the tree that is left: LocalExecutor workers and
task processes (which run in process groups of their own) included. On Linux this process is the
child subreaper of its tree, so a process whose parent died is still found. A second Ctrl-C
skips the grace. A task killed that way is failed or retried by the scheduler on the next start.

The admin login works as in `airflow standalone` (the simple auth manager's users, `admin` by
default, with a password generated once and kept in
$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated); it is printed with the URL.

    .venv/bin/python tools/airflow_local.py [--port 8080] [--host 127.0.0.1] [--parallelism 4] [--grace 5]
    .venv/bin/python tools/airflow_local.py login        # the login `up` prints (for `make run`)
    .venv/bin/python tools/airflow_local.py task-logs DAG_ID LOGFILE

`task-logs` files the task logs of an `airflow dags test` run (`make run`) where the UI reads
them: `dags test` runs every task inside its own process and writes their logs only to its
output, so without this the UI says "Log file not found on worker" for those runs.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtualenv's bin: airflow
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
# the simple auth manager's own alphabet for generated passwords (no look-alike characters)
PASSWORD_ALPHABET = "abcdefghkmnpqrstuvwxyzABCDEFGHKMNPQRSTUVWXYZ23456789"
PR_SET_CHILD_SUBREAPER = 36


class Stop(Exception):
    """A stop was asked for (a signal) while starting up."""


def _loopback(host: str) -> str:
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the api-server does: TIME_WAIT is free
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def admin_logins(home: Path, env: dict[str, str]) -> tuple[dict[str, str], Path | None]:
    """The simple auth manager's users and passwords, as `airflow standalone` sets them up: users
    from [core] simple_auth_manager_users (default admin:admin), each missing one given a
    generated password in the passwords file, which the api-server then reads. Returns
    ({}, None) when every user is admin without a login or another auth manager is configured."""
    if env.get("AIRFLOW__CORE__AUTH_MANAGER", SIMPLE_AUTH_MANAGER) != SIMPLE_AUTH_MANAGER:
        return {}, None
    if env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "").lower() == "true":
        return {}, None
    users = [u.split(":")[0].strip() for u in
             env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin").split(",") if u.strip()]
    path = Path(env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
                or home / "simple_auth_manager_passwords.json.generated")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)  # also one the api-server wrote before (with the default umask)
    with os.fdopen(fd, "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # the api-server takes the same lock when it reads it
        passwords = json.loads(f.read().strip() or "{}")
        missing = [u for u in users if u not in passwords]
        for user in missing:
            passwords[user] = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))
        if missing:
            f.seek(0)
            f.truncate()
            f.write(json.dumps(passwords) + "\n")
    return {u: passwords[u] for u in users}, path


class LocalAirflow:
    """The four components under one AIRFLOW_HOME, and their whole process tree."""

    def __init__(self, home: Path, host: str = "127.0.0.1", port: int = 8080, parallelism: int = 4,
                 grace: float = 5.0, worker_log_port: int | None = None, trigger_log_port: int | None = None,
                 out=sys.stdout):
        self.home = Path(home).resolve()
        self.host, self.port, self.parallelism, self.grace = host, port, parallelism, grace
        self.worker_log_port, self.trigger_log_port = worker_log_port, trigger_log_port
        self.logs = self.home / "logs" / "components"
        self.procs: dict[str, subprocess.Popen] = {}
        self.logins: dict[str, str] = {}
        self.password_file: Path | None = None
        self.stop_signal: int | None = None
        self.hurry = False
        self.out = out

    @property
    def url(self) -> str:
        host = _loopback(self.host)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),  # = the LocalExecutor's worker processes
            "AIRFLOW__API__HOST": self.host,
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",  # tasks: loopback
        })
        if self.worker_log_port:
            env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(self.worker_log_port)
        if self.trigger_log_port:
            env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] = str(self.trigger_log_port)
        for key, value in {
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",  # a deployed newsflow runs on its own
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH_MANAGER,
            "GX_ANALYTICS_ENABLED": "False",
        }.items():
            env.setdefault(key, value)
        return env

    # -- signals ---------------------------------------------------------------------------
    def _on_signal(self, signum, frame) -> None:
        if self.stop_signal is not None:
            self.hurry = True  # asked twice: no grace
        self.stop_signal = signum

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self.stop_signal is None and time.monotonic() < end:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))
        self.reap_orphans()
        if self.stop_signal is not None:
            raise Stop

    # -- processes -------------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"{name}.log", "ab") as log:
            log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} airflow {' '.join(args)}\n".encode())
            log.flush()
            proc = subprocess.Popen([str(BIN / "airflow"), *args], stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=self.env(), cwd=self.home,
                                    start_new_session=True)  # its own process group: killpg reaches all of it
        self.procs[name] = proc
        return proc

    def tail(self, name: str, lines: int = 25) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def start(self) -> None:
        """Migrate the DB, start the components, wait for the api-server. Raises Stop when a
        signal arrives meanwhile, RuntimeError when a component fails to start."""
        if not port_is_free(self.host, self.port):
            raise RuntimeError(f"port {self.port} on {self.host} is in use (another `make airflow`?); "
                               f"stop it or choose another port: AIRFLOW__API__PORT=8081 make airflow")
        with contextlib.suppress(OSError, AttributeError):  # Linux: orphaned descendants come back to us
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self.home.mkdir(parents=True, exist_ok=True)
        print(f"Starting Airflow in {self.home} (LocalExecutor, {self.parallelism} tasks at a time; "
              f"component logs in {self.logs}) ...", file=self.out, flush=True)
        migrate = self._spawn("db-migrate", ["db", "migrate"])
        while migrate.poll() is None:
            self._sleep(0.2)
        del self.procs["db-migrate"]
        if migrate.returncode:
            raise RuntimeError(f"airflow db migrate failed ({migrate.returncode}):\n{self.tail('db-migrate')}")
        # the login, before the api-server starts (it would write the file itself, readable by all)
        self.logins, self.password_file = admin_logins(self.home, self.env())
        # The api-server first: the DAGs are active as soon as they are parsed, and a task the
        # scheduler sends before the execution API answers fails its first try.
        self._spawn("api-server", ["api-server", "--host", self.host, "--port", str(self.port), "--workers", "1"])
        deadline = time.monotonic() + 180
        while not self.api_is_up():
            if dead := self.dead():
                raise RuntimeError(f"{dead} exited with {self.procs[dead].returncode} while starting:\n"
                                   f"{self.tail(dead)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the api-server did not answer on {self.url} within 180 s:\n"
                                   f"{self.tail('api-server')}")
            self._sleep(0.5)
        for name in COMPONENTS[1:]:
            self._spawn(name, [name])

    def api_is_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/monitor/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def dead(self) -> str | None:
        return next((n for n, p in self.procs.items() if p.poll() is not None), None)

    def descendants(self) -> list:
        import psutil

        try:
            return psutil.Process().children(recursive=True)
        except psutil.Error:
            return []

    def reap_orphans(self) -> None:
        """Collect the exit status of adopted orphans (we are their subreaper), never of a component
        (Popen does that)."""
        import psutil

        ours = {p.pid for p in self.procs.values()}
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process().children():
                if child.pid not in ours:
                    with contextlib.suppress(ChildProcessError, psutil.Error):
                        if child.status() == psutil.STATUS_ZOMBIE:
                            os.waitpid(child.pid, os.WNOHANG)

    def stop(self) -> tuple[list[str], float]:
        """Stop every component and every process of the tree: SIGTERM, up to ``grace`` seconds,
        then SIGKILL. Returns (what had to be killed, seconds taken); never raises."""
        started = time.monotonic()
        groups = {p.pid for p in self.procs.values()}  # session leaders: their pid is the group id
        tree: dict[int, object] = {}
        left: list[str] = []
        try:
            tree.update({p.pid: p for p in self.descendants()})
            # SIGTERM to the components themselves: each stops its own children in order (the
            # scheduler its executor's workers, the api-server its worker). Their children get
            # no signal yet: a LocalExecutor worker inherits the scheduler's SIGTERM handler and
            # then hangs the scheduler's wait for it.
            for proc in self.procs.values():
                with contextlib.suppress(OSError):
                    proc.send_signal(signal.SIGTERM)
            deadline = started + self.grace
            while time.monotonic() < deadline and not self.hurry:
                tree.update({p.pid: p for p in self.descendants()})  # children forked meanwhile
                if not any(_alive(p) for p in tree.values()) and all(_group_empty(g) for g in groups):
                    break
                self.reap_orphans()
                time.sleep(0.1)
            tree.update({p.pid: p for p in self.descendants()})
            left = [_describe(p) for p in tree.values() if _alive(p)]
        except Exception as e:  # a bug here must not leave Airflow running: SIGKILL follows anyway
            print(f"airflow_local: while stopping: {e!r}", file=sys.stderr)
        finally:
            self._kill(groups, tree)
        return left, time.monotonic() - started

    def _signal(self, groups: set[int], tree: dict, sig: int) -> None:
        import psutil

        for pgid in groups:
            with contextlib.suppress(OSError):
                os.killpg(pgid, sig)
        for proc in list(tree.values()):  # task processes run in process groups of their own
            with contextlib.suppress(psutil.Error, OSError):
                proc.send_signal(sig)

    def _kill(self, groups: set[int], tree: dict) -> None:
        import psutil

        with contextlib.suppress(Exception):
            tree.update({p.pid: p for p in self.descendants()})
        self._signal(groups, tree, signal.SIGKILL)
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                proc.wait(timeout=5)
        with contextlib.suppress(Exception):
            psutil.wait_procs(list(tree.values()), timeout=5)
        with contextlib.suppress(Exception):
            self.reap_orphans()

    def banner(self, logins: dict[str, str], password_file: Path | None) -> str:
        where = self.host if self.host == _loopback(self.host) else f"{self.host}, every interface"
        login = ("login: " + ", ".join(f"{u} / {p}" for u, p in logins.items())
                 + f"  (kept in {password_file})") if logins else "login: none needed"
        return (f"Airflow is up on {self.url}  (listening on {where})\n"
                f"  {login}\n"
                f"  DAGs from {self.env()['AIRFLOW__CORE__DAGS_FOLDER']}; task logs in {self.home / 'logs'}; "
                f"component logs in {self.logs}\n"
                f"  Ctrl-C (or SIGTERM) stops every component.")


def _describe(proc) -> str:
    try:
        return f"{proc.pid} {' '.join(' '.join(proc.cmdline()).split())[:80] or proc.name()}"
    except Exception:
        return str(proc.pid)


def _alive(proc) -> bool:
    import psutil

    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _group_empty(pgid: int) -> bool:
    """No living process left in the process group (zombies waiting to be reaped do not count)."""
    import psutil

    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                return False
    return True


def up(args: argparse.Namespace) -> int:
    home = Path(os.environ.get("AIRFLOW_HOME") or ROOT / ".airflow")
    airflow = LocalAirflow(home, host=args.host, port=args.port, parallelism=args.parallelism, grace=args.grace,
                           worker_log_port=args.worker_log_port, trigger_log_port=args.trigger_log_port)
    airflow.install_signal_handlers()
    code = 0
    try:
        airflow.start()
        print(airflow.banner(airflow.logins, airflow.password_file), flush=True)
        while (dead := airflow.dead()) is None:
            airflow._sleep(1)
        print(f"{dead} exited with {airflow.procs[dead].returncode}; stopping the others. "
              f"Its last lines ({airflow.logs / (dead + '.log')}):\n{airflow.tail(dead)}", file=sys.stderr)
        code = 1
    except Stop:
        pass
    except RuntimeError as e:
        print(f"airflow_local: {e}", file=sys.stderr)
        code = 1
    finally:
        if airflow.stop_signal is not None:
            print(f"\n{signal.Signals(airflow.stop_signal).name}: stopping Airflow ...", flush=True)
        killed, took = airflow.stop()
        print(f"Airflow stopped in {took:.1f} s." + (
            f" Still exiting after {airflow.grace:g} s, so killed: "
            + "; ".join(killed) if killed else ""), flush=True)
    return code


# -- task logs of `airflow dags test` runs ------------------------------------------------------
# `airflow dags test` (make run) runs each task inside its own process, one after the other, and
# logs everything to its output, framed by "[DAG TEST] starting task_id=.. map_index=.." and
# "[DAG TEST] end task ...". task_logs() cuts that output into one file per task attempt at the
# path Airflow's file task handler reads (the default log_filename_template), as JSON lines like
# a worker writes, so the UI of `make airflow` (same AIRFLOW_HOME) shows them.
LINE = re.compile(r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) \[(?P<level>\w+)\s*\] (?P<rest>.*)$")
START = re.compile(r"\[DAG TEST\] starting task_id=(?P<task>\S+) map_index=(?P<map>-?\d+)")
END = re.compile(r"\[DAG TEST\] end task task_id=(?P<task>\S+) map_index=(?P<map>-?\d+)")
LOGGER = re.compile(r"^(?P<event>.*)\s+\[(?P<logger>[\w.]+)\](?P<extra>(?: \S+=.*)?)$")


def task_log_path(base: Path, dag_id: str, run_id: str, task_id: str, map_index: int, attempt: int) -> Path:
    """Airflow's default [logging] log_filename_template."""
    mapped = f"map_index={map_index}/" if map_index >= 0 else ""
    return base / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}" / f"{mapped}attempt={attempt}.log"


def _structured(line: str) -> dict | None:
    m = LINE.match(line)
    if not m:
        return None
    rec = {"timestamp": m["ts"], "level": m["level"].lower(), "event": m["rest"].rstrip()}
    if lm := LOGGER.match(rec["event"]):
        event = lm["event"].rstrip()
        # the UI folds ::group:: ... ::endgroup:: sections; their markers must stay bare
        rec["event"] = event if event.startswith(("::group::", "::endgroup::")) else event + (lm["extra"] or "")
        rec["logger"] = lm["logger"]
    return rec


def task_logs(dag_id: str, output: str, base: Path) -> list[Path]:
    """Write the task logs found in an `airflow dags test` output; returns the files written."""
    running = re.compile(r"<TaskInstance: " + re.escape(dag_id) + r"\.(?P<task>\S+) (?P<run>\S+) ")
    attempts: dict[tuple[str, int], int] = {}
    written: list[Path] = []
    current: list[dict] | None = None
    key: tuple[str, int] | None = None
    run_id: str | None = None

    def flush() -> None:
        if current and key and run_id:
            path = task_log_path(base, dag_id, run_id, key[0], key[1], attempts[key])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(json.dumps(r) + "\n" for r in current), encoding="utf-8")
            written.append(path)

    for line in output.splitlines():
        if m := START.search(line):
            flush()
            key = (m["task"], int(m["map"]))
            attempts[key] = attempts.get(key, 0) + 1
            current, run_id = [], None
        if current is None:
            continue
        if run_id is None and (m := running.search(line)):
            run_id = m["run"]
        rec = _structured(line)
        if rec is None:  # a traceback or a wrapped message: part of the record before it
            if current:
                current[-1]["event"] += "\n" + line
            continue
        current.append(rec)
        if END.search(line):
            flush()
            current, key = None, None
    flush()  # a run that stopped inside a task
    return written


def task_logs_main(args: argparse.Namespace) -> int:
    home = Path(os.environ.get("AIRFLOW_HOME") or ROOT / ".airflow")
    base = Path(os.environ.get("AIRFLOW__LOGGING__BASE_LOG_FOLDER") or home / "logs")
    if os.environ.get("AIRFLOW__LOGGING__LOG_FILENAME_TEMPLATE"):
        print("task-logs: a custom log_filename_template is set; task logs stay in " + args.logfile)
        return 0
    files = task_logs(args.dag_id, Path(args.logfile).read_text(errors="replace"), base)
    runs = sorted({p.relative_to(base).parts[1] for p in files})
    if files:
        print(f"{args.dag_id}: {len(files)} task logs in {base}/dag_id={args.dag_id}/{', '.join(runs)}/ "
              f"(shown in the UI by `make airflow`)")
    else:
        print(f"{args.dag_id}: no task logs found in {args.logfile}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    p_up = sub.add_parser("up", help="start Airflow; Ctrl-C or SIGTERM stops it (the default)")
    p_up.add_argument("--host", default=os.environ.get("AIRFLOW__API__HOST") or "127.0.0.1",
                      help="where the api-server listens (default: AIRFLOW__API__HOST or 127.0.0.1)")
    p_up.add_argument("--port", type=int, default=int(os.environ.get("AIRFLOW__API__PORT") or 8080))
    p_up.add_argument("--parallelism", type=int, default=int(os.environ.get("AIRFLOW__CORE__PARALLELISM") or 4),
                      help="tasks at a time, = LocalExecutor worker processes (default 4)")
    p_up.add_argument("--grace", type=float, default=5.0, help="seconds between SIGTERM and SIGKILL")
    p_up.add_argument("--worker-log-port", type=int, default=None, help="the scheduler's task log server")
    p_up.add_argument("--trigger-log-port", type=int, default=None, help="the triggerer's log server")
    sub.add_parser("login", help="print the UI login (made on first use, as `up` makes it)")
    p_logs = sub.add_parser("task-logs", help="file the task logs of an `airflow dags test` output for the UI")
    p_logs.add_argument("dag_id")
    p_logs.add_argument("logfile")
    if not argv or argv[0].startswith("-"):
        argv.insert(0, "up")
    args = parser.parse_args(argv)
    if args.command == "task-logs":
        return task_logs_main(args)
    if args.command == "login":
        env = LocalAirflow(Path(os.environ.get("AIRFLOW_HOME") or ROOT / ".airflow")).env()
        logins, _ = admin_logins(Path(env["AIRFLOW_HOME"]), env)
        print(", ".join(f"{u} / {p}" for u, p in logins.items()) or "none needed")
        return 0
    if args.parallelism < 1:
        parser.error("--parallelism must be at least 1")
    return up(args)


if __name__ == "__main__":
    sys.exit(main())
