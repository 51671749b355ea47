"""JupyterLab for students: the course's notebooks, without the instructor's tools.

Run it from the checkout (``./course lab`` does) or, in a student bundle, as ``course_lab.py``
(``python -m autograder bundle`` copies this file there)::

    python -m autograder.student_mode [--instructor] [JUPYTER LAB OPTIONS...]

It starts JupyterLab on ``notebooks/`` at http://127.0.0.1:8888/lab (``--port``, ``--ip`` and
any other ``jupyter lab`` option pass through), with this module loaded as a Jupyter server
extension that does three things:

* **Student mode** (the default): nbgrader's instructor parts are off: the server extensions
  ``nbgrader.server_extensions.formgrader`` and ``...course_list`` are not loaded, and the lab
  plugins ``@jupyter/nbgrader:formgrader``, ``:course-list`` and ``:create-assignment`` are
  disabled (a page-config hook, the same ``disabledExtensions`` that ``jupyter labextension
  disable`` writes, without touching any configuration of the machine). The assignment list
  and "Validate" stay. ``--instructor`` keeps everything, and opens the lab on nbgrader's
  course directory (the checkout, or ``$COURSE_OUT/nbgrader``: see :func:`course_directory`),
  since formgrader refuses to work on a course directory outside the server's root.
* **Notebooks open unmodified.** A released notebook stores ``language_info`` as
  ``{"name": "python"}``; when its kernel starts, JupyterLab writes the kernel's full
  ``language_info`` (Python version, CodeMirror mode, ...) into the notebook and marks it
  modified before the student typed anything. The extension serves each notebook with the
  ``language_info`` of this Python's IPython kernel already in it, so the kernel's reply changes
  nothing. (It cannot be written into the release: the Python version differs between students.)
* **Explorer frames without delay**: it loads :mod:`utils.explorer_server` (TCP_NODELAY on the
  kernel websockets).

Kernels find the course's ``utils`` package through ``PYTHONPATH`` (the folder that holds
``utils/``), so the same file works in a checkout and in an unpacked bundle.

This file must stay self-contained (standard library and Jupyter only): the bundle ships it
without the rest of ``autograder``.
"""

from __future__ import annotations

import copy
import os
import pathlib
import sys

#: nbgrader's instructor parts: server extensions and JupyterLab plugins (nbgrader 0.9).
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)
INSTRUCTOR_LAB_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
)
#: What a student keeps of nbgrader (when it is installed at all; a bundle has no nbgrader).
STUDENT_LAB_PLUGINS = ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:validate-assignment")

#: Environment variable telling the server extension which mode the launcher chose.
MODE_VARIABLE = "COURSE_LAB_MODE"


def _module_name() -> str:
    """This module's importable name: ``autograder.student_mode`` or, in a bundle, the file's
    stem (``course_lab``), also when it runs as ``__main__``."""
    spec = globals().get("__spec__")
    if spec is not None and spec.name != "__main__":
        return spec.name
    return pathlib.Path(__file__).stem


def course_root(start: pathlib.Path | None = None) -> pathlib.Path:
    """The folder holding ``utils/`` and ``notebooks/``: the checkout or the unpacked bundle."""
    here = (start or pathlib.Path(__file__)).resolve()
    for folder in [here.parent, *here.parents]:
        if (folder / "utils" / "__init__.py").is_file():
            return folder
    raise FileNotFoundError(f"no utils/ package above {here}")


def server_arguments(*, instructor: bool = False) -> list[str]:
    """``jupyter lab`` options that load this extension and, for students, drop nbgrader's
    instructor server extensions (options on the command line win over the
    ``jupyter_server_config.d`` files that enable them)."""
    extensions = {_module_name(): True, "utils.explorer_server": True}
    if not instructor:
        extensions.update(dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False))
    return [f"--ServerApp.jpserver_extensions={extensions!r}"]


def course_directory() -> pathlib.Path | None:
    """nbgrader's course directory as formgrader will see it: ``CourseDirectory.root`` of the
    ``nbgrader_config.py`` in the working directory (and Jupyter's config folders), read the
    way formgrader reads it; ``None`` without nbgrader (a student bundle).

    From the checkout (``./course lab`` runs there) that is the checkout itself, or with
    ``$COURSE_OUT`` the grader's ``OUT/nbgrader`` (made here if it does not exist yet, as a
    server root must exist). The instructor's lab opens on it: formgrader refuses a course
    directory outside the server's root ("The course directory root is not a subdirectory of
    the notebook server root"), and every one of its buttons then fails.
    """
    try:
        from nbgrader.apps.baseapp import NbGrader
        from nbgrader.coursedir import CourseDirectory
    except ImportError:
        return None
    app = NbGrader()
    app.load_config_file()
    course = pathlib.Path(CourseDirectory(config=app.config).root).resolve()
    course.mkdir(parents=True, exist_ok=True)
    return course


