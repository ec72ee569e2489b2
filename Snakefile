# vdbo from the repository root: `snakemake` run here reads this file, which runs the
# workflow in workflow/Snakefile (the Snakemake workflow catalog's standard layout).
# An included file cannot set the default target, so it is named here: rule all.


include: "workflow/Snakefile"


localrules:
    default,


rule default:
    input:
        rules.all.input,
    default_target: True
