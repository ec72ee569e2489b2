"""A private single-node SLURM cluster for tests, started without systemd.

Why: vdbo runs on SLURM through ``snakemake-executor-plugin-slurm``; only a real
``slurmctld``/``slurmd``/``slurmdbd`` proves that the workflow's resources reach the
scheduler and its accounting. The cluster has one node (this machine's CPUs, its memory
minus a margin), ``gpus`` fake GPUs (character devices, so ``--gpus`` and
``CUDA_VISIBLE_DEVICES`` work without hardware) and accounting in a private MariaDB, so
``sacct`` answers (the plugin polls job states with it).

Everything lives in a temporary directory except ``/etc/slurm/slurm.conf``: the
plugin's job step calls ``srun`` without ``SLURM_CONF``, so clients must find the
configuration at the default path. That file carries a marker line and is removed on
stop; an unmarked (real) one is never overwritten. Daemons run in the foreground as
children of this process and exactly those PIDs are stopped. Needs root and the Debian
packages from ``scripts/install-slurm.sh``.

Use from a test module (fixture ``slurm_cluster``: one cluster per test module;
parallel pytest processes take turns through a lock file)::

    from slurm_cluster import slurm_cluster_fixture, write_test_profile  # noqa: F401

    @pytest.mark.slurm
    @pytest.mark.slow
    def test_something(slurm_cluster, tmp_path):
        profile = write_test_profile(SLURM_PROFILE, tmp_path / "profile", slurm_cluster)
        cmd = ["timeout", "600", sys.executable, "-m", "snakemake",
               "--workflow-profile", str(profile), "--directory", str(workdir), ...]
        subprocess.run(cmd, env=slurm_cluster.client_env(), timeout=620)
        records = slurm_cluster.wait_for_accounting(["Comment", "AllocTRES"])

Jobs are found in accounting by ``Comment`` == ``rule_<rule name>`` (set by the plugin).
Without pytest: ``with LocalSlurmCluster() as cluster: ...``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml

SLURM_CONF = Path("/etc/slurm/slurm.conf")
MARKER = "# written by vdbo tests/slurm_cluster.py (LocalSlurmCluster); removed on stop"
LOCK_FILE = Path("/tmp/vdbo-local-slurm.lock")
REQUIRED_PROGRAMS = (
    "munged",
    "mungekey",
    "mariadbd",
    "mariadb-install-db",
    "slurmdbd",
    "slurmctld",
    "slurmd",
    "sbatch",
    "sacct",
    "sacctmgr",
    "sinfo",
)
FINAL_JOB_STATES = {
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "TIMEOUT",
    "OUT_OF_MEMORY",
    "NODE_FAIL",
    "PREEMPTED",
    "BOOT_FAIL",
    "DEADLINE",
}


class SlurmClusterError(RuntimeError):
    """The local cluster could not be started or used; the message has log tails."""


def missing_requirements() -> str | None:
    """Why this machine cannot run the cluster, or None when it can."""
    if os.geteuid() != 0:
        return "the local SLURM cluster needs root (daemons run as SlurmUser=root)"
    missing = [p for p in REQUIRED_PROGRAMS if shutil.which(p) is None]
    if missing:
        return f"missing {', '.join(missing)}: run scripts/install-slurm.sh"
    if SLURM_CONF.exists() and MARKER not in SLURM_CONF.read_text():
        return f"{SLURM_CONF} belongs to a real SLURM installation; not overwriting it"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening_ports() -> set[int]:
    """TCP ports in LISTEN state (read from /proc, so probing leaves no log noise)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return f"--- {path}: (absent)"
    return f"--- {path}:\n" + "\n".join(text)


