# Configuration, sample tables and input functions shared by all rules.

import functools
import os
import re
import sys
from pathlib import Path

from snakemake.utils import validate

# The workflow's logic lives in the `vdbo` package next to it (src/): make it
# importable here and in every job, also where the package is not installed
# (conda envs, cluster nodes).
VDBO_SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, VDBO_SRC)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (VDBO_SRC, os.environ.get("PYTHONPATH")) if p
)

# Training and separation give the same numbers on every x86 CPU with AVX2: the
# instruction-set caps of vdbo.core.determinism, set before any job imports torch.
from vdbo.core import determinism  # noqa: E402

determinism.apply(os.environ)


envvars:
    "PYTHONPATH",
    *determinism.CPU_ENV,


from vdbo import MUSDB_SAMPLE_RATE, STEMS, TRACK_FILES  # noqa: E402
from vdbo.core import metadata, resources  # noqa: E402
from vdbo.enhancement import submission  # noqa: E402
from vdbo.core.errors import InputError  # noqa: E402
from vdbo.config_check import config_problems  # noqa: E402
from vdbo.core.schema import read_cli_values  # noqa: E402
from vdbo.core import layout  # noqa: E402
from vdbo.core.layout import STEM_CHANNELS  # noqa: E402
from vdbo.separation.kinds import get_kind  # noqa: E402

SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
read_cli_values(config, workflow.config_settings.config)  # --config as typed
if problems := config_problems(config, SCHEMA):
    raise ValueError("Invalid configuration:\n  " + "\n  ".join(problems))
validate(config, SCHEMA)  # fills in the schema's defaults

DATA = config["data"]
# Evaluation mode (config key `evaluation`): the CAD1 test set as test.py writes it.
EVALUATION_CONFIG = config["evaluation"]
EVALUATION = EVALUATION_CONFIG["enabled"]
# results/enhanced/<separator> is the official enhanced_signals/ folder; test.py
# writes the evaluation pairs one level down, in enhanced_signals/evaluation/.
ENHANCED = (
    f"results/enhanced/{{separator}}/{submission.EVALUATION_DIR}"
    if EVALUATION
    else "results/enhanced/{separator}"
)
ROOT = Path(DATA["root"])


def data_path_of(path):
    """A path of the config, relative to data.root unless absolute."""
    return ROOT / path


def data_path(key):
    """A data.* path, relative to data.root unless absolute."""
    return data_path_of(DATA[key])


MUSIC_DIR = data_path("music_dir")


wildcard_constraints:
    # exactly the configured names: submissions (rules/submissions.smk) share
    # results/scores/ but are never separated
    separator="|".join(map(re.escape, sorted(config["separators"], key=len)[::-1])),
    listener=r"[^/]+",
    song=r"[^/]+",


def demo_audio_files():
    """Every WAV the demo dataset holds."""
    from vdbo.demo.songs import SONGS

    return [
        MUSIC_DIR / song.split / song.name / f"{stem}.wav"
        for song in SONGS
        for stem in TRACK_FILES
    ]


# The metadata loaders are cached: input functions and params call them for every
# job, and the files do not change while the DAG is built.
@functools.cache
def listed_songs(key="songs"):
    """{track name: split} of a song list; the demo's are known before it is built."""
    if DATA["build_demo"] and not data_path(key).exists():
        from vdbo.demo.songs import SONGS

        wanted = "test" if key == "songs" else "train"
        return {s.name: s.split for s in SONGS if s.split == wanted}
    return metadata.load_songs(data_path(key))


@functools.cache
def songs():
    """{track name: split folder} of the songs to process."""
    listed = listed_songs()
    chosen = metadata.select(listed, DATA["select_songs"], "songs", data_path("songs"))
    return {s: listed[s] for s in chosen}


@functools.cache
def listeners():
    """{listener id: audiogram dict} of the listeners to process."""
    if DATA["build_demo"] and not data_path("listeners").exists():
        from vdbo.demo.metadata import select_listeners

        source = Path(workflow.basedir) / DATA["demo_listeners_source"]
        listed = select_listeners(source)["valid"]
    else:
        listed = metadata.load_listeners(data_path("listeners"))
    chosen = metadata.select(
        listed, DATA["select_listeners"], "listeners", data_path("listeners")
    )
    return {lid: listed[lid] for lid in chosen}


