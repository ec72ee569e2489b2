# Finished systems scored as they are (README, "Bring your own system"): an enhanced
# folder in the official layout or a CAD1 submission zip is checked (and a zip safely
# extracted) once, then each pair is scored by the official evaluation. Their score
# tables join the separators' in the summary.

SUBMISSION_NAMES = "|".join(map(re.escape, submission_names())) or "$^"


def submission_spec(wildcards):
    return dict(config["submissions"][wildcards.submission])


def submission_source(wildcards):
    """The zip, or every file of the folder (so that changing one reruns its scores)."""
    spec = config["submissions"][wildcards.submission]
    path = Path(spec["path"])
    if spec["kind"] == "folder" and path.is_dir():
        return sorted(str(p) for p in path.rglob("*") if p.is_file())
    return str(path)


def listed_listener_ids():
    """Every listener of the metadata (a submission may hold more than are scored)."""
    if DATA["build_demo"] and not data_path("listeners").exists():
        return list(listeners())
    return list(metadata.load_listeners(data_path("listeners")))


def submission_root(wildcards):
    """The folder of <listener>/<song>/ FLACs the scores read."""
    spec = config["submissions"][wildcards.submission]
    if spec["kind"] == "zip":
        return f"results/submissions/{wildcards.submission}/enhanced"
    return spec["path"]


def submission_segment(wildcards):
    """[start, end] the stems hold (cropped) or are scored on (whole songs)."""
    from vdbo.submissions import cropped

    spec = config["submissions"][wildcards.submission]
    if not cropped(spec):
        return scored_segment(wildcards)
    segments_file = config["scoring"]["segments_file"]
    per_song = metadata.load_segments(ROOT / segments_file if segments_file else None)
    if wildcards.song not in per_song:
        raise ValueError(
            f"submission {wildcards.submission}: its stems are cropped to each song's "
            f"objective-evaluation segment, but scoring.segments_file "
            f"({segments_file}) does not list {wildcards.song!r}. Fix: set "
            "scoring.segments_file to the segments file the submission was made "
            "with (metadata/musdb18.segments.test.json), or `cropped: false`"
        )
    return list(per_song[wildcards.song])


def submission_pair_scores(wildcards):
    return [
        f"results/scores/{wildcards.submission}/{lid}/{song}.csv"
        for song in songs()
        for lid in listeners()
    ]


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
        checked="results/submissions/{submission}",
        references=reference_stems,
    output:
        "results/scores/{submission}/{listener}/{song}.csv",
    params:
        listener=listener_audiogram,
        split=lambda w: songs()[w.song],
        music_dir=str(MUSIC_DIR),
        root=submission_root,
        segment=submission_segment,
        cropped=lambda w: submission_spec(w).get("cropped"),
        kind=lambda w: submission_spec(w)["kind"],
        engine=config["scoring"]["engine"],
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
        submission_pair_scores,
    output:
        "results/scores/{submission}.csv",
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
