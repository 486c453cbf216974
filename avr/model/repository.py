"""The whole repository: discover files, validate each, and check references across files.

This is the one place that knows the folder layout (docs/filer.md).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from avr.errors import Diagnostic, Diagnostics, InvalidInput, UsageError
from avr.i18n import gettext as _
from avr.load import layout
from avr.load.inputs import limit_text
from avr.load.yamlfile import PIN_LIMITS_ENV, Document, Limits, limits_pinned, load_document
from avr.model.activity import Activity
from avr.model.common import kind_name
from avr.model.config import RepoConfig
from avr.model.followup import FollowUp
from avr.model.goal import Goal, Indicator, value_problem
from avr.model.interim import InterimData, load_interim
from avr.model.organisation import Organisation, Period, StatusLabel, label_key
from avr.model.outcome import OutcomeEntry, differences
from avr.model.plan import Plan, ReportSpec
from avr.model.validate import validate

CONFIG_NAME = layout.CONFIG_FILE
MAX_REPORT_NAME = 120  # bytes of a report file's name without .yaml: its outputs are named after it
_ID_LINE = re.compile(r"""(?m)^id:[ \t]*["']?([^"'\s#]+)""")
M = TypeVar("M", bound=BaseModel)
# Loads many files at once (cached, parallel: avr.load.cache): path -> (document, its reading diagnostics)
Preload = Callable[[list[Path], Limits], dict[Path, tuple[Document | None, list[Diagnostic]]]]


@dataclass
class PlanData:
    """A plan with everything filed under its folder."""

    org_id: str
    plan: Plan
    path: str
    goals: dict[str, Goal] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    followups: list[FollowUp] = field(default_factory=list)
    reports: dict[str, ReportSpec] = field(default_factory=dict)
    outcomes: list[OutcomeEntry] = field(default_factory=list)  # outcomes/<period>/<indicator>.yaml
    docs: dict[int, Document] = field(default_factory=dict)  # id(model) -> its file, for positions
    interim: InterimData = field(default_factory=InterimData)  # economy, internal control, audits

    @property
    def id(self) -> str:
        return self.plan.id

    def indicators(self) -> dict[str, tuple[Goal, Indicator]]:
        return {ind.id: (goal, ind) for goal in self.goals.values() for ind in goal.indicators}

    def followups_for(self, period: str) -> list[FollowUp]:
        return [f for f in self.followups if f.period == period]


@dataclass
class OrgData:
    id: str
    organisation: Organisation
    plans: dict[str, PlanData] = field(default_factory=dict)

    @property
    def periods(self) -> dict[str, Period]:
        return {p.id: p for p in self.organisation.periods}


@dataclass(frozen=True)
class ConfigFile:
    """avr.yaml read and validated once (:func:`read_config`); a build hands it to every load it makes."""

    config: RepoConfig
    doc: Document  # for positions
    diagnostics: tuple[Diagnostic, ...]  # its warnings (a config with errors is refused)


@dataclass
class Repository:
    root: Path
    config: RepoConfig
    orgs: dict[str, OrgData]
    diagnostics: Diagnostics
    docs: dict[int, Document] = field(default_factory=dict)  # id(model) -> its file, for every file read

    @property
    def plans_root(self) -> Path:
        return self.root / self.config.plans_dir

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.output_dir

    def all_plans(self) -> Iterable[tuple[OrgData, PlanData]]:
        for org in self.orgs.values():
            for plan in org.plans.values():
                yield org, plan


def _kind_of(path: Path) -> str:
    """The reference word for a file's folder: goals/ holds goals, activities/ activities."""
    folders = {layout.GOALS: "goal", layout.ACTIVITIES: "activity",
               layout.ECONOMY: "economy table", layout.CONTROLS: "control point", layout.AUDITS: "audit"}
    return next((folders[p] for p in reversed(path.parts) if p in folders), "")


# The files of a plan folder this module reads; model/interim.py reads its own sub-folders the same way.
_PLAN_FOLDERS: tuple[tuple[str, type[BaseModel], str], ...] = (
    (layout.GOALS, Goal, "*.yaml"),
    (layout.ACTIVITIES, Activity, "*.yaml"),
    (layout.FOLLOWUPS, FollowUp, "**/*.yaml"),
    (layout.REPORTS, ReportSpec, "*.yaml"),
    (layout.OUTCOMES, OutcomeEntry, "**/*.yaml"),
)


def _list_yaml(
    folder: Path, recursive: bool, suffixes: tuple[str, ...] = (".yaml",), prune: frozenset[tuple[str, ...]] = frozenset()
) -> list[tuple[tuple[str, ...], bool]]:
    """What ``folder.glob("*.yaml")`` (or ``"**/*.yaml"``) finds, as name parts below ``folder``, sorted like
    ``Path.parts``, each with whether it is a symbolic link.

    One ``os.scandir`` walk with plain strings, as pathlib's glob, sort and ``Path`` hashing are slow on large
    repositories (benchmarks/NOTES.md). Like pathlib, the walk does not enter linked folders
    (``is_dir(follow_symlinks=False)``) and matches entries of any kind; a folder that cannot be listed gives
    nothing. Folders in ``prune`` (as parts) are not entered.
    """
    found: list[tuple[tuple[str, ...], bool]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(folder), ())]
    while stack:
        path, rel = stack.pop()
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.endswith(suffixes):
                try:
                    link = entry.is_symlink()
                except OSError:
                    link = False
                found.append(((*rel, name), link))
            if recursive:
                try:
                    inner = entry.is_dir(follow_symlinks=False)
                except OSError:
                    inner = False
                if inner and (*rel, name) not in prune:
                    stack.append((entry.path, (*rel, name)))
    found.sort()
    return found


