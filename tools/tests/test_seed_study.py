"""The seed study's merge: the same words with other numbers become one line of mean ± sd."""
from seed_study import merge


def test_numbers_that_vary_become_mean_and_sd_and_the_rest_stays():
    runs = [["plain-8 0.260 vs plain-20 0.205 after 4 epochs", "growth ×1.2e+03"],
            ["plain-8 0.240 vs plain-20 0.215 after 4 epochs", "growth ×1.4e+03"],
            ["plain-8 0.250 vs plain-20 0.225 after 4 epochs", "growth ×1.0e+03"]]
    assert merge(runs) == ["plain-8 0.250 ± 0.0100 vs plain-20 0.215 ± 0.0100 after 4 epochs",
                           "growth ×1.20e+03 ± 2.0e+02"]


def test_lines_that_differ_in_words_are_shown_per_run():
    assert merge([["ok: yes"], ["ok: no"]]) == ["[run 0] ok: yes", "[run 1] ok: no"]
