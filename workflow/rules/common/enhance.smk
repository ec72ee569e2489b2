# Input functions and params of rules/enhance.smk.


def nalr_settings(wildcards):
    """The NAL-R params of the amplification (rules enhance and remix)."""
    return {"nfir": config["enhancement"]["nalr"]["nfir"], "fs": MUSDB_SAMPLE_RATE}


def compressor_settings(wildcards):
    """The compressor params of the amplification, None when it is not applied."""
    enhancement = config["enhancement"]
    return enhancement["compressor"] if enhancement["apply_compressor"] else None


def encode_segments(wildcards):
    """Evaluation mode: the crops test.py applies when writing the pair; else None."""
    return test_segments(wildcards.song) if EVALUATION else None


def enhanced_stems(wildcards):
    root = enhanced_root(wildcards.separator)
    return [
        str(layout.stem_file(root, wildcards.listener, wildcards.song, c))
        for c in STEM_CHANNELS
    ]


def submission_zips():
    """results/submission/<separator>/submission_<team_id>.zip, evaluation mode only."""
    if not EVALUATION:
        return []
    return [output_of("pack_submission", separator=sep) for sep in enabled_separators()]


def submission_files(wildcards):
    """Every file test.py would write for one separator, each pair's in order."""
    root = enhanced_root(wildcards.separator)
    return [
        str(path)
        for song, lid in pairs()
        for path in [
            layout.stem_file(root, lid, song, c).with_suffix(ext)
            for c in STEM_CHANNELS
            for ext in (".flac", ".txt")
        ]
        + [layout.remix_file(root, lid, song)]
    ]
