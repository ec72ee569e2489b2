# Input functions and params of rules/report.smk.

PLOTS = "results/plots"
REPORT_PAGES = "results/report"


def trained_models():
    """Models trained by this run (named by an enabled `trained` separator)."""
    specs = (config["separators"][s] for s in enabled_separators())
    return list(
        dict.fromkeys(s["trained_model"] for s in specs if "trained_model" in s)
    )


def remix_levels():
    """{strategy: loudness target and true-peak limit}, None where not level-safe."""
    levels = {}
    from vdbo.remix import get_strategy
    from vdbo.remix.config import resolve_config

    for name, spec in config["remix"]["strategies"].items():
        resolved = resolve_config(spec)
        safe = get_strategy(resolved["strategy"]).level_safe
        levels[name] = {
            k: resolved[k] if safe else None
            for k in ("loudness_target_lufs", "true_peak_limit_dbtp")
        }
    return levels


def benchmarked_jobs():
    """[(rule, wildcards)] of every benchmarked job that this run's targets need."""
    seps = enabled_separators()
    jobs = [("separate", dict(separator=s, song=t)) for s in seps for t in songs()]
    pair_jobs = [
        dict(separator=s, listener=lid, song=song)
        for s in seps
        for song, lid in pairs()
    ]
    jobs += [(rule, w) for rule in ("enhance", "encode", "score") for w in pair_jobs]
    jobs += [("train", dict(model=m)) for m in trained_models()]
    if EVALUATION:
        jobs += [("pack_submission", dict(separator=s)) for s in seps]
    for name in submission_names():
        jobs.append(("unpack_submission", dict(submission=name)))
        jobs += [
            ("score_submission", dict(submission=name, listener=lid, song=song))
            for song, lid in pairs()
        ]
    if DATA["build_demo"]:
        jobs.append(("demo_data", {}))
    remixes = [
        dict(strategy=st, separator=s, listener=lid, song=song)
        for st, s in remix_table_keys()
        for song, lid in pairs()
    ]
    jobs += [("remix", w) for w in remixes]
    if config["remix"]["haaqi"]:
        jobs += [("remix_haaqi", w) for w in remixes]
    jobs += [("verify_scores", w) for w in verified_pair_wildcards()]
    jobs += [("listen", dict(separator=s)) for s in listen_separators()]
    if compare_targets():
        jobs.append(("compare_systems", {}))
    return jobs


def _job_file(pattern, wildcards):
    return expand(str(pattern), **{k: [v] for k, v in wildcards.items()})[0]


def proof_of(rule):
    """A file a finished job of ``rule`` leaves: its first output, or where that is
    temporary (enhance), the first output of the rule that reads it (encode)."""
    output = getattr(rules, rule).output[0]
    if not is_flagged(workflow.get_rule(rule).output[0], "temp"):  # rules.<x>: no flags
        return output
    reader = next(r.name for r in workflow.rules if output in map(str, r.input))
    return getattr(rules, reader).output[0]


def finished_job_outputs(wildcards):
    """One output per benchmarked job, written when the job has finished. The cost
    figure waits for these, then reads the jobs' benchmark files; depending on the
    outputs rather than on the benchmark files keeps jobs that ran before their
    benchmark files existed from being redone."""
    files = [_job_file(proof_of(rule), w) for rule, w in benchmarked_jobs()]
    return list(dict.fromkeys(files))


def benchmark_files():
    """{rule: [benchmark tsv]} of the benchmarked jobs, for the cost figure."""
    files = {}
    for rule, w in benchmarked_jobs():
        files.setdefault(rule, []).append(_job_file(getattr(rules, rule).benchmark, w))
    return files


def report_targets():
    """Every figure and page of the report, as the rules below write them: rule
    `all` asks for them."""
    targets = [
        rules.plot_stem_means.output[0],
        rules.plot_hearing_loss.output[0],
        rules.plot_heatmap.output[0],
        rules.plot_cost.output[0],
        rules.report_tables.output[0],
        rules.report_config.output[0],
    ]
    if remix_tables():
        targets.append(rules.plot_remix.output[0])
    targets += metric_figures()
    targets += expand(rules.plot_training.output[0], model=trained_models())
    return targets
