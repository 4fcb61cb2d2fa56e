"""Every course notebook ends with «Упражнения» (3–5 exercises of growing difficulty, each with a
hint, no solution), and every exercise has its instructor's solution in docs/solutions/<notebook>
under the heading «Упражнение k». test_notebooks.py executes the solution notebooks (label
`solutions`, smoke profile), so that a solution which no longer runs or whose assert fails is
caught; this file checks the pairing itself.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "docs" / "solutions"
HEADING = "## Упражнения"
EXERCISE = re.compile(r"^\*\*(\d+)\. [^*]+\.\*\* ", re.M)
HINT = "*Подсказка:*"
SOLUTION = re.compile(r"^## Упражнение (\d+)\. ", re.M)
MIN_EXERCISES, MAX_EXERCISES = 3, 5


def exercise_problems(nb) -> list[str]:
    """What is wrong with a notebook's exercises (empty list: fine)."""
    last = nb.cells[-1] if nb.cells else None
    if last is None or last.cell_type != "markdown" or not last.source.startswith(HEADING):
        return [f"the last cell is not a markdown cell starting with {HEADING!r}"]
    starts = list(EXERCISE.finditer(last.source))
    numbers = [int(m.group(1)) for m in starts]
    found = []
    if numbers != list(range(1, len(numbers) + 1)):
        found.append(f"exercises numbered {numbers}, expected 1, 2, …")
    if not MIN_EXERCISES <= len(numbers) <= MAX_EXERCISES:
        found.append(f"{len(numbers)} exercises, expected {MIN_EXERCISES}–{MAX_EXERCISES}")
    ends = [m.start() for m in starts[1:]] + [len(last.source)]
    for m, end in zip(starts, ends):
        if last.source.count(HINT, m.start(), end) != 1:
            found.append(f"exercise {m.group(1)} has no hint ({HINT}) or more than one")
    if "Ответ:" in last.source:
        found.append("the exercises contain an answer («Ответ:»): answers belong in docs/solutions/")
    return found


def solution_problems(nb, solution) -> list[str]:
    """Whether `solution` answers exactly the exercises of `nb`, each with at least one cell."""
    exercises = [int(m.group(1)) for m in EXERCISE.finditer(nb.cells[-1].source)]
    answered, cells_after = [], {}
    current = None
    for cell in solution.cells:
        m = SOLUTION.match(cell.source) if cell.cell_type == "markdown" else None
        if m:
            current = int(m.group(1))
            answered.append(current)
            cells_after[current] = 0
        elif current is not None:
            cells_after[current] += 1
    found = []
    if answered != exercises:
        found.append(f"solutions for exercises {answered}, the notebook has {exercises}")
    found += [f"exercise {k} has a heading and no solution" for k, n in cells_after.items() if n == 0]
    if not any(c.cell_type == "code" for c in solution.cells):
        found.append("no code cell: a solution the tests cannot run")
    return found


notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", notebooks, ids=[p.name for p in notebooks])
def test_notebook_ends_with_exercises_that_have_solutions(notebook):
    nb = nbformat.read(notebook, as_version=4)
    found = exercise_problems(nb)
    solution = SOLUTIONS / notebook.name
    if not solution.exists():
        found.append(f"no {solution.relative_to(ROOT)}")
    elif not found:
        found += solution_problems(nb, nbformat.read(solution, as_version=4))
    assert not found, f"{notebook.name}:\n  " + "\n  ".join(found)


def test_every_solution_notebook_belongs_to_a_notebook():
    orphans = sorted(p.name for p in SOLUTIONS.glob("*.ipynb") if not (ROOT / "notebooks" / p.name).exists())
    assert not orphans, f"solutions without a notebook: {orphans}"


# --- the checker itself, on synthetic notebooks -------------------------------------------

def _notebook(exercises: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_markdown_cell(exercises)]
    return nb


def _exercises(n: int, hints: bool = True) -> str:
    return HEADING + "\n\n" + "\n\n".join(
        f"**{k}. Задача {k}.** Посчитайте.\n\n" + (f"{HINT} формула." if hints else "") for k in range(1, n + 1))


def _solution(numbers, code=True):
    nb = nbformat.v4.new_notebook()
    for k in numbers:
        nb.cells += [nbformat.v4.new_markdown_cell(f"## Упражнение {k}. Задача {k}"),
                     nbformat.v4.new_code_cell("assert true;") if code else nbformat.v4.new_markdown_cell("Ответ: 4.")]
    return nb


def test_checker_accepts_three_exercises_with_hints_and_solutions():
    nb = _notebook(_exercises(3))
    assert exercise_problems(nb) == []
    assert solution_problems(nb, _solution([1, 2, 3])) == []


def test_checker_catches_too_few_exercises_a_missing_hint_and_an_answer():
    assert exercise_problems(_notebook(_exercises(2))) == ["2 exercises, expected 3–5"]
    assert exercise_problems(_notebook(_exercises(3, hints=False))) == [
        f"exercise {k} has no hint ({HINT}) or more than one" for k in (1, 2, 3)]
    assert exercise_problems(_notebook(_exercises(3) + "\n\nОтвет: 42.")) == [
        "the exercises contain an answer («Ответ:»): answers belong in docs/solutions/"]
    gap = _exercises(4).replace("**3. Задача 3.**", "**5. Задача 3.**")
    assert exercise_problems(_notebook(gap)) == ["exercises numbered [1, 2, 5, 4], expected 1, 2, …"]
    not_last = _notebook(_exercises(3))
    not_last.cells.append(nbformat.v4.new_code_cell("int x = 1;"))
    assert exercise_problems(not_last) == [f"the last cell is not a markdown cell starting with {HEADING!r}"]


def test_checker_catches_a_missing_or_empty_solution():
    nb = _notebook(_exercises(3))
    assert solution_problems(nb, _solution([1, 3])) == ["solutions for exercises [1, 3], the notebook has [1, 2, 3]"]
    empty = _solution([1, 2, 3])
    empty.cells.pop()
    assert solution_problems(nb, empty) == ["exercise 3 has a heading and no solution"]
    assert solution_problems(nb, _solution([1, 2, 3], code=False)) == [
        "no code cell: a solution the tests cannot run"]