class LocalSlurmCluster:
    """Start/stop munged, MariaDB, slurmdbd, slurmctld and slurmd for one test session.

    Attributes after ``start()``: ``node`` (node name), ``real_memory_mb``, ``cpus``,
    ``partition``, ``account`` (registered in accounting; root may use it),
    ``workdir`` (configs, state, logs under ``workdir/log``), ``pids`` (name -> PID).
    """

    def __init__(
        self,
        *,
        gpus: int = 2,
        gpu_type: str | None = None,
        partition: str = "debug",
        account: str = "vdbo",
        cluster_name: str = "vdbotest",
        memory_margin_mb: int = 2048,
        startup_timeout_s: float = 60.0,
        keep_workdir: bool = False,
    ) -> None:
        self.gpus = gpus
        self.gpu_type = gpu_type
        self.partition = partition
        self.account = account
        self.cluster_name = cluster_name
        self.memory_margin_mb = memory_margin_mb
        self.startup_timeout_s = startup_timeout_s
        self.keep_workdir = keep_workdir
        self.workdir: Path | None = None
        self.node = ""
        self.cpus = 0
        self.real_memory_mb = 0
        self.startup_seconds = 0.0
        self._procs: dict[str, subprocess.Popen] = {}
        self.stray_pids: list[int] = []
        self._lock_fd: int | None = None
        self._wrote_slurm_conf = False

    # ----------------------------------------------------------------- lifecycle
    def __enter__(self) -> LocalSlurmCluster:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self._procs.items()}

    def start(self) -> LocalSlurmCluster:
        """Write configs, start the daemons, wait for an idle node and a working sacct.

        On any failure everything started so far is stopped, then the error is raised.
        """
        problem = missing_requirements()
        if problem:
            raise SlurmClusterError(problem)
        began = time.monotonic()
        self._procs = {}
        self.stray_pids = []
        self._acquire_lock()
        try:
            self.workdir = Path(tempfile.mkdtemp(prefix="vdbo-slurm-"))
            self._write_configs()
            self._start_munge()
            self._start_mariadb()
            self._start_slurmdbd()
            self._register_accounting()
            self._start("slurmctld", ["slurmctld", "-D", "-c"], self._daemon_env())
            self._wait_port("slurmctld", self._ports["slurmctld"])
            self._start("slurmd", ["slurmd", "-D"], self._daemon_env())
            self._wait_until_ready()
        except BaseException as error:
            logs = self.log_tails()
            self.stop()
            if isinstance(error, SlurmClusterError):
                raise SlurmClusterError(f"{error}\n{logs}") from error
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        """Cancel jobs, stop exactly the daemons started here, remove our slurm.conf.

        Processes of this cluster still alive after the daemons stopped (a stray
        ``slurmstepd`` or job) are killed and listed in ``stray_pids``.
        """
        try:
            if self._alive("slurmctld"):
                self._cancel_all_jobs()
            for name in reversed(list(self._procs)):
                self._terminate(name)
            self.stray_pids = self.leftover_processes()
            for pid in self.stray_pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        finally:
            if self._wrote_slurm_conf and SLURM_CONF.exists():
                if MARKER in SLURM_CONF.read_text():
                    SLURM_CONF.unlink()
                self._wrote_slurm_conf = False
            if self.workdir and not self.keep_workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)
            self._release_lock()

    def running_daemons(self) -> list[str]:
        """Names of the daemons started here that have not exited."""
        return [name for name in self._procs if self._alive(name)]

    def leftover_processes(self) -> list[int]:
        """PIDs of processes carrying this cluster's marker in their environment.

        The daemons are started with ``VDBO_LOCAL_SLURM=<workdir>`` and the
        ``slurmstepd`` of each job inherits it, so after ``stop()`` this is empty.
        """
        if self.workdir is None:
            return []
        needle = f"VDBO_LOCAL_SLURM={self.workdir}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            with contextlib.suppress(OSError):
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
        return found

    # ------------------------------------------------------------------- clients
    def client_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment for SLURM client commands and Snakemake (default slurm.conf)."""
        env = dict(os.environ if base is None else base)
        env.pop("SLURM_CONF", None)
        for key in list(env):
            if key.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_")):
                env.pop(key)
        return env

    def run(
        self, args: list[str], *, check: bool = True, timeout: float = 30
    ) -> subprocess.CompletedProcess:
        """Run a SLURM client command against this cluster and capture its text."""
        result = subprocess.run(
            args,
            env=self.client_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            command = " ".join(args)
            raise SlurmClusterError(
                f"{command} failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result

    def sacct(
        self, fields: Iterable[str], *, job_ids: Iterable[str] = (), allocations=True
    ) -> list[dict[str, str]]:
        """Accounting records (one dict per job, or per step with allocations=False)."""
        fields = list(fields)
        args = ["sacct", "-a", "-P", "-n", f"--format={','.join(fields)}"]
        args += ["--starttime", "now-1days"]
        if allocations:
            args.append("-X")
        ids = list(job_ids)
        if ids:
            args += ["-j", ",".join(ids)]
        out = self.run(args).stdout
        rows = [line.split("|") for line in out.splitlines() if line]
        return [dict(zip(fields, row, strict=True)) for row in rows]

    def wait_for_accounting(
        self, fields: Iterable[str], *, timeout: float = 30
    ) -> list[dict[str, str]]:
        """sacct records of all jobs once each is final and its ReqTRES is stored.

        slurmctld sends records to slurmdbd asynchronously: a job can be COMPLETED
        in sacct a moment before its requested TRES are.
        """
        fields = list(dict.fromkeys(["JobID", "State", "ReqTRES", *fields]))
        deadline = time.monotonic() + timeout
        while True:
            records = self.sacct(fields)
            settled = records and all(
                r["State"].split()[0] in FINAL_JOB_STATES and r["ReqTRES"]
                for r in records
            )
            if settled or time.monotonic() > deadline:
                return records
            time.sleep(0.5)

    def log_tails(self, lines: int = 15) -> str:
        """Last lines of every daemon log, for error messages."""
        if self.workdir is None:
            return ""
        logs = sorted((self.workdir / "log").glob("*"))
        return "\n".join(_tail(path, lines) for path in logs)

    # ------------------------------------------------------------------ internals
    def _acquire_lock(self) -> None:
        """One cluster per machine: /etc/slurm/slurm.conf and ports are shared."""
        fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + 900
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as busy:
                if time.monotonic() > deadline:
                    os.close(fd)
                    message = f"{LOCK_FILE} held by another test run"
                    raise SlurmClusterError(message) from busy
                time.sleep(1)
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _daemon_env(self, **extra: str) -> dict[str, str]:
        env = self.client_env()
        env["SLURM_CONF"] = str(self.workdir / "etc" / "slurm.conf")
        env["VDBO_LOCAL_SLURM"] = str(self.workdir)
        env.update(extra)
        return env

    def _node_hardware(self) -> str:
        """`slurmd -C` node line with RealMemory lowered so --mem is honoured."""
        line = subprocess.run(
            ["slurmd", "-C"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.splitlines()[0]
        fields = dict(item.split("=", 1) for item in line.split())
        self.node = fields["NodeName"]
        self.cpus = int(fields["CPUs"])
        self.real_memory_mb = max(
            1024, int(fields["RealMemory"]) - self.memory_margin_mb
        )
        fields["RealMemory"] = str(self.real_memory_mb)
        return " ".join(f"{key}={value}" for key, value in fields.items())

    def _write_configs(self) -> None:
        work = self.workdir
        work.chmod(0o755)  # munged demands a world-searchable path to its socket
        for sub in ("etc", "run", "log", "state", "spool", "dev", "db"):
            (work / sub).mkdir()
        (work / "munge").mkdir(mode=0o700)
        self._ports = {name: _free_port() for name in ("slurmctld", "slurmd", "dbd")}
        munge_socket = work / "run" / "munge.sock"
        node_line = self._node_hardware()
        gpu_gres = (
            f"gpu:{self.gpu_type}:{self.gpus}" if self.gpu_type else f"gpu:{self.gpus}"
        )
        gres_lines = []
        for index in range(self.gpus):
            device = work / "dev" / f"nvidia{index}"
            # slurmd accepts only character devices as GPU files; 1:3 is /dev/null's.
            os.mknod(device, 0o666 | 0o020000, os.makedev(1, 3))
            gpu_type = f" Type={self.gpu_type}" if self.gpu_type else ""
            gres_lines.append(f"NodeName={self.node} Name=gpu{gpu_type} File={device}")
        slurm_conf = f"""{MARKER}
