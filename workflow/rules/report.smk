# Figures and report pages: one rule per figure, each reading only the CSVs (or logs)
# it plots, so a config change reruns only the figures it touches. Figures go to
# results/plots/ and, through report(), into `snakemake --report`.


include: "common/report.smk"


# A few seconds and ~120 MB each over CSVs of a few kB: beside Snakemake, never
# cluster jobs (a queue wait would outlast them).
localrules:
    plot_stem_means,
    plot_heatmap,
    plot_hearing_loss,
    plot_remix,
    plot_training,
    plot_cost,
    report_tables,
    report_config,


rule plot_stem_means:
    input:
        separator_tables(),
    output:
        report(
            f"{PLOTS}/haaqi_per_stem.png",
            caption="../report/haaqi_per_stem.rst",
            category="Scores",
        ),
    params:
        separators=scored_systems(),
    log:
        "results/logs/plot/stem_means.log",
    benchmark:
        "results/benchmarks/plot/stem_means.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(1000),
        runtime=5,
    script:
        "../scripts/plot_stem_means.py"


rule plot_heatmap:
    input:
        separator_tables(),
    output:
        report(
            f"{PLOTS}/haaqi_heatmap.png",
            caption="../report/haaqi_heatmap.rst",
            category="Scores",
        ),
    params:
        separators=scored_systems(),
    log:
        "results/logs/plot/heatmap.log",
    benchmark:
        "results/benchmarks/plot/heatmap.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(1000),
        runtime=5,
    script:
        "../scripts/plot_heatmap.py"


rule plot_hearing_loss:
    input:
        separator_tables(),
    output:
        report(
            f"{PLOTS}/haaqi_vs_hearing_loss.png",
            caption="../report/haaqi_vs_hearing_loss.rst",
            category="Hearing loss",
        ),
    params:
        separators=scored_systems(),
        audiograms=lambda w: {lid: dict(a) for lid, a in listeners().items()},
    log:
        "results/logs/plot/hearing_loss.log",
    benchmark:
        "results/benchmarks/plot/hearing_loss.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(1000),
        runtime=5,
    script:
        "../scripts/plot_hearing.py"


rule plot_remix:
    input:
        remix_tables(),
    output:
        report(
            f"{PLOTS}/remix_levels.png",
            caption="../report/remix_levels.rst",
            category="Personalised remixes",
        ),
    params:
        remix_keys=remix_table_keys(),
        levels=remix_levels(),
    log:
        "results/logs/plot/remix.log",
    benchmark:
        "results/benchmarks/plot/remix.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(1000),
        runtime=5,
    script:
        "../scripts/plot_remix.py"


rule plot_training:
    input:
        rules.train.output.log,
    output:
        report(
            f"{PLOTS}/training/{{model}}.png",
            caption="../report/training.rst",
            category="Training",
            labels={"model": "{model}"},
        ),
    log:
        "results/logs/plot/training/{model}.log",
    benchmark:
        "results/benchmarks/plot/training/{model}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(1000),
        runtime=5,
    script:
        "../scripts/plot_training.py"


rule plot_cost:
    input:
        finished_job_outputs,
    output:
        report(
            f"{PLOTS}/run_cost.png",
            caption="../report/run_cost.rst",
            category="Run cost",
        ),
    params:
        benchmarks=lambda w: benchmark_files(),
    log:
        "results/logs/plot/cost.log",
    benchmark:
        "results/benchmarks/plot/cost.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(1000),
        runtime=5,
    script:
        "../scripts/plot_cost.py"


rule report_tables:
    input:
        summary=rules.summary.output.csv,
        remix=rules.summary.output.remix,
        verification=rules.summary.output.verification,
        metrics=rules.summary.output.metrics,
    output:
        report(
            f"{REPORT_PAGES}/summary.html",
            caption="../report/summary_tables.rst",
            category="Scores",
        ),
    params:
        scoring=lambda w: metric_scoring(),
    log:
        "results/logs/plot/summary_tables.log",
    benchmark:
        "results/benchmarks/plot/summary_tables.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(500),
        runtime=5,
    script:
        "../scripts/report_tables.py"


rule report_config:
    output:
        report(
            f"{REPORT_PAGES}/config.html",
            caption="../report/config.rst",
            category="Configuration",
        ),
    params:
        config=config,
    log:
        "results/logs/plot/config.log",
    benchmark:
        "results/benchmarks/plot/config.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(500),
        runtime=5,
    script:
        "../scripts/report_config.py"