def find_root(start: Path) -> Path:
    """The folder holding avr.yaml: ``start`` or one of its parents."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise UsageError(_("no {config} in {start} or any folder above it; run avr in a plan repository, "
                       "or start one here with `avr init` (see avr init --help)").format(config=CONFIG_NAME, start=start))



def read_config(root: Path) -> ConfigFile:
    """avr.yaml of the repository at ``root``, read and validated, with its folders checked (inside the
    repository) and its limits (under AVR_PIN_LIMITS); raise InvalidInput with every error if any."""
    loader = _Loader(root)
    config = loader.read_config()
    return ConfigFile(config, loader.docs[id(config)], tuple(loader.diags.items))


def load_repository(
    root: Path, *, strict: bool = True, preload: Preload | None = None, skip: frozenset[str] = frozenset(),
    config: ConfigFile | None = None,
) -> Repository:
    """Read and check every file; raise InvalidInput with all errors if any.

    ``skip`` names plan folders (as shown in diagnostics, e.g. ``plans/org/plan``) not to read at all: an
    incremental build passes the unchanged ones, whose diagnostics it kept. Checks never cross plan folders,
    so the others are checked exactly as in a full load. ``config`` is avr.yaml as :func:`read_config` gave
    it, when the caller has it already (a build reads it once for all its loads).
    """
    loader = _Loader(root, preload, skip)
    repo = loader.run(config)
    if strict and repo.diagnostics.errors:
        raise InvalidInput(repo.diagnostics)
    return repo


class _Loader:
    def __init__(self, root: Path, preload: Preload | None = None, skip: frozenset[str] = frozenset()) -> None:
        self.root = root
        self.skip = skip
        self.links: dict[str, bool] = {}  # path -> is a symbolic link, for files the folder walks listed
        self.real_root = root.resolve()
        self.preload = preload
        self.preloaded_by_name: dict[str, tuple[Document | None, list[Diagnostic]]] = {}
        self.files: list[Path] | None = None  # every YAML file under plans_dir, once listed
        self.inside_dirs: dict[str, bool] = {}  # folder -> its resolved path lies inside the repository
        self.diags = Diagnostics()
        self.docs: dict[int, Document] = {}
        self.limits = Limits()
        self.files_read = 0
        self.config: RepoConfig | None = None
        # (kind, id) of files in the current plan that failed: references to them are not reported again
        self.unresolved: set[tuple[str, str]] = set()

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def read(self, path: Path, schema: type[M]) -> M | None:
        self.files_read += 1
        if self.files_read > self.limits.max_files:
            # a hard stop: reading on would only add errors about files that were never read
            where = (0, 0)
            if self.config is not None and "max_files" in self.config.limits.model_fields_set:
                where = self.docs[id(self.config)].position(("limits", "max_files"))
            self.diags.add(CONFIG_NAME, *where, "E011",
                           _("more than {count} YAML files to read ({limit}); nothing was built").format(
                               count=self.limits.max_files, limit=limit_text("max_files", self.limits.max_files)))
            raise InvalidInput(self.diags)
        # by string: hashing and comparing Path objects costs more than validating the file
        loaded = self.preloaded_by_name.get(str(path))
        if loaded is not None and self.inside(path):
            doc, found = loaded
            self.diags.items.extend(found)
        else:  # also every file behind a link leading outside the repository: load_document refuses it (E010)
            doc = load_document(path, self.display(path), self.diags, self.limits, root=self.root)
        if doc is None:
            self.remember_id(path)
            return None
        model = validate(doc, schema, self.diags)
        if model is not None:
            self.docs[id(model)] = doc
        elif isinstance(doc.data.get("id"), str):
            self.unresolved.add((_kind_of(path), doc.data["id"]))
        return model

    def inside(self, path: Path) -> bool:
        """``path.resolve()`` lies inside the repository; each folder is resolved once, not every file's."""
        text = str(path)
        link = self.links.get(text)
        if link is None:
            link = os.path.islink(text)
        try:  # RuntimeError: a loop of symbolic links (Python 3.11); load_document then reports it
            if link:
                return path.resolve().is_relative_to(self.real_root)
            # not a link itself: it resolves to its resolved folder plus its name, so inside exactly when the folder is
            folder = os.path.dirname(text)
            known = self.inside_dirs.get(folder)
            if known is None:
                known = self.inside_dirs[folder] = path.parent.resolve().is_relative_to(self.real_root)
            return known
        except (OSError, RuntimeError):
            return False

    def remember_id(self, path: Path) -> None:
        """Best effort: the id of a file that could not be read, so references to it stay quiet."""
        try:
            if not path.is_file():  # a FIFO or device would block or never end
                return
            if not path.resolve().is_relative_to(self.root.resolve()):  # E010: not even a peek
                return
            with path.open("rb") as handle:
                text = handle.read(65536).decode("utf-8", errors="replace")
        except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links
            return
        match = _ID_LINE.search(text)
        if match:
            self.unresolved.add((_kind_of(path), match.group(1)))

    def at(self, model: BaseModel, loc: tuple[Any, ...], code: str, message: str, *, key: bool = False) -> None:
        doc = self.docs[id(model)]
        line, col = doc.position(loc, key=key)
        self.diags.add(doc.path, line, col, code, message)

    def read_config(self) -> RepoConfig:
        config_path = self.root / CONFIG_NAME
        if not config_path.exists():
            self.diags.add(CONFIG_NAME, 0, 0, "E207", _("{config} is missing; it names the organisations").format(
                config=CONFIG_NAME))
            raise InvalidInput(self.diags)
        config = self.read(config_path, RepoConfig)
        if config is None:
            if not self.diags.errors:
                self.diags.add(CONFIG_NAME, 0, 0, "E207", _("{config} is missing").format(config=CONFIG_NAME))
            raise InvalidInput(self.diags)
        self.limits = Limits(**config.limits.model_dump())
        self.config = config
        if limits_pinned():
            self.check_pinned_limits(config)
            if self.diags.errors:
                raise InvalidInput(self.diags)
        self.check_config_paths(config)
        if self.diags.errors:
            raise InvalidInput(self.diags)
        return config

    def run(self, given: ConfigFile | None = None) -> Repository:
        config_path = self.root / CONFIG_NAME
        if given is None:
            config = self.read_config()
        else:  # as read_config left it: counted as one file read, its warnings kept
            config = self.config = given.config
            self.docs[id(config)] = given.doc
            self.diags.items.extend(given.diagnostics)
            self.limits = Limits(**config.limits.model_dump())
            self.files_read = 1
        plans_root = self.root / config.plans_dir
        if self.preload is not None:
            preloaded = self.preload(self.yaml_files(plans_root), self.limits)
            self.preloaded_by_name = {str(path): loaded for path, loaded in preloaded.items()}
        orgs: dict[str, OrgData] = {}
        seen: set[str] = {str(config_path)}
        for org_id in config.organisations:
            org_dir = plans_root / org_id
            org_file = org_dir / layout.ORGANISATION_FILE
            if not org_file.is_file():
                self.at(config, ("organisations",), "E202",
                        _("organisation `{org}` has no {file}").format(org=org_id, file=self.display(org_file)))
                continue
            seen.add(str(org_file))
            organisation = self.read(org_file, Organisation)
            if organisation is None:  # its errors are reported; its plans' files are not read, nor strays
                seen.add(str(org_dir) + os.sep)
                continue
            org = OrgData(org_id, organisation)
            self.check_organisation(org)
            orgs[org_id] = org
            for plan_file in sorted(org_dir.glob(f"*/{layout.PLAN_FILE}")):
                if self.display(plan_file.parent) in self.skip:
                    continue
                seen.add(str(plan_file))
                plan_data = self.load_plan(org, plan_file, seen)
                if plan_data is not None:
                    org.plans[plan_data.id] = plan_data
        self.report_strays(plans_root, seen)
        return Repository(self.root, config, orgs, self.diags, self.docs)

    def check_pinned_limits(self, config: RepoConfig) -> None:
        """With AVR_PIN_LIMITS set, avr.yaml may lower a limit but not raise it above its default."""
        defaults = Limits()
        for name, value in config.limits.model_dump().items():
            default = getattr(defaults, name)
            if value > default:
                self.at(config, ("limits", name), "E103",
                        _("limits.{name}: {value} is above the default {default}, and {env} is set "
                          "(this build allows lowering a limit, not raising it)").format(
                            name=name, value=value, default=default, env=PIN_LIMITS_ENV))

    def check_config_paths(self, config: RepoConfig) -> None:
        """Folders named in avr.yaml stay inside the repository, after following symbolic links."""
        root = self.root.resolve()
        resolved: dict[str, Path] = {}
        for name in ("plans_dir", "output_dir", "templates_dir"):
            value = getattr(config, name)
            if value is None:
                continue
            try:
                target = resolved[name] = (self.root / value).resolve()
            except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python 3.11)
                self.at(config, (name,), "E010", _("{name} `{value}` is a loop of symbolic links; use a real folder").format(
                    name=name, value=value))
                continue
            if not target.is_relative_to(root):
                self.at(config, (name,), "E010",
                        _("{name} `{value}` leads outside the repository (to {target}); use a folder inside it").format(
                            name=name, value=value, target=target))
            elif name == "output_dir" and (target == root or resolved.get("plans_dir", root).is_relative_to(target)):
                self.at(config, (name,), "E010",
                        _("output_dir `{value}` would hold the plans themselves; use a folder of its own, e.g. build").format(
                            value=value))

    def read_folders(
        self, folder: Path, subfolders: Iterable[tuple[str, type[BaseModel], str]], seen: set[str],
        docs: dict[int, Document],
    ) -> Iterator[tuple[Path, BaseModel]]:
        """Every valid file of a plan's sub-folders, in order; ``docs`` gets each model's file for positions."""
        for sub, schema, pattern in subfolders:
            base = folder / sub
            for parts, link in _list_yaml(base, recursive=pattern.startswith("**/")):
                path = base.joinpath(*parts)
                text = str(path)
                seen.add(text)
                self.links[text] = link
                model = self.read(path, schema)
                if model is not None:
                    docs[id(model)] = self.docs[id(model)]
                    yield path, model

    def load_plan(self, org: OrgData, plan_file: Path, seen: set[str]) -> PlanData | None:
        plan = self.read(plan_file, Plan)
        if plan is None:
            return None
        folder = plan_file.parent
        self.unresolved = set()
        if plan.id != folder.name:
            self.at(plan, ("id",), "E206", _("plan id `{plan}` differs from its folder `{folder}`; make them equal").format(
                plan=plan.id, folder=folder.name))
        data = PlanData(org.id, plan, self.display(folder))
        for path, model in self.read_folders(folder, _PLAN_FOLDERS, seen, data.docs):
            if isinstance(model, Goal):
                self.add_unique(data.goals, model.id, model, "goal")
            elif isinstance(model, Activity):
                self.add_unique(data.activities, model.id, model, "activity")
            elif isinstance(model, FollowUp):
                data.followups.append(model)
            elif isinstance(model, ReportSpec):
                size = len(path.stem.encode("utf-8"))
                if size > MAX_REPORT_NAME:  # a file system takes 255 bytes a name, with room for .html and temporaries
                    self.diags.add(self.display(path), 0, 0, "E208",
                                   _("report file name is {size} bytes long; at most {most} (UTF-8), "
                                     "as the report's files are named after it").format(size=size, most=MAX_REPORT_NAME))
                data.reports[path.stem] = model
            elif isinstance(model, OutcomeEntry):
                data.outcomes.append(model)
        data.interim = load_interim(self, folder, org.organisation, data.docs, seen)
        self.check_plan(org, data)
        return data

    def add_unique(self, table: dict[str, Any], key: str, model: BaseModel, what: str) -> None:
        if key in table:
            first = self.docs[id(table[key])].path
            message = _("{what} id `{key}` is already used in {first}; ids must be unique in a plan")
            self.at(model, ("id",), "E201", message.format(what=kind_name(what), key=key, first=first))
            return
        table[key] = model

    # ----------------------------------------------------------------- checks

    def check_organisation(self, org: OrgData) -> None:
        o = org.organisation
        for what, item_ids in (("unit", [u.id for u in o.units]), ("period", [p.id for p in o.periods])):
            ids: set[str] = set()
            for index, item_id in enumerate(item_ids):
                if item_id in ids:
                    self.at(o, (f"{what}s", index, "id"), "E201", _("{what} id `{key}` is used twice").format(
                        what=kind_name(what), key=item_id))
                ids.add(item_id)
        labels: dict[str, StatusLabel] = {}
        for index, entry in enumerate(o.statuses):
            first = labels.setdefault(label_key(entry.label), entry)
            if first is not entry:
                message = _("status label `{label}` is listed twice").format(label=entry.label)
                if first.label != entry.label:
                    message += _(" (as `{label}`, written with other characters)").format(label=first.label)
                if first.means is not entry.means:
                    message += _("; one means {first}, the other {second}").format(
                        first=first.means.value, second=entry.means.value)
                self.at(o, ("statuses", index, "label"), "E201", message)

    def ref(self, model: BaseModel, loc: tuple[Any, ...], value: str, known: Iterable[str], what: str) -> bool:
        if isinstance(known, (dict, list, tuple, set, frozenset)) and value in known:
            return True  # no copy: a plan's 1 000 activities, once per follow-up, add up
        known = list(known)
        if value in known:
            return True
        if (what, value) in self.unresolved:
            return False  # its own file's errors are reported already
        close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
        if close:
            message = _("unknown {what} `{value}` — did you mean `{close}`?").format(
                what=kind_name(what), value=value, close=close[0])
        elif known:
            message = _("unknown {what} `{value}`; known: {known}").format(
                what=kind_name(what), value=value, known=", ".join(known[:12]))
        else:
            message = _("unknown {what} `{value}`").format(what=kind_name(what), value=value)
        self.at(model, loc, "E202", message)
        return False

    def check_plan(self, org: OrgData, data: PlanData) -> None:
        periods = list(org.periods)
        areas = [a.id for a in data.plan.goal_areas]
        units = [u.id for u in org.organisation.units]
        indicators: dict[str, Goal] = {}
        for goal in data.goals.values():
            if goal.parent is not None:
                self.ref(goal, ("parent",), goal.parent, data.goals, "goal")
            if goal.area is not None:
                self.ref(goal, ("area",), goal.area, areas, "goal area")
            for i, ind in enumerate(goal.indicators):
                if self.config is not None:
                    ind.use_default_decimals(self.config.decimals)
                if ind.id in indicators:
                    self.at(goal, ("indicators", i, "id"), "E201",
                            _("indicator id `{indicator}` is already used by goal `{goal}`").format(
                                indicator=ind.id, goal=indicators[ind.id].id))
                indicators[ind.id] = goal
                for p in ind.history:
                    self.ref(goal, ("indicators", i, "history", p), p, periods, "period")
                for p in ind.targets:
                    self.ref(goal, ("indicators", i, "targets", p), p, periods, "period")
                if ind.baseline:
                    self.ref(goal, ("indicators", i, "baseline", "period"), ind.baseline.period, periods, "period")
        for act in data.activities.values():
            if not act.goals and data.plan.item_noun != "commitment":
                self.at(act, ("goals",) if "goals" in act.model_fields_set else (), "E102",
                        _("`goals` is required: the goals the activity serves (only a plan of commitments, "
                          "`item_noun: commitment`, may have activities without goals)"))
            for i, goal_id in enumerate(act.goals):
                self.ref(act, ("goals", i), goal_id, data.goals, "goal")
            self.ref(act, ("unit",), act.unit, units, "unit")
        seen: dict[tuple[str, str, str], FollowUp] = {}
        for fu in data.followups:
            self.check_followup(org, data, fu, periods, seen)
        for report in data.reports.values():
            if report.period is not None:
                self.ref(report, ("period",), report.period, periods, "period")
        self.check_outcomes(org, data, periods)

    def check_outcomes(self, org: OrgData, data: PlanData, periods: list[str]) -> None:
        """Outcome entries: known indicator and period, one per pair, agreeing with plan and follow-ups."""
        indicators = data.indicators()
        for goal in data.goals.values():
            for i, ind in enumerate(goal.indicators):
                if ind.kolada and ind.kolada.municipality is None and org.organisation.municipality_code is None:
                    self.at(goal, ("indicators", i, "kolada"), "E803",
                            _("indicator `{indicator}` names a Kolada KPI but neither it (`municipality:`) nor "
                              "{org}'s organisation.yaml (`municipality_code:`) says which municipality").format(
                                indicator=ind.id, org=org.id))
        written: dict[tuple[str, str], tuple[str, Any]] = {}
        for fu in data.followups:
            for ind_id, value in fu.outcomes.items():
                written[(ind_id, fu.period)] = (self.docs[id(fu)].path, value)
        for goal in data.goals.values():
            for ind in goal.indicators:
                for p, value in ind.history.items():
                    written.setdefault((ind.id, p), (self.docs[id(goal)].path, value))
        seen: dict[tuple[str, str], OutcomeEntry] = {}
        for entry in data.outcomes:
            known = self.ref(entry, ("indicator",), entry.indicator, indicators, "indicator")
            self.ref(entry, ("period",), entry.period, periods, "period")
            folder = Path(self.docs[id(entry)].path).parent.name
            if folder != entry.period:
                self.at(entry, ("period",), "W801", _("outcome for period {period} is filed under `{folder}/`").format(
                    period=entry.period, folder=folder))
            key = (entry.indicator, entry.period)
            if key in seen:
                self.at(entry, ("indicator",), "E801", _("outcome of `{indicator}` for {period} is already given in "
                                                          "{file}").format(indicator=entry.indicator, period=entry.period,
                                                                           file=self.docs[id(seen[key])].path))
                continue
            seen[key] = entry
            if known:
                self.check_share(entry, ("value",), indicators[entry.indicator][1], entry)
            if key in written:
                diff = differences(written[key][1], entry.as_value())
                if diff:
                    text = "; ".join(_("{name} {old} there, {new} here").format(name=name, old=old, new=new)
                                     for name, old, new in diff)
                    self.at(entry, ("indicator",), "E802", _(
                        "outcome of `{indicator}` for {period} is also given in {file} with another value ({differences}); "
                        "keep one").format(indicator=entry.indicator, period=entry.period, file=written[key][0],
                                           differences=text))

    def check_followup(
        self,
        org: OrgData,
        data: PlanData,
        fu: FollowUp,
        periods: list[str],
        seen: dict[tuple[str, str, str], FollowUp],
    ) -> None:
        self.ref(fu, ("period",), fu.period, periods, "period")
        if fu.activity is not None:
            self.ref(fu, ("activity",), fu.activity, data.activities, "activity")
            key = ("activity", fu.activity, fu.period)
        else:
            assert fu.goal is not None
            goal_known = self.ref(fu, ("goal",), fu.goal, data.goals, "goal")
            key = ("goal", fu.goal, fu.period)
            if goal_known:
                goal = data.goals[fu.goal]
                own = {ind.id: ind for ind in goal.indicators}
                for ind_id, value in fu.outcomes.items():
                    if self.ref(fu, ("outcomes", ind_id), ind_id, own, f"indicator of goal {goal.id}"):
                        self.check_share(fu, ("outcomes", ind_id), own[ind_id], value)
        if key in seen:
            first = self.docs[id(seen[key])].path
            self.at(fu, (key[0],), "E203",
                    _("{what} `{key}` is already followed up for period {period} in {first}").format(
                        what=kind_name(key[0]), key=key[1], period=fu.period, first=first))
        else:
            seen[key] = fu
        problem = org.organisation.status_problem(fu.status, org.id) if fu.status is not None else None
        if problem is not None:
            self.at(fu, ("status",), "E204", problem)
        if fu.verdict is not None and not (fu.verdict.justification or "").strip():
            self.at(fu, ("verdict",), "E205", _("a manual verdict needs `justification`: say why"))

    def check_share(self, model: BaseModel, loc: tuple[Any, ...], ind: Indicator, value: Any) -> None:
        """A value fits its indicator's unit; a figure stated beside it is checked by compute (E305,
        compute/checks.py)."""
        problem = value_problem(ind.unit, value)
        if problem:
            self.at(model, loc, "E103", problem)

    def yaml_files(self, plans_root: Path) -> list[Path]:
        """Every .yaml/.yml file under plans_dir, as ``rglob`` finds them, except in skipped plan folders."""
        if self.files is None:
            self.files = []
            if plans_root.is_dir():
                top = self.display(plans_root)
                skipped = frozenset(tuple(folder[len(top) + 1:].split("/")) for folder in self.skip
                                    if folder.startswith(top + "/"))
                found = _list_yaml(plans_root, recursive=True, suffixes=(".yaml", ".yml"), prune=skipped)
                # by string, as Path comparisons are slow (benchmarks/NOTES.md); the order only needs to be stable
                paths = sorted(str(plans_root.joinpath(*parts)) for parts, _ in found)
                self.files = [Path(text) for text in paths]
        return self.files

    def report_strays(self, plans_root: Path, seen: set[str]) -> None:
        if not plans_root.is_dir():
            return
        unread_orgs = tuple(s for s in seen if s.endswith(os.sep))
        for path in self.yaml_files(plans_root):
            text = str(path)
            if text not in seen and not (unread_orgs and text.startswith(unread_orgs)):
                self.diags.add(self.display(path), 0, 0, "W103",
                               _("avr does not read this file (not in a known folder or organisation)"))
