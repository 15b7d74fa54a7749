"""Teacher tooling: student versions, and grading a class on every core and across machines.

One module per job: ``config`` (folders, limits, course version), ``cells`` (what makes a
cell an answer or a test, and the markers of what a learner must not see), ``release``
(student versions with nbgrader), ``collect`` (which submissions, what was refused,
shards), ``repair`` (the notebook to grade, built from the course version and the
student's answers), ``sandbox`` (bubblewrap on an empty root), ``cgroups`` and ``launch``
(limits per sandbox), ``kernels`` (the two kernels run side by side, restarted when they
hang or die, and the channel between them), ``in_kernel/graded_calls`` (a test's calls of
the student's functions, sent from the verdict kernel and served in the student's),
``autograde`` (run, judge and score, in parallel), ``batch`` (one ``grade`` run as a
record), ``results`` (what a grade is), ``report`` (grade tables, merge), ``feedback``
(HTML pages), ``usage`` (a run's processes, for tests and benchmarks) and ``cli`` (the
commands). The README's "Teaching with this course" section says how to use them and what
the grader guards against.
"""
