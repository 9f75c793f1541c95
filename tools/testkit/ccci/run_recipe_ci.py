#!/usr/bin/env python3
"""Stand-in for cc-ci's runner/run_recipe_ci.py, built from shared/CC-CI.md (stdlib only).

Inputs are the environment only: RECIPE (required), REF, CCCI_QUICK, CCCI_SKIP_FETCH, CCCI_REPO,
ABRA_DIR, CCCI_RUNS_DIR, CCCI_WARM_ROOT; with CCCI_SKIP_FETCH=1 it tests the staged clone
$ABRA_DIR/recipes/<recipe> (default ~/.abra), whose version is the compose label
coop-cloud.${STACK_NAME}.version. Exits 0 green, 1 red, 142 its own alarm, 143 on SIGTERM.
On an enrolled, green, cold, non-quick, REF-empty run of a release tag it promotes by itself.

Stand-in deviations (each so that a test can run it in a temp dir and catch canon's mistakes):
- what the test does is read from $CCCI_REPO/tests/<recipe>/standin.json, not run;
- a non-empty REF or CCCI_QUICK=1 is refused (exit 64): a sweep's cold run must never get them;
- without CCCI_SKIP_FETCH=1 it refuses (exit 64): it cannot clone;
- host paths (lock dir, default runs dir and warm root) come from the JSON file named by
  CCCI_STANDIN_CONFIG, which the cc-ci-run stand-in sets like the Nix wrapper bakes in paths;
  CCCI_LOCK_DIR overrides the lock dir (default /run/lock);
- health is `abra app ps <domain>` of the file-backed abra, not HTTPS.
"""
import datetime
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tarfile
import time

REFUSED = 64
TIMED_OUT = 142
VERSION_LABEL = re.compile(r"coop-cloud\.\$\{STACK_NAME\}\.version[=:]\s*\"?([^\"\s]+)\"?")
RELEASE = re.compile(r"^v?\d+\.\d+\.\d+(\+[0-9A-Za-z.-]+)?$")


def log(message):
    print(f"run_recipe_ci: {message}", file=sys.stderr, flush=True)


def fail(code, message):
    log(message)
    sys.exit(code)


