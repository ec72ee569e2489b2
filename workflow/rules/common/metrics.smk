# Input functions and params of rules/sdr.smk and rules/metrics.smk: the metrics of
# scoring.metrics (vdbo.evaluation.metrics) that compare a separator's stems with the
# reference stems, once per (separator, song).

from vdbo.evaluation import metrics as metric_registry

metric_registry.selected(config["scoring"])  # an unknown name fails here, not later


def separated_metrics():
    """The run's metrics computed per (separator, song): sdr and the user's own."""
    return metric_registry.separated_names(config["scoring"])


def custom_metrics():
    """The run's metrics of scoring.custom_metrics (rule metric_separated)."""
    return metric_registry.custom_names(config["scoring"])


def metric_spec(wildcards):
    """A user's metric as the config writes it."""
    return dict(config["scoring"]["custom_metrics"][wildcards.metric])


def metric_cost(name):
    """A metric's cost model (vdbo.core.resources.Cost): measured for the built-in
    ones, metrics.CUSTOM_COST for the user's."""
    return metric_registry.cost_of(name, config["scoring"])


def metric_mem_mb(name=None):
    """mem_mb of a metric's job (``name``, or the wildcard metric) on the segment
    it scores (the seconds of a HAAQI job of the song)."""
    return lambda w: metric_cost(name or w.metric).mem_mb(haaqi_seconds()(w))


def metric_runtime(name=None):
    """runtime (minutes) of a metric's job, as :func:`metric_mem_mb`."""
    return lambda w: metric_cost(name or w.metric).runtime_min(haaqi_seconds()(w))


def custom_metric_inputs(wildcards):
    """The user's metric module when it lies in its python_path: editing it reruns."""
    from vdbo.separation.python_callable import module_file

    return module_file(metric_spec(wildcards))


def metric_song_table(metric, separator, song):
    """One song's table of a separated metric, as its rule writes it."""
    if metric == "sdr":
        return output_of("sdr", "csv", separator=separator, song=song)
    return output_of(
        "metric_separated", "csv", metric=metric, separator=separator, song=song
    )


def metric_song_tables(wildcards):
    """A separator's song tables of one metric, songs in the official order."""
    return [
        metric_song_table(wildcards.metric, wildcards.separator, song)
        for song in songs()
    ]


def metric_table_keys():
    """(metric, separator) of every separated metric's table of the run."""
    return [(m, s) for m in separated_metrics() for s in enabled_separators()]


def metric_tables():
    """Every separated metric's per-separator table (the summary reads them)."""
    return [
        output_of("metric_table", metric=m, separator=s) for m, s in metric_table_keys()
    ]


def metric_scoring():
    """The scoring keys that name the metrics (the summary's titles and order)."""
    return {k: config["scoring"][k] for k in ("metrics", "custom_metrics")}


def metric_headline(name):
    """The column of a metric's table that the summary and figures read."""
    chosen = {m.name: m for m in metric_registry.selected(config["scoring"])}
    return chosen[name].headline


def metric_title(name):
    """How tables and figures name a metric of the run."""
    return metric_registry.metric_title(name, config["scoring"])


def metric_figures():
    """Per per-song metric: the figure of HAAQI against it, and with two separators
    or more its paired comparison and forest plot (rule all, via the report)."""
    names = separated_metrics()
    targets = expand(rules.plot_metric_vs_haaqi.output[0], metric=names)
    if len(enabled_separators()) > 1:
        targets += expand(rules.compare_metric.output, metric=names)
        targets += expand(rules.plot_forest_metric.output[0], metric=names)
    return targets
