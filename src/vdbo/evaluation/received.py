"""Scoring finished systems: an enhanced folder or a CAD1 submission zip.

A CAD1 Task 1 submission is the official ``enhanced_signals`` layout::

    <listener>/<song>/<listener>_<song>_{left,right}_{vocals,drums,bass,other}.flac
    (each with a .txt scale factor) and <listener>/<song>/<listener>_<song>_remix.flac

The official ``test.py`` packs it with ``shutil.make_archive("submission_<team_id>",
"zip", root_dir="enhanced_signals", base_dir="evaluation")``, so the zip's members
are ``evaluation/<listener>/<song>/...`` (plus directory entries), and its stem FLACs
hold only each song's objective-evaluation segment (``musdb18.segments.test.json``,
cropped at 44.1 kHz as ``signal[int(start * 44100):int(end * 44100)]`` before the
24 kHz resampling). Such stems are scored against the references cropped the same way
(:func:`vdbo.evaluation.pairs.score_pair_checked` with ``enhanced_cropped``), by the
official ``_evaluate_song_listener``.

A zip is opened safely: every member must lie under ``base_dir`` with a relative name
(no absolute path, no ``..``, no backslash, no symlink), the member count and the
total uncompressed size are checked against limits before anything is extracted (and
the bytes written are counted while extracting), and every file must be one the
metadata expects: a 16-bit mono 24 kHz FLAC per stem and side, a 16-bit stereo 32 kHz
remix FLAC, a scale-factor .txt. Extraction goes to a temporary folder renamed into
place at the end, so a failure leaves nothing behind.
"""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from vdbo import REMIX_SAMPLE_RATE, STEM_SAMPLE_RATE
from vdbo.core import layout, schema
from vdbo.core.atomic import write_text
from vdbo.core.errors import InputError

UNPACKED_ENHANCED = "enhanced"
"""The folder of a checked submission's output that holds an unpacked zip's files."""
INTAKE_DEFAULTS = schema.defaults(schema.section("submissions", "*"))
"""A submission's defaults (base_dir, max_members, ...): the schema is their home."""
DEFAULT_BASE_DIR = INTAKE_DEFAULTS["base_dir"]
DEFAULT_MAX_MEMBERS = INTAKE_DEFAULTS["max_members"]
DEFAULT_MAX_BYTES = INTAKE_DEFAULTS["max_bytes"]
CHUNK = 1 << 20


def cropped(spec: dict) -> bool:
    """Whether a submission's stems hold only the objective-evaluation segment."""
    value = spec.get("cropped")
    return spec["kind"] == "zip" if value is None else bool(value)


def expected_files(listener: str, song: str) -> dict[str, str]:
    """``{relative path: role}`` of one pair's files; role is stem, scale or remix."""
    files = {}
    for channel in layout.STEM_CHANNELS:
        stem = layout.stem_file("", listener, song, channel)
        files[stem.as_posix()] = "stem"
        files[stem.with_suffix(".txt").as_posix()] = "scale"
    files[layout.remix_file("", listener, song).as_posix()] = "remix"
    return files


