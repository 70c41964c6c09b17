"""Caribou's launcher for the moto server (local mode's AWS API emulator).

Imports moto 5.2.1, patches the fidelity gaps our system meets (see docs/local-mode.md and
toolchain-notes "What moto gets wrong"), and serves moto on loopback:

  1. event source mappings are inert: moto would push every SendMessage to a Lambda it cannot run,
     make the message visible again and drive healthy messages into the DLQ. The local Lambda
     runtime polls the queues itself.
  4. EventBridge targets honour `Input`, `InputPath` and `InputTransformer` (never a 500 for an
     unquoted placeholder), delivered events carry `account`, disabled rules deliver nothing, and
     Lambda targets are handed to the local runtime (async invoke) instead of failing.
  5. JSONPath expressions are parsed once (moto re-parsed them on every delivery, ~150 ms each).
  6. SetQueueAttributes without `Policy` keeps the queue policy, and `RedrivePolicy` / `Policy`
     come back compact as AWS returns them (no perpetual `terraform plan` drift).
  7. The Price List Query API's GetProducts (moto has no `pricing` service) is answered from a
     small embedded sample in AWS's response shape (pricing_sample.py).
 10. (Found by bench/reliability; not in toolchain-notes.) DynamoDB requests are served one at a time. moto's threaded server runs each request on its
     own thread and its DynamoDB backend reads the item, evaluates the condition and writes with
     no lock, so a thread switch between the read and the write lets two conditional writes on one
     item both succeed (two `attribute_not_exists` claims both "win"), which DynamoDB never allows
     and the runtime's exactly-once claims rely on. The lock is held only around moto's own work
     (the request body is read from the socket before it is taken).
     `CARIBOU_LOCAL_MOTO_CONDITION_DELAY_MS` (tests only) sleeps that many milliseconds between
     the read and the condition check of UpdateItem/DeleteItem, so the race is reproducible.
     Proven by test/integration/local/emulator.test.ts "moto launcher patch 10" (fails without it).

`GET /_caribou/info` reports the moto version, the applied patches, this emulator instance's id
(the terraform state of local mode is tied to it) and the JSONPath cache statistics.

`POST /_caribou/faults` (fault injection for bench/reliability; production code cannot reach it: it
exists only in this launcher) sets `{"dynamodb_write_error_rate": 0.1, "dynamodb_error":
"ProvisionedThroughputExceededException" | "ThrottlingException" | "InternalServerError"}`: that
share of DynamoDB write requests (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
TransactWriteItems) is answered with the error, before moto sees it (nothing is written).
`GET /_caribou/faults` (and every POST) returns the settings and how many errors were injected so far.

Usage: python3 moto_launcher.py [--host 127.0.0.1] [--port 4566] [--owner-pid PID]
"""

from __future__ import annotations

import argparse
import copy
import datetime
import functools
import json
import os
import sys
import threading
import time
import urllib.request
import uuid
from typing import Any

EXPECTED_MOTO_VERSION = "5.2.1"
INSTANCE_ID = uuid.uuid4().hex
STARTED_AT = time.time()
APPLIED: list[str] = []

_jsonpath_parse: Any = None


class _InertRegistry:
    """Descriptor replacing moto's per-resource `lambda_event_source_mappings` dict: every read
    returns a fresh empty dict and writes are dropped, so moto never pushes records to Lambda."""

    def __get__(self, obj: Any, objtype: Any = None) -> dict[str, Any]:
        return {}

    def __set__(self, obj: Any, value: Any) -> None:
        return None


def patch_inert_event_source_mappings() -> None:
    from moto.sqs.models import Queue
    from moto.dynamodb.models.table import Table
    from moto.kinesis.models import Stream

    for cls in (Queue, Table, Stream):
        cls.lambda_event_source_mappings = _InertRegistry()  # type: ignore[assignment]
    APPLIED.append("inert-event-source-mappings")


def patch_jsonpath_cache() -> None:
    global _jsonpath_parse
    import jsonpath_ng.ext

    original = jsonpath_ng.ext.parse
    cached = functools.lru_cache(maxsize=2048)(original)
    jsonpath_ng.ext.parse = cached  # moto imports it inside the function on every call
    _jsonpath_parse = cached
    APPLIED.append("jsonpath-parse-cache")


