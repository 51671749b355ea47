"""Student mode in a real browser: JupyterLab started by ``python -m autograder.student_mode``
(what ``./course lab`` runs), in headless Chromium.

* A student sees no instructor tool of nbgrader (formgrader, course list, create assignment:
  neither their commands nor their menu entries) and keeps the assignment list and Validate;
  ``--instructor`` keeps everything (which also shows that the checks below can see them).
* A freshly released notebook opens unmodified, also once its kernel has started; plain
  JupyterLab marks the same notebook modified (the cause: it writes the kernel's
  ``language_info`` into the notebook).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import stat
import sys

import pytest

from autograder import student_mode
from autograder.explorer_benchmark import CHROMIUM, KERNEL_IDLE_JS, LabServer, browser

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} not found")

ROOT = pathlib.Path(__file__).resolve().parents[1]
RELEASED = "03_shallow_network"
WAIT_MS = 60_000
INSTRUCTOR_COMMANDS = (
    "nbgrader:open-formgrader",
    "nbgrader:open-formgrader-local",
    "nbgrader:open-course-list",
    "nbgrader:open-create-assignment",
)

#: JupyterLab's "modified" flag of the notebook in front, read once its kernel has answered
#: (JupyterLab applies the kernel's language_info when kernel.info resolves).
DIRTY_AFTER_KERNEL_JS = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.context.ready;
  await w.sessionContext.ready;
  await w.sessionContext.session.kernel.info;
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 200)));
  return { dirty: w.content.model.dirty, info: w.content.model.getMetadata('language_info') };
}"""


def launcher(tmp_path: pathlib.Path, *mode: str) -> str:
    """An executable that LabServer calls as ``X -m jupyterlab ARGS``: it runs the student-mode
    launcher with ARGS instead (so the server starts exactly as ``./course lab`` starts it)."""
    script = tmp_path / f"lab{'-'.join(mode)}.sh"
    script.write_text(
        "#!/bin/sh\nshift 2\n"
        f'exec "{sys.executable}" -m autograder.student_mode {" ".join(mode)} "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def released_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks" / RELEASED, root / RELEASED)
    return root


def open_notebook(page, server: LabServer) -> dict:
    server.delete_kernels()
    page.goto(server.lab_url(f"{RELEASED}/{RELEASED}.ipynb"))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=WAIT_MS)
    return page.evaluate(DIRTY_AFTER_KERNEL_JS)


def nbgrader_menu(page) -> list[str]:
    """Labels of the Nbgrader menu's entries ([] when there is no such menu)."""
    labels = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    if "Nbgrader" not in labels:
        return []
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.wait_for_selector(".lm-Menu")
    entries = page.locator(".lm-Menu .lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel")
    items = [t.strip() for t in entries.all_inner_texts() if t.strip()]
    page.keyboard.press("Escape")
    return items


def has_commands(page, ids) -> dict:
    return page.evaluate(
        "(ids) => Object.fromEntries(ids.map(i => [i, window.jupyterapp.commands.hasCommand(i)]))",
        list(ids),
    )


def test_student_mode_hides_the_instructor_tools_and_opens_notebooks_unmodified(tmp_path):
    root = released_copy(tmp_path)
    with LabServer(root, python=launcher(tmp_path)) as server, browser() as page:
        state = open_notebook(page, server)
        assert state["info"].get("version"), "the kernel's language_info did not arrive"
        assert state["dirty"] is False, "a freshly released notebook opened modified"

        assert has_commands(page, INSTRUCTOR_COMMANDS) == dict.fromkeys(INSTRUCTOR_COMMANDS, False)
        assert has_commands(page, ["nbgrader:open-assignment-list"]) == {
            "nbgrader:open-assignment-list": True
        }
        menu = nbgrader_menu(page)
        assert menu == ["Assignment List"], menu
        front = ".jp-NotebookPanel:not(.lm-mod-hidden)"
        assert page.locator(f"{front} .validate-button").count() == 1
        sidebar = " ".join(page.locator(".jp-SideBar").all_inner_texts())
        assert "Create Assignment" not in sidebar
        # The server side: formgrader's pages are not served.
        with pytest.raises(Exception, match="404"):
            server.api("GET", "/formgrader/api/assignments")


def test_instructor_mode_keeps_every_nbgrader_tool(tmp_path):
    root = released_copy(tmp_path)
    with LabServer(root, python=launcher(tmp_path, "--instructor")) as server, browser() as page:
        state = open_notebook(page, server)
        assert state["dirty"] is False
        assert has_commands(page, INSTRUCTOR_COMMANDS) == dict.fromkeys(INSTRUCTOR_COMMANDS, True)
        menu = nbgrader_menu(page)
        assert {"formgrader", "course list", "create assignment"} <= {m.lower() for m in menu}
        assert server.api("GET", "/formgrader/api/assignments") is not None


def test_plain_jupyterlab_opens_the_release_modified(tmp_path):
    """The defect student mode fixes, measured the same way: without the extension the kernel's
    language_info changes the notebook as soon as the kernel starts."""
    root = released_copy(tmp_path)
    with LabServer(root) as server, browser() as page:
        state = open_notebook(page, server)
        assert state["info"].get("version")
        assert state["dirty"] is True


def test_launcher_arguments():
    """Student mode turns nbgrader's instructor server extensions off; both modes load the
    explorer's and this module's extension; the lab opens notebooks/ on 127.0.0.1."""
    args, instructor = student_mode.launch_arguments(["--port=9999"], ROOT)
    assert not instructor and args[-1] == "--port=9999"
    joined = " ".join(args)
    for name in student_mode.INSTRUCTOR_SERVER_EXTENSIONS:
        assert f"'{name}': False" in joined
    assert "'utils.explorer_server': True" in joined
    assert "'autograder.student_mode': True" in joined
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in args
    args, instructor = student_mode.launch_arguments(["--instructor"], ROOT)
    # (nbgrader's extension names, not the word: a checkout's path may hold it)
    assert instructor and "server_extensions.formgrader" not in " ".join(args)
    # An instructor's lab opens on nbgrader's course directory (formgrader refuses to work
    # on one outside the server's root), unless a root is given; a student's never does.
    course = pathlib.Path("/srv/out/nbgrader")
    args, _ = student_mode.launch_arguments(["--instructor"], ROOT, course)
    assert f"--ServerApp.root_dir={course}" in args
    args, _ = student_mode.launch_arguments(["--instructor", "--notebook-dir=/x"], ROOT, course)
    assert not any(a.startswith("--ServerApp.root_dir") for a in args)
    args, _ = student_mode.launch_arguments([], ROOT, course)
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in args
    # nbgrader runs alembic from PATH: this interpreter's scripts come first, once.
    scripts = str(pathlib.Path(sys.executable).parent)
    path = student_mode.scripts_first(os.pathsep.join(["/usr/bin", scripts]))
    assert path.split(os.pathsep) == [scripts, "/usr/bin"]
