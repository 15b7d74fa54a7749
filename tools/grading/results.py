"""What grading produces, shared by the runner, the tables and the feedback pages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CellResult:
    """One test cell of one submission: points earned of ``max_score``, how it ended, and
    what was repaired on the way (``""`` if nothing)."""

    grade_id: str
    score: float
    max_score: float
    outcome: str
    repair: str = ""


@dataclass
class Result:
    """One student's grade for one notebook."""

    student: str
    notebook: str
    score: float
    max_score: float
    status: str
    seconds: float
    cells: list[CellResult] = field(default_factory=list)
