# Finished systems scored as they are (README, "Bring your own system"): an enhanced
# folder in the official layout or a CAD1 submission zip is checked (and a zip safely
# extracted) once, then each pair is scored by the official evaluation. Their score
# tables join the separators' in the summary.


include: "submission_inputs.smk"


localrules:
    aggregate_submission_scores,  # a table join of a few kB, never a cluster job


rule unpack_submission:
    input:
        submission_source,
    output:
        directory("results/submissions/{submission}"),
    params:
        spec=submission_spec,
        songs=lambda w: list(listed_songs()),
        listeners=lambda w: listed_listener_ids(),
        pairs=lambda w: [[lid, song] for song in songs() for lid in listeners()],
    wildcard_constraints:
        submission=SUBMISSION_NAMES,
    log:
        "results/logs/unpack_submission/{submission}.log",
    benchmark:
        "results/benchmarks/unpack_submission/{submission}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    script:
        "../scripts/unpack_submission.py"


rule score_submission:
    input:
        checked=rules.unpack_submission.output[0],
        references=reference_stems,
    output:
        csv="results/scores/{submission}/{listener}/{song}.csv",
        checks="results/scores/{submission}/{listener}/{song}.checks.json",
    params:
        listener=listener_audiogram,
        split=lambda w: songs()[w.song],
        music_dir=str(MUSIC_DIR),
        root=submission_root,
        segment=submission_segment,
        cropped=lambda w: submission_spec(w).get("cropped"),
        kind=lambda w: submission_spec(w)["kind"],
        engine=config["scoring"]["engine"],
        silent_reference=config["scoring"]["silent_reference"],
    wildcard_constraints:
        submission=SUBMISSION_NAMES,
    log:
        "results/logs/score/{submission}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/score/{submission}/{listener}/{song}.tsv"
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
        "../scripts/score_submission.py"


rule aggregate_submission_scores:
    input:
        scores=submission_pair_scores,
        checks=lambda w: submission_pair_scores(w, "checks"),
    output:
        csv="results/scores/{submission}.csv",
        checks="results/scores/{submission}.checks.json",
    wildcard_constraints:
        submission=SUBMISSION_NAMES,
    log:
        "results/logs/aggregate/{submission}.log",
    conda:
        "../../envs/evaluation.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/aggregate_scores.py"
