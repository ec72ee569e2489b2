# Configuration, sample tables and input functions shared by all rules.

import os
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
# instruction-set caps of vdbo.determinism, set before any job imports torch.
from vdbo import determinism  # noqa: E402

determinism.apply(os.environ)


envvars:
    "PYTHONPATH",
    *determinism.CPU_ENV,


from vdbo import metadata, resources  # noqa: E402
from vdbo.config_check import config_problems  # noqa: E402
from vdbo.layout import STEM_CHANNELS  # noqa: E402

SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
if problems := config_problems(config, SCHEMA):
    raise ValueError("Invalid configuration:\n  " + "\n  ".join(problems))
validate(config, SCHEMA)  # fills in the schema's defaults

DATA = config["data"]
ROOT = Path(DATA["root"])
ENVS = Path(workflow.basedir) / "envs"


def data_path(key):
    """A data.* path, relative to data.root unless absolute."""
    return ROOT / DATA[key]


MUSIC_DIR = data_path("music_dir")


wildcard_constraints:
    separator=r"[A-Za-z0-9_.-]+",
    listener=r"[^/]+",
    song=r"[^/]+",


def demo_audio_files():
    """Every WAV the demo dataset holds."""
    from vdbo.demo.songs import SONGS

    return [
        MUSIC_DIR / song.split / song.name / f"{stem}.wav"
        for song in SONGS
        for stem in ("mixture", "vocals", "drums", "bass", "other")
    ]


def listed_songs(key="songs"):
    """{track name: split} of a song list; the demo's are known before it is built."""
    if DATA["build_demo"] and not data_path(key).exists():
        from vdbo.demo.songs import SONGS

        wanted = "test" if key == "songs" else "train"
        return {s.name: s.split for s in SONGS if s.split == wanted}
    return metadata.load_songs(data_path(key))


def songs():
    """{track name: split folder} of the songs to process."""
    listed = listed_songs()
    chosen = metadata.select(listed, DATA["select_songs"], "songs", data_path("songs"))
    return {s: listed[s] for s in chosen}


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


def enabled_separators():
    return [n for n, s in config["separators"].items() if s.get("enabled", True)]


def separator_spec(wildcards):
    spec = dict(config["separators"][wildcards.separator])
    spec.pop("enabled", None)
    if "trained_model" in spec:
        spec["checkpoint"] = f"results/models/{spec.pop('trained_model')}/model.pt"
    return spec


def track_dir(song):
    return MUSIC_DIR / songs()[song] / song


def track_file(name):
    """Input function: one WAV of the wildcard song's track folder."""
    return lambda w: track_dir(w.song) / f"{name}.wav"


def reference_stems(wildcards):
    return [
        track_dir(wildcards.song) / f"{s}.wav"
        for s in ("vocals", "drums", "bass", "other")
    ]


def oracle_references(wildcards):
    """The reference stems, which only the oracle separator reads."""
    is_oracle = config["separators"][wildcards.separator]["kind"] == "oracle"
    return reference_stems(wildcards) if is_oracle else []


def listener_audiogram(wildcards):
    return listeners()[wildcards.listener]


def song_seconds(song):
    return resources.audio_seconds(track_dir(song) / "mixture.wav")


def scored_segment(wildcards):
    """[start, end] seconds scored for the song, or None for the whole song."""
    scoring = config["scoring"]
    if scoring["segments_file"]:
        per_song = metadata.load_segments(ROOT / scoring["segments_file"])
        if wildcards.song in per_song:
            return list(per_song[wildcards.song])
    seg = scoring["segment"]
    return None if seg is None else [seg["start"], seg["end"]]


def scored_seconds(wildcards):
    seg = scored_segment(wildcards)
    return song_seconds(wildcards.song) if seg is None else seg[1] - seg[0]


def enhanced_root(separator):
    return f"results/enhanced/{separator}"


def enhanced_stems(wildcards):
    root = enhanced_root(wildcards.separator)
    return [
        f"{root}/{wildcards.listener}/{wildcards.song}/"
        f"{wildcards.listener}_{wildcards.song}_{c}.flac"
        for c in STEM_CHANNELS
    ]


def pair_scores(wildcards, suffix="csv"):
    """Per-pair score files of one separator, in the official (song, listener) order."""
    return [
        f"results/scores/{wildcards.separator}/{lid}/{song}.{suffix}"
        for song in songs()
        for lid in listeners()
    ]


def pair_checks(wildcards):
    """Per-pair reference checks (skipped and quiet stem-ears), as pair_scores."""
    return pair_scores(wildcards, "checks.json")


# A listener or song named in the config but absent from the metadata fails here,
# before any job runs.
songs()
listeners()


# --- personalised remixes -------------------------------------------------------


def remix_strategies():
    return list(config["remix"]["strategies"])


def remix_config(wildcards):
    return dict(config["remix"]["strategies"][wildcards.strategy])


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


def remix_dir(wildcards):
    w = wildcards
    return f"results/remix/{w.strategy}/{w.separator}/{w.listener}/{w.song}"


def remix_pairs(wildcards):
    """Per-pair remix stats (and HAAQI) of one strategy and separator."""
    kind = "remix_haaqi" if config["remix"]["haaqi"] else "remix"
    return [
        f"results/remix/{wildcards.strategy}/{wildcards.separator}/{lid}/{song}/"
        f"{lid}_{song}_{kind}.json"
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
        f"results/scores/remix-{strategy}/{sep}.csv"
        for strategy, sep in remix_table_keys()
    ]


# --- training ---------------------------------------------------------------------


def training_model(wildcards):
    return config["training"]["models"][wildcards.model]


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
        for stem in ("mixture", "vocals", "drums", "bass", "other")
    ]


def trained_checkpoint(wildcards):
    """The checkpoint a `trained` separator reads: trained here, or given."""
    spec = config["separators"][wildcards.separator]
    if spec["kind"] != "trained":
        return []
    if "trained_model" in spec:
        return f"results/models/{spec['trained_model']}/model.pt"
    return spec["checkpoint"]


def verified_pairs():
    """Pairs re-scored with the official engine when the fast one is used.

    Spread evenly over every (separator, song, listener) the run scores.
    """
    scoring = config["scoring"]
    if scoring["engine"] == "official" or not scoring["verify_pairs"]:
        return []
    pairs = [
        (sep, song, lid)
        for sep in enabled_separators()
        for song in songs()
        for lid in listeners()
    ]
    n = min(scoring["verify_pairs"], len(pairs))
    picked = [pairs[i * len(pairs) // n] for i in range(n)]
    return [
        f"results/scores/verified/{sep}/{lid}/{song}.csv" for sep, song, lid in picked
    ]
