# HAAQI scoring by the official CAD1 evaluation (pyclarity 0.3.4), per pair, then
# aggregation into the official CSV per separator and a summary across separators.
# Every HAAQI rule (score, verify_scores here, remix_haaqi, score_submission) is one
# job kind: params.haaqi, threads and resources from common/score.smk, params.mode
# naming what it scores, and the one script workflow/scripts/haaqi.py
# (vdbo.evaluation.job).


include: "common/score.smk"


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
        mode="pair",
        haaqi=haaqi_settings(),
    log:
        "results/logs/score/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/score/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: haaqi_threads()
    resources:
        mem_mb=haaqi_mem_mb(),
        runtime=haaqi_runtime(),
    script:
        "../scripts/haaqi.py"


rule verify_scores:
    input:
        fast=rules.score.output.csv,
        stems=enhanced_stems,
        references=reference_stems,
    output:
        "results/scores/verified/{separator}/{listener}/{song}.csv",
    params:
        mode="verify",
        haaqi=haaqi_settings(engine="official"),
    log:
        "results/logs/verify_scores/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/verify_scores/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: haaqi_threads("official")
    resources:
        mem_mb=haaqi_mem_mb(engine="official"),
        runtime=haaqi_runtime(engine="official"),
    script:
        "../scripts/haaqi.py"


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
        mem_mb=per_attempt(500),
        runtime=5,
    script:
        "../scripts/aggregate_scores.py"


rule summary:
    input:
        scores=separator_tables(),
        checks=separator_tables("checks"),
        remix=lambda w: remix_tables(),  # remix.smk is read after this file
        verified=verified_pairs(),
        verified_fast=[output_of("score", **w) for w in verified_pair_wildcards()],
        metrics=lambda w: metric_tables(),  # rules/metrics.smk is read after this file
    output:
        csv=report(
            "results/summary.csv", caption="../report/summary.rst", category="Scores"
        ),
        md="results/summary.md",
        remix="results/remix_summary.csv",
        verification="results/verification.txt",
        metrics="results/metrics_summary.csv",
    params:
        separators=scored_systems(),
        engine=scoring_engine().name,
        pairs=len(enabled_separators()) * len(pairs()),
        remix_keys=lambda w: remix_table_keys(),
        metric_keys=lambda w: metric_table_keys(),
        scoring=lambda w: metric_scoring(),
    log:
        "results/logs/summary.log",
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(500),
        runtime=5,
    script:
        "../scripts/summary.py"
