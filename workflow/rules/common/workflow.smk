# Configuration, sample tables and input functions shared by all rules.

import functools
import os
import re
import sys
from pathlib import Path

from snakemake.io import is_flagged
from snakemake.utils import validate

# The repository root: this file lives in workflow/rules/common/ (whichever Snakefile,
# the root one or workflow/Snakefile, a run starts from).
REPO_ROOT = Path(workflow.current_basedir).parents[2]
# The workflow's logic lives in the `vdbo` package next to it (src/): make it
# importable here and in every job, also where the package is not installed
# (conda envs, cluster nodes).
VDBO_SRC = str(REPO_ROOT / "src")
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


# Local runs: jobs claim at most 80 % of this machine's RAM together (each rule's
# mem_mb), unless --resources mem_mb=N says otherwise; cluster jobs get theirs from
# the scheduler.
from vdbo.core.resources import local_memory_budget_mb  # noqa: E402

if workflow.local_exec and "mem_mb" not in workflow.global_resources:
    workflow.register_resource("mem_mb", local_memory_budget_mb())

from vdbo import MUSDB_SAMPLE_RATE, STEMS, TRACK_FILES  # noqa: E402
from vdbo.core import metadata, resources  # noqa: E402
from vdbo.enhancement import submission  # noqa: E402
from vdbo.core.errors import InputError  # noqa: E402
from vdbo.config_check import config_problems  # noqa: E402
from vdbo.core.schema import read_cli_values  # noqa: E402
from vdbo.core import layout  # noqa: E402
from vdbo.core.layout import STEM_CHANNELS  # noqa: E402
from vdbo.separation.kinds import get_kind  # noqa: E402

SCHEMA = workflow.source_path("../../schemas/config.schema.yaml")
read_cli_values(config, workflow.config_settings.config)  # --config as typed
if problems := config_problems(config, SCHEMA):
    raise ValueError("Invalid configuration:\n  " + "\n  ".join(problems))
validate(config, SCHEMA)  # fills in the schema's defaults

DATA = config["data"]
# The two segments of a CAD1 test song (musdb18.segments.test.json): HAAQI scores the
# objective one, the remix of test.py holds the subjective one.
OBJECTIVE, SUBJECTIVE = metadata.SEGMENT_KINDS
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


def per_attempt(mem_mb):
    """resources mem_mb of a rule: ``mem_mb`` (MB, or a function of the wildcards)
    on the first try, 1.5x more per retry (vdbo.core.resources.for_attempt), so a
    job killed for memory on a cluster is resubmitted asking for more."""

    def request(wildcards, attempt):
        first = mem_mb(wildcards) if callable(mem_mb) else mem_mb
        return resources.for_attempt(first, attempt)

    return request


wildcard_constraints:
    # exactly the configured names: submissions (rules/received.smk) share
    # results/scores/ but are never separated
    separator="|".join(map(re.escape, sorted(config["separators"], key=len)[::-1])),
    listener=r"[^/]+",
    song=r"[^/]+",


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

        source = REPO_ROOT / DATA["demo_listeners_source"]
        listed = select_listeners(source)["valid"]
    else:
        listed = metadata.load_listeners(data_path("listeners"))
    chosen = metadata.select(
        listed, DATA["select_listeners"], "listeners", data_path("listeners")
    )
    return {lid: listed[lid] for lid in chosen}


def pairs():
    """(song, listener id) of every pair, in the official evaluation's order: songs
    outer, listeners inner (the order of the official CSV)."""
    return [(song, lid) for song in songs() for lid in listeners()]


def output_of(rule, key=0, **wildcards):
    """The file that rule `rule` writes as its output `key` (index or name), for these
    wildcards: each intermediate path is spelled once, in the rule that writes it."""
    output = getattr(rules, rule).output
    pattern = output[key] if isinstance(key, int) else getattr(output, key)
    return pattern.format(**wildcards)


def enabled_separators():
    return [n for n, s in config["separators"].items() if s.get("enabled", True)]


def track_dir(song):
    return MUSIC_DIR / songs()[song] / song


def track_file(name):
    """Input function: one WAV of the wildcard song's track folder."""
    return lambda w: track_dir(w.song) / f"{name}.wav"


def reference_stems(wildcards):
    return [track_dir(wildcards.song) / f"{s}.wav" for s in STEMS]


def listener_audiogram(wildcards):
    return listeners()[wildcards.listener]


def song_seconds(song):
    mixture = track_dir(song) / "mixture.wav"
    if DATA["build_demo"] and not mixture.exists():
        # the demo's songs are planned before they are built (dry run, first run)
        from vdbo.demo.songs import SONGS

        return next(s.seconds for s in SONGS if s.name == song)
    return resources.audio_seconds(mixture)


def present_song_seconds():
    """{song: seconds} of the songs whose mixture exists (segments are checked
    against them)."""
    return {s: song_seconds(s) for s in songs() if (track_dir(s) / "mixture.wav").is_file()}


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


@functools.cache
def segments_table():
    """{song: (start, end)} of scoring.segments_file."""
    return metadata.load_segments(ROOT / config["scoring"]["segments_file"])


def scored_segment(wildcards):
    """[start, end] seconds scored for the song, or None for the whole song."""
    if EVALUATION:
        return test_segments(wildcards.song)[OBJECTIVE]
    scoring = config["scoring"]
    if scoring["segments_file"]:
        per_song = segments_table()
        if wildcards.song in per_song:
            return list(per_song[wildcards.song])
    seg = scoring["segment"]
    return None if seg is None else [seg["start"], seg["end"]]


def enhanced_root(separator):
    """The separator's pair folders: test.py's enhanced_signals/evaluation/ or the
    validation's enhanced_signals/ (results/enhanced/<separator> is enhanced_signals).
    """
    return ENHANCED.format(separator=separator)


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
# listener layout fails here, before any job runs (segments: common/preflight.smk).
songs()
listeners()
# a name safe alone can still make <listener>_<song>_right_vocals.flac too long
metadata.check_pair_names(songs(), listeners(), data_path("songs"), data_path("listeners"))


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
