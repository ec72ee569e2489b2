# Personalised remixes (strategies in config `remix`), each level-safe strategy
# loudness-normalised and true-peak limited, with its measured loudness, peak and gains
# written beside the scores; optionally HAAQI of each remix per ear.


include: "common/remix.smk"


localrules:
    remix_table,  # a table join of a few kB, never a cluster job


# Why remix amplifies the separated stems itself instead of reading enhance's
# amplified npz: a remix change must not rerun encode and score, and the DAG cannot
# give that with the npz shared. The npz is temp() (0.68 GB per pair of a 4-min song
# as float64, ~0.95 TB at 1400 pairs: too much to keep), so a rerun remix would
# recreate it and Snakemake then reruns encode (input updated by another job) and
# score; ancient() does not help, Snakemake 9.27.1 (dag.py, update_needrun) skips
# the rerun only for ancient files that exist at planning time, and a deleted temp
# file does not; one job writing remix and encode outputs would rewrite the stems
# on a remix change. NAL-R here costs 1.7 s CPU per minute of audio, once per
# (strategy, pair), against ~12 s per audio second of scoring per pair. The
# amplification params are the same functions as enhance's (common/enhance.smk). The
# official strategy (baseline) reads no stems: it copies encode's remix FLAC.
rule remix:
    input:
        unpack(remix_inputs),
    output:
        flac="results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix.flac",
        stats="results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix.json",
    params:
        listener=listener_audiogram,
        nalr=nalr_settings,
        compressor=compressor_settings,
        apply_compressor=config["enhancement"]["apply_compressor"],
        strategy=remix_config,
        override=remix_override,
    log:
        "results/logs/remix/{strategy}/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/remix/{strategy}/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/enhancement.yaml"
    threads: 1
    resources:
        mem_mb=per_attempt(lambda w: resources.REMIX.mem_mb(song_seconds(w.song))),
        runtime=lambda w: resources.REMIX.runtime_min(song_seconds(w.song)),
    script:
        "../scripts/remix.py"


rule remix_haaqi:
    input:
        flac=rules.remix.output.flac,
        stats=rules.remix.output.stats,
        references=reference_stems,
    output:
        "results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix_haaqi.json",
    params:
        haaqi=haaqi_settings(cropped=lambda w: False),
    log:
        "results/logs/remix_haaqi/{strategy}/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/remix_haaqi/{strategy}/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: haaqi_threads()
    resources:
        mem_mb=haaqi_mem_mb(),
        runtime=haaqi_runtime(calls=CALLS_PER_REMIX),
    script:
        "../scripts/haaqi.py"


rule remix_table:
    input:
        remix_pairs,
    output:
        "results/scores/remix-{strategy}/{separator}.csv",
    log:
        "results/logs/remix_table/{strategy}/{separator}.log",
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=per_attempt(500),
        runtime=5,
    script:
        "../scripts/remix_table.py"
