"""The timing summary groups the tests the way tools/test.sh reports them."""
import timings


def test_summary_groups_notebooks_by_profile_and_the_rest_by_part():
    t = {"tests": {
        "tools/tests/test_notebooks.py::test_notebook_runs[smoke/01-alexnet.ipynb]": {"seconds": 10.0, "outcome": "passed"},
        "tools/tests/test_notebooks.py::test_notebook_runs[laptop/01-alexnet.ipynb]": {"seconds": 90.0, "outcome": "failed"},
        "tools/tests/test_grading.py::test_a": {"seconds": 5.0, "outcome": "passed"},
        "tools/tests/test_hostile.py::test_b": {"seconds": 7.0, "outcome": "failed"},
        "tools/tests/test_lab.py::test_make_lab_serves_the_course_to_a_student": {"seconds": 6.0, "outcome": "passed"},
        "tools/tests/test_environment.py::test_pins": {"seconds": 0.5, "outcome": "passed"},
    }, "notebooks": {
        "laptop/01-alexnet.ipynb": {"slowest_cell": {"index": 7, "seconds": 80.0}, "stderr_cells": [3]},
        "laptop/02-vgg.ipynb": {"seconds": 70.0, "slowest_cell": None, "stderr_cells": []},
    }}
    # run beside 01, 02 took 70 s of its own, and its test waited 15 s more once 01's had ended
    t["tests"]["tools/tests/test_notebooks.py::test_notebook_runs[laptop/02-vgg.ipynb]"] = {
        "seconds": 15.0, "outcome": "passed"}
    lines = timings.lines(t)
    alexnet = next(line for line in lines if "01-alexnet.ipynb" in line)
    assert "passed    10.0" in alexnet and "failed    90.0" in alexnet, alexnet
    vgg = next(line for line in lines if "02-vgg.ipynb" in line)
    assert "passed    70.0" in vgg, vgg
    assert any("one after another" in line and "160.0" in line for line in lines), lines
    assert any("wall time" in line and "105.0" in line for line in lines), lines
    assert alexnet.index("passed") < alexnet.index("failed"), "smoke's column comes before laptop's"
    assert "laptop: #7 80.0 s, stderr [3]" in alexnet, alexnet
    assert any("grading, honest and hostile (2 tests)" in line and "failed" in line and "12.0" in line
               for line in lines), lines
    assert any("make lab" in line and "6.0" in line for line in lines), lines
    assert any("other checks (1 tests" in line for line in lines), lines


def test_no_timings_file_prints_nothing(tmp_path, capsys):
    assert timings.main(["timings.py", str(tmp_path / "missing.json")]) == 0
    assert capsys.readouterr().out == ""
