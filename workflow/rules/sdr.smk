# SDR as the separation field reports it (museval, BSSEval v4, the MUSDB18 protocol):
# a separator's 44.1 kHz stems against the reference stems, once per (separator,
# song), on the scored segment (the objective crop in evaluation mode). museval's own
# JSON per song and the per-stem medians; docs/metrics.md.


rule sdr:
    input:
        separated=rules.separate.output[0],
        references=reference_stems,
    output:
        csv="results/metrics/sdr/{separator}/{song}.csv",
        json="results/metrics/sdr/{separator}/{song}.json",
    params:
        segment=scored_segment,
    log:
        "results/logs/sdr/{separator}/{song}.log",
    benchmark:
        "results/benchmarks/sdr/{separator}/{song}.tsv"
    conda:
        "../../envs/separation.yaml"  # reads separated stems (vdbo.separation)
    threads: 1
    resources:
        mem_mb=metric_mem_mb("sdr"),
        runtime=metric_runtime("sdr"),
    script:
        "../scripts/sdr.py"