def output_of(rule, key=0, **wildcards):
    """The file that rule `rule` writes as its output `key` (index or name), for these
    wildcards: each intermediate path is spelled once, in the rule that writes it."""
    output = getattr(rules, rule).output
    pattern = output[key] if isinstance(key, int) else getattr(output, key)
    return pattern.format(**wildcards)


def enabled_separators():
    return [n for n, s in config["separators"].items() if s.get("enabled", True)]


def separator_spec(wildcards):
    spec = dict(config["separators"][wildcards.separator])
    spec.pop("enabled", None)
    if "trained_model" in spec:
        spec["checkpoint"] = output_of(
            "train", "checkpoint", model=spec.pop("trained_model")
        )
    return spec


def track_dir(song):
    return MUSIC_DIR / songs()[song] / song


def track_file(name):
    """Input function: one WAV of the wildcard song's track folder."""
    return lambda w: track_dir(w.song) / f"{name}.wav"


def reference_stems(wildcards):
    return [track_dir(wildcards.song) / f"{s}.wav" for s in STEMS]


def separator_kind(wildcards):
    """The wildcard separator's entry in the kind registry (vdbo.separation.kinds)."""
    return get_kind(config["separators"][wildcards.separator]["kind"])


def separator_references(wildcards):
    """The reference stems, for the separator kinds that read them (oracle)."""
    return (
        reference_stems(wildcards) if separator_kind(wildcards).needs_references else []
    )


def listener_audiogram(wildcards):
    return listeners()[wildcards.listener]


def nalr_settings(wildcards):
    """The NAL-R params of the amplification (rules enhance and remix)."""
    return {"nfir": config["enhancement"]["nalr"]["nfir"], "fs": MUSDB_SAMPLE_RATE}


def compressor_settings(wildcards):
    """The compressor params of the amplification, None when it is not applied."""
    enhancement = config["enhancement"]
    return enhancement["compressor"] if enhancement["apply_compressor"] else None


def song_seconds(song):
    mixture = track_dir(song) / "mixture.wav"
    if DATA["build_demo"] and not mixture.exists():
        # the demo's songs are planned before they are built (dry run, first run)
        from vdbo.demo.songs import SONGS

        return next(s.seconds for s in SONGS if s.name == song)
    return resources.audio_seconds(mixture)


# --- the CAD1 evaluation (test set) and its submission zip: config key `evaluation`


def present_song_seconds():
    """{song: seconds} of the songs whose mixture exists (segments are checked
    against them)."""
    return {
        s: song_seconds(s) for s in songs() if (track_dir(s) / "mixture.wav").is_file()
    }


@functools.cache
def test_segments_table():
    """Both test-set segments of every song, checked: every song listed, each
    segment inside its song."""
    return metadata.load_test_segments(
        data_path_of(EVALUATION_CONFIG["segments_file"]),
        songs=songs(),
        durations=present_song_seconds(),
    )


def test_segments(song):
    """{objective_evaluation: [s, e], subjective_evaluation: [s, e]} of a song."""
    return {kind: list(seg) for kind, seg in test_segments_table()[song].items()}


def encode_segments(wildcards):
    """Evaluation mode: the crops test.py applies when writing the pair; else None."""
    return test_segments(wildcards.song) if EVALUATION else None


def submission_zips():
    """results/submission/<separator>/submission_<team_id>.zip, evaluation mode only."""
    if not EVALUATION:
        return []
    return [output_of("submission", separator=sep) for sep in enabled_separators()]


def submission_files(wildcards):
    """Every file test.py would write for one separator, each pair's in order."""
    root = enhanced_root(wildcards.separator)
    return [
        str(path)
        for song in songs()
        for lid in listeners()
        for path in [
            layout.stem_file(root, lid, song, c).with_suffix(ext)
            for c in STEM_CHANNELS
            for ext in (".flac", ".txt")
        ]
        + [layout.remix_file(root, lid, song)]
    ]


