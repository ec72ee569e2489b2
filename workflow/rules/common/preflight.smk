# The preflight (vdbo.preflight): before any job is planned, every check that
# is cheap (WAV headers, reference stems read once per song, the weights caches) so
# that `snakemake -n` reports what would fail hours later, and a run stops before it
# starts (with --keep-going they are warnings: the jobs they concern fail on their
# own, the others run). It runs in the main process only: jobs re-read this file and
# check their own inputs.

from types import SimpleNamespace  # noqa: E402

from vdbo import preflight  # noqa: E402


def preflight_weights(found):
    """Pretrained weights of the enabled separators, missing from their caches (each
    kind declares its own: vdbo.separation.kinds)."""
    preflight.separator_weights(
        [config["separators"][s] for s in enabled_separators()], found
    )


def preflight_audio(found):
    """Each song's files, its scored segment and (policy error) reference silence;
    with a bad segments file, the files only."""
    bounds = int if EVALUATION else round
    policy = config["scoring"]["silent_reference"]
    try:
        check_segments()  # every song listed, each segment inside its song
        segments = True
    except InputError as err:
        found.errors.append(err)
        segments = False
    for song in songs():
        folder = track_dir(song)
        if DATA["build_demo"] and not folder.exists():
            continue  # built by rule demo_data
        try:
            segment, checked = scored_segment(SimpleNamespace(song=song)), policy
        except InputError:  # reported by check_segments
            segment, checked = None, None
        preflight.track_problems(
            {name: folder / f"{name}.wav" for name in TRACK_FILES},
            STEMS,
            None if segment is None else tuple(segment),
            checked,
            song,
            bounds,
            found,
            segment_reported=not segments,
        )


def preflight_training(found):
    """The training songs' files of the models this run trains (headers only)."""
    checked = set(songs())
    for model in trained_models():
        splits = listed_songs("train_songs")
        for song in sum(training_split(SimpleNamespace(model=model)), []):
            folder = MUSIC_DIR / splits[song] / song
            if song in checked or (DATA["build_demo"] and not folder.exists()):
                continue
            checked.add(song)
            files = {name: folder / f"{name}.wav" for name in TRACK_FILES}
            preflight.track_problems(files, (), None, None, song, report=found)


if workflow.is_main_process:
    with preflight.Timer(preflight.Report()) as PREFLIGHT:
        preflight_audio(PREFLIGHT)
        preflight_training(PREFLIGHT)
        preflight_weights(PREFLIGHT)
    print(PREFLIGHT.text(), file=sys.stderr)
    if preflight.keeps_going(sys.argv[1:]):
        print(PREFLIGHT.warnings(), file=sys.stderr)
    else:
        PREFLIGHT.raise_errors()
