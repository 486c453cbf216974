"""The Jinja environment: avr's templates, overridable file by file by the repository's own.

Templates always run in Jinja's sandbox: a repository's templates come from
pull requests like everything else. Text from YAML is data, never template
source, so `{{ 7*7 }}` in a title prints as written.

Jinja's sandbox stops attribute tricks, not work: `"%999999999s" % x`, `x.ljust(10**9)`, `center`,
`"{:>999999999}".format(x)`, doubling a string in a loop or nested `range` loops exhaust memory or
never end. So every operation that makes a string or list from a size (`*`, `+`, `%`, the padding
and formatting methods and filters, `replace`, `batch`) is refused past a bound, and every template
renders under a budget (:class:`_BoundedTemplate`): at most ``MAX_OUTPUT_CHARS`` characters, at most
``RENDER_SECONDS`` seconds and ``RENDER_MEMORY`` more bytes of memory, else a template error (exit 1).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from importlib.util import MAGIC_NUMBER
from itertools import islice
from pathlib import Path
from types import BuiltinMethodType, CodeType, FunctionType, MethodType
from typing import Any
from urllib.parse import quote

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2 import __version__ as jinja_version
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context, Macro
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from avr.compute.periods import sort_ids
from avr.i18n import gettext as _
from avr.load.checked import read_checked, write_checked
from avr.load.inputs import link_refusal, refusal
from avr.load.layout import builtin_templates
from avr.model.common import Status, Verdict
from avr.model.goal import Goal
from avr.model.organisation import Organisation
from avr.render import format as fmt
from avr.render.charts import chart_globals
from avr.render.labels import Labels
from avr.render.markdown import to_html
from avr.render.terms import capfirst

_MAX_SEQUENCE = 1_000_000  # characters or items one `*`, `+`, `replace` may produce
_MAX_EXPONENT = 100
_MAX_WIDTH = 10_000  # a padding or format width, a batch size
MAX_OUTPUT_CHARS = 64 * 1024 * 1024  # one template's output (avr's largest reports are a few MB)
# one template's rendering; AVR_RENDER_SECONDS sets another bound (a slow machine, a test)
RENDER_SECONDS = float(os.environ.get("AVR_RENDER_SECONDS", "") or 120)
RENDER_MEMORY = 1024 * 1024 * 1024  # memory one template's rendering may add
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_WIDTH = re.compile(r"\d{5,}")  # in a str.format string: a number of five digits or more
_PADDING = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})
_MAX_TEMPLATE_BYTES = 5 * 1024 * 1024  # a template file; avr's largest is a few kilobytes


class _RepoTemplates(FileSystemLoader):
    """The repository's templates folder; a template that is a symbolic link leading out of it is refused."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder.resolve()

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        candidate = self.folder.joinpath(*split_template_path(template))
        if os.path.lexists(candidate):  # checked before Jinja reads it: a link to /dev/zero would never end
            found = link_refusal(str(candidate), str(self.folder)) or refusal(candidate.stat(), _MAX_TEMPLATE_BYTES)
            if found:
                raise SecurityError(_("template {name}: {reason}; refused").format(name=template, reason=found[1]))
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.folder):
            raise SecurityError(_("template {name} is a symbolic link leading outside {folder}; refused").format(
                name=template, folder=self.folder))
        return source, filename, uptodate


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, refusing the two operators that exhaust memory or time in one expression, with its
    attribute check memoised.

    The check looks only at the object's type and the attribute's name (isinstance tests and the name),
    so its answer per (type, name) never changes (what it saves: benchmarks/NOTES.md).
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > _MAX_EXPONENT:
            raise SecurityError(_("exponent {number} is too large for a template").format(number=right))
        if operator == "%" and isinstance(left, str):
            _check_printf(left, right)
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) and (
                len(left) + len(right) > _MAX_SEQUENCE):
            raise SecurityError(_("a joined string or list this long is not allowed in a template"))
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > _MAX_SEQUENCE:
                    raise SecurityError(_("a repeated string or list this long is not allowed in a template"))
        return super().call_binop(context, operator, left, right)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe: dict[tuple[type, str], bool] = {}
        self._no_items: dict[type, bool] = {}
        self.ran_while_compiling = True  # (whether a filter or test ran in the last compile: _CompiledTemplates)

    def compile(self, source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:
        tables, ran = (self.filters, self.tests), list[str]()
        self.filters, self.tests = _Watched(self.filters, ran), _Watched(self.tests, ran)
        try:
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload]
        finally:
            self.filters, self.tests = tables
            self.ran_while_compiling = bool(ran)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        # What the sandbox and Context.call check (unsafe_callable, alters_data, jinja_pass_arg on the
        # object or its __call__) cannot be set on a macro or the label catalogue, nor on a plain function
        # with no attributes of its own, nor on a method of one (a bound method reads them off its function):
        # those are called directly (a dozen label look-ups per activity card; what it saves: benchmarks/NOTES.md).
        # Nor on a built-in method (`shown.update` once per activity card), which has no attributes at all;
        # a string's built-in methods are checked below. None of the others is a string's method, nor wraps
        # one (a wrapper's __wrapped__ is in its __dict__).
        kind = type(__obj)
        if kind is Macro or kind is Labels or (kind is FunctionType and not __obj.__dict__) or (
                kind is MethodType and type(__obj.__func__) is FunctionType and not __obj.__func__.__dict__) or (
                kind is BuiltinMethodType and not isinstance(__obj.__self__, str)):
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                result = __obj(*args, **kwargs)
                # a macro's output is template text (a whole table row, say): Markdown finalising leaves it
                return MdText(result) if kind is Macro and type(result) is str else result
            except StopIteration:  # as Context.call
                return __self.undefined("value was undefined because a callable raised a StopIteration exception")
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox hands out str.format wrapped
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str) and type(method).__name__ == "builtin_function_or_method":
            _check_str_method(owner, method.__name__, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def getitem(self, obj: Any, argument: Any) -> Any:
        # `groupby("activity.unit")` and `selectattr` look attributes up as items first; on an object that
        # has no items at all, `obj[argument]` can only fail and the sandbox then reads the attribute, so
        # a known-safe data attribute is read straight away (as getattr below).
        kind = type(obj)
        if type(argument) is str and self._safe.get((kind, argument)) and self._itemless(kind):
            try:
                value = getattr(obj, argument)
            except AttributeError:
                return super().getitem(obj, argument)
            if not callable(value):
                return value
        return super().getitem(obj, argument)

    def _itemless(self, kind: type) -> bool:
        """True if ``kind``'s objects have no items: not a class (``list[int]``), no ``__getitem__``."""
        itemless = self._no_items.get(kind)
        if itemless is None:  # hasattr on a pydantic model class goes through its metaclass's __getattr__
            itemless = self._no_items[kind] = not issubclass(kind, type) and not hasattr(kind, "__getitem__")
        return itemless

    def getattr(self, obj: Any, attribute: str) -> Any:
        # The common case, a data attribute already known safe, skips the str.format wrapping check:
        # that only concerns methods of strings (callables), never values.
        if self._safe.get((type(obj), attribute)):
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                return super().getattr(obj, attribute)
            # a macro is no str.format either, nor is a built-in method of anything but a string
            if not callable(value) or type(value) is Macro or (
                    type(value) is BuiltinMethodType and not isinstance(value.__self__, str)):
                return value
        return super().getattr(obj, attribute)


def _check_printf(text: str, values: Any) -> None:
    """`text % values` within bounds: no width or precision past _MAX_WIDTH, also given by `*`."""
    star = False
    for width, precision in _PRINTF_SPEC.findall(text):
        for number in (width, precision):
            star = star or number == "*"
            if number.isdigit() and int(number) > _MAX_WIDTH:
                raise SecurityError(_("a % format width of {number} is not allowed in a template").format(number=number))
    if star:
        items = values if isinstance(values, tuple) else (values,)
        if any(isinstance(v, int) and abs(v) > _MAX_WIDTH for v in items):
            raise SecurityError(_("a % format width this large is not allowed in a template"))


def _check_str_method(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A string method that could make a huge string: its size arguments within bounds."""
    if name in _PADDING:
        sizes = [*args, *kwargs.values()]
        if any(isinstance(v, int) and v > _MAX_WIDTH for v in sizes):
            raise SecurityError(_("{name}() wider than {width} is not allowed in a template").format(name=name, width=_MAX_WIDTH))
    elif name in ("format", "format_map"):
        if _FORMAT_WIDTH.search(text):
            raise SecurityError(_("a format width this large is not allowed in a template"))
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = args[2] if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0 else None
        found = len(text) + 1 if args[0] == "" else text.count(args[0])
        found = found if count is None else min(found, count)
        if len(text) + found * len(args[1]) > _MAX_SEQUENCE:
            raise SecurityError(_("a replaced string this long is not allowed in a template"))


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Jinja's filter ``name``, refusing sizes that would make a huge string or list."""

    skip = 1 if hasattr(function, "jinja_pass_arg") else 0  # the environment or eval context comes first

    def bounded(*args: Any, **kwargs: Any) -> Any:
        value, rest = (args[skip], args[skip + 1:]) if len(args) > skip else (None, ())
        if name == "format" and isinstance(value, str):
            _check_printf(value, tuple(rest) or tuple(kwargs.values()))
        elif name == "replace" and len(rest) >= 2:
            _check_str_method(str(value), "replace", tuple(rest), {})
        elif any(isinstance(v, int) and not isinstance(v, bool) and v > _MAX_WIDTH for v in [*rest, *kwargs.values()]):
            raise SecurityError(_("filter {name} with a size over {width} is not allowed in a template").format(
                name=name, width=_MAX_WIDTH))
        return function(*args, **kwargs)

    if skip:  # pass_environment and the like: Jinja reads it off the function
        bounded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return bounded


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def _budget(name: str) -> Iterator[None]:
    """Stop the rendering past RENDER_SECONDS or RENDER_MEMORY: a timer checks both four times a second (only in
    the main thread, where signals arrive; a template loop makes no call that could be checked otherwise)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    start, base = time.monotonic(), _resident_bytes()

    def check(signum: int, frame: Any) -> None:
        if time.monotonic() - start > RENDER_SECONDS:
            raise SecurityError(_("template {name} took longer than {seconds} s to render; refused").format(
                name=name, seconds=f"{RENDER_SECONDS:.0f}"))
        if base and _resident_bytes() - base > RENDER_MEMORY:
            raise SecurityError(_("template {name} needed more than {mib} MiB to render; refused").format(
                name=name, mib=RENDER_MEMORY >> 20))

    previous = signal.signal(signal.SIGALRM, check)
    signal.setitimer(signal.ITIMER_REAL, 0.25, 0.25)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _BoundedTemplate(Template):
    """A template whose rendering stays within MAX_OUTPUT_CHARS characters, RENDER_SECONDS and RENDER_MEMORY."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = self.new_context(dict(*args, **kwargs))
        parts: list[str] = []
        total = 0
        try:
            with _budget(self.name or "?"):
                pieces = self.root_render_func(context)
                while batch := list(islice(pieces, 4096)):  # counted a batch at a time: the count costs nothing
                    total += sum(map(len, batch))
                    if total > MAX_OUTPUT_CHARS:
                        raise SecurityError(_("template {name} would write more than {count} characters; refused").format(
                            name=self.name or "?", count=MAX_OUTPUT_CHARS))
                    parts.append("".join(batch))
        except Exception:
            self.environment.handle_exception()
        return "".join(parts)


class MdText(str):
    """Text already fit for a Markdown report (a macro's output, a filtered cell or title): kept as it is."""

    __slots__ = ()


_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


@pass_context
def md_finalize(context: Context, value: Any) -> Any:
    """Every value a Markdown template prints on one line, as a table cell could hold it: a `|` (a label,
    a period's name, a comment in an outcome) is escaped so it cannot split a table row, and a carriage
    return, which CommonMark reads as a line break, becomes a space. A value of several lines is
    Markdown a person wrote (a follow-up text) and is left alone; titles go through `md_inline`."""
    if type(value) is str and ("|" in value or "\r" in value) and "\n" not in value \
            and (context.name or "").endswith(".md.j2"):
        return _UNESCAPED_PIPE.sub(r"\1\\|", value.replace("\r", " "))
    return value


_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")
_INLINE_SPECIAL = re.compile(r"([`\[\]|])")
_BLOCK_START = re.compile(r"^(?:([#>+=~-])|(\d{1,9})([.)]))")


def md_inline(text: Any) -> MdText:
    """Plain text (a title, a name) on one line of a Markdown report: line breaks become spaces, and
    nothing in it starts a heading, quote, list, link, code span or table cell."""
    value = _BREAKS.sub(" ", str(text if text is not None else "")).strip()
    value = _INLINE_SPECIAL.sub(r"\\\1", value)
    return MdText(_BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", value))


class _CompiledTemplates(BytecodeCache):
    """Compiled templates shared by the environments of one process (``avr serve`` makes a new one for every
    rebuild, a PDF one for every report), and avr's own also kept on disk: compiling is about as much work as
    rendering a report once.

    A template's code depends on its text and on the environment it was compiled by (its settings, its filters
    and tests, which Jinja may call on constants while compiling, and so the label catalogue they were made
    with): all are in the key, so a changed template, catalogue or setting is compiled again.

    A compiled template is code the process runs, so it is read from disk only where avr's own compiled modules
    are (`avr/__pycache__/templates/`, as trusted as avr's code) and only for avr's own templates, never from
    the output folder's cache (data a pull request or a restored CI cache may have put there). It is written
    there as Python writes bytecode (not with ``PYTHONDONTWRITEBYTECODE``), and only when no filter or test ran
    while compiling, so that it depends on nothing outside its key.
    """

    MAX = 512  # templates kept (a serve session editing its templates compiles each saved version once)
    _code: dict[tuple[Any, ...], Any] = {}

    def __init__(self, labels: Labels) -> None:
        self.labels = labels

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        settings = _settings(environment, name)
        bucket = Bucket(environment, "", "")
        bucket.key = (settings, tuple(_code_of(environment.filters)), tuple(_code_of(environment.tests)),  # type: ignore[assignment]
                      self.labels.digest, name, filename, source)
        bucket.code = self._code.get(bucket.key)  # type: ignore[call-overload]
        if filename is not None and Path(filename).resolve().is_relative_to(builtin_templates().resolve()):
            # avr's own: the key on disk leaves out what compiled code only depends on when a filter ran
            bucket.checksum = hashlib.blake2b(repr((settings, name, filename, source)).encode(), digest_size=16).hexdigest()
            if bucket.code is None:
                stored = read_checked(own_compiled_folder() / f"{name.replace('/', '+')}.code", bucket.checksum)
                if isinstance(stored, CodeType):
                    bucket.code = stored
                    self._remember(bucket)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        self._remember(bucket)
        if bucket.checksum and not sys.dont_write_bytecode and not getattr(bucket.environment, "ran_while_compiling", True):
            # a read-only installation: compiled in every process, as without a cache
            with suppress(OSError, ValueError):
                write_checked(own_compiled_folder() / f"{bucket.key[4].replace('/', '+')}.code", bucket.checksum, bucket.code)

    def _remember(self, bucket: Bucket) -> None:
        if len(self._code) >= self.MAX:
            self._code.pop(next(iter(self._code)))
        self._code[bucket.key] = bucket.code  # type: ignore[index]


def own_compiled_folder() -> Path:
    """Where avr's own templates are kept compiled: beside avr's own compiled modules (``sys.pycache_prefix``
    moves them, as it moves those)."""
    package = Path(__file__).resolve().parent.parent
    if sys.pycache_prefix:
        return Path(sys.pycache_prefix, *package.parts[1:], "templates")
    return package / "__pycache__" / "templates"


def _settings(environment: Environment, name: str) -> tuple[Any, ...]:
    """What a template's compiled code depends on in its environment, besides what its filters do."""
    return (
        jinja_version, MAGIC_NUMBER, type(environment).__module__, type(environment).__qualname__,
        environment.code_generator_class.__module__, environment.code_generator_class.__qualname__,
        environment.block_start_string, environment.block_end_string, environment.variable_start_string,
        environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
        environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
        environment.optimized, environment.is_async, tuple(sorted(environment.extensions)),
        tuple(sorted(getattr(environment, "intercepted_binops", ()))),
        tuple(sorted(getattr(environment, "intercepted_unops", ()))),
        getattr(environment.finalize, "__qualname__", repr(environment.finalize)),
        str(getattr(environment.finalize, "jinja_pass_arg", None)),
        environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape,
        tuple((n, str(getattr(f, "jinja_pass_arg", None))) for n, f in sorted(environment.filters.items())),
        tuple((n, str(getattr(f, "jinja_pass_arg", None))) for n, f in sorted(environment.tests.items())),
    )


def _code_of(table: dict[str, Any]) -> Iterator[Any]:
    """What filters or tests do, as far as a process can tell: their code (their closures hold the catalogue,
    which is in the key)."""
    for name in sorted(table):
        yield getattr(table[name], "__code__", table[name])


class _Watched(dict[str, Any]):
    """A table of filters or tests that notes when Jinja calls one while compiling (on constants)."""

    def __init__(self, table: dict[str, Any], ran: list[str]) -> None:
        super().__init__(table)
        self.ran = ran

    def get(self, name: str, default: Any = None) -> Any:
        function = super().get(name, default)
        if function is None:
            return None

        def watched(*args: Any, **kwargs: Any) -> Any:
            self.ran.append(name)
            return function(*args, **kwargs)

        if hasattr(function, "jinja_pass_arg"):
            watched.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
        return watched


def make_env(labels: Labels, override_dir: Path | None) -> SandboxedEnvironment:
    loaders: list[BaseLoader] = [FileSystemLoader(str(builtin_templates()))]
    if override_dir is not None and override_dir.is_dir():
        loaders.insert(0, _RepoTemplates(override_dir))
    env = _Sandbox(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=md_finalize,
    )
    env.template_class = _BoundedTemplate
    locale = labels.locale
    env.globals.update(L=labels, kind_label=lambda g: goal_label(g, labels))
    charts = chart_globals(labels)
    charts["completion_bar"] = _memoised(charts["completion_bar"])
    env.globals.update(charts)
    env.filters.update(
        num=lambda v, d=None: fmt.number(v, locale, d),
        long_date=lambda d: fmt.long_date(d, locale),
        value_text=lambda v, ind: fmt.value_text(ind, v, labels),
        target_text=lambda t, ind: fmt.target_text(ind, t, labels),
        change_text=lambda c, ind: fmt.change_text(c, ind, labels),
        md=lambda text, caption=None: Markup(to_html(text, caption or labels("charts", "table"))),
        verdict=lambda v: labels("verdict", _value(v)),
        # with the catalogue's goal noun; a report's templates use verdict_text, with the plan's own
        verdict_sentence=lambda v: str(labels("verdict_sentence", _value(v))).replace(
            "{Noun}", str(labels("nouns", "goal", "definite")).capitalize()).replace(
            "{noun}", str(labels("nouns", "goal", "definite"))),
        verdict_symbol=lambda v: labels("verdict_symbol", _value(v)),
        result=lambda v: labels("result", _value(v)),
        status=lambda s: labels("status", _value(s) if s else "unreported"),
        completion=lambda c: labels("ongoing") if c == "ongoing" else ("" if c is None else str(c)),
        md_cell=md_cell,
        capfirst=capfirst,
        by_date=sort_ids,  # period ids in date order: `ids | by_date(periods)`
        md_inline=md_inline,
        urlpath=lambda path: quote(str(path), safe="/"),  # a report's file name in a link
    )
    for name in ("center", "indent", "format", "replace", "batch", "slice"):
        env.filters[name] = _bounded_filter(name, env.filters[name])
    env.bytecode_cache = _CompiledTemplates(labels)
    return env


def _memoised(draw: Callable[[Any], Markup]) -> Callable[[Any], Markup]:
    """A chart of one number, drawn once per distinct number (a completion bar on every activity card).

    Keyed by the number's type and text, not its value: two numbers share a drawing only when they are
    written alike (equal numbers of different types or precision are drawn separately).
    """
    drawn: dict[tuple[type, str], Markup] = {}

    def chart(number: Any) -> Markup:
        key = (type(number), str(number))
        found = drawn.get(key)
        if found is None:
            found = draw(number)
            if len(drawn) < 10_000:
                drawn[key] = found
        return found

    return chart


def _value(item: Verdict | Status | str) -> str:
    return item.value if isinstance(item, (Verdict, Status)) else str(item)


def goal_label(goal: Goal, labels: Labels) -> str:
    """"Mål 2/ Fokusområde 2 – Barnfamiljer", "Precisering 2:1", "Särskilt uppdrag S1 – …"."""
    text = f"{labels('goal_kind', goal.kind)} {goal.id}"
    if goal.focus_area:
        text += f"/ {goal.focus_area}"
    if goal.title:
        text += f" – {goal.title}"
    return text


def status_label(organisation: Organisation, status: Status | str | None, labels: Labels) -> str:
    """The organisation's own word for a canonical status, else the catalogue's."""
    if isinstance(status, str):
        status = Status(status) if status in Status._value2member_map_ else None
    if status is not None:
        for entry in organisation.statuses:
            if entry.means is status:
                return entry.label
    return str(labels("status", status.value if status else "unreported"))


def md_cell(text: Any) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    # collapse line breaks but keep no-break spaces (1 040, 33,9 %)
    return MdText(_UNESCAPED_PIPE.sub(r"\1\\|", re.sub(r"[ \t\r\n]+", " ", str(text or "")).strip()))
