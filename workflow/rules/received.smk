# Finished systems scored as they are (docs/bring-your-own.md): an enhanced
# folder in the official layout or a CAD1 submission zip is checked (and a zip safely
# extracted) once, then each pair is scored by the official evaluation. Their score
# tables join the separators' in the summary.


include: "common/received.smk"


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
        pairs=lambda w: [[lid, song] for song, lid in pairs()],
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
        mem_mb=per_attempt(1000),
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
        haaqi=haaqi_settings(segment=submission_segment, cropped=submission_cropped),
        stems=submission_stems,
    wildcard_constraints:
        submission=SUBMISSION_NAMES,
    log:
        "results/logs/score/{submission}/{listener}/{song}.log",
    benchmark:
        "results/benchmarks/score/{submission}/{listener}/{song}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: haaqi_threads()
    resources:
        mem_mb=haaqi_mem_mb(submission_segment),
        runtime=haaqi_runtime(submission_segment),
    script:
        "../scripts/haaqi.py"


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
        mem_mb=per_attempt(500),
        runtime=5,
    script:
        "../scripts/aggregate_scores.py"