ClusterName={self.cluster_name}
SlurmctldHost={self.node}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort={self._ports["slurmctld"]}
SlurmdPort={self._ports["slurmd"]}
AuthType=auth/munge
AuthInfo=socket={munge_socket}
CredType=cred/munge
StateSaveLocation={work}/state
SlurmdSpoolDir={work}/spool
SlurmctldPidFile={work}/run/slurmctld.pid
SlurmdPidFile={work}/run/slurmd.pid
SlurmctldLogFile={work}/log/slurmctld.log
SlurmdLogFile={work}/log/slurmd.log
MailProg=/bin/true
# no cgroups: containers and machines without systemd have none to delegate
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=500
GresTypes=gpu
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort={self._ports["dbd"]}
# for slurmdbd connections the munge socket is given here, not in AuthInfo
AccountingStoragePass={munge_socket}
AccountingStorageTRES=gres/gpu
JobCompType=jobcomp/none
# sacct shows the plugin's --comment rule_<name>, which maps jobs to rules
AccountingStoreFlags=job_comment
MinJobAge=300
ReturnToService=2
{node_line} NodeAddr=127.0.0.1 Gres={gpu_gres} State=UNKNOWN
PartitionName={self.partition} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
"""
        (work / "etc" / "slurm.conf").write_text(slurm_conf)
        (work / "etc" / "gres.conf").write_text("\n".join(gres_lines) + "\n")
        dbd_conf = work / "etc" / "slurmdbd.conf"
        dbd_conf.write_text(
            f"""AuthType=auth/munge