def check_names(
    names: Iterable[str],
    songs: Iterable[str],
    listeners: Iterable[str],
    wanted_pairs: Iterable[tuple[str, str]],
    where: Path,
    member_prefix: str = "",
) -> dict[str, str]:
    """Match a submission's file names to the metadata; ``{name: role}``.

    Every file must belong to a listed (listener, song) pair; every wanted pair needs
    its eight stem FLACs (scale files and the remix are optional, as the official
    evaluation does not read them).
    """
    songs, listeners = set(songs), set(listeners)
    roles = {}
    for name in names:
        parts = PurePosixPath(name).parts
        member = f"{where}: {member_prefix}{name}"
        if len(parts) != 3:
            raise InputError(
                None,
                f"{member}: not in the official layout "
                "<listener>/<song>/<listener>_<song>_<side>_<stem>.flac",
                "submit the enhanced_signals folder as the official test.py writes it",
            )
        listener, song, _ = parts
        if listener not in listeners:
            raise InputError(
                None,
                f"{member}: listener {listener!r} is not in the listener metadata",
                "score the submission with the metadata it was made for "
                "(data.listeners), or remove the folder",
            )
        if song not in songs:
            raise InputError(
                None,
                f"{member}: song {song!r} is not in the song list",
                "score the submission with the song list it was made for "
                "(data.songs), or remove the folder",
            )
        role = expected_files(listener, song).get(name)
        if role is None:
            raise InputError(
                None,
                f"{member}: unexpected file (not a stem, scale factor or remix of "
                f"{listener} and {song!r})",
                "remove it; files are named <listener>_<song>_<side>_<stem>.flac",
            )
        roles[name] = role
    for listener, song in wanted_pairs:
        for name, role in expected_files(listener, song).items():
            if role == "stem" and name not in roles:
                raise InputError(
                    None,
                    f"{where}: {member_prefix}{name}: missing",
                    "every (listener, song) pair scored needs its eight stem FLACs; "
                    "choose the pairs with data.select_songs/select_listeners",
                )
    return roles


def check_audio(path: Path, role: str, member: str) -> None:
    """A FLAC's format as the official encoder writes it, or an error naming it."""
    import soundfile

    if role == "scale":
        try:
            float(path.read_text(encoding="utf-8").strip())
        except (ValueError, UnicodeDecodeError) as err:
            raise InputError(
                None,
                f"{member}: not a scale factor (one number)",
                "keep the .txt files save_flac_signal wrote",
            ) from err
        return
    rate, channels = (STEM_SAMPLE_RATE, 1) if role == "stem" else (REMIX_SAMPLE_RATE, 2)
    fix = (
        f"{role} FLACs are 16-bit, {rate} Hz, "
        f"{'mono' if channels == 1 else 'stereo'}, as the official save_flac_signal "
        "writes them"
    )
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, soundfile.LibsndfileError) as err:
        raise InputError(None, f"{member}: not a readable FLAC ({err})", fix) from err
    if info.format != "FLAC":
        raise InputError(None, f"{member}: is {info.format}, not FLAC", fix)
    if info.samplerate != rate:
        raise InputError(
            None, f"{member}: sample rate is {info.samplerate} Hz, expected {rate}", fix
        )
    if info.channels != channels:
        raise InputError(
            None, f"{member}: has {info.channels} channels, expected {channels}", fix
        )
    if info.subtype != "PCM_16":
        raise InputError(
            None, f"{member}: bit depth is {info.subtype}, expected PCM_16", fix
        )


def check_files(root: Path, roles: dict[str, str], where: str) -> None:
    for name, role in roles.items():
        check_audio(root / name, role, f"{where}: {name}")


