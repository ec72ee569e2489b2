# Metrics beside HAAQI (scoring.metrics, vdbo.evaluation.metrics): a user's own metric
# of a separator's stems per (separator, song); every such metric's table per
# separator (the summary reads them), its paired comparison and forest plot, and the
# figure of HAAQI against it. SDR's own rule is in rules/sdr.smk.


include: "common/metrics.smk"


# A table join of a few kB: beside Snakemake, never a cluster job.
localrules:
    metric_table,
    plot_metric_vs_haaqi,
    compare_metric,
    plot_forest_metric,


rule metric_separated:
    input:
        separated=rules.separate.output[0],
        references=reference_stems,
        module=custom_metric_inputs,
    output:
        csv="results/metrics/{metric}/{separator}/{song}.csv",
    params:
        spec=metric_spec,
        segment=scored_segment,
    wildcard_constraints:
        metric="|".join(map(re.escape, custom_metrics())) or "(?!)",
    log:
        "results/logs/metric/{metric}/{separator}/{song}.log",
    benchmark:
        "results/benchmarks/metric/{metric}/{separator}/{song}.tsv"
    conda:
        "../../envs/separation.yaml"  # reads separated stems (vdbo.separation)
    resources:
        mem_mb=metric_mem_mb(),
        runtime=metric_runtime(),
    script:
        "../scripts/metric.py"


rule metric_table:
    input:
        metric_song_tables,
    output:
        "results/metrics/{metric}/{separator}.csv",
    wildcard_constraints:
        metric="|".join(map(re.escape, separated_metrics())) or "(?!)",
    log:
        "results/logs/metric_table/{metric}/{separator}.log",
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/metric_table.py"


rule plot_metric_vs_haaqi:
    input:
        haaqi=lambda w: [
            output_of("aggregate_scores", separator=s) for s in enabled_separators()
        ],
        metric=lambda w: [
            output_of("metric_table", metric=w.metric, separator=s)
            for s in enabled_separators()
        ],
    output:
        report(
            f"{PLOTS}/haaqi_vs_{{metric}}.png",
            caption="../report/haaqi_vs_metric.rst",
            category="Scores",
            labels={"metric": "{metric}"},
        ),
    params:
        separators=enabled_separators(),
        audiograms=lambda w: {lid: dict(a) for lid, a in listeners().items()},
        bands=config["compare"]["bands"],
        column=lambda w: metric_headline(w.metric),
        # the metric's own title, not the list of metrics: another metric added or
        # removed does not redraw this figure
        title=lambda w: metric_title(w.metric),
    wildcard_constraints:
        metric="|".join(map(re.escape, separated_metrics())) or "(?!)",
    log:
        "results/logs/plot/haaqi_vs_{metric}.log",
    benchmark:
        "results/benchmarks/plot/haaqi_vs_{metric}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_metric_vs_haaqi.py"


rule compare_metric:
    input:
        lambda w: [
            output_of("metric_table", metric=w.metric, separator=s)
            for s in enabled_separators()
        ],
    output:
        comparisons=f"{COMPARE}/{{metric}}/comparisons.csv",
        ranking=f"{COMPARE}/{{metric}}/ranking.csv",
    params:
        systems=enabled_separators(),
        column=lambda w: metric_headline(w.metric),
        settings=config["compare"],
    wildcard_constraints:
        metric="|".join(map(re.escape, separated_metrics())) or "(?!)",
    log:
        "results/logs/compare/{metric}.log",
    benchmark:
        "results/benchmarks/compare/{metric}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=2000,
        runtime=15,
    script:
        "../scripts/compare_metric.py"


rule plot_forest_metric:
    input:
        rules.compare_metric.output.comparisons,
    output:
        report(
            f"{PLOTS}/compare_forest_{{metric}}.png",
            caption="../report/compare_forest_metric.rst",
            category="Compare",
            labels={"metric": "{metric}"},
        ),
    params:
        confidence=config["compare"]["confidence"],
        title=lambda w: metric_title(w.metric),
    wildcard_constraints:
        metric="|".join(map(re.escape, separated_metrics())) or "(?!)",
    log:
        "results/logs/plot/compare_forest_{metric}.log",
    benchmark:
        "results/benchmarks/plot/compare_forest_{metric}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_forest.py"
