"""Record and replay of a student's calls (``tools/grading/in_kernel/graded_calls.py``): what
the student's kernel records is plain data, and the verdict kernel's stand-ins give back
the same values with the same effects on their arguments. No kernel runs here: the two
kernels are two namespaces, and the records pass through JSON as they do between them."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from tools.grading.in_kernel import graded_calls as calls


def roundtrip(value):
    return calls.decode(json.loads(json.dumps(calls.encode(value))))


@pytest.mark.parametrize("value", [
    None, True, 3, 2.5, float("inf"), "text", 1 + 2j, np.float64(2.5), np.int32(7), np.bool_(True),
    np.array(3.0),
    np.arange(6, dtype=np.int32).reshape(2, 3), np.ones((3, 4))[:, 1], np.zeros((2, 0)),
    (np.eye(2), [1, "a", None]), {"W": np.eye(2), 3: [4.0]},
])
def test_plain_data_comes_back_equal_with_its_type_dtype_and_shape(value):
    back = roundtrip(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray | np.generic):
        assert back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
    elif isinstance(value, tuple):
        assert np.array_equal(back[0], value[0]) and back[1] == value[1]
    elif isinstance(value, dict):
        assert list(back) == list(value) and np.array_equal(back["W"], value["W"]) and back[3] == [4.0]
    else:
        assert back == value


def test_a_tensor_comes_back_a_tensor():
    back = roundtrip(torch.ones(2, 3, requires_grad=True))
    assert isinstance(back, torch.Tensor) and back.shape == (2, 3) and back.requires_grad


@pytest.mark.parametrize("value, named", [
    (lambda: 0, "function"), (np.array([object()]), "dtype object"), (iter([1]), "list_iterator"),
    ([[[[[[[[1]]]]]]]], "nested more than"),
])
def test_what_is_not_plain_data_is_refused_by_name(value, named):
    with pytest.raises(calls.Unrecordable, match=named):
        calls.encode(value)


def record_and_replay(monkeypatch, student_function, test_code):
    """Run ``test_code`` (a function of the namespace) once in a "student's kernel" with
    ``student_function`` recorded, then in a "verdict kernel" on the replayed records."""
    emitted = []
    monkeypatch.setattr(calls, "_emit", lambda entry: emitted.append(json.loads(json.dumps(entry))))
    student = {"answer": student_function}
    calls.record("t", student, ["answer"])
    try:
        test_code(student)
    except Exception:  # the student's kernel's own verdict is not read
        pass
    calls.restore(student)
    assert student["answer"] is student_function
    return emitted


def verdict(tmp_path, emitted, test_code, outcome="it was never called"):
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"calls": {"t": emitted}, "outcomes": {"t": outcome},
                                "sources": {"answer": "def answer(x):\n    return x\n"}}))
    judge = {"answer": None}
    calls.replay("t", judge, ["answer"], str(path))
    try:
        return test_code(judge)
    finally:
        calls.restore(judge)


def test_results_exceptions_and_in_place_changes_replay(monkeypatch, tmp_path):
    def answer(x, scale):
        if scale < 0:
            raise ValueError("scale must be >= 0")
        x *= scale          # changes the caller's array: the test must see that
        return x, float(x.sum())

    def test(ns):
        caller = np.array([1.0, 2.0])
        result, total = ns["answer"](caller, 2.0)
        with pytest.raises(ValueError, match="scale must be"):
            ns["answer"](caller, -1.0)
        return caller, result, total

    caller, result, total = verdict(tmp_path, record_and_replay(monkeypatch, answer, test), test)
    assert np.array_equal(caller, [2.0, 4.0]), "the change in place is replayed"
    assert result is caller, "the result that was the caller's array is the caller's array again"
    assert total == 6.0


def test_a_copy_is_not_an_alias(monkeypatch, tmp_path):
    def test(ns):
        given = np.ones(3)
        return given, ns["answer"](given)

    given, result = verdict(tmp_path, record_and_replay(monkeypatch, lambda x: x * 1.0, test), test)
    assert result is not given and not np.shares_memory(result, given)


def test_a_call_with_no_record_fails_saying_why(monkeypatch, tmp_path):
    with pytest.raises(AssertionError, match=r"gave no answer .*timed out after 60 s"):
        verdict(tmp_path, [], lambda ns: ns["answer"](np.ones(2)), outcome="timed out after 60 s")


def test_calls_that_differ_between_the_kernels_fail(monkeypatch, tmp_path):
    emitted = record_and_replay(monkeypatch, lambda x: x, lambda ns: ns["answer"](np.ones(2)))
    with pytest.raises(AssertionError, match=r"called answer\(array\(3,\)\).*was answer\(array\(2,\)\)"):
        verdict(tmp_path, emitted, lambda ns: ns["answer"](np.ones(3)))


def test_an_unrecordable_result_fails_the_test_with_a_clear_message(monkeypatch, tmp_path):
    emitted = record_and_replay(monkeypatch, lambda x: (v for v in x), lambda ns: ns["answer"]([1]))
    with pytest.raises(TypeError, match="generator, which the grader cannot check"):
        verdict(tmp_path, emitted, lambda ns: ns["answer"]([1]))


@pytest.mark.parametrize("source, named", [
    ("import helpers.numpy_nets.activations as act\n\ndef answer(v):\n    return act.softmax(v)\n",
     "act.softmax"),
    ("import helpers.numpy_nets.activations as act\nsm = act.softmax\nalso = sm\n\n"
     "def answer(v):\n    return also(v)\n",
     "helpers.numpy_nets.activations"),
    ("from helpers.numpy_nets.activations import softmax as s\n\ndef answer(v):\n    return s(v)\n",
     "helpers.numpy_nets.activations"),
])
def test_check_own_work_is_judged_from_the_recorded_source(tmp_path, source, named):
    """In the verdict kernel the stand-in carries the answer's source: the course's guard
    reads it (its imports and the names it assigns at the top too), never the student's
    function object, whose top-level lines never ran there."""
    from helpers.notebook.feedback import check_own_work

    path = tmp_path / "records.json"
    path.write_text(json.dumps({"calls": {}, "outcomes": {}, "sources": {"answer": source}}))
    judge = {"answer": None, "np": np}
    calls.replay("t", judge, ["answer"], str(path))
    with pytest.raises(AssertionError, match=named):
        check_own_work(judge["answer"])
    calls.restore(judge)


def test_a_record_cannot_name_anything_but_an_exception_class(monkeypatch, tmp_path):
    """A forged record naming ``exec`` (or any other builtin) as the exception raised does
    not run it in the verdict kernel: it raises ``Exception`` with the message as text."""
    forged = [{"name": "answer", "inputs": "(int)", "raised": {"type": "exec", "message": "import os"}}]
    with pytest.raises(Exception) as raised:
        verdict(tmp_path, forged, lambda ns: ns["answer"](1))
    assert type(raised.value) is Exception and str(raised.value) == "import os"


def test_an_answer_calling_another_answer_records_only_the_tests_call(monkeypatch, tmp_path):
    emitted = []
    monkeypatch.setattr(calls, "_emit", emitted.append)
    student = {}
    student["inner"] = lambda x: x + 1
    student["outer"] = lambda x: student["inner"](x) * 2
    calls.record("t", student, ["inner", "outer"])
    assert student["outer"](1) == 4
    calls.restore(student)
    assert [entry["name"] for entry in emitted] == ["outer"]
