"""The calls a test makes of a student's functions (``tools/grading/in_kernel/graded_calls.py``):
what goes between the kernels is plain data (and, from the verdict kernel only, the test's
own small functions), the student's kernel gets the arguments and nothing else, and the
verdict kernel's stand-ins give back what the student's function gave, refusing changes to
the arguments and entries into forbidden packages. No kernel runs here: the two kernels are
two namespaces, and every message passes through JSON as it does between them."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import torch

from tools.grading.in_kernel import graded_calls as calls


def roundtrip(value):
    return calls.decode(json.loads(json.dumps(calls.encode(value))))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2.5,
        float("inf"),
        "text",
        1 + 2j,
        np.float64(2.5),
        np.int32(7),
        np.bool_(True),
        np.array(3.0),
        np.arange(6, dtype=np.int32).reshape(2, 3),
        np.ones((3, 4))[:, 1],
        np.zeros((2, 0)),
        (np.eye(2), [1, "a", None]),
        {"W": np.eye(2), 3: [4.0]},
    ],
)
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


@pytest.mark.parametrize(
    "value, named",
    [
        (lambda: 0, "function"),
        (np.array([object()]), "dtype object"),
        (iter([1]), "list_iterator"),
        ([[[[[[[[1]]]]]]]], "nested more than"),
    ],
)
def test_what_is_not_plain_data_is_refused_by_name(value, named):
    with pytest.raises(calls.Unrecordable, match=named):
        calls.encode(value)


def served(student: dict, log: list | None = None):
    """A transport that serves each call from the namespace ``student``, as the student's
    kernel does (every message through JSON)."""

    def transport(request):
        request = json.loads(json.dumps(request))
        if log is not None:
            log.append(request)
        payload = {"args": request["args"], "kwargs": request["kwargs"]}
        return json.loads(calls.serve(student, request["name"], payload))

    return transport


def judged(answer, test, in_place=(), source="def answer(x):\n    return x\n", transport=None):
    """Run ``test`` (a function of the verdict's namespace) with the stand-in of ``answer``."""
    from helpers.notebook.feedback import check_own_work

    judge = {"answer": None, "check_own_work": check_own_work}
    calls.replay(
        "t", judge, ["answer"], transport or served({"answer": answer}), {"answer": source}, in_place
    )
    try:
        return test(judge)
    finally:
        calls.restore(judge)
        assert judge["check_own_work"] is check_own_work


def test_results_exceptions_and_allowed_in_place_changes_come_back():
    def answer(x, scale):
        if scale < 0:
            raise ValueError("scale must be >= 0")
        x *= scale  # the exercise's contract (in_place) is to change the caller's array
        return x, float(x.sum())

    def test(ns):
        caller = np.array([1.0, 2.0])
        result, total = ns["answer"](caller, 2.0)
        with pytest.raises(ValueError, match="scale must be"):
            ns["answer"](caller, -1.0)
        return caller, result, total

    caller, result, total = judged(answer, test, in_place=("answer",))
    assert np.array_equal(caller, [2.0, 4.0]), "the change in place is replayed"
    assert result is caller, "the result that was the caller's array is the caller's array again"
    assert total == 6.0


def test_a_change_to_an_argument_fails_where_the_contract_is_a_new_value():
    """The hidden test computes its expected value from its input after the call: an answer
    that zeroes the input and returns zeros must not pass."""

    def answer(x):
        x[...] = 0
        return 2 * x

    def test(ns):
        given = np.arange(3.0)
        with pytest.raises(AssertionError, match=r"changed its argument args\[0\] in place"):
            ns["answer"](given)
        return given

    assert np.array_equal(judged(answer, test), [0.0, 1.0, 2.0]), "the test's input is as it was"


def test_a_copy_is_not_an_alias():
    def test(ns):
        given = np.ones(3)
        return given, ns["answer"](given)

    given, result = judged(lambda x: x * 1.0, test)
    assert result is not given and not np.shares_memory(result, given)


def test_the_student_receives_only_the_arguments():
    """What reaches the student's side is the call: its name and arguments, as plain data."""
    log = []
    judged(
        lambda x, scale=1: x * scale,
        lambda ns: ns["answer"](np.ones(2), scale=3),
        transport=served({"answer": lambda x, scale=1: x * scale}, log),
    )
    assert [sorted(request) for request in log] == [["args", "kwargs", "name", "test"]]
    assert calls.decode(log[0]["kwargs"]) == {"scale": 3}


def test_the_tests_own_functions_travel_as_code_with_their_modules_and_closures():
    """An activation passed by the test (a lambda reading ``np`` and a closure, a ufunc, a
    builtin) runs on the student's side."""
    slope = 0.5

    def answer(x, f, g, h):
        return f(x), g(x), h(-1)

    def test(ns):
        return ns["answer"](np.array([0.0, 1.0]), lambda v: slope * np.tanh(v), np.exp, abs)

    f, g, h = judged(answer, test)
    assert np.allclose(f, 0.5 * np.tanh([0.0, 1.0])) and np.allclose(g, np.exp([0.0, 1.0])) and h == 1


@pytest.mark.parametrize(
    "forged",
    [
        {"function": {"code": "", "name": "f", "globals": [], "defaults": None, "closure": []}},
        {"module": "os"},
        {"builtin": "exec"},
        {"ufunc": "add"},
        {"list": [{"module": "subprocess"}]},
    ],
)
def test_code_is_never_taken_from_the_students_side(forged):
    with pytest.raises(ValueError, match="never taken from the student's kernel"):
        calls.decode(forged)
    entry = {"name": "answer", "result": forged, "mutated": [], "aliases": []}
    with pytest.raises(ValueError, match="never taken"):
        judged(None, lambda ns: ns["answer"](1), transport=lambda request: entry)


def test_a_call_that_got_no_answer_fails_saying_why():
    with pytest.raises(AssertionError, match=r"gave no answer .*timed out after 60 s"):
        judged(
            None,
            lambda ns: ns["answer"](np.ones(2)),
            transport=lambda request: {"failed": "timed out after 60 s (kernel restarted)"},
        )


def test_an_unrecordable_result_fails_the_test_with_a_clear_message():
    with pytest.raises(TypeError, match="generator, which the grader cannot check"):
        judged(lambda x: (v for v in x), lambda ns: ns["answer"]([1]))


def test_an_argument_the_grader_cannot_send_is_named():
    with pytest.raises(AssertionError, match="cannot pass a builtins.object"):
        judged(lambda x: x, lambda ns: ns["answer"](object()))


def test_an_exit_inside_the_answer_is_a_raised_exception():
    def answer(x):
        sys.exit(3)

    with pytest.raises(Exception, match="3"):
        judged(answer, lambda ns: ns["answer"](1))


@pytest.mark.parametrize(
    "source, named",
    [
        (
            "import helpers.numpy_nets.activations as act\n\ndef answer(v):\n    return act.softmax(v)\n",
            "act.softmax",
        ),
        (
            "import helpers.numpy_nets.activations as act\nsm = act.softmax\nalso = sm\n\n"
            "def answer(v):\n    return also(v)\n",
            "helpers.numpy_nets.activations",
        ),
        (
            "from helpers.numpy_nets.activations import softmax as s\n\ndef answer(v):\n    return s(v)\n",
            "helpers.numpy_nets.activations",
        ),
    ],
)
def test_check_own_work_is_judged_from_the_answers_source(source, named):
    """In the verdict kernel the stand-in carries the answer's source: the course's guard
    reads it (its imports and the names it assigns at the top too), never the student's
    function object, whose top-level lines never ran there."""
    with pytest.raises(AssertionError, match=named):
        judged(lambda v: v, lambda ns: ns["check_own_work"](ns["answer"]), source=source)


def test_a_forbidden_package_entered_at_run_time_fails_whatever_the_source_says():
    """The answer's source names no helper (``check_own_work`` passes), but the call goes
    into the course's softmax through a module it reached some other way."""
    import importlib

    def answer(v):
        module = importlib.import_module("helpers.numpy_nets." + "activations")
        return module.softmax(v)

    def test(ns):
        ns["check_own_work"](ns["answer"])
        return ns["answer"](np.array([0.0, 1.0]))

    with pytest.raises(AssertionError, match=r"ran .*helpers\.numpy_nets\.activations.*write it yourself"):
        judged(answer, test)
    allowed = judged(answer, lambda ns: ns["answer"](np.array([0.0, 0.0])))  # no check_own_work: allowed
    assert np.allclose(allowed, [0.5, 0.5])


def test_an_entry_cannot_name_anything_but_an_exception_class():
    """A forged answer naming ``exec`` (or any other builtin) as the exception raised does
    not run it in the verdict kernel: it raises ``Exception`` with the message as text."""
    forged = {"name": "answer", "raised": {"type": "exec", "message": "import os"}}
    with pytest.raises(Exception) as raised:
        judged(None, lambda ns: ns["answer"](1), transport=lambda request: forged)
    assert type(raised.value) is Exception and str(raised.value) == "import os"


def test_messages_cross_a_socket_whole(tmp_path):
    """The verdict kernel's transport: one JSON message each way on a unix socket."""
    import socket
    import threading

    path = str(tmp_path / "calls")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)

    def serve_once():
        connection, _ = listener.accept()
        with connection:
            request = calls.receive_message(connection)
            calls.send_message(
                connection, {"name": request["name"], "result": calls.encode(np.ones(300_000))}
            )

    thread = threading.Thread(target=serve_once)
    thread.start()
    entry = calls.channel(path)({"name": "answer", "args": [], "kwargs": {}})
    thread.join()
    listener.close()
    assert np.array_equal(calls.decode(entry["result"]), np.ones(300_000))
