# Personalised remixes (strategies in config `remix`), each level-safe strategy
# loudness-normalised and true-peak limited, with its measured loudness, peak and gains
# written beside the scores; optionally HAAQI of each remix per ear.


rule remix:
    input:
        stems="results/separated/{separator}/{song}.npz",
    output:
        flac="results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix.flac",
        stats="results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix.json",
    params:
        listener=listener_audiogram,
        nalr=lambda w: {"nfir": config["enhancement"]["nalr"]["nfir"], "fs": 44100},
        compressor=lambda w: (
            config["enhancement"]["compressor"]
            if config["enhancement"]["apply_compressor"]
            else None
        ),
        apply_compressor=config["enhancement"]["apply_compressor"],
        strategy=remix_config,
        override=remix_override,
    log:
        "results/logs/remix/{strategy}/{separator}/{listener}/{song}.log",
    conda:
        "../../envs/enhancement.yaml"
    threads: 1
    resources:
        mem_mb=lambda w: resources.enhancement_mem_mb(song_seconds(w.song)),
        runtime=15,
    script:
        "../scripts/remix.py"


rule remix_haaqi:
    input:
        flac="results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix.flac",
        stats="results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix.json",
        references=reference_stems,
    output:
        "results/remix/{strategy}/{separator}/{listener}/{song}/{listener}_{song}_remix_haaqi.json",
    params:
        listener=listener_audiogram,
        segment=scored_segment,
        engine=config["scoring"]["engine"],
        silent_reference=config["scoring"]["silent_reference"],
    log:
        "results/logs/remix_haaqi/{strategy}/{separator}/{listener}/{song}.log",
    conda:
        "../../envs/evaluation.yaml"
    threads: config["scoring"]["threads"]
    resources:
        mem_mb=lambda w: resources.scoring_mem_mb(
            scored_seconds(w), config["scoring"]["engine"]
        ),
        runtime=lambda w: resources.scoring_runtime_min(
            scored_seconds(w), config["scoring"]["engine"]
        ),
    script:
        "../scripts/remix_haaqi.py"


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
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/remix_table.py"
