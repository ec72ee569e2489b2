# Input functions and params of rules/data.smk.


def demo_audio_files():
    """Every WAV the demo dataset holds."""
    from vdbo.demo.songs import SONGS

    return [
        MUSIC_DIR / song.split / song.name / f"{stem}.wav"
        for song in SONGS
        for stem in TRACK_FILES
    ]