def utc_stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def read_json(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_atomic(path, text):
    temp = f"{path}.tmp-{os.getpid()}"
    with open(temp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


def git(clone, *args):
    return subprocess.run(["git", "-C", clone, *args], check=True, capture_output=True, text=True).stdout.strip()


def abra(*args):
    return subprocess.run(["abra", "app", *args, "--no-input"], capture_output=True, text=True)


class AppLock:
    """fcntl.flock on <lock dir>/cc-ci-app-<domain>.lock, exclusive, as every deploy takes it."""

    def __init__(self, lock_dir, domain, wait_seconds):
        self.path = os.path.join(lock_dir, f"cc-ci-app-{domain}.lock")
        self.wait_seconds = wait_seconds
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    raise RuntimeError(f"app lock {self.path} is held by another run")
                time.sleep(0.05)

    def __exit__(self, *exc):
        os.close(self.fd)


def head_version(clone):
    for name in ("compose.yml", "compose.yaml", "docker-compose.yml"):
        path = os.path.join(clone, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                match = VERSION_LABEL.search(f.read())
            if match:
                return match.group(1)
    fail(1, f"no coop-cloud.${{STACK_NAME}}.version label in the compose file of {clone}")


def enrolled(tests_dir, recipe):
    meta = os.path.join(tests_dir, recipe, "recipe_meta.py")
    if not os.path.exists(meta):
        return False
    scope = {}
    with open(meta, encoding="utf-8") as f:
        exec(compile(f.read(), meta, "exec"), scope)
    return scope.get("WARM_CANONICAL") is True


def wait_healthy(domain, seconds):
    deadline = time.monotonic() + seconds
    while True:
        if abra("ps", domain).returncode == 0:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def snapshot_volumes(swarm_dir, domain, recipe_dir, version):
    """Tars the warm volumes while undeployed into snapshot/, swapped in whole."""
    fresh = os.path.join(recipe_dir, f".snapshot.tmp-{os.getpid()}")
    os.makedirs(os.path.join(fresh, "volumes"))
    volumes = os.path.join(swarm_dir, "volumes", domain)
    for volume in sorted(os.listdir(volumes)) if os.path.isdir(volumes) else []:
        with tarfile.open(os.path.join(fresh, "volumes", f"{volume}.tar"), "w") as tar:
            tar.add(os.path.join(volumes, volume), arcname=".")
    write_atomic(os.path.join(fresh, "meta.json"), json.dumps({"version": version, "ts": utc_stamp()}) + "\n")
    target = os.path.join(recipe_dir, "snapshot")
    old = os.path.join(recipe_dir, f".snapshot.old-{os.getpid()}")
    if os.path.exists(target):
        os.rename(target, old)
    os.rename(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def promote(recipe, version, commit, behaviour, host):
    domain = f"warm-{recipe}.{host['domainSuffix']}"
    if behaviour.get("promote") == "fail":
        raise RuntimeError(behaviour.get("promoteError", "simulated deploy failure"))
    with AppLock(host["lockDir"], domain, host.get("lockWaitSeconds", 5)):
        deployed = abra("deploy", domain, version)
        if deployed.returncode != 0:
            raise RuntimeError(f"deploy of {domain} {version} failed: {deployed.stderr.strip()}")
        if not wait_healthy(domain, host.get("healthSeconds", 5)):
            raise RuntimeError(f"{domain} did not become healthy")
        parked = abra("undeploy", domain)
        if parked.returncode != 0:
            raise RuntimeError(f"undeploy of {domain} failed: {parked.stderr.strip()}")
        recipe_dir = os.path.join(host["warmRoot"], recipe)
        os.makedirs(recipe_dir, exist_ok=True)
        snapshot_volumes(host["swarmDir"], domain, recipe_dir, version)
        record = {"recipe": recipe, "domain": domain, "version": version,
                  "commit": behaviour.get("recordCommit") or commit, "status": "idle", "ts": utc_stamp()}
        write_atomic(os.path.join(recipe_dir, "canonical.json"), json.dumps(record) + "\n")
        write_atomic(os.path.join(recipe_dir, "last_good"), f"{version}\n")


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = os.environ
    recipe = env.get("RECIPE", "")
    if not recipe:
        fail(2, "RECIPE is required")
    ref, quick = env.get("REF", ""), env.get("CCCI_QUICK", "")
    if ref:
        fail(REFUSED, f"STAND-IN REFUSED: REF={ref!r} reached a sweep's cold run (a PR run would be tested)")
    if quick == "1":
        fail(REFUSED, "STAND-IN REFUSED: CCCI_QUICK=1 reached a sweep's cold run (quick mode would re-attach last_good)")
    if env.get("CCCI_SKIP_FETCH") != "1":
        fail(REFUSED, "STAND-IN REFUSED: CCCI_SKIP_FETCH is not 1; the stand-in cannot clone, it tests the staged clone")
    repo = env.get("CCCI_REPO", "")
    tests_dir = os.path.join(repo, "tests")
    if not repo or not os.path.isdir(tests_dir):
        fail(2, f"CCCI_REPO={repo!r} has no tests/ directory: zero recipes enrolled (a hollow run)")
    host = read_json(env.get("CCCI_STANDIN_CONFIG", ""), {}) or {}
    host = {"lockDir": env.get("CCCI_LOCK_DIR") or host.get("lockDir", "/run/lock"),
            "runsDir": env.get("CCCI_RUNS_DIR") or host.get("runsDir", "/var/lib/cc-ci-runs"),
            "warmRoot": env.get("CCCI_WARM_ROOT") or host.get("warmRoot", "/var/lib/ci-warm"),
            "swarmDir": host.get("swarmDir", ""), "domainSuffix": host.get("domainSuffix", "ci.commoninternet.net"),
            **{k: v for k, v in host.items() if k in ("lockWaitSeconds", "healthSeconds")}}
    behaviour = read_json(os.path.join(tests_dir, recipe, "standin.json"))
    if behaviour is None:
        fail(1, f"no tests for {recipe} under {tests_dir}")
    abra_dir = env.get("ABRA_DIR") or os.path.join(env.get("HOME", "/root"), ".abra")
    clone = os.path.join(abra_dir, "recipes", recipe)
    if not os.path.isdir(clone):
        fail(1, f"no staged clone at {clone}")
    version, commit = head_version(clone), git(clone, "rev-parse", "HEAD")
    run_dir = os.path.join(host["runsDir"], f"{recipe}-{utc_stamp()}-{secrets.token_hex(3)}")
    os.makedirs(run_dir)
    log(f"testing {recipe} {version} ({commit}) from {clone}")
    signal.signal(signal.SIGALRM, lambda *_: fail(TIMED_OUT, "alarm: the run passed its deadline"))
    signal.alarm(int(behaviour.get("alarmSeconds", 3600)))

    cold_domain = f"{recipe[:4]}-{secrets.token_hex(3)}.{host['domainSuffix']}"
    results = {"recipe": recipe, "version": version, "commit": commit, "ref": ref, "quick": False,
               "domain": cold_domain, "promoted": False}
    with AppLock(host["lockDir"], cold_domain, 0):
        time.sleep(float(behaviour.get("testSeconds", 0)))
        if behaviour.get("moveCheckoutTo"):
            git(clone, "checkout", "--quiet", "--detach", behaviour["moveCheckoutTo"])
        code = behaviour.get("exit", {}).get(version, behaviour.get("exit", {}).get("*", 0))
    signal.alarm(0)
    results["exit"] = code
    release = RELEASE.match(version) is not None and git(clone, "tag", "--list", version) == version
    if code == 0 and enrolled(tests_dir, recipe) and release:
        try:
            promote(recipe, version, commit, behaviour, host)
            results["promoted"] = True
            log(f"WC5 promoted {recipe} {version}")
        except Exception as error:  # the real runner logs and still exits 0
            log(f"WC5 promote failed: {error}")
    write_atomic(os.path.join(run_dir, "results.json"), json.dumps(results) + "\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