@functools.cache
def segments_table():
    """{song: (start, end)} of scoring.segments_file."""
    return metadata.load_segments(ROOT / config["scoring"]["segments_file"])


def scored_segment(wildcards):
    """[start, end] seconds scored for the song, or None for the whole song."""
    if EVALUATION:
        return test_segments(wildcards.song)["objective_evaluation"]
    scoring = config["scoring"]
    if scoring["segments_file"]:
        per_song = segments_table()
        if wildcards.song in per_song:
            return list(per_song[wildcards.song])
    seg = scoring["segment"]
    return None if seg is None else [seg["start"], seg["end"]]


def scored_seconds(wildcards):
    seg = scored_segment(wildcards)
    return song_seconds(wildcards.song) if seg is None else seg[1] - seg[0]


def enhanced_root(separator):
    """The separator's pair folders: test.py's enhanced_signals/evaluation/ or the
    validation's enhanced_signals/ (results/enhanced/<separator> is enhanced_signals).
    """
    return ENHANCED.format(separator=separator)


def enhanced_stems(wildcards):
    root = enhanced_root(wildcards.separator)
    return [
        str(layout.stem_file(root, wildcards.listener, wildcards.song, c))
        for c in STEM_CHANNELS
    ]


def pair_scores(wildcards, key="csv"):
    """Per-pair score files of one separator, in the official (song, listener) order."""
    return [
        output_of("score", key, separator=wildcards.separator, listener=lid, song=song)
        for song in songs()
        for lid in listeners()
    ]


def pair_checks(wildcards):
    """Per-pair reference checks (skipped and quiet stem-ears), as pair_scores."""
    return pair_scores(wildcards, "checks")


def check_segments():
    """A segments file must list every song, each segment inside its song."""
    if EVALUATION:
        test_segments_table()
    if config["scoring"]["segments_file"]:
        metadata.load_segments(
            ROOT / config["scoring"]["segments_file"],
            songs=songs(),
            durations=present_song_seconds(),
        )


# A listener or song named in the config but absent from the metadata, a bad Split,
# listener layout fails here, before any job runs (segments: rules/preflight.smk).
songs()
listeners()


# --- personalised remixes -------------------------------------------------------


def remix_strategies():
    return list(config["remix"]["strategies"])


def remix_config(wildcards):
    return dict(config["remix"]["strategies"][wildcards.strategy])


def official_remix_reused(wildcards):
    """Whether this strategy's remix is encode's official remix FLAC, byte for byte:
    the official strategy (baseline) with enhancement.soft_clip, whole songs (in
    evaluation mode encode crops the remix to the subjective segment)."""
    from vdbo.remix import get_strategy, resolve_config

    strategy = resolve_config(remix_config(wildcards))
    return (
        get_strategy(strategy["strategy"]).official
        and strategy["soft_clip"] == config["enhancement"]["soft_clip"]
        and not EVALUATION
    )


def remix_inputs(wildcards):
    """The separated stems; for the official strategy also encode's remix to copy."""
    w = wildcards
    inputs = {"stems": output_of("separate", separator=w.separator, song=w.song)}
    if official_remix_reused(wildcards):
        inputs["official"] = output_of(
            "encode", "remix", separator=w.separator, listener=w.listener, song=w.song
        )
    return inputs


def remix_override(wildcards):
    """This listener's row of the override table, if the strategy takes overrides.

    Passed as a param, so editing one listener's row reruns only that listener.
    """
    from vdbo.remix import get_strategy, load_overrides

    table = config["remix"]["overrides"]
    strategy = get_strategy(remix_config(wildcards)["strategy"])
    if not table or not strategy.accepts_overrides:
        return None
    name = listeners()[wildcards.listener].get("name", wildcards.listener)
    return load_overrides(table).get(name)


def remix_pairs(wildcards):
    """Per-pair remix stats (and HAAQI) of one strategy and separator."""
    job, key = ("remix_haaqi", 0) if config["remix"]["haaqi"] else ("remix", "stats")
    w = wildcards
    return [
        output_of(
            job,
            key,
            strategy=w.strategy,
            separator=w.separator,
            listener=lid,
            song=song,
        )
        for song in songs()
        for lid in listeners()
    ]


