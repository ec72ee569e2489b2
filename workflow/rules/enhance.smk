# Per-listener enhancement (NAL-R per ear, optional compressor) and FLAC encoding in
# the official layout: <listener>/<song>/<listener>_<song>_<side>_<stem>.flac (+.txt)
# and <listener>_<song>_remix.flac.


rule enhance:
    input:
        stems="results/separated/{separator}/{song}.npz",
    output:
        temp("results/amplified/{separator}/{listener}/{song}.npz"),
    params:
        listener=listener_audiogram,
        nalr=lambda w: {"nfir": config["enhancement"]["nalr"]["nfir"], "fs": 44100},
        compressor=lambda w: (
            config["enhancement"]["compressor"]
            if config["enhancement"]["apply_compressor"]
            else None
        ),
        apply_compressor=config["enhancement"]["apply_compressor"],
    log:
        "results/logs/enhance/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/enhance/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/enhancement.yaml"
    threads: 1
    resources:
        mem_mb=lambda w: resources.enhancement_mem_mb(song_seconds(w.song)),
        runtime=10,
    script:
        "../scripts/enhance.py"


rule encode:
    input:
        "results/amplified/{separator}/{listener}/{song}.npz",
    output:
        stems=[
            f"results/enhanced/{{separator}}/{{listener}}/{{song}}/{{listener}}_{{song}}_{c}.{ext}"
            for c in STEM_CHANNELS
            for ext in ("flac", "txt")
        ],
        remix="results/enhanced/{separator}/{listener}/{song}/{listener}_{song}_remix.flac",
    params:
        root=lambda w: enhanced_root(w.separator),
        soft_clip=config["enhancement"]["soft_clip"],
    log:
        "results/logs/encode/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/encode/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/enhancement.yaml"
    threads: 1
    resources:
        mem_mb=lambda w: resources.enhancement_mem_mb(song_seconds(w.song)),
        runtime=10,
    script:
        "../scripts/encode.py"
