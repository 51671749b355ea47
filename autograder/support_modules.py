"""Support modules: code a release gives its students beside the notebook, generated from the
reference solutions at release time, never kept by hand.

``05_deep_network_application`` trains networks with the step functions of
``04_deep_network``; its release holds ``deep_network_steps.py``, written by
``python -m autograder release`` from ``autograder/reference/deep_network.py``: the functions
the 05 notebook imports from it, the helpers, constants and imports they use, with their
docstrings, in the reference's order, under a header that says the file is generated.

The file lives only in the release (``notebooks/<id>/``, committed like the notebooks), not in
``source/``: plain ``nbgrader generate_assignment`` writes it too (the checkout's
``nbgrader_config.py`` sets :func:`after_generate_assignment` as its post-convert hook), and
the grader writes it again beside every hand-in it runs, so a copy a student edited is never
the one graded. DESIGN.md rule 1 allows a release to give functions graded in an *earlier*
assignment only: :func:`render` refuses any other (``bundle`` warns when a bundle holds both
the giver and the assignment it answers).
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import ROOT, SOURCE, assignment_ids, grade_cells, graded_function


class GenerationError(Exception):
    """A support module cannot be generated; the message says why."""


@dataclass(frozen=True)
class SupportModule:
    """A module an assignment's release holds, taken from a reference module.

    Attributes
    ----------
    assignment : str
        The assignment whose release holds the module.
    filename : str
        The module's file name beside the notebook (the notebook imports its stem).
    reference : str
        Dotted name of the reference module the functions are taken from.
    intro : str
        What the module is, for students: the opening paragraphs of its docstring, wrapped as
        they should appear (the notation paragraphs of the reference's docstring follow them).
    """

    assignment: str
    filename: str
    reference: str
    intro: str

    @property
    def name(self) -> str:
        """The name the notebook imports."""
        return Path(self.filename).stem


SUPPORT_MODULES = (
    SupportModule(
        assignment="05_deep_network_application",
        filename="deep_network_steps.py",
        reference="autograder.reference.deep_network",
        intro=(
            "The step functions of ``04_deep_network``, given in ``05_deep_network_application``."
            "\n\nYou wrote (or will write) these in notebook 04; here they are ready to use so "
            "that this\nnotebook is about *training*."
        ),
    ),
)


def modules_of(assignment_id: str) -> list[SupportModule]:
    """The support modules of an assignment's release (none for most)."""
    return [m for m in SUPPORT_MODULES if m.assignment == assignment_id]


# --------------------------------------------------------------------------------------------
# What the notebook needs
# --------------------------------------------------------------------------------------------
def imported_names(notebook: Path, module: str) -> list[str]:
    """The names a notebook imports from ``module`` (``from module import a, b``).

    Raises
    ------
    GenerationError
        On ``import module`` or ``from module import *``: what the notebook uses would then
        not be known from its imports alone.
    """
    nb = nbformat.read(notebook, as_version=4)
    names: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        # IPython's magics and shell escapes are not Python: blank them, keeping line numbers.
        lines = ["" if x.lstrip().startswith(("%", "!")) else x for x in cell.source.splitlines()]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError as err:
            raise GenerationError(f"{notebook.name}, code cell {index}: {err}") from err
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == module for a in node.names):
                raise GenerationError(
                    f"{notebook.name} has `import {module}`: import the names it uses "
                    f"(`from {module} import ...`), so that the release gives only those"
                )
            if isinstance(node, ast.ImportFrom) and node.module == module and not node.level:
                for alias in node.names:
                    if alias.name == "*":
                        raise GenerationError(f"{notebook.name} has `from {module} import *`")
                    names.append(alias.name)
    return list(dict.fromkeys(names))


