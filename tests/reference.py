"""A reference site for the tests: every report and site page rendered in one process and written plainly
(no cache, no workers, no skipping; with avr's output folder marker), to compare `avr build`'s output with
and to look at rendered pages."""

from __future__ import annotations

from pathlib import Path

from avr.build.output import output_folder, record, write_atomic
from avr.errors import Diagnostics, InvalidInput
from avr.model.repository import Repository
from avr.render.build import render_outputs, report_env, report_jobs, site_pages

FORMATS = ("md", "html", "json")


def write_site(repo: Repository, out_dir: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Render every report of ``repo`` and the site pages into ``out_dir``; the files written.

    Every report is rendered before anything is written; a report that may not be published (E701) refuses
    the whole site with every report's diagnostics."""
    files: dict[str, str | bytes] = {}
    jobs = report_jobs(repo)
    env = report_env(repo)
    refused = Diagnostics()
    for job in jobs:
        try:
            for ext, content in render_outputs(repo, job, formats, env).items():
                files[f"{job.out_base}.{ext}"] = content
        except InvalidInput as exc:
            refused.items.extend(exc.diagnostics.items)
    if refused:
        raise InvalidInput(refused)
    files.update(site_pages(repo, jobs, formats, env))
    written = []
    with output_folder(out_dir):  # avr's marker and lock, as a build leaves them
        for rel, content in files.items():
            write_atomic(out_dir / rel, content)
            written.append(out_dir / rel)
        record(out_dir, written, clean=False)
    return written
