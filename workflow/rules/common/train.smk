# Input functions and params of rules/train.smk.


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
