"""Stage 2 of the DAG: per listener, amplify the separated stems and write them.

NAL-R and the optional compressor by the official recipe (:mod:`.amplification`), the
24 kHz stem and 32 kHz remix FLACs in the official layout (:mod:`.encoding`), and the
CAD1 submission zip of test.py (:mod:`.submission`).
"""
