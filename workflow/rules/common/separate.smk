# Input functions and params of rules/separate.smk.


def separator_spec(wildcards):
    """The separator's config entry as its job reads it: ``trained_model`` (a model
    this run trains) becomes the ``checkpoint`` that the train rule writes."""
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


def separator_inputs(wildcards):
    """Files a separator reads besides the track (a stems folder, a Python module, a
    checkpoint), as its kind declares them: inputs, so a changed file reruns its
    separation and a model this run trains is trained first."""
    kind = separator_kind(wildcards)
    return kind.inputs(separator_spec(wildcards), wildcards.song) if kind.inputs else []
