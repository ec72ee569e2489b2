# The report's Listen pages: per separator, short clips of a few pairs as written and
# through the listener's hearing loss (MSBG), with spectrograms and HAAQI.


include: "common/listen.smk"


rule listen:
    input:
        unpack(listen_inputs),
    output:
        page=report(
            f"{REPORT_PAGES}/listen/{{separator}}.html",
            caption="../report/listen.rst",
            category="Listen",
            labels={"separator": "{separator}"},
        ),
        manifest="results/listen/{separator}.json",
    params:
        songs=lambda w: list(songs()),
        pairs=lambda w: [list(p) for p in pairs()],
        strategies=lambda w: listen_strategies(w.separator),
        audiograms=lambda w: {lid: dict(a) for lid, a in listeners().items()},
        timing=listen_windows,
        picks=config["listen"]["picks"],
        extra=config["listen"]["pairs"],
        sample_rate=config["listen"]["sample_rate"],
        mp3_kbps=config["listen"]["mp3_kbps"],
        reference_spl_db=config["listen"]["reference_spl_db"],
    log:
        "results/logs/listen/{separator}.log",
    benchmark:
        "results/benchmarks/listen/{separator}.tsv"
    conda:
        "../../envs/evaluation.yaml"
    threads: 1
    resources:
        mem_mb=per_attempt(2000),
        runtime=30,
    script:
        "../scripts/listen.py"