def remix_separators():
    wanted = config["remix"]["separators"]
    return [s for s in enabled_separators() if not wanted or s in wanted]


def remix_table_keys():
    """[strategy, separator] of every remix table, in the order of remix_tables()."""
    return [[s, sep] for s in remix_strategies() for sep in remix_separators()]


def remix_tables():
    return [
        output_of("remix_table", strategy=strategy, separator=sep)
        for strategy, sep in remix_table_keys()
    ]


# --- training ---------------------------------------------------------------------


def training_model(wildcards):
    return config["training"]["models"][wildcards.model]


def training_threads(wildcards):
    """settings.threads of the training run; null (torch's own choice) takes every core."""
    from vdbo.training.config import resolve_config

    return resolve_config(training_model(wildcards)["settings"])["threads"] or (
        workflow.cores
    )


def training_split(wildcards):
    """(train songs, validation songs) of one training run, from the train list."""
    listed = list(listed_songs("train_songs"))
    held = training_model(wildcards)["validation_songs"]
    valid = listed[len(listed) - held :] if isinstance(held, int) and held else []
    if isinstance(held, list):
        valid = metadata.select(
            dict.fromkeys(listed), held, "validation songs", data_path("train_songs")
        )
    return [s for s in listed if s not in valid], valid


def training_audio(wildcards):
    splits = listed_songs("train_songs")
    return [
        MUSIC_DIR / splits[song] / song / f"{stem}.wav"
        for song in sum(training_split(wildcards), [])
        for stem in TRACK_FILES
    ]


def trained_checkpoint(wildcards):
    """The checkpoint a `trained` separator reads: trained here, or given."""
    spec = config["separators"][wildcards.separator]
    if spec["kind"] != "trained":
        return []
    if "trained_model" in spec:
        return output_of("train", "checkpoint", model=spec["trained_model"])
    return spec["checkpoint"]


