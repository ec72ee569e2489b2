"""A small, original, offline demo dataset in the MUSDB18-HQ + Cadenza CAD1 layout.

Six ~25 s songs are composed from fixed seeds, rendered from MIDI with fluidsynth,
given an espeak-ng "sung" lead and mixed to 16-bit stems, so that the whole workflow
can be run and tested without downloading MUSDB18-HQ. Entry point:
``vdbo.demo.build.build_demo_dataset`` (also ``python -m vdbo.demo.build``).
"""
