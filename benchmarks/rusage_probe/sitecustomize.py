"""Exact CPU seconds and peak memory of every Python process of a benchmarked run.

Python imports ``sitecustomize`` at start-up from its path; ``real_length_pair.py``
puts this folder on the ``PYTHONPATH`` of the Snakemake run it measures, with
``VDBO_RUSAGE_DIR`` set. Each Python process (Snakemake itself and every job script)
then writes, at exit, its own ``getrusage`` figures to ``<pid>.json`` there:
Snakemake's ``benchmark:`` files sample a job every 30 s after its first 15 s, so they
can miss a short peak of memory and the last seconds of CPU. The peak is the kernel's
high-water mark of this process's own memory (``VmHWM``); ``ru_maxrss`` would carry
over the peak of the process that forked it (Snakemake) across ``exec``. Without
``VDBO_RUSAGE_DIR`` this file does nothing. A job script's record names its rule and
wildcards (the ``snakemake`` object its preamble defines): several rules may share a
script.
"""

import os


def peak_mb() -> float:
    """This process's peak resident memory in MB (Linux ``VmHWM``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


if os.environ.get("VDBO_RUSAGE_DIR"):
    import atexit
    import json
    import resource
    import sys
    import time

    _STARTED = time.monotonic()

    def _write_rusage() -> None:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        job = getattr(sys.modules.get("__main__"), "snakemake", None)
        record = {
            "argv": sys.argv,
            # a Snakemake job script's rule and wildcards (its preamble's object)
            "rule": getattr(job, "rule", None),
            "wildcards": dict(job.wildcards.items()) if job else {},
            "wall_s": time.monotonic() - _STARTED,
            "cpu_s": own.ru_utime + own.ru_stime,
            "children_cpu_s": children.ru_utime + children.ru_stime,
            "max_rss_mb": peak_mb(),
            "ru_maxrss_mb": own.ru_maxrss / 1024,  # Linux: kB
        }
        path = os.path.join(os.environ["VDBO_RUSAGE_DIR"], f"{os.getpid()}.json")
        with open(path, "w") as f:
            json.dump(record, f)

    atexit.register(_write_rusage)
