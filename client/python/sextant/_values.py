"""Turning what a script passes to `log` into history metrics.

History holds numbers only. A logged dict is flattened into `/`-joined keys
(`{"train": {"loss": 1}}` is `train/loss`); each value is then a metric
(a number or a bool, numpy scalars included), skipped (None), or kept aside
for the run's summary (strings and anything else JSON can hold).
"""

import math
import numbers


def flatten(data, prefix=""):
    """Returns a flat dict of `/`-joined keys for a nested mapping."""
    flat = {}
    for key, value in data.items():
        name = key if not prefix and type(key) is str else f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "/"))
        else:
            flat[name] = value
    return flat


def split(flat):
    """Splits flat values into metrics (key -> float) and others (key ->
    JSON-able value for the summary). None values are dropped."""
    metrics, others = {}, {}
    for key, value in flat.items():
        number = as_number(value)
        if number is not None:
            metrics[key] = number
        elif value is not None:
            others[key] = as_json(value)
    return metrics, others


def as_number(value):
    """Returns value as a float when it is a number or a bool (numpy scalars
    and 0-d arrays included), else None."""
    kind = type(value)
    if kind is float:  # the common cases first: the checks below are slow
        return value
    if kind is int:
        return float(value)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, numbers.Real):
        return float(value)
    item = _numpy_item(value)
    if item is not None and not isinstance(item, str):
        return as_number(item)
    return None


def as_json(value):
    """Returns value in a form json.dumps accepts: numpy scalars and arrays
    become Python values, unknown objects their str()."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return as_json(tolist())
    return str(value)


def encode_number(x):
    """Returns a float as the JSON value the server reads back bit for bit:
    NaN and the infinities as their agreed strings."""
    if math.isfinite(x):
        return x
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _numpy_item(value):
    # numpy scalars (np.float32, np.int64, np.bool_) and 0-d arrays have
    # item(); checking for it keeps numpy an optional import.
    item = getattr(value, "item", None)
    if not callable(item) or getattr(value, "shape", None) not in ((), None):
        return None
    try:
        return item()
    except (TypeError, ValueError):
        return None
