"""Snakemake job: separate one song with one separator."""

from pathlib import Path

from vdbo.jobs import run_job
from vdbo.separators.kinds import get_kind
from vdbo.separators.run import separate_track
from vdbo.stems_npz import save_stems


def main(sm):
    if get_kind(sm.params.spec["kind"]).uses_device:
        import torch  # the CPU-only kinds (oracle, mixture, stems) start without it

        from vdbo.determinism import log_settings

        log_settings()
        torch.set_num_threads(sm.threads)
    stems = separate_track(
        sm.params.spec,
        Path(sm.input.mixture).parent,
        device=sm.params.device,
        name=sm.wildcards.separator,
    )
    save_stems(stems, Path(sm.output[0]))


run_job(snakemake, main)
