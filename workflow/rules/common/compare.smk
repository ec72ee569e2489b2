# Input functions and targets of rules/compare.smk.

COMPARE = "results/compare"


def compare_audiograms(wildcards):
    """{listener: audiogram} of the scored listeners (their hearing-loss bands)."""
    return {lid: dict(a) for lid, a in listeners().items()}


def compare_targets():
    """The comparison's tables, figure and page (rule all)."""
    return [
        *rules.compare_systems.output,
        *rules.plot_forest.output,
        *rules.report_compare.output,
    ]
