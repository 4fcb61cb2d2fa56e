"""Committed notebooks are clean sources: no outputs, no execution counts, no magics that fetch
or add jars (the library and its dependencies come from the java-dl kernel spec), the course's
kernel, a valid nbformat 4 document, and code lines of at most MAX_LINE characters (the Java
formatter's limit is 100; a JShell cell is not a compilation unit it can format, CONTRIBUTING.md).

"Committed" = tracked by git, plus untracked files git would pick up (not ignored), so that a
dirty notebook is caught before it is committed.
"""
import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

import course_kernel

ROOT = Path(__file__).resolve().parents[2]
KERNEL = course_kernel.NAME
# JJava magics that pull code from elsewhere; the kernel spec provides the classpath.
MAX_LINE = 110
FORBIDDEN_MAGIC = re.compile(r"^[ \t]*%%?(maven|mavenRepo|loadFromPOM|classpath|jars)\b", re.M)
# One decimal separator per notebook, the point its printed numbers have (the kernel spec pins the
# JVM's locale): a decimal comma where a student reads text, i.e. markdown outside formulas and
# quotes, Java strings and comments; in formulas commas separate arguments, so only {,} counts.
DECIMAL_COMMA = re.compile(r"(?<![\d,.])\d+,\d+(?![\d,])")
FORMULA = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
QUOTE = re.compile(r"«[^»]*»")
JAVA_TEXT = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*')
# Java's grouping flag (%,d) prints 60,965,224, which a Russian reader takes for a decimal comma
GROUPING_FLAG = re.compile(r"%[-#+ 0(]*,[-#+ 0(,]*\d*[dfg]")


def committed_notebooks(root: Path = ROOT) -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.ipynb"],
            cwd=root, check=True, capture_output=True, text=True).stdout
        files = sorted({root / f for f in out.split("\0") if f})
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (e.g. an archive)
        files = sorted(root.glob("notebooks/**/*.ipynb"))
    return [f for f in files if f.exists()]


def problems(text: str) -> list[str]:
    """What is wrong with a notebook, given its JSON text (empty list: clean)."""
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as e:
        return [f"not a readable notebook: {type(e).__name__}: {e}"]
    found = []
    if nb.get("nbformat") != 4:
        found.append(f"nbformat {nb.get('nbformat')}, expected 4")
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as e:
        found.append(f"invalid nbformat: {str(e).splitlines()[0]}")
    spec = nb.get("metadata", {}).get("kernelspec", {})
    if spec.get("name") != KERNEL:
        found.append(f"kernelspec name is {spec.get('name')!r}, expected {KERNEL!r}")
    for i, cell in enumerate(nb.get("cells", [])):
        for number in decimal_commas(cell):
            found.append(f"cell {i}: decimal comma in {number!r} (write a point, as the outputs do)")
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {i}: has {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i}: has execution count {cell['execution_count']}")
        if cell.get("metadata", {}).get("execution"):
            found.append(f"cell {i}: has execution timing metadata")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for m in FORBIDDEN_MAGIC.finditer(source):
            found.append(f"cell {i}: magic %{m.group(1)} (the java-dl kernel provides the classpath)")
        for n, line in enumerate(source.split("\n"), 1):
            if len(line) > MAX_LINE:
                found.append(f"cell {i}, line {n}: {len(line)} characters, at most {MAX_LINE}: {line[:60]}…")
    return found


def decimal_commas(cell) -> list[str]:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    if cell.get("cell_type") == "code":
        return [m.group() for text in JAVA_TEXT.findall(source)
                for pattern in (DECIMAL_COMMA, GROUPING_FLAG) for m in pattern.finditer(text)]
    prose = QUOTE.sub(" ", FORMULA.sub(" ", source))
    formulas = " ".join(FORMULA.findall(source))
    return ([m.group() for m in DECIMAL_COMMA.finditer(prose)]
            + [m.group() for m in re.finditer(r"\d\{,\}\d", formulas)])


notebooks = committed_notebooks()


@pytest.mark.parametrize("notebook", notebooks, ids=[str(p.relative_to(ROOT)) for p in notebooks])
def test_committed_notebook_is_clean(notebook):
    found = problems(notebook.read_text(encoding="utf-8"))
    assert not found, (f"{notebook.relative_to(ROOT)}:\n  " + "\n  ".join(found) +
                       "\n(clear outputs before committing: JupyterLab > Edit > Clear Outputs of All Cells)")


# --- the checker itself, on synthetic notebooks -------------------------------------------

def _synthetic(**code_cell_fields) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Java", "language": "java"}
    nb.cells = [nbformat.v4.new_markdown_cell("# t"),
                nbformat.v4.new_code_cell(code_cell_fields.pop("source", "int x = 1;"), **code_cell_fields)]
    return nb


def test_checker_catches_a_long_line():
    found = problems(nbformat.writes(_synthetic(source="int x = 1;\n" + "x += 1; " * 20)))
    assert found == [f"cell 1, line 2: 160 characters, at most {MAX_LINE}: {('x += 1; ' * 8)[:60]}…"], found


def test_checker_accepts_a_clean_notebook():
    assert problems(nbformat.writes(_synthetic())) == []


def test_checker_catches_outputs_and_execution_counts():
    nb = _synthetic(execution_count=3,
                    outputs=[nbformat.v4.new_output("stream", name="stdout", text="2\n")])
    found = problems(nbformat.writes(nb))
    assert "cell 1: has 1 output(s)" in found
    assert "cell 1: has execution count 3" in found


@pytest.mark.parametrize("magic", ["%maven ai.djl:api:0.36.0", "%%loadFromPOM\n<dependency/>",
                                   "%mavenRepo x https://example.org", "  %classpath lib/x.jar",
                                   "%jars lib/*.jar"])
def test_checker_catches_magics(magic):
    found = problems(nbformat.writes(_synthetic(source=f"// set-up\n{magic}\nint x = 1;")))
    assert any("magic %" in f for f in found), found


def test_checker_ignores_percent_in_code():
    assert problems(nbformat.writes(_synthetic(source='int r = 7 % 3;\nString s = "%maven";'))) == []


def test_checker_catches_wrong_kernel_and_invalid_documents():
    nb = _synthetic()
    nb.metadata["kernelspec"]["name"] = "java"
    assert any("kernelspec name" in f for f in problems(nbformat.writes(nb)))
    nb = _synthetic()
    nb.cells[1]["bogus"] = 1
    assert any("invalid nbformat" in f for f in problems(json.dumps(nb)))
    assert problems("{not json")


def test_checker_catches_decimal_commas_where_a_student_reads():
    nb = _synthetic(source='var s = "дропаут 0,5"; // порог 0,1\nvar shape = new Shape(2,3);\n'
                           'System.out.printf("%,11d весов, %s%n", n, Tables.grouped(n));')
    nb.cells[0].source = "Дропаут 0,5; $N(0,1)$ и $\\beta_1 = 0{,}5$; лекция: «4,197,122 изображений»; 1, 2, 3."
    found = problems(nbformat.writes(nb))
    assert found == ["cell 0: decimal comma in '0,5' (write a point, as the outputs do)",
                     "cell 0: decimal comma in '0{,}5' (write a point, as the outputs do)",
                     "cell 1: decimal comma in '0,5' (write a point, as the outputs do)",
                     "cell 1: decimal comma in '0,1' (write a point, as the outputs do)",
                     "cell 1: decimal comma in '%,11d' (write a point, as the outputs do)"], found
