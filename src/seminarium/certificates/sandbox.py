"""Rendering organisers' certificate templates safely. No Django, no seminarium imports.

Organisers write the template, so it is treated as untrusted code:

- Jinja2's SandboxedEnvironment with autoescaping, no loader (so no file can be
  included, imported or extended), only plain data in the context (dicts, lists,
  strings: no model with methods to reach), a short list of harmless filters, no
  macros, loops nested at most two deep, no string or list blown up by ``*``, and
  a cap on the output size, and no method calls;
- WeasyPrint fetches nothing from the network or the disk: only ``data:`` URIs and
  the programme's own checked images (``asset:name``).
"""

import functools
import operator
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import weasyprint
from jinja2 import Template, TemplateError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from weasyprint.text.fonts import FontConfiguration

MAX_TEMPLATE_CHARS = 100_000
MAX_OUTPUT_CHARS = 1_000_000
MAX_LOOP_DEPTH = 2
MAX_PRODUCT_LENGTH = 10_000

SAFE_FILTERS = {
    "capitalize",
    "d",
    "default",
    "e",
    "escape",
    "first",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "round",
    "string",
    "title",
    "trim",
    "truncate",
    "upper",
}
FORBIDDEN_NODES = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
}


class TemplateRefused(Exception):
    """The template cannot be used; the message says why (in English, for the log)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class _Environment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def is_safe_callable(self, obj) -> bool:
        # The context holds only data; calling methods such as str.ljust(10**9) is refused.
        return False

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("exponent too large")
        if operator_name == "*":
            for sequence, times in ((left, right), (right, left)):
                repeats = isinstance(sequence, str | list | tuple) and isinstance(times, int)
                if repeats and len(sequence) * times > MAX_PRODUCT_LENGTH:
                    raise SecurityError("repeated sequence too long")
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)


def _environment() -> SandboxedEnvironment:
    env = _Environment(autoescape=True, loader=None)
    env.filters = {name: f for name, f in env.filters.items() if name in SAFE_FILTERS}
    env.tests = dict(env.tests)
    # range, lipsum, cycler, joiner, namespace: none needed, range makes busy loops cheap.
    env.globals.clear()
    return env


_ENV = _environment()


def _loop_depth(node: nodes.Node, depth: int = 0) -> int:
    here = depth + 1 if isinstance(node, nodes.For) else depth
    return max([here, *(_loop_depth(child, here) for child in node.iter_child_nodes())])


def check_template(source: str) -> None:
    """Refuse a template that is too big, does not parse, or uses a forbidden construct."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateRefused("template too long", code="too_long")
    try:
        tree = _ENV.parse(source)
    except TemplateError as error:
        raise TemplateRefused(f"syntax error: {error}", code="syntax") from error
    for node_type, label in FORBIDDEN_NODES.items():
        if next(tree.find_all(node_type), None) is not None:
            raise TemplateRefused(f"{{% {label} %}} is not allowed", code="forbidden_tag")
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        raise TemplateRefused("loops nested too deep", code="loops")


@functools.lru_cache(maxsize=32)
def _compiled(source: str) -> Template:
    check_template(source)
    try:
        return _ENV.from_string(source)
    except TemplateError as error:  # unknown filters and tests show up only here
        raise TemplateRefused(f"cannot compile: {error}", code="syntax") from error


def render_html(source: str, context: Mapping) -> str:
    """The template filled in; user data escaped. Raises TemplateRefused."""
    template = _compiled(source)
    try:
        html = template.render(**context)
    except SecurityError as error:
        raise TemplateRefused(f"not allowed: {error}", code="security") from error
    except (TemplateError, TypeError, ValueError, ArithmeticError, RecursionError) as error:
        raise TemplateRefused(f"cannot render: {error}", code="render") from error
    if len(html) > MAX_OUTPUT_CHARS:
        raise TemplateRefused("output too long", code="too_long")
    return html


@dataclass(frozen=True)
class Asset:
    content_type: str
    data: bytes


class AssetFetcher(weasyprint.URLFetcher):
    """Serves ``asset:name`` from the given images and ``data:`` URIs; refuses anything else."""

    def __init__(self, assets: Mapping[str, Asset] | None = None) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.assets = dict(assets or {})
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("asset:"):
            asset = self.assets.get(url.removeprefix("asset:"))
            if asset is not None:
                return weasyprint.urls.URLFetcherResponse(
                    url, asset.data, {"Content-Type": asset.content_type}
                )
        elif url.startswith("data:"):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"Refused to fetch {url[:200]}")


_per_thread = threading.local()


def _stylesheet(css: str) -> tuple[list[weasyprint.CSS], FontConfiguration]:
    """The parsed CSS and its font configuration, once per thread and stylesheet.

    Parsing, and Pango's font set-up and caches, are most of a certificate's
    rendering time. Per thread, as Pango's font maps are not thread-safe. The image
    cache is not shared: ``asset:seal`` names a different image per programme.
    ``@import`` is fetched here, through a fetcher with no images, so it can only
    ever load a ``data:`` URI.
    """
    parsed = _per_thread.__dict__.setdefault("stylesheets", {})
    if css not in parsed:
        if len(parsed) >= 8:
            parsed.clear()
        fonts = FontConfiguration()
        sheets = (
            [weasyprint.CSS(string=css, url_fetcher=AssetFetcher(), font_config=fonts)]
            if css.strip()
            else []
        )
        parsed[css] = (sheets, fonts)
    return parsed[css]


def html_to_pdf(html: str, css: str, fetcher: AssetFetcher) -> bytes:
    stylesheets, fonts = _stylesheet(css)
    # base_url "asset:" keeps relative links from resolving against the working directory.
    document = weasyprint.HTML(string=html, base_url="asset:/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets, font_config=fonts)
