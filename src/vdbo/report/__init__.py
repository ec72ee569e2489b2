"""Figures and tables of a run, for the Snakemake report and ``results/plots/``.

One module per figure family; each ``plot_*`` function reads the CSVs (or logs) the
workflow wrote, draws with the shared style (:mod:`vdbo.report.style`), writes the
figure atomically and returns the numbers it plotted, so tests can check them against
an independent computation from the same files.
"""