def _iso_time(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(float(value), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def _aws_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as AWS delivers it to targets (field order and ISO time as in AWS)."""
    out: dict[str, Any] = {}
    for key in ("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"):
        if key in event:
            out[key] = _iso_time(event[key]) if key == "time" else event[key]
    for key, value in event.items():
        if key not in out and key != "ingestion-time":
            out[key] = value
    return out


def _first_match(path: str, event: dict[str, Any]) -> tuple[bool, Any]:
    matches = _jsonpath_parse(path).find(event)
    if not matches:
        return False, None
    return True, matches[0].value


def render_input_transformer(transformer: dict[str, Any], event: dict[str, Any], rule_arn: str, rule_name: str) -> str:
    """AWS InputTransformer semantics: a placeholder inside quotes gets the value's JSON-escaped
    text (a string without its quotes); outside quotes a string is inserted raw and any other
    value as JSON. Missing paths become empty (strings) / null (elsewhere). Never raises."""
    values: dict[str, tuple[bool, Any]] = {}
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        try:
            values[name] = _first_match(path, event)
        except Exception:  # an unparseable path delivers nothing for that placeholder
            values[name] = (False, None)
    values["aws.events.event"] = (True, event)
    values["aws.events.event.json"] = (True, event)
    values["aws.events.rule-arn"] = (True, rule_arn)
    values["aws.events.rule-name"] = (True, rule_name)
    values["aws.events.event.ingestion-time"] = (True, _iso_time(event.get("ingestion-time", time.time())))
    template = transformer.get("InputTemplate")
    if template is None:
        return json.dumps(event)
    out: list[str] = []
    i = 0
    in_string = False
    while i < len(template):
        ch = template[i]
        if ch == "<":
            end = template.find(">", i + 1)
            name = template[i + 1 : end] if end > i else None
            if name is not None and name in values:
                found, value = values[name]
                if in_string:
                    if not found or value is None:
                        text = ""
                    elif isinstance(value, str):
                        text = json.dumps(value)[1:-1]
                    else:
                        text = json.dumps(value, separators=(",", ":"))
                        text = json.dumps(text)[1:-1] if isinstance(value, (dict, list)) else text
                else:
                    if not found:
                        text = "null"
                    elif isinstance(value, str):
                        text = value
                    else:
                        text = json.dumps(value, separators=(",", ":"))
                out.append(text)
                i = end + 1
                continue
        if ch == '"' and (i == 0 or template[i - 1] != "\\"):
            in_string = not in_string
        out.append(ch)
        i += 1
    return "".join(out)


def _target_body(target: dict[str, Any], event: dict[str, Any], rule: Any) -> str | None:
    if "Input" in target and target["Input"] is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        try:
            found, value = _first_match(target["InputPath"], event)
        except Exception:
            return None
        return json.dumps(value) if found else None
    if target.get("InputTransformer"):
        return render_input_transformer(target["InputTransformer"], event, rule.arn, rule.name)
    return json.dumps(event)


def _invoke_via_runtime(function_arn: str, body: str) -> None:
    runtime_url = os.environ.get("CARIBOU_LOCAL_RUNTIME_URL")
    if not runtime_url:
        sys.stderr.write(f"caribou-moto: no local runtime to deliver to Lambda target {function_arn}\n")
        return

    def send() -> None:
        request = urllib.request.Request(
            f"{runtime_url}/2015-03-31/functions/{urllib.request.quote(function_arn, safe='')}/invocations",
            data=body.encode("utf-8"),
            method="POST",
            headers={"X-Amz-Invocation-Type": "Event", "Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=10).read()
        except Exception as error:  # the rule's delivery is best effort, as EventBridge retries are out of scope
            sys.stderr.write(f"caribou-moto: delivery to {function_arn} through the runtime failed: {error}\n")

    threading.Thread(target=send, daemon=True).start()


def patch_event_targets() -> None:
    from moto.events.models import Rule
    from moto.sqs import sqs_backends
    from moto.utilities.arns import parse_arn

    original = Rule.send_to_targets

    def send_to_targets(self: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
        if not str(self.state).startswith("ENABLED"):
            return
        if not self.event_pattern.matches_event(original_event):
            return
        event = _aws_event(copy.deepcopy(original_event))
        event.setdefault("account", self.account_id)
        for target in self.targets:
            arn = parse_arn(target["Arn"])
            if arn.service == "sqs":
                body = _target_body(target, event, self) if transform_input else json.dumps(event)
                if body is None:
                    continue
                backend = sqs_backends[arn.account][arn.region]
                group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
                dedup_id = None
                if group_id:
                    dedup_id = event.get("id")  # EventBridge uses the event id for FIFO dedup
                backend.send_message(queue_name=arn.resource_id, message_body=body, group_id=group_id, deduplication_id=dedup_id)
            elif arn.service == "lambda":
                body = _target_body(target, event, self) if transform_input else json.dumps(event)
                if body is not None:
                    _invoke_via_runtime(target["Arn"], body)
            else:
                single = copy.copy(self)
                single.targets = [target]
                original(single, original_event, transform_input)

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
    APPLIED.append("event-targets-input-account-state")


def patch_sqs_attributes() -> None:
    from moto.sqs.models import Queue

    original_set = Queue._set_attributes
    original_attributes = Queue.attributes

    def _set_attributes(self: Any, attributes: dict[str, Any], now: float | None = None) -> None:
        keep_policy = "Policy" not in attributes and hasattr(self, "_policy_json")
        saved = copy.deepcopy(self._policy_json) if keep_policy else None
        original_set(self, attributes, now)
        if keep_policy:
            self._policy_json = saved

    def attributes(self: Any) -> dict[str, Any]:
        result = original_attributes.fget(self)  # type: ignore[union-attr]
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        if result.get("Policy"):
            result["Policy"] = json.dumps(json.loads(result["Policy"]), separators=(",", ":"))
        return result

    Queue._set_attributes = _set_attributes  # type: ignore[method-assign]
    Queue.attributes = property(attributes)  # type: ignore[assignment]
    APPLIED.append("sqs-policy-kept-and-compact-json")


SERIALIZE_DYNAMODB = False
_dynamodb_lock = threading.Lock()


def patch_dynamodb_serialized() -> None:
    global SERIALIZE_DYNAMODB
    SERIALIZE_DYNAMODB = True
    APPLIED.append("dynamodb-serialized-requests")


def widen_condition_window(delay_ms: float) -> None:
    """Test hook: a sleep where moto's UpdateItem/DeleteItem have read the item and not yet
    checked the condition (a sleep releases the GIL, as a thread switch does)."""
    import moto.dynamodb.models as models

    original = models.create_condition_expression_parser

    def delayed(*args: Any, **kwargs: Any) -> Any:
        time.sleep(delay_ms / 1000)
        return original(*args, **kwargs)

    models.create_condition_expression_parser = delayed
    sys.stderr.write(f"caribou-moto: DynamoDB condition window widened by {delay_ms} ms (test hook)\n")


def apply_patches() -> None:
    import moto

    if moto.__version__ != EXPECTED_MOTO_VERSION:
        sys.stderr.write(
            f"caribou-moto: moto {moto.__version__} found, the patches were written for {EXPECTED_MOTO_VERSION}; "
            "run the local-mode emulator tests (test/integration/local/emulator.test.ts) before relying on it\n"
        )
    # CARIBOU_LOCAL_MOTO_PATCHES=none (or a comma list of patch names) is for checking that the
    # tests of test/integration/local/emulator.test.ts fail without a patch.
    wanted = os.environ.get("CARIBOU_LOCAL_MOTO_PATCHES", "all")
    patches = {
        "inert-event-source-mappings": patch_inert_event_source_mappings,
        "jsonpath-parse-cache": patch_jsonpath_cache,
        "event-targets-input-account-state": patch_event_targets,
        "sqs-policy-kept-and-compact-json": patch_sqs_attributes,
        "dynamodb-serialized-requests": patch_dynamodb_serialized,
    }
    APPLIED.append("pricing-get-products-sample")
    for name, apply in patches.items():
        if wanted == "all" or name in wanted.split(","):
            apply()
    delay_ms = float(os.environ.get("CARIBOU_LOCAL_MOTO_CONDITION_DELAY_MS") or 0)
    if delay_ms > 0:
        widen_condition_window(delay_ms)
    if "event-targets-input-account-state" in APPLIED and "jsonpath-parse-cache" not in APPLIED:
        global _jsonpath_parse
        import jsonpath_ng.ext

        _jsonpath_parse = jsonpath_ng.ext.parse


DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
DYNAMODB_ERRORS = {
    "ProvisionedThroughputExceededException": "400 Bad Request",
    "ThrottlingException": "400 Bad Request",
    "InternalServerError": "500 Internal Server Error",
}
FAULTS: dict[str, Any] = {"dynamodb_write_error_rate": 0.0, "dynamodb_error": "ProvisionedThroughputExceededException", "injected": 0}
_faults_lock = threading.Lock()


def _json_response(start_response: Any, status: str, payload: Any, headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = json.dumps(payload).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *(headers or [])])
    return [body]


def _injected_dynamodb_fault(environ: dict[str, Any]) -> str | None:
    """The error to answer this request with, or None. Only DynamoDB writes, only a share of them."""
    rate = FAULTS["dynamodb_write_error_rate"]
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if rate <= 0 or not target.startswith("DynamoDB_") or target.split(".")[-1] not in DYNAMODB_WRITES:
        return None
    import random

    if random.random() >= rate:
        return None
    with _faults_lock:
        FAULTS["injected"] += 1
    return FAULTS["dynamodb_error"]


class CaribouApp:
    """WSGI wrapper answering `/_caribou/*` and passing everything else to moto."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_caribou/faults"):
            if environ.get("REQUEST_METHOD") == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                update = json.loads(environ["wsgi.input"].read(length) or b"{}")
                rate = float(update.get("dynamodb_write_error_rate", FAULTS["dynamodb_write_error_rate"]))
                error = update.get("dynamodb_error", FAULTS["dynamodb_error"])
                if not 0 <= rate <= 1 or error not in DYNAMODB_ERRORS:
                    return _json_response(start_response, "400 Bad Request", {"message": f"rate must be 0..1 and error one of {sorted(DYNAMODB_ERRORS)}"})
                with _faults_lock:
                    FAULTS.update({"dynamodb_write_error_rate": rate, "dynamodb_error": error})
            return _json_response(start_response, "200 OK", FAULTS)
        error = _injected_dynamodb_fault(environ)
        if error is not None:
            payload = {"__type": f"com.amazonaws.dynamodb.v20120810#{error}", "message": f"injected by the local-mode fault switch ({error})"}
            return _json_response(start_response, DYNAMODB_ERRORS[error], payload, [("x-amzn-ErrorType", error)])
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("AWSPriceListService."):
            return self._pricing(target, environ, start_response)
        if environ.get("PATH_INFO", "").startswith("/_caribou/info"):
            import moto

            info = _jsonpath_parse.cache_info() if hasattr(_jsonpath_parse, "cache_info") else None
            body = json.dumps(
                {
                    "instanceId": INSTANCE_ID,
                    "pid": os.getpid(),
                    "startedAt": STARTED_AT,
                    "motoVersion": moto.__version__,
                    "patches": APPLIED,
                    "jsonpathCache": {"hits": info.hits, "misses": info.misses} if info else None,
                }
            ).encode("utf-8")
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if SERIALIZE_DYNAMODB and target.startswith("DynamoDB_"):
            return self._serialized(environ, start_response)
        return self.inner(environ, start_response)

    def _serialized(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        """Runs one DynamoDB request under the lock, body read before and response materialized inside."""
        import io

        length = int(environ.get("CONTENT_LENGTH") or 0)
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length) if length else b"")
        with _dynamodb_lock:
            response = self.inner(environ, start_response)
            try:
                return list(response)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()

    def _pricing(self, target: str, environ: dict[str, Any], start_response: Any) -> Any:
        import pricing_sample

        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
        if target == "AWSPriceListService.GetProducts":
            status, payload = pricing_sample.get_products(request)
        else:
            status, payload = 400, {"__type": "UnknownOperationException", "Message": f"{target} is not emulated"}
        body = json.dumps(payload).encode("utf-8")
        reason = "200 OK" if status == 200 else "400 Bad Request"
        start_response(reason, [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body))), ("x-amzn-RequestId", uuid.uuid4().hex)])
        return [body]


def _watch_owner(owner_pid: int) -> None:
    while True:
        time.sleep(1)
        try:
            os.kill(owner_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="moto server with Caribou's local-mode patches")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CARIBOU_LOCAL_EMULATOR_PORT", "4566")))
    parser.add_argument("--owner-pid", type=int, default=0, help="exit when this process is gone")
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))

    apply_patches()

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    if args.owner_pid:
        threading.Thread(target=_watch_owner, args=(args.owner_pid,), daemon=True).start()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, CaribouApp(app), threaded=True)
    sys.stdout.write(f"caribou-moto {INSTANCE_ID} listening on http://{args.host}:{server.server_port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
