# HAAQI scoring by the official CAD1 evaluation (pyclarity 0.3.4), per pair, then
# aggregation into the official CSV per separator and a summary across separators.


# Table joins of a few kB: run beside Snakemake, never as cluster jobs.
localrules:
    aggregate_scores,
    summary,


rule score:
    input:
        stems=enhanced_stems,
        references=reference_stems,
    output:
        csv="results/scores/{separator}/{listener}/{song}.csv",
        checks="results/scores/{separator}/{listener}/{song}.checks.json",
    params:
        listener=listener_audiogram,
        segment=scored_segment,
        enhanced_cropped=EVALUATION,
        engine=config["scoring"]["engine"],
        silent_reference=config["scoring"]["silent_reference"],
    log:
        "results/logs/score/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/score/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: config["scoring"]["threads"]
    resources:
        mem_mb=lambda w: resources.scoring_mem_mb(
            scored_seconds(w), config["scoring"]["engine"]
        ),
        runtime=lambda w: resources.scoring_runtime_min(
            scored_seconds(w), config["scoring"]["engine"]
        ),
    script:
        "../scripts/score.py"


rule aggregate_scores:
    input:
        scores=pair_scores,
        checks=pair_checks,
    output:
        csv="results/scores/{separator}.csv",
        checks="results/scores/{separator}.checks.json",
    log:
        "results/logs/aggregate/{separator}.log",
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/aggregate_scores.py"


rule summary:
    input:
        scores=separator_tables(),
        checks=separator_tables("checks"),
        remix=lambda w: remix_tables(),  # remix.smk is read after this file
    output:
        csv=report(
            "results/summary.csv", caption="../report/summary.rst", category="Scores"
        ),
        md="results/summary.md",
        remix="results/remix_summary.csv",
    params:
        separators=scored_systems(),
        remix_keys=remix_table_keys(),
    log:
        "results/logs/summary.log",
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/summary.py"


rule verify_scores:
    input:
        fast=rules.score.output[0],
        stems=enhanced_stems,
        references=reference_stems,
    output:
        "results/scores/verified/{separator}/{listener}/{song}.csv",
    params:
        listener=listener_audiogram,
        segment=scored_segment,
        enhanced_cropped=EVALUATION,
        silent_reference=config["scoring"]["silent_reference"],
    log:
        "results/logs/verify_scores/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/verify_scores/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: 1
    resources:
        mem_mb=lambda w: resources.scoring_mem_mb(scored_seconds(w), "official"),
        runtime=lambda w: resources.scoring_runtime_min(scored_seconds(w), "official"),
    script:
        "../scripts/verify_scores.py"
