# vdbo: Cadenza CAD1 Task 1 as a Snakemake workflow.
# separate (per song) -> enhance (per listener) -> encode (FLAC) -> score (HAAQI)
# -> aggregate. See README.md.

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/separate.smk"
include: "workflow/rules/enhance.smk"
include: "workflow/rules/score.smk"
include: "workflow/rules/remix.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        "results/summary.csv",
        "results/summary.md",
        verified_pairs(),
        report_targets(),
    default_target: True