AuthInfo=socket={munge_socket}
DbdHost=localhost
DbdPort={self._ports["dbd"]}
SlurmUser=root
LogFile={work}/log/slurmdbd.log
PidFile={work}/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc=slurm_acct_db
"""
        )
        dbd_conf.chmod(
            0o600
        )  # slurmdbd refuses a readable config (it may hold passwords)
        SLURM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SLURM_CONF.write_text(slurm_conf)
        self._wrote_slurm_conf = True

    def _start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = open(self.workdir / "log" / f"{name}.out", "ab")  # noqa: SIM115
        with log:
            self._procs[name] = subprocess.Popen(
                args,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                start_new_session=True,  # Ctrl-C in pytest must not kill them unordered
            )

    def _alive(self, name: str) -> bool:
        proc = self._procs.get(name)
        return proc is not None and proc.poll() is None

    def _wait(self, what: str, ready, *, daemons: Iterable[str] = ()) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while not ready():
            for name in daemons:
                if not self._alive(name):
                    raise SlurmClusterError(f"{name} exited while waiting for {what}")
            if time.monotonic() > deadline:
                raise SlurmClusterError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def _wait_port(self, name: str, port: int) -> None:
        self._wait(
            f"{name} on port {port}", lambda: port in _listening_ports(), daemons=[name]
        )

    def _start_munge(self) -> None:
        work = self.workdir
        key = work / "munge" / "munge.key"
        subprocess.run(
            ["mungekey", "--create", f"--keyfile={key}"], check=True, timeout=30
        )
        sock = work / "run" / "munge.sock"
        self._start(
            "munged",
            [
                "munged",
                "--foreground",
                f"--key-file={key}",
                f"--socket={sock}",
                f"--pid-file={work}/run/munged.pid",
                f"--seed-file={work}/munge/seed",
            ],
            self._daemon_env(),
        )
        self._wait("munged socket", sock.exists, daemons=["munged"])

    def _mariadb_options(self) -> list[str]:
        # Redo log, buffer pool (touched lazily) and lock timeout at the minimum that
        # slurmdbd accepts without logging "Database settings not recommended".
        return [
            "--innodb-log-file-size=64M",
            "--innodb-buffer-pool-size=512M",
            "--innodb-lock-wait-timeout=900",
            # a throwaway database: no fsync per commit (slurmdbd creates ~40 tables)
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
        ]

    def _start_mariadb(self) -> None:
        work = self.workdir
        with open(work / "log" / "mariadb-install-db.out", "wb") as log:
            subprocess.run(
                [
                    "mariadb-install-db",
                    "--no-defaults",
                    f"--datadir={work}/db",
                    "--user=root",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    *self._mariadb_options(),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=120,
            )
        sock = work / "run" / "mysql.sock"
        self._start(
            "mariadbd",
            [
                "mariadbd",
                "--no-defaults",
                f"--datadir={work}/db",
                f"--socket={sock}",
                "--skip-networking",
                "--user=root",
                f"--pid-file={work}/run/mariadbd.pid",
                f"--log-error={work}/log/mariadbd.log",
                "--skip-log-bin",
                *self._mariadb_options(),
            ],
            self._daemon_env(),
        )
        self._wait("mariadbd socket", sock.exists, daemons=["mariadbd"])

    def _start_slurmdbd(self) -> None:
        # StorageHost=localhost with no socket option: libmariadb then takes the unix
        # socket from MYSQL_UNIX_PORT, so the private MariaDB needs no TCP port.
        env = self._daemon_env(MYSQL_UNIX_PORT=str(self.workdir / "run" / "mysql.sock"))
        self._start("slurmdbd", ["slurmdbd", "-D"], env)
        self._wait_port("slurmdbd", self._ports["dbd"])

    def _register_accounting(self) -> None:
        """Cluster, account and root's association, as an admin would create them.

        One sacctmgr reads all commands from stdin: each start of it costs a second
        on a loaded machine.
        """
        commands = (
            f"add cluster {self.cluster_name}\n"
            f"add account {self.account} Description=vdbo Organization=vdbo\n"
            f"add user root account={self.account} defaultaccount={self.account}\n"
        )
        result = subprocess.run(
            ["sacctmgr", "-i"],
            input=commands,
            env=self.client_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        listed = self.run(
            ["sacctmgr", "-n", "-P", "list", "user", "root", "-s", "format=account"]
        ).stdout.split()
        if result.returncode != 0 or self.account not in listed:
            raise SlurmClusterError(
                f"sacctmgr could not register account {self.account}: "
                f"{result.stdout.strip()} {result.stderr.strip()}"
            )

    def _wait_until_ready(self) -> None:
        def node_idle() -> bool:
            out = self.run(["sinfo", "-h", "-n", self.node, "-o", "%T"], check=False)
            return out.stdout.strip() == "idle"

        def sacct_answers() -> bool:
            return self.run(["sacct", "-n", "-X"], check=False).returncode == 0

        daemons = list(self._procs)
        self._wait(f"node {self.node} idle", node_idle, daemons=daemons)
        self._wait("sacct", sacct_answers, daemons=daemons)

    def _cancel_all_jobs(self) -> None:
        with contextlib.suppress(SlurmClusterError, subprocess.TimeoutExpired):
            self.run(
                ["scancel", "--full", f"--partition={self.partition}"],
                check=False,
                timeout=10,
            )
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                queue = self.run(["squeue", "-h", "-o", "%i"], check=False, timeout=10)
                if queue.returncode != 0 or not queue.stdout.strip():
                    break
                time.sleep(0.5)

    def _terminate(self, name: str, grace_s: float = 15.0) -> None:
        proc = self._procs[name]
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


# ----------------------------------------------------------------- test helpers
def write_test_profile(
    source: Path,
    dest: Path,
    cluster: LocalSlurmCluster,
    without: tuple[str, ...] = (),
    **overrides: object,
) -> Path:
    """Copy a SLURM workflow profile, pointing it at ``cluster``; returns its folder.

    Fills in the account and partition placeholders (the one place a user edits),
    and polls job states every 2 s instead of every 40 s so tests finish quickly.
    ``overrides`` are extra profile keys (use the profile spelling, e.g.
    ``**{"latency-wait": 5}``); ``without`` names profile keys to leave out.
    """
    profile = yaml.safe_load((Path(source) / "config.yaml").read_text())
    for key in without:
        profile.pop(key)
    resources = []
    for entry in profile.get("default-resources", []):
        key = entry.split("=", 1)[0].strip()
        if key == "slurm_account":
            entry = f"slurm_account='{cluster.account}'"
        elif key == "slurm_partition":
            entry = f"slurm_partition='{cluster.partition}'"
        resources.append(entry)
    profile["default-resources"] = resources
    profile["slurm-init-seconds-before-status-checks"] = 2
    profile.update(overrides)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "config.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    return dest


def run_snakefile(
    cluster: LocalSlurmCluster,
    source: Path,
    tmp: Path,
    snakefile: str,
    **overrides: object,
) -> tuple[Path, subprocess.CompletedProcess]:
    """Run the workflow text ``snakefile`` in ``tmp/run`` on ``cluster`` with the
    profile ``source`` (``overrides``: as :func:`write_test_profile`); returns the
    working directory and the finished Snakemake process."""
    workdir = tmp / "run"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(snakefile)
    profile = write_test_profile(source, tmp / "profile", cluster, **overrides)
    env = cluster.client_env()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    cmd = [
        "timeout", "600",
        sys.executable, "-m", "snakemake",
        "--executor", "slurm",
        "--workflow-profile", str(profile),
        "--snakefile", str(workdir / "Snakefile"),
        "--directory", str(workdir),
    ]  # fmt: skip
    run = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=620, check=False
    )
    return workdir, run


@pytest.fixture(scope="module", name="slurm_cluster")
def slurm_cluster_fixture() -> Iterator[LocalSlurmCluster]:
    """A started LocalSlurmCluster for one test module; skips when it cannot run.

    Import it into a test module with
    ``from slurm_cluster import slurm_cluster_fixture  # noqa: F401``.
    """
    problem = missing_requirements()
    if problem:
        pytest.skip(problem)
    cluster = LocalSlurmCluster()
    with cluster:
        yield cluster
    assert not cluster.running_daemons(), cluster.running_daemons()
    assert (
        not cluster.stray_pids
    ), f"SLURM processes outlived slurmd: {cluster.stray_pids}"
    assert not cluster.leftover_processes()
