"""Great Expectations' import, made cheaper (gx_session): the same models, the same verdicts.

``GXSession`` imports GX with pydantic's field copies made slot by slot (``fast_field_copies``)
and with the modules no suite here uses deferred (``defer_unused_gx_imports``). Each is checked in
a fresh interpreter, since GX is imported once per process.
"""

from __future__ import annotations

import copy
import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from commitment_tracker.validation import gx_session

REPO = Path(__file__).resolve().parent.parent

# Every pydantic v1 model class defined once GX is imported, with each field's type, default,
# validators and field info (object addresses blanked), sorted: one line per class.
MODELS = r"""
import re, sys
from pydantic.v1 import BaseModel

def name(v):
    return getattr(v, "__qualname__", None) or repr(v)

def field(f):
    return (
        f.name, f.alias, repr(f.outer_type_), repr(f.type_), f.required, repr(f.default), f.shape,
        f.allow_none, f.validate_always, repr(f.model_config),
        [name(v) for v in f.validators or []], [name(v) for v in f.pre_validators or []],
        [name(v) for v in f.post_validators or []],
        sorted((k, name(v.func)) for k, v in (f.class_validators or {}).items()),
        repr(f.field_info), [field(s) for s in f.sub_fields or []],
    )

found, todo = set(), [BaseModel]
while todo:
    for sub in todo.pop().__subclasses__():
        if sub not in found:
            found.add(sub)
            todo.append(sub)
lines = sorted(
    re.sub(
        r"0x[0-9a-f]+", "0x", f"{c.__module__} {c.__qualname__} {[field(f) for f in c.__fields__.values()]}"
    )
    for c in found
)
"""


def _run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def session_import() -> dict:
    """GX imported as a validation imports it, then the deferred modules and their expectations used."""
    return _run(
        "import json, sys, importlib.util\n"
        "from commitment_tracker.validation import gx_session\n"
        "session = gx_session.GXSession()\n"
        "deferred = {m: isinstance(sys.modules.get(m), importlib.util._LazyModule)"
        " for m in gx_session.DEFERRED_MODULES}\n"
        "from pydantic.v1.fields import FieldInfo, ModelField\n"
        "restored = all('__deepcopy__' not in c.__dict__ for c in (ModelField, FieldInfo))\n"
        "import pyarrow as pa\n"
        "suite = {'name': 's', 'expectations': [{'type': 'expect_column_values_to_match_json_schema',"
        " 'kwargs': {'column': 'j', 'json_schema': {'type': 'object', 'required': ['a']}}}]}\n"
        "(judged,) = session.validate(suite, pa.table({'j': ['{\"a\": 1}', '{\"b\": 2}']}), {}, True)\n"
        "import scipy.stats, mistune\n"
        "used = [round(float(scipy.stats.norm.cdf(0)), 3), mistune.markdown('*a*').strip()]\n"
        + MODELS
        + "print(json.dumps({'deferred': deferred, 'restored': restored, 'lines': lines,"
        " 'json_schema': [judged.success, judged.result.get('unexpected_index_list')], 'used': used}))\n"
    )


def test_the_fast_field_copies_build_the_same_models(session_import):
    plain = _run("import json\nimport great_expectations\n" + MODELS + "print(json.dumps({'lines': lines}))")
    assert len(plain["lines"]) > 300  # GX's expectations, datasources, assets, configs
    assert session_import["lines"] == plain["lines"]


def test_pydantic_copies_fields_its_own_way_again_after_the_import(session_import):
    assert session_import["restored"]


def test_the_unused_modules_stay_unloaded_and_work_when_used(session_import):
    assert session_import["deferred"] == {m: True for m in gx_session.DEFERRED_MODULES}
    # The JSON-schema expectation loads jsonschema when it runs, and judges as usual.
    assert session_import["json_schema"] == [False, [1]]
    assert session_import["used"] == [0.5, "<p><em>a</em></p>"]


class _Slotted:
    __slots__ = ("a", "b", "unset")

    def __init__(self, a, b):
        self.a, self.b = a, b


class _WithDict(_Slotted):
    pass


def test_a_copy_by_slots_is_what_deepcopy_makes():
    shared = [1, {"x": [2]}]
    original = _WithDict(shared, shared)
    original.c = original  # a cycle through __dict__
    original.b = [original, shared]
    fast = gx_session._copy_by_slots(original, {})
    plain = copy.deepcopy(original)
    for made in (fast, plain):
        assert type(made) is _WithDict and made is not original
        assert made.a == shared and made.a is not shared
        assert made.b[0] is made and made.b[1] is made.a  # sharing and cycles kept
        assert made.c is made
        assert not hasattr(made, "unset")


def test_a_class_that_copies_itself_is_left_alone():
    class Own(_Slotted):
        def __reduce__(self):
            return (Own, (1, 2))

    assert gx_session._copies_by_default(_Slotted)
    assert not gx_session._copies_by_default(Own)


def test_the_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    try:
        with gx_session.no_cycle_collection():
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process is not a worker: its objects go back to the collector
