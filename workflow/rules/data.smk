# The embedded demo dataset: synthetic songs in the MUSDB18-HQ layout with Cadenza
# metadata, built offline and deterministically (a rebuild is bit-identical). Its
# files are known in advance (vdbo.demo.songs), so the whole DAG is visible in a dry
# run before the data exists.


include: "common/data.smk"


if DATA["build_demo"]:

    rule demo_data:
        input:
            listeners=REPO_ROOT / DATA["demo_listeners_source"],
        output:
            songs=ROOT / "metadata/musdb18.valid.json",
            train_songs=ROOT / "metadata/musdb18.train.json",
            listeners=ROOT / "metadata/listeners.valid.json",
            train_listeners=ROOT / "metadata/listeners.train.json",
            audio=demo_audio_files(),
        params:
            root=lambda w, output: Path(output.songs).parents[1],
        log:
            "results/logs/demo_data.log",
        benchmark:
            "results/benchmarks/demo_data.tsv"
        conda:
            "../../envs/demo.yaml"
        resources:
            mem_mb=per_attempt(2000),
            runtime=15,
        threads: 2
        script:
            "../scripts/build_demo_data.py"
