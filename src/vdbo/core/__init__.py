"""The foundation every stage stands on: no stage is imported from here.

Audio I/O, atomic writes, the official file layout, metadata (songs, listeners,
segments), the config schema, errors meant for the user, the job runner, job
resources, CPU determinism and the official recipe's functions (:mod:`.official`).
"""
