# Training and fine-tuning separators on the train split. GPU-tagged like separate.
# A killed run resumes from its last finished epoch (<checkpoint>.partial, kept beside
# the output); a changed hyper-parameter retrains and reruns only what depends on it.


include: "common/train.smk"


rule train:
    input:
        songs=data_path("train_songs"),
        audio=training_audio,
    output:
        checkpoint="results/models/{model}/model.pt",
        log="results/models/{model}/training_log.jsonl",
    params:
        settings=lambda w: training_model(w)["settings"],
        train_songs=lambda w: training_split(w)[0],
        valid_songs=lambda w: training_split(w)[1],
        init_checkpoint=lambda w: training_model(w)["init_checkpoint"],
        music_dir=str(MUSIC_DIR),
        device=config["separation"]["device"],
    log:
        "results/logs/train/{model}.log",
    benchmark:
        "results/benchmarks/train/{model}.tsv"
    conda:
        "../../envs/separation.yaml"
    threads: training_threads
    resources:
        gpu=config["separation"]["gpus"],
        mem_mb=per_attempt(6000),
        runtime=24 * 60,
    script:
        "../scripts/train.py"
