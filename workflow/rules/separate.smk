# Separation: once per (song, separator), never per listener. GPU-tagged: the `gpu`
# resource limits concurrent GPU jobs locally and becomes a GPU request on SLURM.


rule separate:
    input:
        mixture=track_file("mixture"),
        references=oracle_references,
        checkpoint=trained_checkpoint,
        external=external_separator_inputs,
    output:
        "results/separated/{separator}/{song}.npz",
    params:
        spec=separator_spec,
        device=lambda w: (
            "cpu"
            if config["separators"][w.separator]["kind"] in CPU_KINDS
            else config["separation"]["device"]
        ),
    log:
        "results/logs/separate/{separator}/{song}.log",
    benchmark:
        "results/benchmarks/separate/{separator}/{song}.tsv"
    conda:
        "../../envs/separation.yaml"
    threads: 2
    resources:
        gpu=lambda w: (
            0
            if config["separators"][w.separator]["kind"] in CPU_KINDS
            else config["separation"]["gpus"]
        ),
        mem_mb=lambda w: resources.separation_mem_mb(song_seconds(w.song)),
        runtime=lambda w: 10 + int(song_seconds(w.song) / 10),
    script:
        "../scripts/separate.py"