def _bound_names(node: ast.stmt) -> set[str]:
    """The module-level names a top-level statement defines."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _used_names(node: ast.stmt) -> set[str]:
    """Every name a statement reads (defaults and decorators included)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def needed_statements(tree: ast.Module, names: list[str], where: str) -> list[ast.stmt]:
    """The top-level statements of ``tree`` that define ``names`` and everything they use,
    directly or not, in the module's order (``from __future__`` imports always kept)."""
    body = [n for n in tree.body if not _is_docstring(n)]
    defining: dict[str, ast.stmt] = {}
    for node in body:
        for name in _bound_names(node):
            defining.setdefault(name, node)
    missing = [n for n in names if n not in defining]
    if missing:
        raise GenerationError(f"{where} defines no {', '.join(missing)}")
    kept: set[int] = set()
    todo = [defining[n] for n in names]
    while todo:
        node = todo.pop()
        if id(node) in kept:
            continue
        kept.add(id(node))
        if not isinstance(node, ast.Import | ast.ImportFrom):
            todo += [defining[n] for n in _used_names(node) if n in defining]
    return [n for n in body if id(n) in kept or _is_future(n)]


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


# --------------------------------------------------------------------------------------------
# The module's text
# --------------------------------------------------------------------------------------------
def _reference_file(module: SupportModule) -> Path:
    return Path(importlib.import_module(module.reference).__file__).resolve()


def header(module: SupportModule) -> str:
    """The comment that opens a generated module: generated, from where, how to regenerate."""
    reference = _reference_file(module).relative_to(ROOT).as_posix()
    notebook = f"source/{module.assignment}/{module.assignment}.ipynb"
    return (
        "# GENERATED FILE, DO NOT EDIT: `./course release` "
        "(python -m autograder release) writes it.\n"
        f"# From: {reference}, the functions that the notebook\n"
        f"#       {notebook}\n"
        f"#       imports from {module.name}, and the helpers they use.\n"
        "# To change it: edit those, then run `./course release` again.\n"
    )


