# Per-listener enhancement (NAL-R per ear, optional compressor) and FLAC encoding in
# the official layout: <listener>/<song>/<listener>_<song>_<side>_<stem>.flac (+.txt)
# and <listener>_<song>_remix.flac; in evaluation mode (config `evaluation`) cropped
# as the official test.py crops them, under evaluation/, and packed into its zip.


include: "common/enhance.smk"


rule enhance:
    input:
        stems=rules.separate.output[0],
    output:
        temp("results/amplified/{separator}/{listener}/{song}.npz"),
    params:
        listener=listener_audiogram,
        nalr=nalr_settings,
        compressor=compressor_settings,
        apply_compressor=config["enhancement"]["apply_compressor"],
    log:
        "results/logs/enhance/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/enhance/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/enhancement.yaml"
    threads: 1
    resources:
        mem_mb=per_attempt(lambda w: resources.ENHANCEMENT.mem_mb(song_seconds(w.song))),
        runtime=lambda w: resources.ENHANCEMENT.runtime_min(song_seconds(w.song)),
    script:
        "../scripts/enhance.py"


rule encode:
    input:
        rules.enhance.output[0],
    output:
        stems=[
            str(layout.stem_file(ENHANCED, "{listener}", "{song}", c).with_suffix(ext))
            for c in STEM_CHANNELS
            for ext in (".flac", ".txt")
        ],
        remix=str(layout.remix_file(ENHANCED, "{listener}", "{song}")),
    params:
        root=lambda w: enhanced_root(w.separator),
        soft_clip=config["enhancement"]["soft_clip"],
        # evaluation mode: test.py's crops (stems: objective, remix: subjective)
        segments=encode_segments,
    log:
        "results/logs/encode/{separator}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/encode/{separator}/{listener}/{song}.tsv"
    conda:
        "../../envs/enhancement.yaml"
    threads: 1
    resources:
        mem_mb=per_attempt(lambda w: resources.ENCODING.mem_mb(song_seconds(w.song))),
        runtime=lambda w: resources.ENCODING.runtime_min(song_seconds(w.song)),
    script:
        "../scripts/encode.py"


rule pack_submission:
    input:
        submission_files,
    output:
        f"results/submission/{{separator}}/{submission.zip_name(EVALUATION_CONFIG['team_id'])}",
    params:
        root_dir=lambda w: Path(enhanced_root(w.separator)).parent,
        team_id=EVALUATION_CONFIG["team_id"],
    log:
        "results/logs/pack_submission/{separator}.log",
    benchmark:
        "results/benchmarks/pack_submission/{separator}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: 1
    resources:
        mem_mb=per_attempt(1000),
        runtime=lambda w: 5 + len(songs()) * len(listeners()) // 100,
    script:
        "../scripts/pack_submission.py"
