# Separation: once per (song, separator), never per listener. GPU-tagged: the `gpu`
# resource limits concurrent GPU jobs locally and becomes a GPU request on SLURM.


include: "common/separate.smk"


rule separate:
    input:
        mixture=track_file("mixture"),
        references=separator_references,
        checkpoint=trained_checkpoint,
        external=external_separator_inputs,
    output:
        "results/separated/{separator}/{song}.npz",
    params:
        spec=separator_spec,
        device=lambda w: (
            config["separation"]["device"] if separator_kind(w).uses_device else "cpu"
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
            config["separation"]["gpus"] if separator_kind(w).uses_device else 0
        ),
        mem_mb=per_attempt(lambda w: resources.SEPARATION.mem_mb(song_seconds(w.song))),
        runtime=lambda w: resources.SEPARATION.runtime_min(song_seconds(w.song)),
    script:
        "../scripts/separate.py"