def _statement_text(lines: list[str], node: ast.stmt) -> str:
    """The reference's own lines of a statement (comments inside it kept), with the ``#:``
    comment documenting a constant right above it."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)]) - 1
    while start > 0 and lines[start - 1].startswith("#:"):
        start -= 1
    return "\n".join(lines[start : node.end_lineno])


def _blank_lines(lines: list[str], before: ast.stmt, after: ast.stmt) -> int:
    """Blank lines between two kept statements: two around a definition (PEP 8), else one
    where the reference separates them (import groups, documented constants), else none."""
    definitions = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    if isinstance(before, definitions) or isinstance(after, definitions):
        return 2
    between = lines[before.end_lineno : after.lineno - 1]
    return 1 if any(not x.strip() for x in between) else 0


def _import_text(node: ast.Import | ast.ImportFrom, used: set[str], text: str) -> str:
    """An import statement with only the names the kept code uses."""
    if _is_future(node):
        return text
    aliases = [a for a in node.names if (a.asname or a.name).split(".")[0] in used]
    if len(aliases) == len(node.names):
        return text
    if isinstance(node, ast.Import):
        return ast.unparse(ast.Import(names=aliases))
    return ast.unparse(ast.ImportFrom(module=node.module, names=aliases, level=node.level))


def _check_gives_only_earlier_answers(
    module: SupportModule, functions: list[str], source: Path
) -> None:
    """DESIGN.md rule 1: a release may give functions graded in earlier assignments only."""
    ids = assignment_ids(source)
    if module.assignment not in ids:
        raise GenerationError(f"no assignment {module.assignment} in {source}")
    carrier = ids.index(module.assignment)
    for later in ids[carrier:]:
        graded = {graded_function(g) for g, _ in grade_cells(source / later / f"{later}.ipynb")}
        answered = sorted(graded & set(functions))
        if answered:
            raise GenerationError(
                f"{module.filename} would give {', '.join(answered)}, graded in {later}: "
                f"{module.assignment} may give functions graded in earlier assignments only"
            )


def render(module: SupportModule, source: Path = SOURCE) -> str:
    """The text of a support module, generated from its reference module now.

    Parameters
    ----------
    module : SupportModule
    source : Path
        Folder of the instructor notebooks (the notebook's imports say what is needed).

    Returns
    -------
    str
        The module: header, docstring (``module.intro``, then the notation paragraphs of the
        reference's docstring, then where the file comes from for students), the imports and
        constants the kept functions use, the functions, each as written in the reference.

    Raises
    ------
    GenerationError
        The notebook imports a name the reference lacks, imports the module whole, or the
        module would give a function graded in its own or a later assignment.
    """
    reference = _reference_file(module)
    text = reference.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    notebook = source / module.assignment / f"{module.assignment}.ipynb"
    names = imported_names(notebook, module.name)
    if not names:
        raise GenerationError(
            f"{notebook.name} imports nothing from {module.name}: drop it from SUPPORT_MODULES"
        )
    kept = needed_statements(tree, names, reference.name)
    functions = [n.name for n in kept if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    _check_gives_only_earlier_answers(module, functions, source)

    used = set().union(
        *(_used_names(n) for n in kept if not isinstance(n, ast.Import | ast.ImportFrom))
    )
    parts = []
    for index, node in enumerate(kept):
        if index:
            parts.append("\n" * (_blank_lines(lines, kept[index - 1], node) + 1))
        statement = _statement_text(lines, node)
        if isinstance(node, ast.Import | ast.ImportFrom):
            statement = _import_text(node, used, statement)
        parts.append(statement)

    reference_doc = ast.get_docstring(tree, clean=True) or ""
    notation = reference_doc.split("\n\n", 1)[1].strip() if "\n\n" in reference_doc else ""
    closing = textwrap.fill(
        f"This file ships with {module.assignment} only and is written again when your "
        "notebook is graded: edit your notebook, not it.",
        width=96,
    )
    docstring = "\n\n".join(p for p in (module.intro, notation, closing) if p)
    return f'{header(module)}"""{docstring}\n"""\n\n{"".join(parts)}\n'


def write(assignment_id: str, folder: Path, source: Path = SOURCE) -> list[Path]:
    """Write the support modules of an assignment into ``folder`` (its release, or the folder a
    hand-in is graded in); return the files written."""
    written = []
    for module in modules_of(assignment_id):
        path = Path(folder) / module.filename
        path.write_text(render(module, source), encoding="utf-8")
        written.append(path)
    return written


def stage_notebook(notebook: Path, folder: Path, source: Path = SOURCE) -> Path:
    """Copy an instructor notebook and the files beside it into ``folder``, with the support
    modules its release generates (they are not in ``source/``), so that it runs there as it
    does for students; return the copy's path."""
    notebook = Path(notebook)
    for item in notebook.parent.iterdir():
        if item.is_file():
            shutil.copy(item, Path(folder) / item.name)
    write(notebook.stem, folder, source)
    return Path(folder) / notebook.name


def staged_client(notebook: Path, folder: Path, source: Path = SOURCE, **options):
    """An nbclient ``NotebookClient`` for ``notebook`` staged in ``folder``
    (:func:`stage_notebook`), its kernel a ``python3`` one started in ``folder``; ``options``
    go to the client (``timeout``, ``allow_errors``...). The notebook is ``client.nb``."""
    from nbclient import NotebookClient

    nb = nbformat.read(stage_notebook(notebook, folder, source), as_version=4)
    return NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}}, **options
    )


def after_generate_assignment(
    *, assignment: str, release: Path, source: Path, **_nbgrader: object
) -> None:
    """nbgrader's ``GenerateAssignment.post_convert_hook`` (set by the checkout's
    ``nbgrader_config.py``): plain ``nbgrader generate_assignment`` and formgrader's button copy
    ``source/<id>/`` into the release, where the support modules are not, so this writes them.

    Parameters
    ----------
    assignment : str
        The assignment id (or pattern) nbgrader was given.
    release, source : Path
        nbgrader's release and source folders.
    """
    for aid in fnmatch.filter(assignment_ids(source), assignment):
        if (release / aid).is_dir():
            write(aid, release / aid, source)
