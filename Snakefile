# vdbo from the repository root: `snakemake` run here reads this file, which runs the
# workflow in workflow/Snakefile (the Snakemake workflow catalog's standard layout).


include: "workflow/Snakefile"


# Snakemake takes the default target from the main Snakefile only (an include restores
# it), so name the included one here: rule all, as when workflow/Snakefile is run.
workflow.default_target = rules.all.rule.name