def list_folder(folder: Path) -> list[str]:
    """Relative POSIX names of the files under an enhanced folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            folder,
            "submission folder not found",
            "point the submission's `path` at the enhanced_signals folder",
        )
    names = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            raise InputError(
                path,
                "is a link out of the submission folder",
                "copy the file into the folder",
            )
        if path.is_file():
            names.append(path.relative_to(folder).as_posix())
    return names


def check_folder(
    folder: Path,
    songs: Iterable[str],
    listeners: Iterable[str],
    wanted_pairs: Iterable[tuple[str, str]],
) -> dict[str, str]:
    """Validate an enhanced folder in place; ``{name: role}``."""
    folder = Path(folder)
    roles = check_names(list_folder(folder), songs, listeners, wanted_pairs, folder)
    check_files(folder, roles, str(folder))
    return roles


def safe_members(
    archive: zipfile.ZipFile,
    where: Path,
    base_dir: str = DEFAULT_BASE_DIR,
    max_members: int = DEFAULT_MAX_MEMBERS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, zipfile.ZipInfo]:
    """``{name under base_dir: member}`` of a zip's files, checked before extraction."""
    infos = archive.infolist()
    if len(infos) > max_members:
        raise InputError(
            where,
            f"has {len(infos)} members, more than max_members {max_members}",
            "raise the submission's `max_members` if the zip is genuine",
        )
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise InputError(
            where,
            f"uncompresses to {total} bytes, more than max_bytes {max_bytes}",
            "raise the submission's `max_bytes` if the zip is genuine",
        )
    prefix = f"{base_dir.strip('/')}/" if base_dir.strip("/") else ""
    members = {}
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        unsafe = (
            name.startswith(("/", "\\"))
            or "\\" in name
            or (len(name) > 1 and name[1] == ":")
            or any(part in ("..", ".", "") for part in name.rstrip("/").split("/"))
        )
        if unsafe:
            raise InputError(
                None,
                f"{where}: member {name!r} has an absolute or parent-relative path",
                "pack the submission with the official test.py (relative names "
                "under evaluation/)",
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(
                None,
                f"{where}: member {name!r} is a symbolic link",
                "pack real files, not links",
            )
        if info.flag_bits & 0x1:
            raise InputError(
                None, f"{where}: member {name!r} is encrypted", "pack it unencrypted"
            )
        if info.is_dir():
            if prefix and not (name == prefix or name.startswith(prefix)):
                raise InputError(
                    None,
                    f"{where}: member {name!r} lies outside {prefix}",
                    f"members must be under {prefix} (the submission's `base_dir`)",
                )
            continue
        if not name.startswith(prefix):
            raise InputError(
                None,
                f"{where}: member {name!r} lies outside {prefix or 'the top level'}",
                f"members must be under {prefix!r} (set the submission's `base_dir` "
                "to the folder they are in, '' for none)",
            )
        key = str(path)[len(prefix) :]
        if key in members:
            raise InputError(
                None,
                f"{where}: member {name!r} appears twice",
                "pack each file once",
            )
        members[key] = info
    return members


def _read(src, where: str) -> bytes:
    try:
        return src.read(CHUNK)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise InputError(
            None,
            f"{where}: corrupt member ({err})",
            "the zip is corrupt or crafted; pack it again",
        ) from err


def _extract(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    target: Path,
    budget: list[int],
    where: str,
) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as src, open(target, "wb") as dst:
        while chunk := _read(src, where):
            written += len(chunk)
            budget[0] -= len(chunk)
            if written > info.file_size or budget[0] < 0:
                raise InputError(
                    None,
                    f"{where}: uncompresses to more than its declared "
                    f"{info.file_size} bytes or past max_bytes",
                    "the zip is corrupt or crafted; pack it again",
                )
            dst.write(chunk)


def unpack_zip(
    zip_path: Path,
    out: Path,
    songs: Iterable[str],
    listeners: Iterable[str],
    wanted_pairs: Iterable[tuple[str, str]],
    base_dir: str = DEFAULT_BASE_DIR,
    max_members: int = DEFAULT_MAX_MEMBERS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, str]:
    """Check and extract a submission zip's files to ``out`` (created at the end)."""
    zip_path, out = Path(zip_path), Path(out)
    if not zip_path.is_file():
        raise InputError(
            zip_path,
            "submission zip not found",
            "point the submission's `path` at submission_<team_id>.zip",
        )
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(zip_path, f"not a zip file ({err})", "pack it again") from err
    prefix = f"{base_dir.strip('/')}/" if base_dir.strip("/") else ""
    with archive:
        members = safe_members(archive, zip_path, base_dir, max_members, max_bytes)
        roles = check_names(
            members, songs, listeners, wanted_pairs, zip_path, member_prefix=prefix
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            budget = [max_bytes]
            for name, info in members.items():
                where = f"{zip_path}: {prefix}{name}"
                _extract(archive, info, tmp / name, budget, where)
                check_audio(tmp / name, roles[name], where)
            if out.exists():
                shutil.rmtree(out)
            tmp.rename(out)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    return roles


def write_manifest(path: Path, source: Path, roles: dict[str, str]) -> None:
    """The checked submission's file list, written atomically (a job's output)."""
    write_text(path, json.dumps({"source": str(source), "files": roles}, indent=1))
