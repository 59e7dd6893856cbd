# Calls chaostoolkit-kubernetes / chaostoolkit-istio functions as chaoslib's run_python_activity does, one after the
# other, for the real-cluster tests' oracle: stdin is a JSON list of {module, func, arguments}; stdout one JSON list
# of {"ok": result} or {"error": "<ExcType: message>"} (chaoslib's format_exception_only(...)[0].strip()).
# Credentials: KUBECONFIG in the environment, as the tests give it.
import importlib
import json
import sys
import traceback


def encode(o):
    # model objects (V1Node...) and the like: their class name, as the tests only compare JSON results
    return {"__object__": type(o).__name__}


out = []
for call in json.load(sys.stdin):
    try:
        func = getattr(importlib.import_module(call["module"]), call["func"])
        out.append({"ok": func(**call.get("arguments", {}))})
    except Exception as x:
        out.append({"error": traceback.format_exception_only(type(x), x)[0].strip()})
print(json.dumps(out, default=encode))
