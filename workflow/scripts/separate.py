"""Snakemake job: separate one song with one separator."""

from pathlib import Path

from vdbo.core.determinism import log_settings
from vdbo.core.jobs import run_job
from vdbo.separation.kinds import get_kind
from vdbo.separation.run import separate_track
from vdbo.separation.stems_npz import save_stems


def main(sm):
    uses_torch = get_kind(sm.params.spec["kind"]).uses_device
    log_settings(torch_job=uses_torch)
    if uses_torch:
        import torch  # the CPU-only kinds (oracle, mixture, stems) start without it

        torch.set_num_threads(sm.threads)
    stems = separate_track(
        sm.params.spec,
        Path(sm.input.mixture).parent,
        device=sm.params.device,
        name=sm.wildcards.separator,
    )
    save_stems(stems, Path(sm.output[0]))


run_job(snakemake, main)
