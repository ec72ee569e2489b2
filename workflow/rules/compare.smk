# Paired comparison of every two scored systems (separators and received submissions):
# tables under results/compare/, a forest plot and a page in the report (Compare).


include: "common/compare.smk"


localrules:
    plot_forest,  # a figure of a few kB of CSV
    report_compare,


rule compare_systems:
    input:
        separator_tables(),
    output:
        comparisons=f"{COMPARE}/comparisons.csv",
        ranking=f"{COMPARE}/ranking.csv",
        bands=f"{COMPARE}/listener_bands.csv",
    params:
        systems=scored_systems(),
        audiograms=compare_audiograms,
        settings=config["compare"],
    log:
        "results/logs/compare/systems.log",
    benchmark:
        "results/benchmarks/compare/systems.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(2000),
        runtime=15,
    script:
        "../scripts/compare_systems.py"


rule plot_forest:
    input:
        rules.compare_systems.output.comparisons,
    output:
        report(
            f"{PLOTS}/compare_forest.png",
            caption="../report/compare_forest.rst",
            category="Compare",
        ),
    params:
        confidence=config["compare"]["confidence"],
    log:
        "results/logs/plot/compare_forest.log",
    benchmark:
        "results/benchmarks/plot/compare_forest.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(1000),
        runtime=5,
    script:
        "../scripts/plot_forest.py"


rule report_compare:
    input:
        comparisons=rules.compare_systems.output.comparisons,
        ranking=rules.compare_systems.output.ranking,
    output:
        report(
            f"{REPORT_PAGES}/compare.html",
            caption="../report/compare_tables.rst",
            category="Compare",
        ),
    params:
        confidence=config["compare"]["confidence"],
    log:
        "results/logs/plot/compare_tables.log",
    benchmark:
        "results/benchmarks/plot/compare_tables.tsv"
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(500),
        runtime=5,
    script:
        "../scripts/report_compare.py"
