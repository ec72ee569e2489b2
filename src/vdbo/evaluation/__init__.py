"""Stage 4 of the DAG: HAAQI scores by the official CAD1 evaluation, and their tables.

One (song, listener) pair of stems (:mod:`.pairs`), a personalised remix
(:mod:`.remix_scores`), systems received from others (:mod:`.received`), and the
official CSVs and summary (:mod:`.aggregate`).
"""
