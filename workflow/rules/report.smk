# Figures and report pages: one rule per figure, each reading only the CSVs (or logs)
# it plots, so a config change reruns only the figures it touches. Figures go to
# results/plots/ and, through report(), into `snakemake --report`.

from vdbo.remix import get_strategy  # noqa: E402
from vdbo.remix.config import resolve_config  # noqa: E402

PLOTS = "results/plots"
REPORT_PAGES = "results/report"


def separator_tables():
    return expand("results/scores/{separator}.csv", separator=enabled_separators())


def trained_models():
    """Models trained by this run (named by an enabled `trained` separator)."""
    specs = (config["separators"][s] for s in enabled_separators())
    return list(
        dict.fromkeys(s["trained_model"] for s in specs if "trained_model" in s)
    )


def remix_levels():
    """{strategy: loudness target and true-peak limit}, None where not level-safe."""
    levels = {}
    for name, spec in config["remix"]["strategies"].items():
        resolved = resolve_config(spec)
        safe = get_strategy(resolved["strategy"]).level_safe
        levels[name] = {
            k: resolved[k] if safe else None
            for k in ("loudness_target_lufs", "true_peak_limit_dbtp")
        }
    return levels


def benchmark_files(wildcards):
    """{rule: [benchmark tsv]} of every benchmarked job this run's targets need.

    Benchmark files are products of their jobs in Snakemake's DAG: asking for them
    makes the cost figure wait for (and, if one is missing, rerun) exactly those jobs.
    """
    seps, song, lid = enabled_separators(), list(songs()), list(listeners())
    per_pair = dict(separator=seps, listener=lid, song=song)
    files = {
        "separate": expand(rules.separate.benchmark, separator=seps, song=song),
        "enhance": expand(rules.enhance.benchmark, **per_pair),
        "encode": expand(rules.encode.benchmark, **per_pair),
        "score": expand(rules.score.benchmark, **per_pair),
    }
    if models := trained_models():
        files["train"] = expand(rules.train.benchmark, model=models)
    if DATA["build_demo"]:
        files["demo_data"] = [rules.demo_data.benchmark]
    if remix_tables():
        per_remix = dict(strategy = remix_strategies() , separator = remix_separators() ,
        listener = lid , song = song)  # fmt: skip
        files["remix"] = expand(rules.remix.benchmark, **per_remix)
        if config["remix"]["haaqi"]:
            files["remix_haaqi"] = expand(rules.remix_haaqi.benchmark, **per_remix)
    verified = [
        Path(p).relative_to("results/scores/verified") for p in verified_pairs()
    ]
    if verified:
        files["verify_scores"] =[
        expand(rules.verify_scores.benchmark , separator = p.parts[0] ,
        listener = p.parts[1] , song = p.stem)[0]
        for p in verified
        ]  # fmt: skip
    return files


def report_targets():
    """Every figure and page of the report: rule `all` asks for them."""
    targets = [
        f"{PLOTS}/haaqi_per_stem.png",
        f"{PLOTS}/haaqi_vs_hearing_loss.png",
        f"{PLOTS}/haaqi_heatmap.png",
        f"{PLOTS}/run_cost.png",
        f"{REPORT_PAGES}/summary.html",
        f"{REPORT_PAGES}/config.html",
    ]
    if remix_tables():
        targets.append(f"{PLOTS}/remix_levels.png")
    targets += expand(f"{PLOTS}/training/{{model}}.png", model=trained_models())
    return targets


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
        separators=enabled_separators(),
    log:
        "results/logs/plot/stem_means.log",
    benchmark:
        "results/benchmarks/plot/stem_means.tsv"
    conda:
        "../../envs/report.yaml"
    resources:
        mem_mb=1000,
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
        separators=enabled_separators(),
    log:
        "results/logs/plot/heatmap.log",
    benchmark:
        "results/benchmarks/plot/heatmap.tsv"
    conda:
        "../../envs/report.yaml"
    resources:
        mem_mb=1000,
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
        separators=enabled_separators(),
        audiograms=lambda w: {lid: dict(a) for lid, a in listeners().items()},
    log:
        "results/logs/plot/hearing_loss.log",
    benchmark:
        "results/benchmarks/plot/hearing_loss.tsv"
    conda:
        "../../envs/report.yaml"
    resources:
        mem_mb=1000,
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
        "../../envs/report.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_remix.py"


rule plot_training:
    input:
        "results/models/{model}/training_log.tsv",
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
        "../../envs/report.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_training.py"


rule plot_cost:
    input:
        unpack(benchmark_files),
    output:
        report(
            f"{PLOTS}/run_cost.png",
            caption="../report/run_cost.rst",
            category="Run cost",
        ),
    log:
        "results/logs/plot/cost.log",
    benchmark:
        "results/benchmarks/plot/cost.tsv"
    conda:
        "../../envs/report.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_cost.py"


rule report_tables:
    input:
        scores=separator_tables(),
        remix=remix_tables(),
    output:
        report(
            f"{REPORT_PAGES}/summary.html",
            caption="../report/summary_tables.rst",
            category="Scores",
        ),
    params:
        separators=enabled_separators(),
        remix_keys=remix_table_keys(),
    log:
        "results/logs/plot/summary_tables.log",
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=500,
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
    conda:
        "../../envs/report.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/report_config.py"
