"""Snakemake job: check a submission (folder or zip) and extract a zip safely."""

import shutil
import tempfile
from pathlib import Path

from vdbo.core.jobs import run_job
from vdbo.evaluation.received import (
    UNPACKED_ENHANCED,
    check_folder,
    unpack_zip,
    write_manifest,
)


def main(sm):
    spec = sm.params.spec
    source = Path(spec["path"])
    out = Path(sm.output[0])
    pairs = [tuple(p) for p in sm.params.pairs]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        if spec["kind"] == "zip":
            roles = unpack_zip(
                source,
                tmp / UNPACKED_ENHANCED,
                sm.params.songs,
                sm.params.listeners,
                pairs,
                base_dir=spec["base_dir"],  # the schema fills these in
                max_members=spec["max_members"],
                max_bytes=spec["max_bytes"],
            )
        else:
            roles = check_folder(source, sm.params.songs, sm.params.listeners, pairs)
        write_manifest(tmp / "manifest.json", source, roles)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


run_job(snakemake, main)
