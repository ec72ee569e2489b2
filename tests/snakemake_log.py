"""Reading Snakemake 9's own account of a run: which jobs it plans, starts, finishes.

The text is the one Snakemake prints (and keeps in .snakemake/log/): a dry run lists
the jobs it would run, a real run the jobs it started and ``Finished jobid: N``. Tests
compare these job sets instead of guessing from file times alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

RULE_LINE = re.compile(r"^(?:local)?(?:rule|checkpoint) (\w+):$")
FIELD_LINE = re.compile(r"^    (\w+): (.*)$")
FINISHED_LINE = re.compile(r"^Finished jobid: (\d+) \(Rule: (\w+)\)$")


@dataclass(frozen=True)
class Job:
    """One job as Snakemake printed it (wildcard values must not contain ', ')."""

    rule: str
    jobid: int
    wildcards: tuple[tuple[str, str], ...]
    output: tuple[str, ...]

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What identifies the job across runs (job ids are per run)."""
        return self.rule, self.wildcards

    def wildcard(self, name: str) -> str:
        return dict(self.wildcards)[name]


def _split(value: str) -> list[str]:
    return [item for item in value.split(", ") if item]


def jobs(text: str) -> list[Job]:
    """Every job block (``rule x:`` + indented fields) in the order printed."""
    found = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = RULE_LINE.match(line)
        if not match:
            continue
        fields = {}
        for field in lines[i + 1 :]:
            item = FIELD_LINE.match(field)
            if not item:
                break
            fields[item.group(1)] = item.group(2)
        if "jobid" not in fields:  # a block still being written
            continue
        wildcards = tuple(
            tuple(pair.split("=", 1)) for pair in _split(fields.get("wildcards", ""))
        )
        found.append(
            Job(
                rule=match.group(1),
                jobid=int(fields["jobid"]),
                wildcards=wildcards,
                output=tuple(_split(fields.get("output", ""))),
            )
        )
    return found


def finished_jobids(text: str) -> set[int]:
    return {int(m.group(1)) for m in map(FINISHED_LINE.match, text.splitlines()) if m}


def rule_counts(planned: list[Job]) -> dict[str, int]:
    return dict(Counter(job.rule for job in planned))


def job_stats(text: str) -> dict[str, int]:
    """The first ``Job stats:`` table: {rule: count}, without the total."""
    lines = text.splitlines()
    start = lines.index("Job stats:") + 3  # title, header, dashes
    stats = {}
    for line in lines[start:]:
        name, count = line.split()
        if name == "total":
            return stats
        stats[name] = int(count)
    raise ValueError("unterminated Job stats table")


def reasons(text: str) -> dict[str, set[str]]:
    """The dry run's ``Reasons:`` summary: {reason: rules it applies to}."""
    lines = text.splitlines()
    if "Reasons:" not in lines:
        return {}
    found: dict[str, set[str]] = {}
    current = None
    for line in lines[lines.index("Reasons:") + 1 :]:
        if line.startswith("        ") and current:
            found[current] |= {r.strip() for r in line.split(",")}
        elif line.startswith("    ") and line.endswith(":"):
            current = line.strip()[:-1]
            found[current] = set()
        elif line.startswith("    "):
            continue
        else:
            break
    return found
