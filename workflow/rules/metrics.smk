# Metrics beside HAAQI (scoring.metrics, vdbo.evaluation.metrics): a user's own metric
# of a separator's stems per (separator, song), and every such metric's table per
# separator, which the summary reads. SDR's own rule is in rules/sdr.smk.


include: "common/metrics.smk"


# A table join of a few kB: beside Snakemake, never a cluster job.
localrules:
    metric_table,


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
        "../../envs/evaluation.yaml"
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
