# Input functions and params of rules/separate.smk.


def separator_spec(wildcards):
    spec = dict(config["separators"][wildcards.separator])
    spec.pop("enabled", None)
    if "trained_model" in spec:
        spec["checkpoint"] = output_of(
            "train", "checkpoint", model=spec.pop("trained_model")
        )
    return spec


def separator_kind(wildcards):
    """The wildcard separator's entry in the kind registry (vdbo.separation.kinds)."""
    return get_kind(config["separators"][wildcards.separator]["kind"])


def separator_references(wildcards):
    """The reference stems, for the separator kinds that read them (oracle)."""
    return (
        reference_stems(wildcards) if separator_kind(wildcards).needs_references else []
    )


def external_separator_inputs(wildcards):
    """Files a separator reads besides the track (a stems folder, a Python module):
    inputs, so a changed file reruns its separation."""
    kind = separator_kind(wildcards)
    spec = config["separators"][wildcards.separator]
    return kind.inputs(spec, wildcards.song) if kind.inputs else []


def trained_checkpoint(wildcards):
    """The checkpoint a `trained` separator reads: trained here, or given."""
    spec = config["separators"][wildcards.separator]
    if spec["kind"] != "trained":
        return []
    if "trained_model" in spec:
        return output_of("train", "checkpoint", model=spec["trained_model"])
    return spec["checkpoint"]