def launch_arguments(
    argv: list[str], root: pathlib.Path, course: pathlib.Path | None = None
) -> tuple[list[str], bool]:
    """The ``jupyter lab`` command line for ``argv`` (this launcher's own arguments).

    The lab opens on ``root / "notebooks"``; with ``--instructor`` on ``course`` (nbgrader's
    course directory, :func:`course_directory`) when given. A root directory in ``argv`` wins.
    """
    instructor = "--instructor" in argv
    rest = [a for a in argv if a != "--instructor"]
    args = server_arguments(instructor=instructor)
    if not any(a.startswith(("--ServerApp.root_dir", "--notebook-dir")) for a in rest):
        folder = course if instructor and course is not None else root / "notebooks"
        args.append(f"--ServerApp.root_dir={folder}")
    if not any(a.startswith(("--ServerApp.ip", "--ip")) for a in rest):
        args.append("--ServerApp.ip=127.0.0.1")
    if hasattr(os, "getuid") and os.getuid() == 0 and "--allow-root" not in rest:
        args.append("--allow-root")
    return [*args, *rest], instructor


def kernel_environment(root: pathlib.Path, environ=None) -> dict[str, str]:
    """Variables that let kernels import the course's ``utils`` from ``root``: ``PYTHONPATH``
    with ``root`` first (kernels start with the server's environment, in a notebook's folder).
    """
    environ = os.environ if environ is None else environ
    paths = [str(root), *filter(None, environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {"PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def scripts_first(path: str) -> str:
    """``PATH`` with this interpreter's scripts folder first. nbgrader runs ``alembic`` from
    ``PATH`` to make a new gradebook: from a virtual environment that was not activated
    (``./course lab`` runs ``.venv/bin/python``) every formgrader page failed on a new
    gradebook with "No such file or directory: 'alembic'"."""
    scripts = str(pathlib.Path(sys.executable).parent)
    return os.pathsep.join(dict.fromkeys([scripts, *filter(None, path.split(os.pathsep))]))


def main(argv: list[str] | None = None) -> int:
    """Start JupyterLab in student mode (or with ``--instructor``, the full set)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    root = course_root()
    os.environ.update(kernel_environment(root))
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))  # the server imports utils.explorer_server
    course = None
    if "--instructor" in argv:
        os.environ["PATH"] = scripts_first(os.environ.get("PATH", ""))
        course = course_directory()
    args, instructor = launch_arguments(argv, root, course)
    os.environ[MODE_VARIABLE] = "instructor" if instructor else "student"
    from jupyterlab.labapp import LabApp

    # In this process, so that the server imports this very file as its extension.
    LabApp.launch_instance(argv=args)
    return 0


# --------------------------------------------------------------------------------------------
# The server extension
# --------------------------------------------------------------------------------------------
def _jupyter_server_extension_points():
    return [{"module": _module_name()}]


def kernel_language_info() -> dict:
    """The ``language_info`` this Python's IPython kernel sends (the one JupyterLab stores)."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(IPythonKernel.language_info)


def with_language_info(model: dict, language_info: dict) -> dict:
    """A contents-API notebook model with the kernel's ``language_info`` in its metadata.

    Only Python notebooks get it (another kernel's notebook is left alone).
    """
    content = model.get("content") if model.get("type") == "notebook" else None
    if not isinstance(content, dict):
        return model
    metadata = content.setdefault("metadata", {})
    current = metadata.get("language_info") or {}
    if current.get("name", "python") == "python":
        metadata["language_info"] = {**current, **language_info}
    return model


def disable_plugins(page_config: dict, plugins) -> dict:
    """``page_config`` with ``plugins`` added to its ``disabledExtensions``.

    By the time the hook runs, jupyterlab_server has turned that setting into the list the
    front end reads (a dict there stops JupyterLab from starting).
    """
    disabled = page_config.get("disabledExtensions") or []
    if isinstance(disabled, dict):
        disabled = [name for name, off in disabled.items() if off]
    page_config["disabledExtensions"] = list(dict.fromkeys([*disabled, *plugins]))
    return page_config


def _load_jupyter_server_extension(serverapp) -> None:
    import inspect

    student = os.environ.get(MODE_VARIABLE, "student") != "instructor"
    settings = serverapp.web_app.settings
    if student:
        previous = settings.get("page_config_hook")

        def hook(handler, page_config):
            if previous is not None:
                page_config = previous(handler, page_config)
            return disable_plugins(page_config, INSTRUCTOR_LAB_PLUGINS)

        settings["page_config_hook"] = hook

    info = kernel_language_info()
    manager = serverapp.contents_manager
    original_get = manager.get
    if inspect.iscoroutinefunction(original_get):

        async def get(*args, **kwargs):
            return with_language_info(await original_get(*args, **kwargs), info)
    else:

        def get(*args, **kwargs):
            return with_language_info(original_get(*args, **kwargs), info)

    manager.get = get
    serverapp.log.info(
        "%s: %s mode; notebooks served with language_info of Python %s",
        _module_name(),
        "student" if student else "instructor",
        info.get("version"),
    )


if __name__ == "__main__":
    sys.exit(main())
