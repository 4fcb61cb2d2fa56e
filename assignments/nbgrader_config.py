"""nbgrader's configuration for the course's assignments: this folder is an nbgrader course root
(source/<assignment>/<assignment>.ipynb). From here: `nbgrader generate_assignment lstm`,
`nbgrader autograde lstm`. The student stub is the one tools/grade.py writes: it throws, in Russian,
instead of nbgrader's silent `// YOUR CODE HERE` (which would compile and pass some checks)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from grade import CELL_TIMEOUT, STUB  # noqa: E402

c = get_config()  # noqa: F821 (provided by nbgrader)
c.ClearSolutions.code_stub = {"java": STUB}
c.Execute.timeout = CELL_TIMEOUT          # nbgrader's default is 30 s per cell
c.Execute.interrupt_on_timeout = True