def verified_pair_wildcards():
    """Pairs re-scored with the official engine when the fast one is used.

    Spread evenly over every (separator, song, listener) the run scores.
    """
    scoring = config["scoring"]
    if scoring["engine"] == "official" or not scoring["verify_pairs"]:
        return []
    pairs = [
        dict(separator=sep, listener=lid, song=song)
        for sep in enabled_separators()
        for song in songs()
        for lid in listeners()
    ]
    n = min(scoring["verify_pairs"], len(pairs))
    return [pairs[i * len(pairs) // n] for i in range(n)]


def verified_pairs():
    """The official engine's score files of :func:`verified_pair_wildcards`."""
    return [output_of("verify_scores", **w) for w in verified_pair_wildcards()]


# --- bring your own system (README): stems folders, Python callables, submissions ---


def external_separator_inputs(wildcards):
    """Files a separator reads besides the track (a stems folder, a Python module):
    inputs, so a changed file reruns its separation."""
    kind = separator_kind(wildcards)
    spec = config["separators"][wildcards.separator]
    return kind.inputs(spec, wildcards.song) if kind.inputs else []


def submission_names():
    return [n for n, s in config["submissions"].items() if s.get("enabled", True)]


def scored_systems():
    """Every row of the summary: enabled separators, then enabled submissions."""
    return enabled_separators() + submission_names()


if clash := set(config["separators"]) & set(config["submissions"]):
    raise ValueError(
        f"Invalid configuration: {', '.join(sorted(clash))} named both under "
        "`separators` and `submissions`; rename one (they share results/scores/)"
    )


# --- figures and report pages (report.smk) -----------------------------------------

PLOTS = "results/plots"
REPORT_PAGES = "results/report"


def separator_tables(key="csv"):
    """The score table of every scored system (separators, received submissions; the
    two share aggregate_scores' layout): ``key`` csv, or checks (reference checks)."""
    return expand(
        getattr(rules.aggregate_scores.output, key), separator=scored_systems()
    )


def trained_models():
    """Models trained by this run (named by an enabled `trained` separator)."""
    specs = (config["separators"][s] for s in enabled_separators())
    return list(
        dict.fromkeys(s["trained_model"] for s in specs if "trained_model" in s)
    )


def remix_levels():
    """{strategy: loudness target and true-peak limit}, None where not level-safe."""
    levels = {}
    from vdbo.remix import get_strategy
    from vdbo.remix.config import resolve_config

    for name, spec in config["remix"]["strategies"].items():
        resolved = resolve_config(spec)
        safe = get_strategy(resolved["strategy"]).level_safe
        levels[name] = {
            k: resolved[k] if safe else None
            for k in ("loudness_target_lufs", "true_peak_limit_dbtp")
        }
    return levels


def benchmarked_jobs():
    """[(rule, wildcards)] of every benchmarked job that this run's targets need."""
    seps, song, lid = enabled_separators(), list(songs()), list(listeners())
    jobs = [("separate", dict(separator=s, song=t)) for s in seps for t in song]
    pairs = [
        dict(separator=s, listener=l, song=t) for s in seps for t in song for l in lid
    ]
    jobs += [(rule, w) for rule in ("enhance", "encode", "score") for w in pairs]
    jobs += [("train", dict(model=m)) for m in trained_models()]
    if EVALUATION:
        jobs += [("submission", dict(separator=s)) for s in seps]
    for name in submission_names():
        jobs.append(("unpack_submission", dict(submission=name)))
        jobs += [
            ("score_submission", dict(submission=name, listener=l, song=t))
            for t in song
            for l in lid
        ]
    if DATA["build_demo"]:
        jobs.append(("demo_data", {}))
    remixes = [
        dict(strategy=st, separator=s, listener=l, song=t)
        for st, s in remix_table_keys()
        for t in song
        for l in lid
    ]
    jobs += [("remix", w) for w in remixes]
    if config["remix"]["haaqi"]:
        jobs += [("remix_haaqi", w) for w in remixes]
    jobs += [("verify_scores", w) for w in verified_pair_wildcards()]
    return jobs


def _job_file(pattern, wildcards):
    return expand(str(pattern), **{k: [v] for k, v in wildcards.items()})[0]


def finished_job_outputs(wildcards):
    """One output per benchmarked job, written when the job has finished (enhance:
    the encode output made from its temporary one). The cost figure waits for these,
    then reads the jobs' benchmark files; depending on the outputs rather than on the
    benchmark files keeps jobs that ran before their benchmark files existed from being
    redone."""
    proof = {
        "separate": rules.separate.output[0],
        "enhance": rules.encode.output.remix,
        "encode": rules.encode.output.remix,
        "score": rules.score.output[0],
        "train": rules.train.output.checkpoint,
        "remix": rules.remix.output.stats,
        "remix_haaqi": rules.remix_haaqi.output[0],
        "verify_scores": rules.verify_scores.output[0],
        "submission": rules.submission.output[0],
        "unpack_submission": rules.unpack_submission.output[0],
        "score_submission": rules.score_submission.output[0],
    }
    if DATA["build_demo"]:
        proof["demo_data"] = rules.demo_data.output.songs
    files = [_job_file(proof[rule], w) for rule, w in benchmarked_jobs()]
    return list(dict.fromkeys(files))


def benchmark_files():
    """{rule: [benchmark tsv]} of the benchmarked jobs, for the cost figure."""
    files = {}
    for rule, w in benchmarked_jobs():
        files.setdefault(rule, []).append(_job_file(getattr(rules, rule).benchmark, w))
    return files


def report_targets():
    """Every figure and page of the report: rule `all` asks for them."""
    targets = [
        f"{PLOTS}/haaqi_per_stem.png",
        f"{PLOTS}/haaqi_vs_hearing_loss.png",
        f"{PLOTS}/haaqi_heatmap.png",
        f"{PLOTS}/run_cost.png",
        f"{REPORT_PAGES}/summary.html",
        f"{REPORT_PAGES}/config.html",
    ]
    if remix_tables():
        targets.append(f"{PLOTS}/remix_levels.png")
    targets += expand(f"{PLOTS}/training/{{model}}.png", model=trained_models())
    return targets
