"""manage.py assign_experts: JSON in, optimal assignment out; bad input and infeasibility are clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

BASE = {
    "experts": [1, 2, 3],
    "applications": [10, 20],
    "affinity": [[1, 10, 0.9], [1, 20, 0.8], [2, 10, 0.85], [2, 20, 0.1], [3, 20, 0.3]],
    "conflicts": [[3, 10]],
    "k": 1,
    "min_load": 0,
    "max_load": 1,
}


def run(tmp_path: Path, data, *extra: str) -> dict:
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    stdout = StringIO()
    call_command("assign_experts", "--instance", str(src), "--out", str(out), *extra, stdout=stdout)
    assert "assigned" in stdout.getvalue()
    return json.loads(out.read_text(encoding="utf-8"))


def test_round_trip(tmp_path):
    result = run(tmp_path, BASE)
    assert result["assignment"] == [[1, 20], [2, 10]]  # not greedy's 1→10: 0.8 + 0.85 beats 0.9 + 0.3
    assert result["objective"] == pytest.approx(1.65)
    assert isinstance(result["seconds"], float) and result["seconds"] >= 0


def test_per_id_values_accept_string_keys_and_extensions(tmp_path):
    data = BASE | {
        "k": {"10": 2, "20": 1},
        "max_load": {"1": 1, "2": 1, "3": 2},
        "min_load": {"1": 0, "2": 0, "3": 1},
        "fixed": [[1, 10]],
        "expert_municipality": {"1": 5, "2": 5, "3": "other"},
        "application_municipality": {"10": 5, "20": 5},
        "require_external": True,
    }
    data["conflicts"] = []
    result = run(tmp_path, data, "--time-limit", "10", "--candidates", "2")
    assert [1, 10] in result["assignment"]
    # Expert 3 is the only one from another municipality, so it reviews both applications.
    assert sorted(result["assignment"]) == [[1, 10], [3, 10], [3, 20]]


def test_missing_optional_keys_default(tmp_path):
    data = {k: v for k, v in BASE.items() if k not in ("conflicts", "min_load")}
    assert len(run(tmp_path, data)["assignment"]) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "is not valid JSON"),
        ([1, 2], "must be a JSON object"),
        ({k: v for k, v in BASE.items() if k != "k"}, "Missing keys: k"),
        (BASE | {"conflict": []}, "Unknown keys: conflict"),
        (BASE | {"experts": "1,2,3"}, "«experts» must be a list of integer ids"),
        (BASE | {"experts": [1, 2, "3"]}, "«experts» must contain integer ids only"),
        (BASE | {"experts": [1, 2, 2]}, "lists id 2 more than once"),
        (BASE | {"k": 1.5}, "«k» must be a non-negative integer or an object"),
        (BASE | {"k": True}, "«k» must be a non-negative integer or an object"),
        (BASE | {"max_load": -1}, "«max_load» must not be negative"),
        (
            BASE | {"min_load": {"1": -2, "2": 0, "3": 0}},
            "«min_load» for expert 1 must be a non-negative integer",
        ),
        (BASE | {"k": {"10": 1}}, "«k» has no value for application 20"),
        (BASE | {"k": {"10": 1, "20": 1, "30": 1}}, "«k» names unknown application 30"),
        (BASE | {"k": {"ten": 1}}, '«k»: "ten" is not an integer id'),
        (BASE | {"affinity": [[1, 99, 0.5]]}, "«affinity» entry 1 names unknown application 99"),
        (BASE | {"affinity": [[7, 10, 0.5]]}, "«affinity» entry 1 names unknown expert 7"),
        (BASE | {"affinity": [[1, 10]]}, "«affinity» entry 1 must be [expert, application, number]"),
        (BASE | {"affinity": [[1, 10, "high"]]}, "«affinity» entry 1 must be [expert, application, number]"),
        (BASE | {"affinity": [[1, 10, 0.5], [1, 10, 0.6]]}, "gives the pair [1, 10] twice"),
        (BASE | {"conflicts": [[1, 30]]}, "«conflicts» entry 1 names unknown application 30"),
        (BASE | {"conflicts": [[1]]}, "«conflicts» entry 1 must be [expert, application]"),
        (BASE | {"require_external": "yes"}, "«require_external» must be true or false"),
        (BASE | {"expert_municipality": {"1": [1]}}, "must be an integer, a string or null"),
    ],
)
def test_bad_input_is_a_clear_command_error(tmp_path, data, message):
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run(tmp_path, data)
    assert not (tmp_path / "out.json").exists()


def test_unreadable_file_and_bad_time_limit(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "assign_experts", "--instance", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o")
        )
    with pytest.raises(CommandError, match="--time-limit must be a positive number"):
        run(tmp_path, BASE, "--time-limit", "0")


def test_infeasible_instance_explains_itself(tmp_path):
    data = BASE | {"k": 2}  # demand 4, capacity 3
    with pytest.raises(CommandError, match=r"total demand Σk = 4 exceeds total capacity Σmax_load = 3 by 1"):
        run(tmp_path, data)
    data = BASE | {"k": 2, "max_load": 2}  # capacity is enough, but only expert 1 may review 10
    data["conflicts"] = [[3, 10], [2, 10]]
    with pytest.raises(
        CommandError, match="application 10 has only 1 available non-conflicted expert but needs 2"
    ):
        run(tmp_path, data)


def test_exit_code_is_non_zero_on_error(tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps(BASE | {"k": 5}), encoding="utf-8")
    root = Path(__file__).resolve().parents[3]
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "assign_experts",
            "--instance",
            str(src),
            "--out",
            str(tmp_path / "o.json"),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "exceeds total capacity" in proc.stderr
    assert not (tmp_path / "o.json").exists()
