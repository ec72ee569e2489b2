# Input functions and params of rules/received.smk.

from vdbo.evaluation.received import UNPACKED_ENHANCED  # noqa: E402

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


def submission_stems(wildcards):
    """The eight stem FLACs of a pair, where the checked submission holds them (a
    zip's inside unpack_submission's folder, so they are params, not inputs)."""
    spec = config["submissions"][wildcards.submission]
    root = Path(spec["path"])
    if spec["kind"] == "zip":
        unpacked = output_of("unpack_submission", submission=wildcards.submission)
        root = Path(unpacked) / UNPACKED_ENHANCED
    return [
        str(layout.stem_file(root, wildcards.listener, wildcards.song, c))
        for c in STEM_CHANNELS
    ]


def submission_cropped(wildcards):
    """Whether the submission's stems hold only the objective-evaluation segment."""
    from vdbo.evaluation.received import cropped

    return cropped(config["submissions"][wildcards.submission])


def submission_segment(wildcards):
    """[start, end] the stems hold (cropped: the objective_evaluation segment of
    evaluation.segments_file, the file test.py crops with) or are scored on."""
    if not submission_cropped(wildcards):
        return scored_segment(wildcards)
    return test_segments(wildcards.song)[OBJECTIVE]


def submission_pair_scores(wildcards, key="csv"):
    w = wildcards
    return [
        output_of(
            "score_submission", key, submission=w.submission, listener=lid, song=song
        )
        for song, lid in pairs()
    ]
